"""Configuration: defaults, then BACKOFFICE_* environment variables, then the mapping given to create_app."""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Mapping

from cryptography.fernet import Fernet

# Environment variable -> Flask config key. Read only inside create_app, never at import time.
ENV_VARS = {
    "BACKOFFICE_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "BACKOFFICE_DB_POOL_SIZE": "DB_POOL_SIZE",
    "BACKOFFICE_LEAVE_EMPLOYER_NET_INCOME": "LEAVE_EMPLOYER_NET_INCOME",
    "BACKOFFICE_SECRET_KEY": "SECRET_KEY",
    "BACKOFFICE_ENCRYPTION_KEY": "ENCRYPTION_KEYS",
    "BACKOFFICE_BROKER_URL": "CELERY_BROKER_URL",
    "BACKOFFICE_RESULT_BACKEND": "CELERY_RESULT_BACKEND",
    "BACKOFFICE_PLAID_CLIENT_ID": "PLAID_CLIENT_ID",
    "BACKOFFICE_PLAID_SECRET": "PLAID_SECRET",
    "BACKOFFICE_PLAID_ENV": "PLAID_ENV",
    "BACKOFFICE_PLAID_HOST": "PLAID_HOST",
    "BACKOFFICE_PLAID_LINK_SCRIPT_URL": "PLAID_LINK_SCRIPT_URL",
    "BACKOFFICE_SMTP_HOST": "SMTP_HOST",
    "BACKOFFICE_SMTP_PORT": "SMTP_PORT",
    "BACKOFFICE_SMTP_USER": "SMTP_USER",
    "BACKOFFICE_SMTP_PASSWORD": "SMTP_PASSWORD",
    "BACKOFFICE_MAIL_FROM": "MAIL_FROM",
    "BACKOFFICE_BASE_URL": "BASE_URL",
    "BACKOFFICE_PAYSTUB_CACHE_DIR": "PAYSTUB_CACHE_DIR",
    "BACKOFFICE_PAYROLL_ODFI_ROUTING": "PAYROLL_ODFI_ROUTING",
    "BACKOFFICE_PAYROLL_ODFI_NAME": "PAYROLL_ODFI_NAME",
    "BACKOFFICE_PAYROLL_IMMEDIATE_ORIGIN": "PAYROLL_IMMEDIATE_ORIGIN",
    "BACKOFFICE_NACHA_CUTOFF_DAYS": "NACHA_CUTOFF_DAYS",
    "BACKOFFICE_NACHA_CUTOFF_TIME": "NACHA_CUTOFF_TIME",
    "BACKOFFICE_NACHA_CUTOFF_TIMEZONE": "NACHA_CUTOFF_TIMEZONE",
    "BACKOFFICE_REPORTS_EXPORT_DIR": "REPORTS_EXPORT_DIR",
    "BACKOFFICE_CLOCK": "CLOCK",
    "BACKOFFICE_REQUIRE_MFA": "REQUIRE_MFA",
    "BACKOFFICE_SMTP_TLS": "SMTP_TLS",
    "BACKOFFICE_MAX_CONTENT_LENGTH": "MAX_CONTENT_LENGTH",
    "BACKOFFICE_CLASSIFICATION_RECHECK_HOUR": "CLASSIFICATION_RECHECK_HOUR",
    "BACKOFFICE_CLASSIFICATION_HOLD_UNCLASSIFIED": "CLASSIFICATION_HOLD_UNCLASSIFIED",
    "BACKOFFICE_EDI834_USAGE": "EDI834_USAGE",
    "BACKOFFICE_IRS_TCC": "IRS_TCC",
    "BACKOFFICE_SSA_BSO_USER_ID": "SSA_BSO_USER_ID",
    "BACKOFFICE_FILER_CONTACT_NAME": "FILER_CONTACT_NAME",
    "BACKOFFICE_FILER_CONTACT_PHONE": "FILER_CONTACT_PHONE",
    "BACKOFFICE_FILER_CONTACT_EMAIL": "FILER_CONTACT_EMAIL",
    "BACKOFFICE_VOICE_BALLOT_KEY": "VOICE_BALLOT_KEY",
    "BACKOFFICE_VOICE_EXPORT_DIR": "VOICE_EXPORT_DIR",
}

