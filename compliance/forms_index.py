"""Every form module, imported once so each registers its FormSpec (compliance.registry). One line per form
family; keep the list sorted."""
from __future__ import annotations

from compliance.forms import w2  # noqa: F401  (w2, w3, w2c)
