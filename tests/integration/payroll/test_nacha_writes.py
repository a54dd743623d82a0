"""What a NACHA file writes on its run's payments: the file and the trace numbers, as heap-only updates."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from backoffice.money import D
from tests.integration.payroll.conftest import NOW, SETTLES


def test_the_nacha_file_numbers_the_runs_payments_without_new_index_entries_on_postgresql(db, world):
    """0132: no index of payments names nacha_file_id or trace_number (as a column or in its predicate), and the
    table keeps 60% of each page free (fillfactor 40 since 0136; 50 in 0132), so the file's one UPDATE of the run's
    payments changes no indexed column and finds room on the page: PostgreSQL counts each of the three payments as a
    heap-only-tuple (HOT) update. The entries are still numbered in payment order: the ODFI's 8 digits (01100001) then 1, 2, 3."""
    from payroll.models_ledger import Payment
    from payroll.services import payments

    if db.engine.dialect.name != "postgresql":
        pytest.skip("heap-only-tuple updates and fill factors are PostgreSQL's")
    run = _approved_run(world, ("20.00", "25.00", "30.00"))
    s = db.session
    options = s.execute(sa.text("SELECT reloptions FROM pg_class WHERE oid = 'payments'::regclass")).scalar()
    assert "fillfactor=40" in options
    indexed = [d for (d,) in s.execute(sa.text("SELECT pg_get_indexdef(indexrelid) FROM pg_index "
                                              "WHERE indrelid = 'payments'::regclass"))]
    assert indexed and not [d for d in indexed if "nacha_file_id" in d or "trace_number" in d]
    hot = sa.text("SELECT pg_stat_get_xact_tuples_hot_updated('payments'::regclass)")
    before = s.execute(hot).scalar()

    f = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)

    assert s.execute(hot).scalar() - before == 3
    filed = s.execute(sa.select(Payment.nacha_file_id, Payment.trace_number).where(Payment.run_id == run.id)
                      .order_by(Payment.id)).all()
    assert filed == [(f.id, "011000010000001"), (f.id, "011000010000002"), (f.id, "011000010000003")]


def test_the_nacha_files_ciphertext_is_stored_without_a_compression_attempt_on_postgresql(db, world):
    """0135: the file's content is a Fernet token (encrypted at rest), which pglz cannot shrink; the column's
    storage is EXTERNAL (out of line, never compressed), so the server stores it without trying. The stored bytes
    are the token as written (not compressed) and read back as the same file."""
    from payroll.models_ledger import NachaFile
    from payroll.services import payments

    if db.engine.dialect.name != "postgresql":
        pytest.skip("column storage modes are PostgreSQL's")
    run = _approved_run(world, ("20.00",))
    s = db.session
    storage = s.execute(sa.text("SELECT attstorage FROM pg_attribute WHERE attrelid = 'nacha_files'::regclass "
                                "AND attname = 'content'")).scalar()
    assert storage == "e"

    f = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)

    method = s.execute(sa.text("SELECT pg_column_compression(content) FROM nacha_files WHERE id = :id"),
                       {"id": f.id}).scalar()
    assert method is None
    s.expire_all()
    assert s.get(NachaFile, f.id).content == f.content and f.content.startswith("101 ")


def test_marking_the_run_paid_sets_its_payments_sent_without_new_index_entries_on_postgresql(db, world):
    """0135: no index of payments names `status` (the two that looked at it read the generated `attention`, NULL
    for pending and sent), so marking the run paid — status pending → sent on each of its three payments — changes
    no indexed value: three heap-only-tuple updates after the NACHA file's three. `attention` follows the status:
    NULL while sent, 'returned' once a payment comes back."""
    from payroll.models_ledger import Payment
    from payroll.services import payments, runs

    if db.engine.dialect.name != "postgresql":
        pytest.skip("heap-only-tuple updates are PostgreSQL's")
    run = _approved_run(world, ("20.00", "25.00", "30.00"))
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    s = db.session
    indexed = [d for (d,) in s.execute(sa.text("SELECT pg_get_indexdef(indexrelid) FROM pg_index "
                                              "WHERE indrelid = 'payments'::regclass"))]
    assert indexed and not [d for d in indexed if "status" in d]
    hot = sa.text("SELECT pg_stat_get_xact_tuples_hot_updated('payments'::regclass)")
    before = s.execute(hot).scalar()

    runs.mark_paid(run.id, world.finance)

    assert s.execute(hot).scalar() - before == 3
    assert s.execute(sa.select(Payment.status, Payment.attention).where(Payment.run_id == run.id)).all() == [
        ("sent", None)] * 3
    first = s.execute(sa.select(Payment.id).where(Payment.run_id == run.id).order_by(Payment.id)).scalars().first()
    payments.record_return(first, "R01", world.finance, on=SETTLES)
    s.expire_all()
    assert (s.get(Payment, first).status, s.get(Payment, first).attention) == ("returned", "returned")