DEFAULTS: dict = {
    "SQLALCHEMY_DATABASE_URI": None,  # filled with the instance SQLite file
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # Connections each process keeps open to a database server (PostgreSQL), idle between requests: at least the
    # web server's threads per process (WEB_THREADS, 8), or under load every request past SQLAlchemy's default 5
    # opens a connection (a new PostgreSQL backend, its catalog caches cold) and closes it again. Only what is
    # used is opened: a single-threaded CLI or worker still holds one.
    "DB_POOL_SIZE": 10,
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "SECRET_KEY": None,
    "ENCRYPTION_KEYS": None,
    "CELERY_BROKER_URL": None,  # none -> tasks run eagerly in-process
    "CELERY_RESULT_BACKEND": None,
    "PLAID_CLIENT_ID": None,
    "PLAID_SECRET": None,
    "PLAID_ENV": "sandbox",
    "PLAID_HOST": None,
    "PLAID_LINK_SCRIPT_URL": "https://cdn.plaid.com/link/v2/stable/link-initialize.js",
    "SMTP_HOST": None,
    "SMTP_PORT": 25,
    "SMTP_USER": None,
    "SMTP_PASSWORD": None,
    "SMTP_TLS": "starttls",  # "starttls": verified TLS whenever the server offers it, required before a password; "off": never
    "MAIL_FROM": "Tandem <no-reply@tandem.local>",
    "BASE_URL": "http://127.0.0.1:5000",
    "PAYSTUB_CACHE_DIR": None,
    # The agency's bank (ODFI) for NACHA files; the demo default is a valid ABA number, not a real account.
    "PAYROLL_ODFI_ROUTING": "011000015",
    "PAYROLL_ODFI_NAME": "FEDERAL RESERVE BANK",
    "PAYROLL_IMMEDIATE_ORIGIN": None,
    # The ODFI's cut-off for a payroll file: it must arrive NACHA_CUTOFF_DAYS banking days before the effective
    # entry date (the pay date), by NACHA_CUTOFF_TIME (HH:MM) in NACHA_CUTOFF_TIMEZONE (the bank's set-up sheet).
    "NACHA_CUTOFF_DAYS": 1,
    "NACHA_CUTOFF_TIME": "17:00",
    "NACHA_CUTOFF_TIMEZONE": "America/New_York",
    "REPORTS_EXPORT_DIR": None,
    "VOICE_BALLOT_KEY": None,    # the HMAC key of ballot tokens (docs/voice.md); default: derived from SECRET_KEY
    "VOICE_EXPORT_DIR": None,    # workers' data-export ZIPs; default <instance>/voice-exports
    "CLOCK": None,  # none -> the system clock; an ISO date or time fixes it (demos, replaying a day), see clock.py
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,  # seconds; the cookie's life (sessions also end server-side)
    # the cookie is signed and sent at sign-in (and when the session changes), not again on every response: its life
    # above equals SESSION_MAX_HOURS, after which the server-side row ends the session anyway, so re-sending it
    # (an HMAC and a Set-Cookie each request) moved nothing (issue 18 point 5)
    "SESSION_REFRESH_EACH_REQUEST": False,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,  # a form's CSRF token expires after a working day
    "SESSION_IDLE_MINUTES": 60,  # a signed-in session unused this long ends
    "SESSION_MAX_HOURS": 12,  # and every session ends this long after sign-in, however busy
    "LOGIN_MAX_FAILURES": 5,  # failed sign-ins for one email from one address within the window, then wait
    "LOGIN_IP_MAX_FAILURES": 20,  # failed sign-ins from one address (any email) within the window, then wait
    "LOGIN_WINDOW_MINUTES": 15,
    "REQUIRE_MFA": False,  # BACKOFFICE_REQUIRE_MFA=1: admin and finance must use a second factor
    "API_TOKEN_TTL_DAYS": 90,  # a new API token's life unless `create-token --ttl-days` says otherwise
    "INVITE_TTL_HOURS": 72,
    "PAYROLL_CHUNK_SIZE": 2000,
    "CLASSIFICATION_RECHECK_HOUR": 6,  # UTC hour of the daily classification re-checks (Celery beat)
    # An engagement with no signed classification: False -> paid as its type, listed in the run's exceptions as
    # "assess"; True -> its worker is held out of the run until HR signs an assessment (docs/classification.md)
    "CLASSIFICATION_HOLD_UNCLASSIFIED": False,
    # ISA15 of the carriers' 834 files: P (production) unless set to T (test) for a carrier's test environment
    "EDI834_USAGE": "P",
    # the agency's net income in the previous tax year (dollars), for New York's paid-leave test of employers of 4
    # or fewer (Labor Law §196-b(1)(a)); empty: not given, the unpaid tier applies (docs/leave.md)
    "LEAVE_EMPLOYER_NET_INCOME": "",
    # e-file transmitters (compliance): the IRS Transmitter Control Code for FIRE/IRIS (5 characters), the SSA
    # Business Services Online user id for EFW2 (8 characters), and who the agencies call about a file
    "IRS_TCC": "",
    "SSA_BSO_USER_ID": "",
    "FILER_CONTACT_NAME": "",
    "FILER_CONTACT_PHONE": "",
    "FILER_CONTACT_EMAIL": "",
    "API_TITLE": "Tandem back office API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": None,
    "FLASK_ADMIN_SWATCH": "cerulean",
    "TESTING": False,
    # The largest request body (bytes): larger ones get 413 before anything reads them. The biggest real upload
    # is a worker or timesheet import (capped lower still, see docs/security.md).
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
}


