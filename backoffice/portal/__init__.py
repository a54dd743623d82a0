"""The worker self-service portal: the `portal` blueprint at /portal. Each domain attaches its pages to `bp`."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")


def add_task_hook(app, hook) -> None:
    """Let another package add open tasks to the portal home: hook(worker) -> [{"label": str, "url": str}]."""
    app.extensions.setdefault("portal_task_hooks", []).append(hook)


def init_app(app) -> None:
    """Register the portal blueprint, after the domains have attached their pages (called by create_app)."""
    from backoffice.portal import views  # noqa: F401  (home and the shared pages attach to bp; views imports bp)

    app.register_blueprint(bp)
