"""Onboarding: invite a worker, the self-onboarding wizard (tax forms, I-9, bank, e-signed agreement), HR's board."""
from __future__ import annotations


def init_app(app) -> None:
    """Register the models, row scopes, admin views, API, portal pages and demo data of onboarding."""
    # Here, not at the top: importing the package (for a model) must not load its web layers.
    from backoffice.api import register_blueprints
    from backoffice.onboarding import admin, api, demo, models, portal, portal_profile, scopes  # noqa: F401
    from backoffice.portal import add_task_hook
    from backoffice.workers import add_demo_step

    admin.register(app.extensions["tandem_admin"])
    register_blueprints(app, api.blp, api.forms_blp)
    add_task_hook(app, portal.open_tasks, first=True, probe=portal.open_tasks_probe)
    add_demo_step(app, demo.seed)
    from backoffice.mailport import set_sender
    from backoffice.onboarding.mail import send_mail

    set_sender(app, send_mail)      # the e-mail port for the domains below onboarding (benefits' COBRA notices)
    from backoffice.onboarding.compliance_checks import i9_findings
    from compliance.check_services import add_check_source

    add_check_source(app, "i9", i9_findings)       # the compliance checks' I-9 part (compliance reads no onboarding)
    from celery.schedules import crontab

    from backoffice.onboarding.tasks import REMIND_DOCUMENTS

    celery = app.extensions["celery"]
    entries = dict(celery.conf.beat_schedule or {})
    entries["onboarding-remind-missing-documents"] = {"task": REMIND_DOCUMENTS, "schedule": crontab(hour=7, minute=0)}
    celery.conf.beat_schedule = entries
