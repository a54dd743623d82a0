"""The optional second factor: a TOTP code (RFC 6238, any authenticator app) after the password, or a one-time
recovery code; enrolment by QR code; who must enrol when BACKOFFICE_REQUIRE_MFA is on."""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime

import pyotp
import segno

from backoffice.errors import Issue, NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.security.models import User
from backoffice.uow import transaction

ISSUER = "Tandem"
STEP_SECONDS = 30
RECOVERY_CODES = 10
REQUIRED_ROLES = ("admin", "finance")  # with REQUIRE_MFA on: the people who can move money or grant rights


def must_enrol(user, config) -> bool:
    """Whether this signed-in user has to enrol before doing anything else."""
    return bool(config.get("REQUIRE_MFA")) and user.role in REQUIRED_ROLES and not user.mfa_enabled


def new_secret() -> str:
    return pyotp.random_base32()


def qr_svg(user: User, secret: str) -> str:
    """The otpauth:// address as an inline SVG QR code, for an authenticator app to scan."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_inline(scale=4, title="Two-factor sign-in QR code")


def _hash(code: str) -> str:
    return hashlib.sha256(_normal(code).encode()).hexdigest()


def _normal(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (of 30 s) whose code this is: the current one or one either side (clock drift)."""
    code = _normal(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp, current = pyotp.TOTP(secret), int(now.timestamp()) // STEP_SECONDS
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


@transaction()
def enable(user_id: int, secret: str, code: str, now: datetime) -> list[str]:
    """Turn the second factor on once a first code from the app proves it was set up; returns the recovery codes
    (shown once; only their hashes are kept)."""
    user = db.session.get(User, user_id)
    step = _matching_step(secret, code, now)
    if step is None:
        raise ValidationFailed([Issue("code", "is not the code the app shows now; check the phone's clock and "
                                              "type the six digits again", "invalid")])
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    user.totp_secret = secret
    user.totp_last_step = step
    user.mfa_enabled_at = now
    user.mfa_recovery_codes = json.dumps([_hash(c) for c in codes])
    return codes


@transaction()
def check(user_id: int, code: str, now: datetime) -> bool:
    """Whether `code` is this user's current TOTP code (each accepted once) or an unused recovery code (then used
    up)."""
    user = db.session.get(User, user_id)
    if user is None or not user.mfa_enabled:
        return False
    step = _matching_step(user.totp_secret, code, now)
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return False  # a code seen before (replayed, or read over a shoulder) does not work twice
        user.totp_last_step = step
        return True
    hashes = json.loads(user.mfa_recovery_codes or "[]")
    given = _hash(code)
    for stored in hashes:
        if hmac.compare_digest(stored, given):
            hashes.remove(stored)
            user.mfa_recovery_codes = json.dumps(hashes)
            return True
    return False


@transaction()
def reset(user_id: int) -> None:
    """Turn the second factor off (a lost phone, by an admin); the person enrols again at the next sign-in."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    user.totp_secret = None
    user.totp_last_step = None
    user.mfa_enabled_at = None
    user.mfa_recovery_codes = None
