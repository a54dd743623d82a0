"""Compliance: tax filings (941, 940, W-2/EFW2, 1099-NEC, 945, 1094-C/1095-C, state reports) on a calendar."""
from __future__ import annotations


def init_app(app) -> None:
    """Register the models, row scopes, admin views, API, portal pages, CLI and tasks of this domain."""
    # Here, not at the top: importing the package (for the pure engine) must not load its web layers.
    from backoffice.api import register_blueprints
    from backoffice.workers import add_demo_history
    from compliance import admin, api, cli, demo, models, portal, scopes, tasks  # noqa: F401

    admin.register(app.extensions["tandem_admin"])
    register_blueprints(app, *api.blueprints())
    portal.register()
    cli.register(app.cli)
    tasks.schedule(app)
    add_demo_history(app, demo.history)     # after payroll's and benefits': the past year's filings, filed
