"""Benefits: the agency's pooled plans, enrollment, payroll deductions and life events."""
from __future__ import annotations


def init_app(app) -> None:
    """Register the models, row scopes, admin views, API, portal pages, CLI and tasks of this domain."""
    # Here, not at the top: importing the package (for the pure engine) must not load its web layers.
    from backoffice.api import register_blueprints
    from backoffice.workers import add_demo_history, add_demo_step
    from benefits import (aca_admin, aca_demo, aca_portal, admin, api, census_admin, cli, cobra_admin,  # noqa: F401
                          cobra_demo, cobra_models, cobra_portal, demo, edi_admin, edi_demo, edi_models, models,
                          ops_api, portable, portal, recon_admin, recon_api, recon_demo, recon_models, scopes, tasks)

    tandem_admin = app.extensions["tandem_admin"]
    for views in (admin, cobra_admin, aca_admin, census_admin, edi_admin, recon_admin):
        views.register(tandem_admin)
    register_blueprints(app, *api.blueprints(), *recon_api.blueprints(), *ops_api.blueprints())
    portal.register()
    cli.register(app.cli)
    # demo steps in order: the plans, carriers and enrollments first; then what reads them
    for step in (demo.seed, cobra_demo.seed, aca_demo.seed, edi_demo.seed, recon_demo.seed):
        add_demo_step(app, step)
    add_demo_history(app, aca_demo.history)      # after payroll's: the year's ACA months from its paid hours
    _schedule_escalation(app)
    portable.init_app(app)


def _schedule_escalation(app) -> None:
    """The Celery beat entries: automatic 401(k) escalation checked every day at 05:00 (the clock's time zone); the
    monthly ACA records on the 1st at 04:00 (the month just ended); the COBRA pass every day at 05:15."""
    from celery.schedules import crontab

    celery = app.extensions.get("celery")
    if celery is None:
        return
    entries = dict(celery.conf.beat_schedule or {})
    entries["benefits-escalation-daily"] = {"task": "benefits.escalate_deferrals",
                                            "schedule": crontab(hour=5, minute=0)}
    entries["benefits-aca-months-monthly"] = {"task": "benefits.build_aca_months",
                                              "schedule": crontab(day_of_month=1, hour=4, minute=0)}
    entries["benefits-cobra-daily"] = {"task": "benefits.cobra_daily", "schedule": crontab(hour=5, minute=15)}
    celery.conf.beat_schedule = entries
