"""Sign-in and sign-out with hashed passwords, CSRF and lock-out after repeated failures."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from backoffice.audit import acting_as
from backoffice.clock import clock
from backoffice.extensions import db, login
from backoffice.security.models import ApiToken, User
from backoffice.uow import transaction

bp = Blueprint("auth", __name__)


@login.user_loader
def _load_user(user_id: str):
    return db.session.get(User, int(user_id))


class LoginForm(FlaskForm):
    email = StringField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


def authenticate(email: str, password: str) -> tuple[User | None, str | None]:
    """Check a password; count failures and lock the account after LOGIN_MAX_FAILURES."""
    user = db.session.execute(sa.select(User).where(User.email == email.strip().lower())).scalar_one_or_none()
    generic = "Email or password is wrong."
    if user is None or not user.active:
        return None, generic
    with acting_as(user):  # the audit log names the person signing in, not "system"
        return _check_password(user, password, generic)


@transaction()
def _check_password(user: User, password: str, generic: str) -> tuple[User | None, str | None]:
    now = clock().now()
    if user.is_locked(now):
        return None, "This account is locked after repeated failed sign-ins. Try again later or ask an admin."
    if not user.check_password(password):
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
            user.failed_logins = 0
        return None, generic
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user, None


def user_for_token(token: str) -> User | None:
    row = db.session.execute(sa.select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token))).scalar_one_or_none()
    now = clock().now()
    if row is None or row.revoked_at is not None or (row.expires_at and row.expires_at < now):
        return None
    user = row.user
    return user if user.active and not user.is_locked(now) else None


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


@bp.route("/login", methods=["GET", "POST"], endpoint="login")
def login_view():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user, error = authenticate(form.email.data, form.password.data)
        if user:
            login_user(user)
            nxt = _safe_next(request.args.get("next"))
            if nxt:
                return redirect(nxt)
            return redirect("/portal/" if user.role == "worker" else "/admin/")
    return render_template("auth/login.html", form=form, error=error), (401 if error else 200)



@bp.post("/logout")
def logout():
    logout_user()
    flash("Signed out.")
    return redirect(url_for("auth.login"))
