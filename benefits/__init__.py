"""Benefits: the agency's pooled plans, enrollment, payroll deductions and life events."""
from __future__ import annotations


def init_app(app) -> None:
    """Register the models, row scopes, admin views, API, portal pages, CLI and tasks of this domain."""
    # Here, not at the top: importing the package (for the pure engine) must not load its web layers.
    from backoffice.api import register_blueprints
    from backoffice.workers import add_demo_step
    from benefits import (admin, api, cli, cobra_admin, cobra_demo, cobra_models, cobra_portal, demo,  # noqa: F401
                          models, portal, scopes, tasks)

    admin.register(app.extensions["tandem_admin"])
    cobra_admin.register(app.extensions["tandem_admin"])
    register_blueprints(app, *api.blueprints())
    portal.register()
    cli.register(app.cli)
    add_demo_step(app, demo.seed)
    add_demo_step(app, cobra_demo.seed)
    _schedule_escalation(app)
    from benefits import aca_admin, aca_demo, aca_portal  # noqa: F401  ACA months and windows: admin, portal, demo

    aca_admin.register(app.extensions["tandem_admin"])
    add_demo_step(app, aca_demo.seed)
    from benefits import census_admin, portable      # census page; portable benefits: its own package

    census_admin.register(app.extensions["tandem_admin"])
    portable.init_app(app)


def _schedule_escalation(app) -> None:
    """The Celery beat entries: automatic 401(k) escalation checked every day at 05:00 (the clock's time zone); the
    monthly ACA records on the 1st at 04:00 (the month just ended)."""
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
