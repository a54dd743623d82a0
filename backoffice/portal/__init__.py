"""The worker self-service portal: the `portal` blueprint at /portal. Each domain attaches its pages to `bp`."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")


def add_task_hook(app, hook, *, first: bool = False) -> None:
    """A domain's open tasks on the portal home: hook(worker) -> [{"label": str, "url": str}]. Onboarding's come
    first (nothing is paid before it is done); the others follow in domain order."""
    hooks = app.extensions.setdefault("portal_task_hooks", [])
    hooks.insert(0, hook) if first else hooks.append(hook)


def add_home_hook(app, hook) -> None:
    """A domain's figures on the portal home: hook(worker, engagements) -> {template name: value}."""
    app.extensions.setdefault("portal_home_hooks", []).append(hook)


def init_app(app) -> None:
    """Register the portal blueprint, after the domains have attached their pages (called by create_app)."""
    from backoffice.portal import views  # noqa: F401  (its error handler attaches to bp; views imports bp)

    app.register_blueprint(bp)
