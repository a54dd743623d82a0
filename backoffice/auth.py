"""Sign-in (password, then the second factor for those enrolled), server-side sessions, sign-out, throttling, and
the API token check."""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from backoffice.audit import acting_as
from backoffice.clock import clock
from backoffice.extensions import db, login
from backoffice.security import mfa, throttle
from backoffice.security.models import ApiToken, User, verify_dummy_password
from backoffice.security.sessions import end_session, start_session, user_for_session
from backoffice.uow import transaction

bp = Blueprint("auth", __name__)

SID = "_sid"                # the session's random id (its hash is a user_sessions row)
MFA_PENDING = "_mfa_user"   # [user id, when the password was right]: between the password and the code
MFA_PENDING_FOR = timedelta(minutes=5)
# One answer for an unknown email, an inactive or locked account and a wrong password (and the same work: a
# password hash is checked every time), so the page never tells whether an account exists.
WRONG = "Email or password is wrong."
THROTTLED = "Too many sign-in attempts. Wait 15 minutes and try again."
WRONG_CODE = "That code is not right. Type the six digits your app shows now, or a recovery code."
TOKEN_USED_EVERY = timedelta(minutes=1)  # last_used_at is written at most once a minute per token
# Pages a user who must enrol in the second factor may still open.
ENROL_EXEMPT = {"auth.login", "auth.logout", "auth.mfa", "account.mfa", "static", "admin.static", "healthz"}


@login.user_loader
def _load_user(user_id: str):
    return user_for_session(session.get(SID), int(user_id), clock().now())


@bp.before_app_request
def _check_session_and_enrolment():
    """Load the session first thing (it ends here when revoked or timed out) and, with BACKOFFICE_REQUIRE_MFA,
    send admin and finance users who have not enrolled to enrolment before anything else."""
    user = current_user._get_current_object()
    if not user.is_authenticated or request.endpoint in ENROL_EXEMPT:
        return None
    if mfa.must_enrol(user, current_app.config):
        return redirect(url_for("account.mfa"))
    return None


class LoginForm(FlaskForm):
    email = StringField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


class CodeForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired()])


def _ip() -> str:
    return request.remote_addr or ""


def authenticate(email: str, password: str) -> tuple[User | None, str | None, int]:
    """(user, None, 200) when the password is right for an active account; else (None, message, status)."""
    now, ip, email = clock().now(), _ip(), email.strip().lower()[:254]
    if throttle.throttled(email, ip, now):
        return None, THROTTLED, 429
    user = db.session.execute(sa.select(User).where(User.email == email)).scalar_one_or_none()
    right = user.check_password(password) if user is not None else verify_dummy_password(password)
    usable = right and user is not None and user.active and not user.is_locked(now)
    throttle.record(email, ip, now, succeeded=usable)
    if not usable:
        return None, WRONG, 401
    if user.password_needs_rehash():      # a hash from older parameters: stored again at today's (OWASP's)
        with acting_as(user), transaction():
            user.set_password(password)
    return user, None, 200


def sign_in(user: User) -> None:
    """The password (and the code, if enrolled) were right: a new server-side session (also after accepting an
    invitation)."""
    now = clock().now()
    with acting_as(user), transaction():  # the audit log names the person signing in, not "system"
        user.failed_logins = 0
        user.last_login_at = now
    end_session(session.pop(SID, None), now)  # a session this browser had before ends
    session.pop(MFA_PENDING, None)
    if current_user.is_authenticated:
        logout_user()
    login_user(user)
    session.permanent = True  # the cookie lives PERMANENT_SESSION_LIFETIME; the row decides sooner
    session[SID] = start_session(user, now)


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


def _landing(user: User):
    nxt = _safe_next(request.args.get("next"))
    return redirect(nxt or ("/portal/" if user.role == "worker" else "/admin/"))


@bp.route("/login", methods=["GET", "POST"], endpoint="login")
def login_view():
    form = LoginForm()
    error, status = None, 200
    if form.validate_on_submit():
        user, error, status = authenticate(form.email.data, form.password.data)
        if user and user.mfa_enabled:
            session[MFA_PENDING] = [user.id, clock().now().timestamp()]
            return redirect(url_for("auth.mfa", next=_safe_next(request.args.get("next"))))
        if user:
            sign_in(user)
            return _landing(user)
    return render_template("auth/login.html", form=form, error=error), status


def _pending_user(now: datetime) -> User | None:
    pending = session.get(MFA_PENDING)
    if not pending or now.timestamp() - pending[1] > MFA_PENDING_FOR.total_seconds():
        return None
    user = db.session.get(User, pending[0])
    return user if user is not None and user.active else None


@bp.route("/login/code", methods=["GET", "POST"], endpoint="mfa")
def mfa_view():
    """The second step for enrolled users: the code from the authenticator app (or a recovery code)."""
    now = clock().now()
    user = _pending_user(now)
    if user is None:
        session.pop(MFA_PENDING, None)
        return redirect(url_for("auth.login"))
    form = CodeForm()
    error, status = None, 200
    if form.validate_on_submit():
        if throttle.throttled(user.email, _ip(), now):
            error, status = THROTTLED, 429
        elif mfa.check(user.id, form.code.data, now):
            throttle.record(user.email, _ip(), now, succeeded=True)
            sign_in(user)
            return _landing(user)
        else:
            throttle.record(user.email, _ip(), now, succeeded=False)
            error, status = WRONG_CODE, 401
    return render_template("auth/code.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    end_session(session.pop(SID, None), clock().now())  # a copy of this cookie no longer signs anyone in
    logout_user()
    flash("Signed out.")
    return redirect(url_for("auth.login"))


# ------------------------------------------------------------------ API tokens
TOKEN_REFUSALS = {
    "unknown": ("unauthorized", "the API token is not valid"),
    "expired": ("token_expired", "the API token has expired; ask for a new one (backoffice create-token)"),
    "revoked": ("token_revoked", "the API token was revoked; ask for a new one (backoffice create-token)"),
    "inactive": ("unauthorized", "the API token's user account is inactive"),
    "mfa_required": ("mfa_required", "this account must enrol in two-factor sign-in (in the admin) before its "
                                     "API tokens work"),
}


def check_token(token: str) -> tuple[User | None, str | None]:
    """(user, None) for a live token, whose last_used_at is brought up to date; else (None, why not)."""
    row = db.session.execute(sa.select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token)))\
        .scalar_one_or_none()
    now = clock().now()
    if row is None:
        return None, "unknown"
    status = row.status(now)
    if status != "active":
        return None, status
    user = row.user
    if not user.active or user.is_locked(now):
        return None, "inactive"
    if mfa.must_enrol(user, current_app.config):
        return None, "mfa_required"
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USED_EVERY:
        with transaction():  # before the endpoint runs (the API's before_request), so nothing else is pending
            row.last_used_at = now
    return user, None


def user_for_token(token: str) -> User | None:
    return check_token(token)[0]
