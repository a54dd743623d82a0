"""Every form module, imported once so each registers its FormSpec (compliance.registry). One line per form
family; keep the list sorted."""
from __future__ import annotations
from compliance.forms import aca  # noqa: F401  (1095-c, 1094-c)
from compliance.forms import state  # noqa: F401  (state-wage, state-recon, new-hire)
