"""Compliance admin views (staff)."""
from __future__ import annotations


def register(admin) -> None:
    """Add this domain's views to the admin (none yet)."""
