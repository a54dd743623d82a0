"""The worker self-service portal: the `portal` blueprint at /portal (home, paychecks, documents, onboarding)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")


def add_task_hook(app, hook) -> None:
    """Let another package add open tasks to the portal home: hook(worker) -> [{"label": str, "url": str}]."""
    app.extensions.setdefault("portal_task_hooks", []).append(hook)


def init_app(app) -> None:
    """Register the portal pages (called by create_app)."""
    from backoffice.portal import onboarding_views, views  # noqa: F401  (routes attach to bp)

    app.register_blueprint(bp)
