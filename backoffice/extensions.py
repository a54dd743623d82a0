"""Flask extensions, created unbound here and bound to an app in create_app."""
from __future__ import annotations

from celery import Celery, Task
from flask import Flask
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from backoffice.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login = LoginManager()
csrf = CSRFProtect()


def celery_init_app(app: Flask) -> Celery:
    """A Celery app whose tasks run inside the Flask app context; eager when no broker is configured."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config.get("CELERY_BROKER_URL")
    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=broker or "memory://",
        result_backend=app.config.get("CELERY_RESULT_BACKEND") or (broker if broker else None),
        task_always_eager=not broker,
        task_eager_propagates=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=False,
        broker_connection_retry_on_startup=True,
        # With acks_late, a task whose worker died is redelivered after the visibility timeout; chunks are
        # idempotent, so a short timeout only costs a possible duplicate delivery, never a duplicate paycheck.
        broker_transport_options={"visibility_timeout": 900},
    )  # tasks register as their modules are imported: backoffice.tasks by create_app, a domain's by its init_app
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