def test_the_nacha_file_a_payment_names_is_checked_once_per_statement_and_still_enforced_on_postgresql(db, world):
    """0136: payments.nacha_file_id is checked by statement-level triggers instead of a foreign key on PostgreSQL
    (the numbering of 100,000 payments found the same file by one internal query per row). The file's numbering of
    three payments passes; an UPDATE naming file 987654321 (none such) is refused with SQLSTATE 23503 naming the
    key — also when it is one row among the run's three, the others naming the real file — and so is an INSERT;
    marking the run paid (the key unchanged) passes; the file cannot be deleted or renumbered while payments name
    it."""
    from psycopg import errors
    from sqlalchemy.exc import IntegrityError

    from payroll.models_ledger import Payment
    from payroll.services import payments, runs

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps the declared foreign key")
    run = _approved_run(world, ("20.00", "25.00", "30.00"))
    f = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    s = db.session
    ids = s.execute(sa.select(Payment.id).where(Payment.run_id == run.id).order_by(Payment.id)).scalars().all()
    missing = "Key \\(nacha_file_id\\)=\\(987654321\\) is not present in table \"nacha_files\""
    for where in ("id = :last", "run_id = :run"):      # the last payment alone; the run's three, one of them wrong
        with pytest.raises(IntegrityError, match=missing) as refused:
            with s.begin_nested():
                s.execute(sa.text("UPDATE payments SET nacha_file_id = CASE WHEN id = :last THEN 987654321 "
                                  f"ELSE nacha_file_id END WHERE {where}"), {"last": ids[-1], "run": run.id})
        assert isinstance(refused.value.orig, errors.ForeignKeyViolation)
    cols = [c["name"] for c in sa.inspect(s.connection()).get_columns("payments")
            if c["name"] not in ("id", "attention")]
    values = ["'voided'" if c == "status" else "987654321" if c == "nacha_file_id" else c for c in cols]
    with pytest.raises(IntegrityError, match=missing):
        with s.begin_nested():      # a copy of a payment (voided: not a live part) naming no file that exists
            s.execute(sa.text(f"INSERT INTO payments ({', '.join(cols)}) SELECT {', '.join(values)} FROM payments "
                              "WHERE id = :id"), {"id": ids[0]})

    runs.mark_paid(run.id, world.finance)

    assert s.execute(sa.select(Payment.nacha_file_id, Payment.status).where(Payment.run_id == run.id)).all() == [
        (f.id, "sent")] * 3
    for sql in ("DELETE FROM nacha_files WHERE id = :id", "UPDATE nacha_files SET id = id + 1000000 WHERE id = :id"):
        with pytest.raises(IntegrityError, match='still referenced from table "payments"'):
            with s.begin_nested():
                s.execute(sa.text(sql), {"id": f.id})


def _approved_run(world, rates):
    """A regular run of one contractor per hourly rate, calculated and approved (its payments made)."""
    from payroll.services import runs

    for rate in rates:
        world.time(world.worker(kind="contractor", rate=rate))
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    return run


def test_the_files_creation_is_audited_once_and_its_row_holds_the_whole_file(db, world):
    """The file's row is written before its content (the payments are numbered into it while the content is
    formatted) and the content after: still one audit record of the file's creation — its fields, the content
    masked, no "update" — and the row read back from the database holds the file returned, whose three entries
    (6-records) carry the traces 0000001-0000003 the payments were given."""
    from backoffice.audit import MASK, AuditLog
    from payroll.models_ledger import NachaFile, Payment
    from payroll.services import payments

    run = _approved_run(world, ("20.00", "25.00", "30.00"))
    f = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    s = db.session
    s.commit()

    records = s.execute(sa.select(AuditLog.action, AuditLog.changes).where(AuditLog.model == "payment",
                                                                           AuditLog.record_id == str(f.id))).all()
    assert [action for action, _ in records] == ["create"]
    created = json.loads(records[0][1])
    paid = s.execute(sa.select(Payment.amount, Payment.trace_number).where(Payment.run_id == run.id)
                     .order_by(Payment.paycheck_id, Payment.part)).all()
    assert created["entry_count"] == {"after": 3} and created["content"] == {"after": MASK}
    assert created["run_id"] == {"after": run.id} and created["file_id_modifier"] == {"after": "A"}
    assert D(created["total_credit"]["after"]) == sum(amount for amount, _ in paid)
    s.expire_all()
    stored = s.get(NachaFile, f.id).content
    assert stored == f.content
    sixes = [line for line in stored.splitlines() if line.startswith("6")]
    assert [line[79:94] for line in sixes] == [trace for _, trace in paid] == [
        "011000010000001", "011000010000002", "011000010000003"]
