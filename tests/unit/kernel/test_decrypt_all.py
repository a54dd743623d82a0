"""crypto.decrypt_all: many Fernet tokens decrypted at once give what decrypt() gives one by one, in order, under
rotated keys, and refuse what decrypt() refuses."""
from __future__ import annotations

import base64
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet

from backoffice import crypto

# The Fernet spec's own test vector (github.com/fernet/spec, verify.json): this token under this key is "hello".
SPEC_KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
SPEC_TOKEN = "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA=="
OTHER_KEY = Fernet.generate_key().decode()


@pytest.fixture
def keys():
    """Configure the keys given (the first is the primary), as the app does; put the app's back afterwards."""
    saved = crypto._STATE.get("last")

    def use(*ks: str):
        app = SimpleNamespace(config={"ENCRYPTION_KEYS": ",".join(ks)}, extensions={})
        crypto.init_app(app)

    yield use
    if saved is None:
        crypto._STATE.pop("last", None)
    else:
        crypto._STATE["last"] = saved


def test_the_spec_vector_decrypts_to_hello(keys):
    keys(SPEC_KEY)
    assert crypto.decrypt_all([SPEC_TOKEN]) == ["hello"]
    assert crypto.decrypt_all([]) == []


def test_many_tokens_of_every_length_and_two_keys_come_back_in_order(keys):
    """Clear texts from empty to 40 characters cross the 16-byte block edges (15, 16, 17, 31, 32, 33 bytes: one,
    two and three blocks with full padding blocks); tokens of the old key (second in the list after a rotation)
    sit between those of the new one, and one AES call per key must still hand each its own text."""
    keys(OTHER_KEY, SPEC_KEY)
    new, old = Fernet(OTHER_KEY.encode()), Fernet(SPEC_KEY.encode())
    texts = ["x" * n for n in range(41)] + ["021000021", "12345678901234567", "Ünïcødé kontø 9"]
    tokens = [(new if i % 3 else old).encrypt(t.encode()).decode() for i, t in enumerate(texts)]
    tokens.append(SPEC_TOKEN)
    assert crypto.decrypt_all(tokens) == texts + ["hello"]
    assert crypto.decrypt_all(tokens) == [crypto.decrypt(t) for t in tokens]


def _tampered(token: str, at: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(token))
    raw[at] ^= 1
    return base64.urlsafe_b64encode(bytes(raw)).decode()


@pytest.mark.parametrize("bad", [
    _tampered(SPEC_TOKEN, 30),                  # a ciphertext bit flipped: the HMAC no longer verifies
    _tampered(SPEC_TOKEN, -1),                  # the HMAC itself changed
    _tampered(SPEC_TOKEN, 0),                   # version byte 0x81
    SPEC_TOKEN[:-8],                            # cut short
    "not base64 at all!",
    "",
])
def test_a_token_no_key_verifies_is_refused_like_decrypt(keys, bad):
    keys(SPEC_KEY)
    with pytest.raises(RuntimeError, match="wrong or missing encryption key"):
        crypto.decrypt(bad)
    with pytest.raises(RuntimeError, match="wrong or missing encryption key"):
        crypto.decrypt_all([SPEC_TOKEN, bad])


def test_a_token_of_a_key_no_longer_configured_is_refused(keys):
    keys(OTHER_KEY)
    with pytest.raises(RuntimeError, match="wrong or missing encryption key"):
        crypto.decrypt_all([SPEC_TOKEN])
