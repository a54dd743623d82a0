"""Every form module, imported once so each registers its FormSpec (compliance.registry). One line per form
family; keep the list sorted."""
from __future__ import annotations

from compliance.forms import aca  # noqa: F401  (1095-c, 1094-c)
from compliance.forms import f940, f941  # noqa: F401  (Forms 940, 941, 941-detail, 941-X)
from compliance.forms import f945, f1099  # noqa: F401  (Form 945; 1099-NEC and its correction)
from compliance.forms import state  # noqa: F401  (state-wage, state-recon, new-hire)
from compliance.forms import w2  # noqa: F401  (w2, w3, w2c)
