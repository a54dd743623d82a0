"""SSNs and account numbers never sit in clear text; every business change is audited with PII masked."""
from __future__ import annotations

import json

import sqlalchemy as sa

from backoffice.audit import AuditLog
from backoffice.workers import services


def _raw(db, sql, **params):
    return db.session.execute(sa.text(sql), params).mappings().all()


def test_the_database_never_holds_an_ssn_in_clear_text(db):
    w = services.create_worker({"first_name": "Ana", "last_name": "Lopez", "email": "ana@example.com",
                                "tin": "123-45-6789"})
    row = _raw(db, "select * from workers where id = :id", id=w.id)[0]
    flat = json.dumps({k: str(v) for k, v in row.items()})
    assert "123456789" not in flat and "123-45-6789" not in flat
    assert row["tin_last4"] == "6789"
    assert row["tin"].startswith("gAAAA")          # a Fernet token (version byte 0x80, base64)
    db.session.expire_all()
    assert db.session.get(type(w), w.id).tin == "123456789"      # decrypted only through the model
    assert db.session.get(type(w), w.id).tin_masked == "***-**-6789"


def test_a_duplicate_ssn_is_found_through_the_blind_index(db):
    from backoffice.errors import ValidationFailed
    import pytest

    services.create_worker({"first_name": "A", "last_name": "B", "email": "a@example.com", "tin": "123-45-6789"})
    with pytest.raises(ValidationFailed) as exc:
        services.create_worker({"first_name": "C", "last_name": "D", "email": "c@example.com", "tin": "123456789"})
    assert exc.value.issues[0].field == "tin" and exc.value.issues[0].code == "duplicate"


def test_bank_account_numbers_are_encrypted_at_rest(db):
    from backoffice.workers.profile_services import add_bank_account

    w = services.create_worker({"first_name": "A", "last_name": "B", "email": "a@example.com"})
    acct = add_bank_account(w.id, {"routing_number": "011000015", "account_number": "000123456789",
                                   "account_type": "checking"})
    row = _raw(db, "select * from bank_accounts where id = :id", id=acct.id)[0]
    assert "000123456789" not in json.dumps({k: str(v) for k, v in row.items()})
    assert acct.masked == "*****6789"


def test_create_and_update_are_audited_with_masked_pii(app, db, make_user):
    from backoffice.audit import acting_as

    hr = make_user("hr")
    with acting_as(hr):
        w = services.create_worker({"first_name": "Ana", "last_name": "Lopez", "email": "ana@example.com",
                                    "tin": "123-45-6789"})
        services.update_worker(w.id, {"last_name": "Lopez-Diaz", "tin": "234-56-7890"})
    rows = db.session.execute(sa.select(AuditLog).where(AuditLog.model == "workers")
                              .order_by(AuditLog.id)).scalars().all()
    assert [r.action for r in rows] == ["create", "update"]
    assert all(r.user_email == hr.email for r in rows)
    assert [r.record_id for r in rows] == [str(w.id), str(w.id)]
    created, updated = json.loads(rows[0].changes), json.loads(rows[1].changes)
    assert created["tin"] == {"after": "***"} and created["last_name"] == {"after": "Lopez"}
    assert updated["last_name"] == {"before": "Lopez", "after": "Lopez-Diaz"}
    assert updated["tin"] == {"before": "***", "after": "***"}
    assert "123456789" not in rows[0].changes + rows[1].changes


def test_the_audit_log_is_append_only(db, make_user):
    import pytest

    make_user("hr")
    entry = db.session.execute(sa.select(AuditLog).limit(1)).scalar_one()
    entry.action = "tampered"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.delete(db.session.execute(sa.select(AuditLog).limit(1)).scalar_one())
        db.session.flush()
    db.session.rollback()


def test_key_rotation_re_encrypts_under_the_new_key(app, db):
    from cryptography.fernet import Fernet

    from backoffice import crypto
    from backoffice.rotation import rotate_all

    w = services.create_worker({"first_name": "A", "last_name": "B", "email": "a@example.com",
                                "tin": "123-45-6789"})
    old_key = app.config["ENCRYPTION_KEYS"]
    new_key = Fernet.generate_key().decode()
    saved = app.extensions["crypto"]
    try:
        app.config["ENCRYPTION_KEYS"] = f"{new_key},{old_key}"
        crypto.init_app(app)
        counts = rotate_all()
        assert counts["workers"] == 1
        token = _raw(db, "select tin from workers where id = :id", id=w.id)[0]["tin"]
        assert Fernet(new_key.encode()).decrypt(token.encode()) == b"123456789"
    finally:
        app.config["ENCRYPTION_KEYS"] = old_key
        app.extensions["crypto"] = saved
        crypto._STATE["last"] = saved


def test_decrypting_many_tokens_at_once_gives_what_decrypting_each_gives_under_either_key(app):
    """decrypt_all is Fernet checked and decrypted for many tokens at once: for tokens under the primary key and
    under an older one, of clear texts of 0, 1, 15, 16, 17 and 40 bytes (one to three AES blocks; 16 bytes take a
    whole block of padding), it returns what decrypt() returns one by one, in order; a token with one character
    changed, cut short, not base64, or made under a key not configured makes it raise, as decrypt() does."""
    import pytest
    from cryptography.fernet import Fernet

    from backoffice import crypto

    old_key = app.config["ENCRYPTION_KEYS"]
    new_key = Fernet.generate_key().decode()
    saved = app.extensions["crypto"]
    try:
        app.config["ENCRYPTION_KEYS"] = f"{new_key},{old_key}"
        crypto.init_app(app)
        texts = ["", "7", "123456789012345", "1234567890123456", "12345678901234567", "José Núñez " * 3 + "1234"]
        tokens = ([crypto.encrypt(t) for t in texts]
                  + [Fernet(old_key.encode()).encrypt(t.encode()).decode() for t in texts])
        assert crypto.decrypt_all(tokens) == [crypto.decrypt(t) for t in tokens] == texts + texts
        assert crypto.decrypt_all([]) == []
        good = tokens[3]
        changed = good[:40] + ("A" if good[40] != "A" else "B") + good[41:]
        for bad in (changed, good[:60], "not a token!", Fernet(Fernet.generate_key()).encrypt(b"1234").decode()):
            with pytest.raises(RuntimeError):
                crypto.decrypt(bad)
            with pytest.raises(RuntimeError):
                crypto.decrypt_all([good, bad])
    finally:
        app.config["ENCRYPTION_KEYS"] = old_key
        app.extensions["crypto"] = saved
        crypto._STATE["last"] = saved
