"""NACHA files hold every worker's full account number: encrypted at rest, clear only when downloaded."""
from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken

from tests.conftest import TEST_KEY
from tests.integration.payroll.conftest import NOW, SETTLES

ACCOUNT = "7766554433"       # the worker's full account number: it must never sit in the database in clear


def _approved_run(world):
    from payroll.services import runs

    e = world.worker(kind="contractor", rate="25.00", accounts=[{"account": ACCOUNT}])
    world.time(e)
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    return run


def _raw_content(db, file_id: int) -> str:
    return db.session.execute(sa.text("SELECT content FROM nacha_files WHERE id = :id"), {"id": file_id}).scalar()


def test_a_nacha_file_is_stored_encrypted_and_downloads_in_clear(db, world, client, login):
    """The row holds a Fernet token under the app's key; the admin download and the API give the file itself
    (94-character records, the 6-record carrying the account number)."""
    from payroll.services import payments

    run = _approved_run(world)
    f = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    clear = f.content
    assert ACCOUNT in clear and clear.startswith("101")
    raw = _raw_content(db, f.id)
    assert ACCOUNT not in raw and raw.startswith("gAAAAA")
    assert Fernet(TEST_KEY.encode()).decrypt(raw.encode()).decode() == clear
    login(client, world.finance)
    got = client.get(f"/admin/payroll-runs/{run.id}/nacha/{f.id}")
    assert got.status_code == 200 and got.get_data(as_text=True) == clear


def test_rotate_key_re_encrypts_nacha_files_and_the_old_key_alone_no_longer_reads_them(app, db, world):
    """After `rotate-key` with NEW,OLD the token opens with NEW only, and the file reads back byte for byte."""
    from backoffice import crypto
    from backoffice.rotation import rotate_all
    from payroll.models_ledger import NachaFile
    from payroll.services import payments

    run = _approved_run(world)
    f = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    before = f.content
    old_key, new_key = app.config["ENCRYPTION_KEYS"], Fernet.generate_key().decode()
    saved = app.extensions["crypto"]
    try:
        app.config["ENCRYPTION_KEYS"] = f"{new_key},{old_key}"
        crypto.init_app(app)
        counts = rotate_all()
        assert counts["nacha_files"] == 1
        raw = _raw_content(db, f.id)
        with pytest.raises(InvalidToken):
            Fernet(old_key.encode()).decrypt(raw.encode())
        assert Fernet(new_key.encode()).decrypt(raw.encode()).decode() == before
        db.session.expire_all()
        assert db.session.get(NachaFile, f.id).content == before
    finally:
        app.config["ENCRYPTION_KEYS"] = old_key
        app.extensions["crypto"] = saved
        crypto._STATE["last"] = saved


def test_the_migration_encrypts_files_written_in_clear_before_it_and_leaves_tokens_alone(db, world):
    """A row from before 0055 (clear text, starts with the file header '101') is encrypted in place; a row that
    is already a token is not encrypted twice."""
    from payroll.models_ledger import NachaFile
    from payroll.services import payments

    migration = importlib.import_module("migrations.versions.0055_payment_safety")
    run = _approved_run(world)
    f = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    clear = f.content
    token = _raw_content(db, f.id)
    db.session.execute(sa.text("UPDATE nacha_files SET content = :c WHERE id = :id"), {"c": clear, "id": f.id})
    migration._encrypt_nacha_files(db.session.connection())
    raw = _raw_content(db, f.id)
    assert raw.startswith("gAAAAA") and ACCOUNT not in raw
    migration._encrypt_nacha_files(db.session.connection())
    assert _raw_content(db, f.id) == raw                     # once only
    db.session.expire_all()
    assert db.session.get(NachaFile, f.id).content == clear
    assert token != raw                                      # a fresh token (Fernet carries a time and an IV)