DEV_SECRETS_VAR = "BACKOFFICE_DEV_SECRETS"


def _instance_secrets(instance_path: str, *, create: bool) -> dict:
    """Development secrets kept in instance/secrets.json, for keys not configured. An existing file is used; a new
    one is made only on request (`create`, BACKOFFICE_DEV_SECRETS=1, which ./scripts/run sets): a key generated
    silently next to a database whose key went missing would make every encrypted field unreadable, and a
    server started without its configured keys would write new data under a key nobody keeps."""
    path = Path(instance_path) / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    if not create:
        raise RuntimeError(
            "no encryption key: set BACKOFFICE_ENCRYPTION_KEY (Fernet key(s), comma-separated, current first) and "
            f"BACKOFFICE_SECRET_KEY, or keep them in {path}; for a development machine only, set "
            f"{DEV_SECRETS_VAR}=1 to generate them into that file once (./scripts/run does)")
    data = {"SECRET_KEY": secrets.token_urlsafe(48), "ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)     # never readable by others, not even briefly
    with os.fdopen(fd, "w") as fh:
        fh.write(json.dumps(data))
    return data


def load_config(app, config: Mapping | None = None, environ: Mapping[str, str] | None = None) -> None:
    environ = os.environ if environ is None else environ
    app.config.from_mapping(DEFAULTS)
    for var, key in ENV_VARS.items():
        if environ.get(var):
            app.config[key] = environ[var]
    if config:
        app.config.update(config)
    if app.config.get("MAX_CONTENT_LENGTH") is not None:
        app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_CONTENT_LENGTH"])
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "backoffice.db")
    if not app.config["SECRET_KEY"] or not app.config["ENCRYPTION_KEYS"]:
        if app.config.get("TESTING"):
            from cryptography.fernet import Fernet

            app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or "test-secret"
            app.config["ENCRYPTION_KEYS"] = app.config["ENCRYPTION_KEYS"] or Fernet.generate_key().decode()
        else:
            dev = _instance_secrets(app.instance_path, create=environ.get(DEV_SECRETS_VAR, "") == "1")
            app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or dev["SECRET_KEY"]
            app.config["ENCRYPTION_KEYS"] = app.config["ENCRYPTION_KEYS"] or dev["ENCRYPTION_KEYS"]
    _cookie_security(app, config or {})
    app.config["REQUIRE_MFA"] = str(app.config.get("REQUIRE_MFA") or "").strip().lower() in ("1", "true", "yes", "on")
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[len("postgresql://"):]
    opts = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    if uri.startswith("sqlite"):
        opts.setdefault("connect_args", {"timeout": 30})
    else:
        opts.setdefault("pool_size", int(app.config["DB_POOL_SIZE"]))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = opts


def _cookie_security(app, explicit: Mapping) -> None:
    """Behind https (BASE_URL starts with https://) cookies are sent only over TLS and links are built as https."""
    https = str(app.config.get("BASE_URL") or "").lower().startswith("https://")
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if key not in explicit:
            app.config[key] = https
    if "PREFERRED_URL_SCHEME" not in explicit:
        app.config["PREFERRED_URL_SCHEME"] = "https" if https else "http"
