"""Billing: client invoices from approved time and pay (bill rate or cost-plus), gapless numbers, the invoice
journal entry, PDFs and e-mail to the client's billing contact.

engine.py is pure (lines from approved time and paycheck facts); services own invoicing, issuing and sending;
admin, api, cli and demo are the entry points. Billing sits above payroll and benefits: it reads them, they
never import it."""
from __future__ import annotations


def init_app(app) -> None:
    """Register the models, row scopes, admin views, API, CLI, tasks and demo data of billing."""
    # Here, not at the top: importing the package (for the pure engine) must not load its web layers.
    from backoffice.api import register_blueprints
    from backoffice.billing import admin, api, cli, demo, models, receivables, scopes, tasks  # noqa: F401
    from backoffice.workers import add_demo_step

    admin.register(app.extensions["tandem_admin"])
    register_blueprints(app, api.blp)
    cli.register(app.cli)
    add_demo_step(app, demo.seed)      # after payroll's and benefits' steps: their approved time and paid runs
    receivables.init_app(app)     # payments, aging, statements, credit notes, write-offs (receivables.py)
