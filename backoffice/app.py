"""create_app: the one application factory."""
from __future__ import annotations

import logging
from typing import Mapping

from flask import Flask, jsonify, redirect, request, url_for
from flask_login import current_user

from backoffice import crypto
from backoffice.config import load_config
from backoffice.errors import DomainError, ValidationFailed
from backoffice.extensions import celery_init_app, csrf, db, login, migrate

# Domain packages that register models, admin views, API routes and portal pages. Each package exposes
# optional `init_app(app)` hooks in these modules; missing modules are simply skipped.
DOMAIN_MODULES = (
    "backoffice.workers",
    "payroll",
    "benefits",
    "compliance",
    "reports",
)


def import_models() -> None:
    """Import every models module so metadata (and Alembic) sees all tables."""
    import importlib

    import backoffice.audit  # noqa: F401
    import backoffice.security.models  # noqa: F401
    import backoffice.workers.models  # noqa: F401
    import backoffice.workers.profile  # noqa: F401
    import backoffice.workers.scopes  # noqa: F401
    for pkg in DOMAIN_MODULES[1:] + ("backoffice.workers.onboarding", "backoffice.portal"):
        for mod in ("models", "scopes"):
            try:
                importlib.import_module(f"{pkg}.{mod}")
            except ModuleNotFoundError as exc:
                if exc.name not in (f"{pkg}.{mod}", pkg):
                    raise


def create_app(config: Mapping | None = None) -> Flask:
    app = Flask("backoffice", instance_relative_config=True, template_folder="../templates")
    load_config(app, config)
    logging.getLogger("backoffice").setLevel(logging.INFO)

    import_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True)
    csrf.init_app(app)
    login.init_app(app)
    login.login_view = "auth.login"
    login.session_protection = "strong"
    crypto.init_app(app)
    celery_init_app(app)

    from backoffice import auth

    app.register_blueprint(auth.bp)

    from backoffice.admin import init_admin

    init_admin(app)

    from backoffice.api import init_api

    init_api(app)

    try:
        from backoffice.portal import init_app as init_portal
    except ImportError:
        init_portal = None
    if init_portal:
        init_portal(app)
    from backoffice.workers.classification_portal import init_app as init_classification_portal

    init_classification_portal(app)  # worker's view of classification: /portal/classification

    _register_error_handlers(app)

    @app.get("/")
    def index():
        if current_user.is_authenticated and current_user.role == "worker":
            return redirect("/portal/") if "portal" in app.blueprints else redirect(url_for("auth.login"))
        if current_user.is_authenticated:
            return redirect("/admin/")
        return redirect(url_for("auth.login"))

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


def _register_error_handlers(app: Flask) -> None:
    def wants_json() -> bool:
        return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"

    @app.errorhandler(ValidationFailed)
    def _validation(exc: ValidationFailed):
        db.session.rollback()
        if wants_json():
            return jsonify(exc.as_dict()), 422
        return exc.message, 422

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        db.session.rollback()
        if wants_json():
            return jsonify({"error": exc.code, "message": exc.message}), exc.status_code
        return exc.message, exc.status_code
