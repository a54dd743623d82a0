"""Shared fixtures: one app per test session on SQLite or PostgreSQL, a rolled-back transaction per test, logins."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, settings
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession

ROOT = Path(__file__).resolve().parent.parent
IN_CI = bool(os.environ.get("CI"))
TEST_KEY = Fernet.generate_key().decode()
TEST_SECRET = "test-secret-key"
PASSWORD = "correct-horse-battery"

# No timing in the suite (issue 18): a property test's examples are judged by their assertions, never by how long
# the machine took to run or to generate them (a loaded machine tripped hypothesis's 200 ms deadline and its
# "input generation is slow" check on tests whose code had not changed).
settings.register_profile("tandem", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("tandem")


def need(what: str, available: bool, hint: str):
    """Skip locally when a real part is missing; in CI a missing part is a failure, never a skip."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available: {hint}")
    pytest.skip(f"{what} not available ({hint})")


XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")          # "gw0", "gw1"... under pytest -n; else ""


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """BACKOFFICE_TEST_DATABASE_URL (a database of its own per xdist worker), else a SQLite file per worker."""
    url = os.environ.get("BACKOFFICE_TEST_DATABASE_URL")
    if url:
        return _own_database(url, XDIST_WORKER) if XDIST_WORKER else url
    path = tmp_path_factory.mktemp("db") / "test.db"
    return f"sqlite:///{path}"


