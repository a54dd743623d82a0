"""Benefits API endpoints under /api/v1."""
from __future__ import annotations


def blueprints() -> list:
    """This domain's API blueprints (none yet)."""
    return []
