"""A fresh app on its own SQLite file, migrated to the step before a revision, for the tests of a migration's data
changes; the session's app is restored after."""
from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def app_before(app, app_config, tmp_path, revision: str):
    """Yields (the other app, the revision before `revision`) inside the other app's context."""
    from alembic.script import ScriptDirectory
    from flask import current_app
    from flask_migrate import upgrade

    from backoffice import crypto
    from backoffice.app import create_app

    other = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/old.db"))
    try:
        with other.app_context():
            config = current_app.extensions["migrate"].migrate.get_config()
            previous = ScriptDirectory.from_config(config).get_revision(revision).down_revision
            upgrade(revision=previous)
            yield other, previous
    finally:
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()
        crypto._STATE["last"] = app.extensions["crypto"]
