"""Sign-in throttling, counted in the database so every process sees the same figures.

Two limits, both over the last LOGIN_WINDOW_MINUTES: failures for one email from one address
(LOGIN_MAX_FAILURES), and failures from one address for any email (LOGIN_IP_MAX_FAILURES). There is no
account lock-out: a stranger guessing finance's password from their own address throttles only themselves,
and finance still signs in from the office. An email that has no account is counted the same way, so the
answer never tells whether an account exists."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from backoffice.extensions import db
from backoffice.security.models import LoginAttempt
from backoffice.uow import transaction

KEEP = timedelta(days=1)


def _window(now: datetime) -> datetime:
    return now - timedelta(minutes=int(current_app.config["LOGIN_WINDOW_MINUTES"]))


def throttled(email: str, ip: str, now: datetime) -> bool:
    """Whether sign-in from `ip` (for `email`) must wait."""
    since = _window(now)
    failures = sa.select(sa.func.count()).select_from(LoginAttempt).where(
        LoginAttempt.ip == ip, LoginAttempt.at > since, LoginAttempt.succeeded.is_(False))
    if db.session.execute(failures).scalar() >= int(current_app.config["LOGIN_IP_MAX_FAILURES"]):
        return True
    mine = db.session.execute(failures.where(LoginAttempt.email == email)).scalar()
    return mine >= int(current_app.config["LOGIN_MAX_FAILURES"])


@transaction()
def record(email: str, ip: str, now: datetime, succeeded: bool) -> None:
    """Count an attempt; a success clears that email's failures from that address; rows older than a day go."""
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < now - KEEP))
    if succeeded:
        db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.email == email, LoginAttempt.ip == ip))
    db.session.add(LoginAttempt(at=now, ip=ip[:64], email=email[:254], succeeded=succeeded))
