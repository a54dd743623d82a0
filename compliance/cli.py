"""`backoffice compliance ...` commands."""
from __future__ import annotations


def register(cli) -> None:
    """Add this domain's commands to the `backoffice` command line (none yet)."""
