"""Field encryption for SSN/TIN, bank numbers and tokens (Fernet with key rotation), blind indexes and masking."""
from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app, has_app_context

_STATE: dict = {}


def _keys(config) -> list[bytes]:
    raw = config["ENCRYPTION_KEYS"]
    keys = [k.strip() for k in (raw.split(",") if isinstance(raw, str) else raw) if k and k.strip()]
    if not keys:
        raise RuntimeError("BACKOFFICE_ENCRYPTION_KEY is not set")
    return [k.encode() if isinstance(k, str) else k for k in keys]


def init_app(app) -> None:
    keys = _keys(app.config)
    app.extensions["crypto"] = {
        "fernet": MultiFernet([Fernet(k) for k in keys]),
        "index_key": hashlib.sha256(b"tandem-blind-index:" + keys[-1]).digest(),
    }
    _STATE["last"] = app.extensions["crypto"]


def _crypto() -> dict:
    if has_app_context() and "crypto" in current_app.extensions:
        return current_app.extensions["crypto"]
    if "last" in _STATE:
        return _STATE["last"]
    raise RuntimeError("encryption is not configured (no app)")


def encrypt(value: str) -> str:
    return _crypto()["fernet"].encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _crypto()["fernet"].decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise RuntimeError("cannot decrypt a protected field: wrong or missing encryption key") from exc


def decryptor():
    """decrypt() bound to the current keys once, for a loop over many tokens (a NACHA file's 100,000 accounts)."""
    fernet = _crypto()["fernet"]

    def decrypt_one(token: str) -> str:
        try:
            return fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise RuntimeError("cannot decrypt a protected field: wrong or missing encryption key") from exc

    return decrypt_one


def rotate(token: str) -> str:
    """Re-encrypt a token under the primary (first) key."""
    return _crypto()["fernet"].rotate(token.encode()).decode()


def blind_index(value: str) -> str:
    """A keyed hash for equality look-ups (duplicate SSNs) without storing the clear value.

    Keyed with the *oldest* configured key so it survives rotation of the primary key."""
    digits = "".join(ch for ch in value if ch.isalnum())
    return hmac.new(_crypto()["index_key"], digits.encode(), hashlib.sha256).hexdigest()


def mask_ssn(last4: str | None) -> str:
    return f"***-**-{last4}" if last4 else ""


def mask_ein(last4: str | None) -> str:
    return f"**-***{last4}" if last4 else ""


def mask_account(last4: str | None) -> str:
    return f"*****{last4}" if last4 else ""
