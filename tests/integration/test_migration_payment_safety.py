"""Migration 0055_payment_safety on a database that already has payments and NACHA files (a SQLite file)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

CLEAR_FILE = "101 011000015 0110000152612011500A094101FEDERAL RESERVE BANK   AGENCY\n"


@pytest.fixture
def old_database(app, app_config, tmp_path):
    """A fresh app on its own SQLite file, migrated to the step before 0055; the session's app restored after."""
    from flask_migrate import upgrade

    from backoffice import crypto
    from backoffice.app import create_app

    other = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/old.db"))
    with other.app_context():
        upgrade(revision="0040_permission_rights")
        yield other
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()
    crypto._STATE["last"] = app.extensions["crypto"]


def _payment(conn, pid, paycheck_id, status, reissue_of=None):
    conn.execute(sa.text(
        "INSERT INTO payments (id, run_id, paycheck_id, worker_id, bank_account_id, routing_number, account_last4, "
        "account_type, amount, status, trace_number, return_code, reissue_of_id, created_at) VALUES (:id, 1, :pc, 1, "
        "1, '011000015', '1234', 'checking', 100000, :st, '', '', :of, '2026-11-20 12:00:00')"),
        {"id": pid, "pc": paycheck_id, "st": status, "of": reissue_of})


def test_existing_payments_are_numbered_by_part_and_clear_nacha_files_are_encrypted(old_database):
    """Paycheck 10 was split in two (payments 1 and 2, parts 0 and 1); payment 1 came back and was re-issued as
    payment 4, which takes part 0 from it; paycheck 11 has one payment (3, part 0). The clear file is encrypted."""
    from flask_migrate import upgrade

    from backoffice.crypto import decrypt
    from backoffice.extensions import db

    with db.engine.begin() as conn:
        _payment(conn, 1, 10, "reissued")
        _payment(conn, 2, 10, "sent")
        _payment(conn, 3, 11, "sent")
        _payment(conn, 4, 10, "pending", reissue_of=1)
        conn.execute(sa.text("INSERT INTO nacha_files (id, run_id, file_id_modifier, purpose, entry_count, "
                             "total_credit, content, created_at) VALUES (1, 1, 'A', 'run', 3, 300000, :c, "
                             "'2026-11-20 12:00:00')"), {"c": CLEAR_FILE})
    upgrade()
    with db.engine.connect() as conn:
        parts = dict(conn.execute(sa.text("SELECT id, part FROM payments ORDER BY id")).all())
        content = conn.execute(sa.text("SELECT content FROM nacha_files")).scalar()
    assert parts == {1: 0, 2: 1, 3: 0, 4: 0}
    assert content.startswith("gAAAAA") and decrypt(content) == CLEAR_FILE


def test_a_database_that_already_paid_twice_is_not_upgraded_and_the_duplicates_are_named(old_database):
    """Payment 1 was re-issued twice (payments 2 and 3) by the old double-submit bug: the step stops, naming it,
    before it changes anything."""
    from alembic import command
    from flask import current_app

    from backoffice.extensions import db

    with db.engine.begin() as conn:
        _payment(conn, 1, 10, "reissued")
        _payment(conn, 2, 10, "sent", reissue_of=1)
        _payment(conn, 3, 10, "sent", reissue_of=1)
    config = current_app.extensions["migrate"].migrate.get_config()
    with pytest.raises(RuntimeError, match=r"payments: 2 re-issues of #1; .* live payments \[2, 3\] of paycheck #10"):
        command.upgrade(config, "head")       # (`backoffice db upgrade` prints the same message, exit status 1)
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("payments")}
    assert "part" not in columns                 # stopped before changing anything: it can run again once settled
