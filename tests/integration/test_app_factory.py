"""create_app is a plain factory: it can build several independent apps in one process."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def restore_session_app(app):
    """Creating an app makes its Celery app the current one; give the session's app its place back after."""
    from backoffice import crypto

    yield
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()
    crypto._STATE["last"] = app.extensions["crypto"]


def test_two_apps_in_one_process(app_config, tmp_path):
    from backoffice.app import create_app

    a = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/a.db"))
    b = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/b.db"))
    assert a is not b
    # the API still demands a token on both
    assert a.test_client().get("/api/v1/workers").status_code == 401
    assert b.test_client().get("/api/v1/workers").status_code == 401


def test_environment_variables_configure_the_app(monkeypatch, tmp_path):
    from backoffice.app import create_app

    monkeypatch.setenv("BACKOFFICE_DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv("BACKOFFICE_SECRET_KEY", "from-env")
    monkeypatch.setenv("BACKOFFICE_PLAID_ENV", "production")
    monkeypatch.setenv("BACKOFFICE_PAYROLL_ODFI_ROUTING", "021000021")
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("/env.db")
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["PLAID_ENV"] == "production"
    assert app.config["PAYROLL_ODFI_ROUTING"] == "021000021"
    assert app.extensions["celery"].conf.task_always_eager is True      # no broker: eager


def test_the_clock_is_the_system_clock_unless_configured_fixed(monkeypatch, app_config, tmp_path):
    from datetime import date

    from backoffice.app import create_app
    from backoffice.clock import Clock

    plain = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/plain.db"))
    assert type(plain.extensions["clock"]) is Clock
    monkeypatch.setenv("BACKOFFICE_CLOCK", "2026-01-05")
    fixed = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/fixed.db"))
    assert fixed.extensions["clock"].today() == date(2026, 1, 5)
