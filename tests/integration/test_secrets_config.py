"""Keys are configured, or kept from a development secrets file: never generated silently outside tests."""
from __future__ import annotations

import json
import stat

import pytest
from cryptography.fernet import Fernet
from flask import Flask

from tests.conftest import ROOT


def _app(tmp_path) -> Flask:
    return Flask("backoffice-config-test", instance_path=str(tmp_path / "instance"))


def test_without_keys_or_a_secrets_file_startup_fails_naming_the_encryption_key_and_creates_nothing(tmp_path):
    from backoffice.config import load_config

    with pytest.raises(RuntimeError, match="BACKOFFICE_ENCRYPTION_KEY"):
        load_config(_app(tmp_path), {"SQLALCHEMY_DATABASE_URI": "sqlite://"}, environ={})
    assert not (tmp_path / "instance" / "secrets.json").exists()


def test_the_development_opt_in_creates_the_secrets_file_once_and_it_is_used_afterwards(tmp_path):
    from backoffice.config import load_config

    first = _app(tmp_path)
    load_config(first, {"SQLALCHEMY_DATABASE_URI": "sqlite://"}, environ={"BACKOFFICE_DEV_SECRETS": "1"})
    path = tmp_path / "instance" / "secrets.json"
    saved = json.loads(path.read_text())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.config["ENCRYPTION_KEYS"] == saved["ENCRYPTION_KEYS"]
    Fernet(saved["ENCRYPTION_KEYS"].encode())                        # a usable key
    later = _app(tmp_path)                                           # e.g. `backoffice create-user` after run
    load_config(later, {"SQLALCHEMY_DATABASE_URI": "sqlite://"}, environ={})
    assert (later.config["SECRET_KEY"], later.config["ENCRYPTION_KEYS"]) == (saved["SECRET_KEY"],
                                                                             saved["ENCRYPTION_KEYS"])


def test_keys_from_the_environment_need_no_secrets_file(tmp_path):
    from backoffice.config import load_config

    key = Fernet.generate_key().decode()
    app = _app(tmp_path)
    load_config(app, {"SQLALCHEMY_DATABASE_URI": "sqlite://"},
                environ={"BACKOFFICE_ENCRYPTION_KEY": key, "BACKOFFICE_SECRET_KEY": "s3cret"})
    assert (app.config["ENCRYPTION_KEYS"], app.config["SECRET_KEY"]) == (key, "s3cret")
    assert not (tmp_path / "instance" / "secrets.json").exists()


def test_the_run_script_opts_in_to_development_secrets():
    """`./scripts/run` on a fresh machine must still start: it asks for development secrets explicitly."""
    assert "export BACKOFFICE_DEV_SECRETS=" in (ROOT / "scripts" / "run").read_text()


def test_a_postgresql_pool_keeps_ten_connections_per_process_unless_told_otherwise(tmp_path):
    """SQLAlchemy's QueuePool keeps 5 by default; the web server runs 8 threads a process (./scripts/run), so the
    default is 10 (docs/serving.md). BACKOFFICE_DB_POOL_SIZE=16 gives 16; SQLite's file database has no pool size."""
    from backoffice.config import load_config

    pg = {"SQLALCHEMY_DATABASE_URI": "postgresql://tandem@127.0.0.1/x", "SECRET_KEY": "s",
          "ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    default, told, sqlite = _app(tmp_path), _app(tmp_path), _app(tmp_path)
    load_config(default, pg, environ={})
    load_config(told, pg, environ={"BACKOFFICE_DB_POOL_SIZE": "16"})
    load_config(sqlite, {**pg, "SQLALCHEMY_DATABASE_URI": "sqlite://"}, environ={})
    assert default.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 10
    assert told.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 16
    assert "pool_size" not in sqlite.config["SQLALCHEMY_ENGINE_OPTIONS"]
