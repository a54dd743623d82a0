"""Field encryption for SSN/TIN, bank numbers and tokens (Fernet with key rotation), blind indexes and masking."""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
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
        "halves": [_halves(k) for k in keys],
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


def _halves(key: bytes) -> tuple[bytes, bytes]:
    """A Fernet key's signing and encryption halves (the spec: 16 bytes each, in that order)."""
    raw = base64.urlsafe_b64decode(key)
    return raw[:16], raw[16:]


_WRONG_KEY = "cannot decrypt a protected field: wrong or missing encryption key"
_ZERO_IV = bytes(16)
_URLSAFE = str.maketrans("-_", "+/")


def decrypt_all(tokens: list[str]) -> list[str]:
    """decrypt() of many tokens at once, the same clear texts in the same order (a NACHA file's 100,000 account
    numbers: 0.80 s of CPU one Fernet call at a time, 0.36 s here; docs/benchmarks.md, "Session 20 (issue 18):
    the NACHA file's accounts").

    Each token is checked as the Fernet spec says (version byte 0x80, the HMAC-SHA256 of everything before it
    under the signing half of the first key, in the configured order, that verifies it: MultiFernet's rule), then
    all the ciphertexts a key opens are decrypted in ONE AES-128-CBC call over "IV‖ciphertext" of each token one
    after the other: in CBC a block's clear text is D(block) XOR the block before it, so each token's first block
    is XORed with its own IV, and the blocks the IVs themselves give are dropped. A token no key verifies, or
    whose padding is wrong, is refused as decrypt() refuses it."""
    halves = _crypto()["halves"]
    by_key: list[list[int]] = [[] for _ in halves]
    sealed: list[bytes] = [b""] * len(tokens)
    digest, same = hmac.digest, hmac.compare_digest
    # base64.urlsafe_b64decode's own steps (the URL-safe alphabet mapped, then a lenient decode), the mapping done
    # once for all the tokens: no token holds a newline (a token that did would change the count: refused)
    texts = "\n".join(tokens).translate(_URLSAFE).split("\n") if tokens else []
    if len(texts) != len(tokens):
        raise RuntimeError(_WRONG_KEY)
    for i, text in enumerate(texts):
        try:
            data = binascii.a2b_base64(text)
        except (ValueError, binascii.Error) as exc:
            raise RuntimeError(_WRONG_KEY) from exc
        body = data[:-32]
        if len(data) < 73 or data[0] != 0x80 or (len(data) - 57) % 16:   # 1 + 8 + 16 + 16·k + 32, k ≥ 1
            raise RuntimeError(_WRONG_KEY)
        for k, (signing, _enc) in enumerate(halves):
            if same(digest(signing, body, "sha256"), data[-32:]):
                by_key[k].append(i)
                sealed[i] = body[9:]            # IV ‖ ciphertext
                break
        else:
            raise RuntimeError(_WRONG_KEY)
    out: list[str] = [""] * len(tokens)
    for (_signing, encryption), members in zip(halves, by_key):
        if not members:
            continue
        dec = Cipher(algorithms.AES(encryption), modes.CBC(_ZERO_IV)).decryptor()
        plain = dec.update(b"".join(sealed[i] for i in members)) + dec.finalize()
        at = 0
        for i in members:
            end = at + len(sealed[i])
            padded = plain[at + 16:end]         # the IV's own block (garbage) dropped
            n = padded[-1]
            if not 1 <= n <= 16 or padded[-n:] != bytes((n,)) * n:
                raise RuntimeError(_WRONG_KEY)
            out[i] = padded[:-n].decode()
            at = end
    return out


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
