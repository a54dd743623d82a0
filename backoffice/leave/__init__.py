"""Paid leave (issue 19): sick-leave laws by state and city, the agency's PTO and holiday policies, accrual from
the hours an approved run pays, balances with their ledger, requests and approvals, and approved leave paid by the
next run.

engine.py (with data/) is pure: the laws as dated data and the accrual rules. services.py owns every write;
accrual_services.py is payroll's side (accrue when a run is approved, take back when it is reversed); admin, api, portal, cli and
demo are the entry points. The domain sits above payroll and benefits: it reads them and registers on payroll's
hooks; they never import it."""
from __future__ import annotations


def init_app(app) -> None:
    """Register the models, row scopes, payroll hooks, admin views, API, portal pages, CLI and demo data of leave."""
    # Here, not at the top: importing the package (for a model or the pure engine) must not load its web layers.
    from backoffice.api import register_blueprints
    from backoffice.leave import accrual_services, admin, api, cli, demo, models, portal, scopes, services, tasks  # noqa: F401,E501
    from backoffice.leave import separation_services
    from backoffice.workers.services import add_engagement_hook
    from backoffice.portal import add_home_hook
    from backoffice.workers import add_demo_step
    from payroll import hooks

    hooks.add_hook(app, hooks.RUN_APPROVED, accrual_services.run_law_policies)
    hooks.add_hook(app, hooks.RUN_APPROVED_CHUNK, accrual_services.run_approved)
    hooks.add_hook(app, hooks.PAYCHECKS_REVERSED, accrual_services.paychecks_reversed)
    hooks.add_hook(app, hooks.PAYSTUB_LEAVE, services.paystub_leave)
    add_engagement_hook(app, separation_services.engagement_changed)   # separation / rehire follow engagements
    admin.register(app.extensions["tandem_admin"])
    register_blueprints(app, api.blp)
    add_home_hook(app, portal.home_balances)
    add_demo_step(app, demo.seed)
    cli.register(app.cli)             # the laws' commands: backoffice leave accrue, backoffice leave policies
    celery = app.extensions["celery"]
    entries = dict(celery.conf.beat_schedule or {})
    from celery.schedules import crontab

    entries["leave-roll-policy-years"] = {"task": tasks.ROLL_YEARS, "schedule": crontab(hour=0, minute=30)}
    celery.conf.beat_schedule = entries
