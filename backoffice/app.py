"""create_app: the one application factory."""
from __future__ import annotations

import logging
from typing import Mapping

import benefits
import compliance
import payroll
import reports
from flask import Flask, jsonify, redirect, request, url_for
from flask_login import current_user

from backoffice import audit, auth, classification, crypto, engines_api, notifications, onboarding, portal, tasks, voice, workers  # noqa: F401
from backoffice import account, billing, clock, leave
from backoffice.admin import add_settings_views, init_admin
from backoffice.api import bound_requests, init_api, register_blueprints
from backoffice.config import load_config
from backoffice.errors import DomainError, ValidationFailed
from backoffice.extensions import celery_init_app, csrf, db, login, migrate
from backoffice.security import headers as security_headers
from backoffice.security import models as security_models  # noqa: F401  (users, permissions, API tokens: their tables)

# Every domain, once, in order. Each registers its models, row scopes, admin views, API blueprints, portal pages,
# CLI commands, tasks and demo data in its init_app(app). The order is the admin menu's and the demo's order
# (onboarding after payroll: its demo cases are drawn after payroll's, so a seed gives the same agency as before;
# voice last: its demo votes, proposals and feedback come from the workers the others made).
# audit and tasks are imported for their table and the shell's task; the import-linter contracts keep the order.
DOMAINS = (workers, classification, payroll, benefits, leave, compliance, billing, reports, onboarding, voice,
           notifications)


def create_app(config: Mapping | None = None) -> Flask:
    app = Flask("backoffice", instance_relative_config=True, template_folder="../templates")
    load_config(app, config)
    bound_requests(app)                 # before any route: bounded ids in URLs, bounded JSON
    logging.getLogger("backoffice").setLevel(logging.INFO)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True)
    csrf.init_app(app)
    login.init_app(app)
    login.login_view = "auth.login"
    login.session_protection = "strong"
    crypto.init_app(app)
    clock.init_app(app)
    celery_init_app(app)
    security_headers.init_app(app)  # CSP, framing, HSTS: on every response, errors included

    app.register_blueprint(auth.bp)
    admin = init_admin(app)
    init_api(app)
    register_blueprints(app, engines_api.blp)  # stateless endpoints over the pure engines (quote, classify)
    for domain in DOMAINS:
        domain.init_app(app)
    add_settings_views(admin)
    account.register(admin)  # My account: two-factor sign-in, one's own API tokens
    portal.init_app(app)  # after the domains: they attach their pages to the portal blueprint
    _register_error_handlers(app)

    @app.get("/")
    def index():
        if current_user.is_authenticated and current_user.role == "worker":
            return redirect("/portal/")
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
