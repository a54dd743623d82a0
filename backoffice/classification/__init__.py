"""Classification: whether an engagement is employment or contracting, with the reasoning factor by factor.

engine/ is pure (rule sets as dated JSON); services own the questionnaire, sign-off, reviews, re-checks and
reclassification; admin, portal and cli are the entry points."""
from __future__ import annotations


def init_app(app) -> None:
    """Register the models, row scopes, admin views, API, portal pages and CLI of this domain."""
    # Here, not at the top: importing the package (for the pure engine) must not load its web layers.
    from backoffice.api import register_blueprints
    from backoffice.classification import admin, api, cli, demo, models, portal, scopes, tasks  # noqa: F401

    admin.register(app.extensions["tandem_admin"])
    register_blueprints(app, api.blp)
    portal.init_app(app)
    cli.register(app.cli)
    schedule_rechecks(app, tasks.RECHECKS_TASK)
    app.extensions.setdefault("demo_steps", []).append(demo.seed)
    from backoffice.classification.compliance_checks import open_recheck_findings
    from compliance.check_services import add_check_source

    add_check_source(app, "rechecks", open_recheck_findings)


def recheck_hour(app) -> int:
    """CLASSIFICATION_RECHECK_HOUR (BACKOFFICE_CLASSIFICATION_RECHECK_HOUR): the UTC hour of the daily re-checks."""
    raw = app.config.get("CLASSIFICATION_RECHECK_HOUR", 6)
    try:
        hour = int(str(raw).strip())
    except ValueError:
        hour = -1
    if not 0 <= hour <= 23:
        raise RuntimeError(f"CLASSIFICATION_RECHECK_HOUR must be an hour from 0 to 23, not {raw!r}")
    return hour


def schedule_rechecks(app, task_name: str) -> None:
    """The Celery beat entry: re-checks every day at the configured hour (`celery -A backoffice.celery_worker
    beat` runs the schedule; the pass itself is once a day however often it is delivered)."""
    from celery.schedules import crontab

    celery = app.extensions["celery"]
    entries = dict(celery.conf.beat_schedule or {})
    entries["classification-rechecks-daily"] = {"task": task_name,
                                                "schedule": crontab(hour=recheck_hour(app), minute=0)}
    celery.conf.beat_schedule = entries
