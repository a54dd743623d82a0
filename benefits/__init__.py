"""Benefits: the agency's pooled plans, enrollment, payroll deductions and life events."""
from __future__ import annotations


def init_app(app) -> None:
    """Register the models, row scopes, admin views, API, portal pages, CLI and tasks of this domain."""
    # Here, not at the top: importing the package (for the pure engine) must not load its web layers.
    from backoffice.api import register_blueprints
    from backoffice.workers import add_demo_step
    from benefits import admin, api, cli, demo, models, portal, scopes, tasks  # noqa: F401

    admin.register(app.extensions["tandem_admin"])
    register_blueprints(app, *api.blueprints())
    portal.register()
    cli.register(app.cli)
    add_demo_step(app, demo.seed)
    _schedule_escalation(app)
    from benefits import census_admin, portable      # census page; portable benefits: its own package
    from benefits import models_bills, recon_admin, recon_api, recon_demo  # noqa: F401 - carrier bills

    census_admin.register(app.extensions["tandem_admin"])
    recon_admin.register(app.extensions["tandem_admin"])
    register_blueprints(app, *recon_api.blueprints())
    add_demo_step(app, recon_demo.seed)
    portable.init_app(app)


def _schedule_escalation(app) -> None:
    """The Celery beat entry: automatic 401(k) escalation checked every day at 05:00 (the clock's time zone)."""
    from celery.schedules import crontab

    celery = app.extensions.get("celery")
    if celery is None:
        return
    entries = dict(celery.conf.beat_schedule or {})
    entries["benefits-escalation-daily"] = {"task": "benefits.escalate_deferrals",
                                            "schedule": crontab(hour=5, minute=0)}
    celery.conf.beat_schedule = entries
