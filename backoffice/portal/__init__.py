"""The worker portal: the `portal` blueprint at /portal (each domain attaches its pages to `bp`), its form errors."""
from __future__ import annotations

from flask import Blueprint

from backoffice.errors import DomainError, NotFound, Refusal, ValidationFailed
from backoffice.extensions import db

bp = Blueprint("portal", __name__, url_prefix="/portal")


class form_errors(Refusal):  # noqa: N801 - a context manager, named like contextlib.suppress
    """The portal's one translation of a refused service call: `with form_errors() as refused:`.

    A ValidationFailed raised in the block rolls the session back and is kept: the page is shown again with
    `refused.errors` beside their fields, status 422. Any other DomainError goes on to the error handlers (a
    NotFound to the portal's 404 page), unless the page shows refusals itself (refusals=True): then it is kept
    too, for `refused.message` (a NotFound still goes on)."""

    def __init__(self, *, refusals: bool = False):
        self.refusals = refusals

    def keeps(self, exc: DomainError) -> bool:
        return isinstance(exc, ValidationFailed) or (self.refusals and not isinstance(exc, NotFound))

    def kept(self) -> None:
        db.session.rollback()


def add_task_hook(app, hook, *, first: bool = False, probe=None) -> None:
    """A domain's open tasks on the portal home: hook(worker) -> [{"label": str, "url": str}]. Onboarding's come
    first (nothing is paid before it is done); the others follow in domain order.

    `probe(worker)`: a SQL boolean (an EXISTS) that is true whenever the hook may have a task. The home asks every
    hook's probe in one statement and calls only the hooks whose probe is true (most visits: none), instead of one
    statement or more per hook (issue 18 point 5). It may be true when the hook finds nothing, never the reverse."""
    hooks = app.extensions.setdefault("portal_task_hooks", [])
    hooks.insert(0, hook) if first else hooks.append(hook)
    if probe is not None:
        app.extensions.setdefault("portal_task_probes", {})[hook] = probe


def add_home_hook(app, hook, *, figures=None) -> None:
    """A domain's figures on the portal home: hook(worker, engagements) -> {template name: value}.

    `figures(worker)`: {name: a SQL scalar expression} the hook needs. The home reads every hook's figures and the
    task hooks' probes in one statement and calls hook(worker, engagements, values) with its own values by name,
    instead of a statement per hook (issue 18 point 5)."""
    app.extensions.setdefault("portal_home_hooks", []).append(hook)
    if figures is not None:
        app.extensions.setdefault("portal_home_figures", {})[hook] = figures


def init_app(app) -> None:
    """Register the portal blueprint, after the domains have attached their pages (called by create_app)."""
    from backoffice.portal import views  # noqa: F401  (its error handler attaches to bp; views imports bp)

    app.register_blueprint(bp)
