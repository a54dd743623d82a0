"""Compliance pages of the worker portal (they attach to backoffice.portal.bp)."""
from __future__ import annotations


def register() -> None:
    """Attach this domain's portal pages (none yet)."""
