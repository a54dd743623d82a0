"""Every form module, imported once so each registers its FormSpec (compliance.registry). One line per form
family; keep the list sorted."""
from __future__ import annotations
