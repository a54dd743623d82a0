"""User accounts, their sign-in sessions, second factor and API tokens, sign-in attempts, and the role × model
permission table."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, EncryptedString, Timestamps, UTCDateTime, utcnow
from backoffice.extensions import db

ROLES = ("admin", "hr", "finance", "compliance", "worker", "client_approver")
ACTIONS = ("read", "write", "create", "delete")
# Rights that are not about one kind of record. Each is a row of the permission matrix whose "model" names the
# right, granted by the one column given here (hr,classification_sign_off,0,1,0,0: HR may sign off).
ACTION_RIGHTS = {
    "admin_access": "read",               # open the admin site (staff)
    "classification_fill": "create",      # fill in a classification questionnaire
    "classification_sign_off": "write",   # sign off, reclassify, answer reviews, resolve re-checks
    "timesheet_entry": "write",           # enter and submit time (a worker: their own)
    "timesheet_approval": "write",        # approve or reject time (a client approver: their client's)
    "timesheet_dispute": "write",         # dispute submitted time (the client's approver contests it)
    "timesheet_import": "create",         # import a file of timesheets
    "task_import": "create",              # import a file of task completions
    "export_jobs_all": "read",            # see every user's export jobs, not only one's own
    "write_off_approval": "write",        # approve or reject another user's write-off request (billing)
}

# Argon2id at the OWASP Password Storage Cheat Sheet's recommended minimum "m=19456 (19 MiB), t=2, p=1", one of
# its five configurations of equal defence (docs/security.md, "Password hashing"): about 18 ms of CPU a check here
# against 143 ms for argon2-cffi's default (t=3, 64 MiB, p=4), so sign-ins do not take the two cores from everyone
# else. A stored hash carries its own parameters: older ones still verify and are rehashed at the next sign-in.
PASSWORD_HASH_PARAMETERS = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
_hasher = PasswordHasher(**PASSWORD_HASH_PARAMETERS)


class User(UserMixin, Timestamps, db.Model):
    __tablename__ = "users"
    __audited__ = True
    __audit_mask__ = ("password_hash", "totp_secret", "mfa_recovery_codes")

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    role: Mapped[str] = mapped_column(sa.String(32), nullable=False, index=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id"), index=True)
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    failed_logins: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Second factor (TOTP, RFC 6238): the shared secret encrypted at rest, set when a first code confirmed it;
    # the last time step accepted (a code works once); the unused recovery codes as SHA-256 hashes (JSON list).
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString())
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    mfa_recovery_codes: Mapped[str | None] = mapped_column(sa.Text)

    worker = relationship("Worker", foreign_keys=[worker_id])
    client = relationship("Client", foreign_keys=[client_id])

    __table_args__ = (sa.CheckConstraint(
        "role in ('admin','hr','finance','compliance','worker','client_approver')", name="ck_users_role"),)

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher.hash(password)

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return False
        try:
            return _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def password_needs_rehash(self) -> bool:
        """True when the stored hash was made with other parameters than today's (argon2-cffi's default before
        issue 18): after a right password, sign-in stores a new hash of it."""
        try:
            return bool(self.password_hash) and _hasher.check_needs_rehash(self.password_hash)
        except InvalidHashError:
            return False

    @property
    def is_active(self) -> bool:  # flask-login
        return bool(self.active)

    def is_locked(self, now: datetime) -> bool:
        return bool(self.locked_until and self.locked_until > now)

    @property
    def mfa_enabled(self) -> bool:
        return self.mfa_enabled_at is not None and bool(self.totp_secret)

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"


class UserSession(db.Model):
    """One signed-in browser. The cookie holds a random id; only its SHA-256 is stored. A session ends when it is
    revoked (sign-out, password change, deactivation, an admin) or has been idle or open too long."""

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ip: Mapped[str] = mapped_column(sa.String(64), default="", nullable=False)
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)

    user = relationship(User)

    @staticmethod
    def hash(sid: str) -> str:
        return hashlib.sha256(sid.encode()).hexdigest()


class LoginAttempt(db.Model):
    """One sign-in attempt, kept for a day: what the per-address and per-(account, address) throttles count."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    ip: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    succeeded: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)

    __table_args__ = (sa.Index("ix_login_attempts_ip_at", "ip", "at"),)


class ApiToken(Timestamps, db.Model):
    """A per-user API token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(100), default="", nullable=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    prefix: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship(User)

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str = "", ttl_days: int | None = None,
              now: datetime | None = None) -> tuple["ApiToken", str]:
        token = "tdm_" + secrets.token_urlsafe(32)
        row = cls(user=user, name=name, token_hash=cls.hash(token), prefix=token[:10],
                  expires_at=((now or utcnow()) + timedelta(days=ttl_days)) if ttl_days else None)
        return row, token

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"


class Permission(db.Model):
    """One row of the access matrix: may `role` read/write/create/delete records of `model` ('*' = all)."""

    __tablename__ = "permissions"
    __audited__ = True
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    model: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    can_read: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    can_write: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    can_create: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    can_delete: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)

    __table_args__ = (sa.UniqueConstraint("role", "model", name="uq_permissions_role_model"),)

    def __str__(self) -> str:
        return f"{self.role}:{self.model}"


_DUMMY: dict[int, str] = {}


def verify_dummy_password(password: str) -> bool:
    """Check `password` against a throw-away hash (always False): a sign-in for an email with no account costs
    what a real check costs, so the time taken does not tell whether the account exists."""
    key = id(_hasher)
    if key not in _DUMMY:
        _DUMMY[key] = _hasher.hash(secrets.token_urlsafe(16))
    try:
        _hasher.verify(_DUMMY[key], password)
    except (VerificationError, InvalidHashError):
        pass
    return False
