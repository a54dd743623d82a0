"""Receivables inside billing: what money clients owe and pay. Registered from billing's init_app.

buckets.py and matching.py are pure (aging buckets; statement lines matched to invoices); receivables_models.py
the records; receipts.py, bank_import.py, credit_notes.py, writeoffs.py, aging.py and statements.py the services;
receivables_admin.py, receivables_api.py and receivables_demo.py the entry points."""
from __future__ import annotations


def init_app(app) -> None:
    from backoffice.billing import credit_notes, receivables_models  # noqa: F401
    from payroll import hooks

    hooks.add_hook(app, hooks.PAYCHECKS_REVERSED, credit_notes.paychecks_reversed)
    from backoffice.api import register_blueprints
    from backoffice.billing import receivables_api

    register_blueprints(app, receivables_api.blp)
    from backoffice.billing import receivables_admin

    receivables_admin.register(app.extensions["tandem_admin"])
    from backoffice.billing import receivables_demo

    receivables_demo.register(app)        # after billing's demo step, which issues the invoices
