"""Portable benefits for contractors and part-timers: contributions per engagement into an account that belongs
to the worker and follows them from client to client (docs/benefits-portable.md)."""
from __future__ import annotations


def init_app(app) -> None:
    """Register the models, scopes, admin views, API, portal page, demo step and payroll hooks."""
    from backoffice.api import register_blueprints
    from backoffice.portal import add_home_hook
    from backoffice.workers import add_demo_step
    from payroll import hooks

    from . import admin, api, cli, demo, models, portal, scopes, services  # noqa: F401

    admin.register(app.extensions["tandem_admin"])
    register_blueprints(app, *api.blueprints())
    add_home_hook(app, portal.home_cards, figures=portal.home_figures)
    cli.register(app.cli)
    add_demo_step(app, demo.seed)                      # after payroll's: credits the run it paid
    hooks.add_hook(app, hooks.RUN_PAID, services.run_paid)
    hooks.add_hook(app, hooks.PAYCHECKS_REVERSED, services.reverse_credits)
