"""Shared fixtures: one app per test session on SQLite or PostgreSQL, a clean database per test, logins."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parent.parent
IN_CI = bool(os.environ.get("CI"))
TEST_KEY = Fernet.generate_key().decode()
TEST_SECRET = "test-secret-key"
PASSWORD = "correct-horse-battery"


def need(what: str, available: bool, hint: str):
    """Skip locally when a real part is missing; in CI a missing part is a failure, never a skip."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available: {hint}")
    pytest.skip(f"{what} not available ({hint})")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("BACKOFFICE_TEST_DATABASE_URL")
    if url:
        return url
    path = tmp_path_factory.mktemp("db") / "test.db"
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def app_config(database_url, tmp_path_factory):
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": TEST_SECRET,
        "ENCRYPTION_KEYS": TEST_KEY,
        "WTF_CSRF_ENABLED": True,
        "PAYSTUB_CACHE_DIR": str(tmp_path_factory.mktemp("paystubs")),
        "SERVER_NAME": None,
    }


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The `db` fixture keeps one app context open for the whole test; without this, requests would share its `g`
    (flask-login's cached user, flask-wtf's CSRF token) across clients and requests. After each request the
    test's own session is rolled back so the test reads what the request committed."""

    def open(self, *args, **kwargs):
        from backoffice.extensions import db

        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.rollback()
        return response


@pytest.fixture(scope="session")
def app(app_config):
    from flask_migrate import upgrade

    from backoffice.app import create_app
    from backoffice.extensions import db

    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
    return app


def _wipe(db):
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(t.delete())


@pytest.fixture
def db(app):
    """An app context with an empty database (permissions loaded); wiped again afterwards."""
    from backoffice.extensions import db as _db
    from backoffice.security.access import sync_permissions

    with app.app_context():
        _wipe(_db)
        sync_permissions()
        _db.session.commit()
        yield _db
        _db.session.rollback()
        _db.session.remove()
        _wipe(_db)


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
    from backoffice.security.services import create_user

    def make(role: str, email: str | None = None, **kw):
        return create_user(email=email or f"{role}.{os.urandom(3).hex()}@example.com", role=role,
                           password=PASSWORD, **kw)
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
    url = os.environ.get("BACKOFFICE_TEST_REDIS_URL")
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
