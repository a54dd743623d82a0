"""Notifications to workers (issue 17 point 4): paycheck ready, enrollment window open, document needed, a week of
time approved or sent back — created once per event by the service where it happens, shown in the portal (the
header's bell, a list, mark read), by API, and e-mailed once through the mail port after commit.

A layer above workers and below payroll (setup.cfg): payroll, benefits and onboarding call `services.notify_many`
from their own services; this package imports none of them."""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)
IN_REQUEST_BATCH = 50


def _send_after_request(response):
    """A request whose units of work wrote notifications sends their e-mails once it is done (after the commit;
    a task on a broker, in this process on the embedded default). A refusal to send is kept on the row."""
    from flask import current_app

    from backoffice.extensions import db
    from backoffice.notifications.services import PENDING_FLAG
    from backoffice.notifications.tasks import SEND_PENDING
    from backoffice.tasks import enqueue, runs_in_process

    if db.session.info.pop(PENDING_FLAG, None) and not current_app.config.get("NOTIFICATIONS_NO_MAIL"):
        try:
            # in this process (no broker) the request waits for the sending: a first batch only, the rest goes
            # with `backoffice notifications send` or Celery beat; a worker with a broker sends them all
            enqueue(SEND_PENDING, *((IN_REQUEST_BATCH,) if runs_in_process() else ()))
        except Exception:           # never fail the worker's request over an e-mail; the beat task retries
            log.exception("notification e-mails not sent")
            db.session.rollback()
    return response


def init_app(app) -> None:
    """Register the model, row scope, admin list, API, portal pages, the bell, the mail sender and demo data."""
    from backoffice.api import register_blueprints
    from backoffice.notifications import admin, api, cli, demo, models, portal, scopes, tasks  # noqa: F401
    from backoffice.notifications import services
    from backoffice.security.sessions import add_session_column
    from backoffice.workers import add_demo_step

    admin.register(app.extensions["tandem_admin"])
    register_blueprints(app, api.blp)
    cli.register(app.cli)
    app.context_processor(portal.unread_badge)
    add_session_column(services.UNREAD, services.unread_column)   # the bell's count, read with the session
    app.after_request(_send_after_request)
    add_demo_step(app, demo.seed)
    celery = app.extensions["celery"]
    entries = dict(celery.conf.beat_schedule or {})
    entries["notifications-send-pending"] = {"task": tasks.SEND_PENDING, "schedule": 300.0}
    celery.conf.beat_schedule = entries