def _own_database(url: str, worker: str) -> str:
    """A fresh PostgreSQL database named after the given one and the xdist worker (tandem_test_gw0) on its server."""
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app_config(database_url, tmp_path_factory):
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": TEST_SECRET,
        "ENCRYPTION_KEYS": TEST_KEY,
        "WTF_CSRF_ENABLED": True,
        "PAYSTUB_CACHE_DIR": str(tmp_path_factory.mktemp("paystubs")),
        "VOICE_EXPORT_DIR": str(tmp_path_factory.mktemp("voice-exports")),
        "SERVER_NAME": None,
    }


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The `db` fixture keeps one app context open for the whole test; without this, requests would share its `g`
    (flask-login's cached user, flask-wtf's CSRF token) across clients and requests. The test's own session is
    rolled back before each request (the request sees only what was committed) and after it (the test reads
    what the request committed)."""

    def open(self, *args, **kwargs):
        from backoffice.extensions import db

        db.session.rollback()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.rollback()
        return response


def isolated_client(app) -> IsolatedClient:
    """One more signed-out IsolatedClient (its own cookies)."""
    return IsolatedClient(app, app.response_class, use_cookies=True)


class JoinableSession(FlaskSession):
    """flask-sqlalchemy's session, except that a `bind` given to the session factory wins over the app's engine
    (flask-sqlalchemy's get_bind always picks the engine): how the `db` fixture joins every session to its
    connection.

    On that shared connection each session's transaction is a SAVEPOINT, and one opened while another session's
    is still open (an eager Celery task's, a request's) nests inside it. So that ending the outer one does not
    undo what the inner one committed, a session that wrote nothing in its SAVEPOINT releases it instead of
    rolling it back: with real connections the inner commit would have stood on its own."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)

    def rollback(self) -> None:
        if self._wrote_nothing():
            self.commit()
        else:
            super().rollback()

    def close(self) -> None:
        if self._wrote_nothing():
            self.commit()
        super().close()

    def _wrote_nothing(self) -> bool:
        if self.bind is None or not self.in_transaction() or self.new or self.dirty or self.deleted:
            return False
        savepoints = self.bind.info.get("savepoints")
        return bool(savepoints) and not savepoints[-1][1]


def _track_savepoints(connection) -> None:
    """Keep connection.info["savepoints"]: the open SAVEPOINTs, innermost last, each with whether anything but a
    SELECT ran while it was the innermost (what JoinableSession asks before releasing one)."""
    stack = connection.info["savepoints"] = []

    @sa.event.listens_for(connection, "before_cursor_execute")
    def _seen(conn, cursor, statement, parameters, context, executemany):
        words = statement.split(None, 3)
        verb = words[0].upper() if words else ""
        if verb == "SAVEPOINT":
            stack.append([words[1], False])
        elif verb in ("RELEASE", "ROLLBACK") and len(words) >= 2 and "SAVEPOINT" in (w.upper() for w in words):
            name = words[-1]
            while stack and stack.pop()[0] != name:
                pass
        elif verb not in ("SELECT", "WITH", "PRAGMA") and stack:
            stack[-1][1] = True


@pytest.fixture(scope="session")
def app(app_config):
    from flask_migrate import upgrade

    from backoffice.app import create_app
    from backoffice.extensions import db
    from backoffice.security.access import sync_permissions

    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    _cheap_password_hashes()
    db.session.session_factory.class_ = JoinableSession
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        _wipe(db)
        sync_permissions()
        db.session.commit()
    return app


def _cheap_password_hashes() -> None:
    """Argon2id at its lowest cost instead of the production one (about half a second per hash or check here):
    tests check that passwords are stored as argon2id hashes and checked, not how costly the hash is."""
    from argon2 import PasswordHasher

    from backoffice.security import models

    models._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _wipe(db):
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(t.delete())


@pytest.fixture
def db(request, app):
    """An app context on a database holding only the permission table, in a transaction rolled back afterwards.

    Every session (the test's and each request's, one per app context) runs in a SAVEPOINT of one connection's
    outer transaction, so commits are real to the code under test and all of it is undone at the end. Tests
    marked `real_commits` (other processes or threads read the database) get real commits instead, on a wiped
    database, wiped again afterwards."""
    from backoffice.extensions import db as _db

    if request.node.get_closest_marker("real_commits"):
        yield from _committed(app, _db)
    else:
        yield from _rolled_back(app, _db)


def _rolled_back(app, _db):
    factory = _db.session.session_factory
    saved = dict(factory.kw)
    with app.app_context():
        connection = _db.engine.connect()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # pysqlite begins transactions itself and breaks SAVEPOINT; take over (SQLAlchemy's documented recipe).
        dbapi = connection.connection.driver_connection
        saved_level = dbapi.isolation_level
        dbapi.isolation_level = None
    outer = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    _track_savepoints(connection)
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        with app.app_context():
            yield _db
            _db.session.rollback()
    finally:
        factory.kw = saved
        outer.rollback()
        connection.info.pop("savepoints", None)
        if sqlite:
            dbapi.isolation_level = saved_level
        connection.close()


def _committed(app, _db):
    from backoffice.security.access import sync_permissions

    with app.app_context():
        _wipe(_db)
        sync_permissions()
        _db.session.commit()
        try:
            yield _db
        finally:
            _db.session.rollback()
            _db.session.remove()
            _wipe(_db)
            sync_permissions()          # back to what every rolled-back test starts from
            _db.session.commit()


@pytest.fixture
def fixed_clock(app):
    """The app's clock stopped at noon UTC on 2026-11-22 (move it with .set() or .advance()); restored afterwards."""
    from datetime import date

    from backoffice.clock import FixedClock

    system = app.extensions["clock"]
    app.extensions["clock"] = fixed = FixedClock(date(2026, 11, 22))
    yield fixed
    app.extensions["clock"] = system


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


# ------------------------------------------------------------------ people and logins
@pytest.fixture
def make_user(db):
    """A user of a role made by the real create_user service; signs in with PASSWORD."""
    from tests.factories import UserFactory

    def make(role: str, email: str | None = None, **kw):
        return UserFactory(role=role, **({"email": email} if email else {}), **kw)
    return make


@pytest.fixture
def login(app):
    """Sign a test client in through the real login form (CSRF token included)."""
    import re

    def do(client, user, password: str = PASSWORD):
        page = client.get("/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1).decode()
        resp = client.post("/login", data={"email": user.email, "password": password, "csrf_token": token})
        assert resp.status_code in (302, 303), resp.data[:500]
        return resp
    return do


@pytest.fixture
def token_for(db):
    from backoffice.security.services import issue_api_token

    def make(user):
        return {"Authorization": f"Bearer {issue_api_token(user, 'test')}"}
    return make


def csrf_token_from(html: bytes) -> str:
    import re

    m = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert m, "no CSRF token in the page"
    return m.group(1).decode()


# ------------------------------------------------------------------ real parts
@pytest.fixture(scope="session")
def redis_url():
    """BACKOFFICE_TEST_REDIS_URL; under xdist, worker gwN uses the database number after it plus N (its own queue)."""
    url = os.environ.get("BACKOFFICE_TEST_REDIS_URL")
    if url and XDIST_WORKER:
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(url)
        url = urlunsplit(parts._replace(path=f"/{int(parts.path.strip('/') or 0) + int(XDIST_WORKER[2:])}"))
    ok = False
    if url:
        try:
            import redis

            ok = redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except Exception:
            ok = False
    need("Redis", ok, "set BACKOFFICE_TEST_REDIS_URL (scripts/test starts one)")
    return url


@pytest.fixture(scope="session")
def chromium_path():
    import shutil

    path = os.environ.get("BACKOFFICE_TEST_CHROMIUM") or shutil.which("chromium")
    need("Chromium", bool(path and os.path.exists(path)), "apt-get install chromium (scripts/test does)")
    return path


@pytest.fixture(scope="session")
def pdftotext():
    import shutil

    path = shutil.which("pdftotext")
    need("pdftotext", bool(path), "apt-get install poppler-utils (scripts/test does)")
    return path
