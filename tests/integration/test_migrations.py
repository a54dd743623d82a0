"""The Alembic history has one head and produces exactly the tables the models declare."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app


def test_there_is_exactly_one_migration_head(app, db):
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, heads


def _include_on(dialect: str):
    def include(obj, name, type_, reflected, compare_to):
        if type_ == "index" and name and name.endswith("_trgm"):       # PostgreSQL-only search indexes
            return False
        if dialect == "postgresql" and type_ == "index" and name in PRIMARY_KEY_SERVED:
            return False
        # on PostgreSQL paycheck lines' references are checked by statement-level triggers (0110), not foreign keys,
        # and so are five of the paychecks', five of the payments' and the leave ledger's and balances' (0124)
        return not (dialect == "postgresql" and type_ == "foreign_key_constraint"
                    and (obj.table.name == "paycheck_lines"
                         or tuple(obj.column_keys) in TRIGGER_CHECKED.get(obj.table.name, ())))
    return include


# SQLite-only indexes: on PostgreSQL the table's primary key leads with the column and serves its lookups (0137)
PRIMARY_KEY_SERVED = {"ix_paycheck_lines_paycheck_id"}


# the references 0124 and later check by trigger on PostgreSQL (the others of these tables stay foreign keys)
TRIGGER_CHECKED = {"paychecks": {("run_id",), ("engagement_id",), ("worker_id",), ("client_id",), ("agency_id",)},
                   "payments": {("run_id",), ("paycheck_id",), ("worker_id",), ("bank_account_id",),
                                ("created_by_id",), ("nacha_file_id",)},       # the last: 0136
                   "leave_entries": {("worker_id",), ("policy_id",), ("run_id",), ("paycheck_id",)},
                   "leave_balances": {("worker_id",), ("policy_id",)},
                   # 0128: the run's chunks mark 180,000 timesheets paid
                   "timesheets": {("paid_run_id",)},
                   # 0131: the chunks write a year to date per worker (COPY)
                   "payroll_ytd": {("worker_id",)},
                   # 0132: marking a run paid notifies each of its 100,000 workers
                   "notifications": {("worker_id",)}}


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False, "include_object": _include_on(db.engine.dialect.name)})
        diff = compare_metadata(ctx, db.metadata)
    assert diff == [], diff


def test_paycheck_line_references_are_enforced_on_postgresql(db):
    """0110 replaced the three foreign keys of paycheck_lines by statement-level triggers on PostgreSQL: a line
    naming a paycheck, engagement or client that does not exist is still refused (SQLSTATE 23503), and so is
    deleting a paycheck that lines reference."""
    import pytest
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from tests.factories import PaycheckFactory, PaycheckLineFactory

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps the declared foreign keys")
    line = PaycheckLineFactory()
    db.session.flush()
    for column, value in (("paycheck_id", 987654321), ("engagement_id", 987654321), ("client_id", 987654321)):
        with pytest.raises(IntegrityError, match=f"Key \\({column}\\)=\\(987654321\\)"):
            with db.session.begin_nested():
                db.session.execute(sa.text(
                    "INSERT INTO paycheck_lines (paycheck_id, kind, code, state, amount, engagement_id, client_id) "
                    "VALUES (:p, 'earning', 'regular', '', 100, :e, :c)"),
                    {"p": line.paycheck_id, "e": None, "c": None, **{column[:1]: value}})
    with pytest.raises(IntegrityError, match="still referenced"):
        with db.session.begin_nested():
            db.session.execute(sa.text("DELETE FROM paychecks WHERE id = :id"), {"id": line.paycheck_id})
    with pytest.raises(IntegrityError, match="still referenced"):
        with db.session.begin_nested():
            db.session.execute(sa.text("UPDATE paychecks SET id = id + 1000000 WHERE id = :id"),
                               {"id": line.paycheck_id})
    other = PaycheckFactory()
    db.session.flush()
    db.session.execute(sa.text("UPDATE paycheck_lines SET paycheck_id = :o WHERE id = :id"),
                       {"o": other.id, "id": line.id})       # a line may move to a paycheck that exists


def test_paycheck_and_payment_references_are_enforced_on_postgresql(db):
    """0124 replaced five foreign keys of paychecks and five of payments by triggers on PostgreSQL: a paycheck or
    payment naming a run, worker, paycheck, bank account or user that does not exist is refused (SQLSTATE 23503,
    the key named), whether inserted or changed by an UPDATE; deleting a worker, run or paycheck that one still
    references, or changing its id, is refused; an UPDATE that leaves the references as they are passes."""
    import pytest
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from tests.factories import PaycheckFactory, WorkerFactory

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps the declared foreign keys")
    check = PaycheckFactory()
    db.session.flush()
    columns = ("run_id, engagement_id, worker_id, client_id, agency_id, kind, worker_type, work_state, period_start, "
               "period_end, pay_date, tax_year, gross, employee_taxes, employer_taxes, deductions, net, "
               "qualified_overtime_premium, inputs, created_at")
    # a copy of the paycheck as a re-issue (kind 'reissue': not the same row for uq_paychecks_run_worker_kind)
    source = columns.replace("kind", "'reissue'")
    for column in ("run_id", "engagement_id", "worker_id", "client_id", "agency_id"):
        with pytest.raises(IntegrityError, match=f"Key \\({column}\\)=\\(987654321\\) is not present"):
            with db.session.begin_nested():
                db.session.execute(sa.text(f"INSERT INTO paychecks ({columns}) SELECT "
                                           f"{source.replace(column, '987654321', 1)} FROM paychecks WHERE id = :id"),
                                   {"id": check.id})
        with pytest.raises(IntegrityError, match=f"Key \\({column}\\)=\\(987654321\\) is not present"):
            with db.session.begin_nested():
                db.session.execute(sa.text(f"UPDATE paychecks SET {column} = 987654321 WHERE id = :id"),
                                   {"id": check.id})
    copy_id = db.session.execute(sa.text(f"INSERT INTO paychecks ({columns}) SELECT {source} FROM paychecks "
                                         "WHERE id = :id RETURNING id"), {"id": check.id}).scalar()  # keys present
    other = WorkerFactory()
    db.session.flush()
    pay = dict(run=check.run_id, paycheck=copy_id, worker=other.id)
    insert = ("INSERT INTO payments (run_id, paycheck_id, worker_id, bank_account_id, routing_number, account_last4, "
              "account_type, amount, status, part, hold_reason, trace_number, return_code, method, void_reason, "
              "created_by_id, created_at) VALUES (:run, :paycheck, :worker, :account, '', '', '', 100, 'held', 0, "
              "'no account', '', '', 'ach', '', :user, now())")
    for key, column in (("run", "run_id"), ("paycheck", "paycheck_id"), ("worker", "worker_id"),
                        ("account", "bank_account_id"), ("user", "created_by_id")):
        with pytest.raises(IntegrityError, match=f"Key \\({column}\\)=\\(987654321\\) is not present"):
            with db.session.begin_nested():
                db.session.execute(sa.text(insert), {"account": None, "user": None, **pay, key: 987654321})
    db.session.execute(sa.text(insert), {"account": None, "user": None, **pay})
    with pytest.raises(IntegrityError, match="Key \\(paycheck_id\\)=\\(987654321\\) is not present"):
        with db.session.begin_nested():
            db.session.execute(sa.text("UPDATE payments SET paycheck_id = 987654321 WHERE paycheck_id = :p"),
                               {"p": copy_id})
    db.session.execute(sa.text("UPDATE payments SET status = 'held', hold_reason = 'still no account' "
                               "WHERE paycheck_id = :p"), {"p": copy_id})        # references unchanged: passes
    # the copy and `other` are referenced by the payment only, the run by paychecks and payments
    for table, key, by in (("paychecks", copy_id, "payments"), ("workers", other.id, "payments"),
                           ("payroll_runs", check.run_id, "pay(checks|ments)")):
        for sql in (f"DELETE FROM {table} WHERE id = :id", f"UPDATE {table} SET id = id + 1000000 WHERE id = :id"):
            with pytest.raises(IntegrityError, match=f'still referenced from table "{by}"'):
                with db.session.begin_nested():
                    db.session.execute(sa.text(sql), {"id": key})
    db.session.execute(sa.text("UPDATE payments SET worker_id = :w WHERE paycheck_id = :p"),
                       {"w": check.worker_id, "p": copy_id})      # a payment may move to a worker that exists
    db.session.execute(sa.text("DELETE FROM workers WHERE id = :id"), {"id": other.id})   # no longer referenced


def test_leave_entry_and_balance_references_are_enforced_on_postgresql(db):
    """0124 checks the references of leave entries (worker, policy, run, paycheck) and balances (worker, policy) by
    trigger on PostgreSQL: a balance or entry naming a worker or policy that does not exist is refused (23503, the
    key named), so is deleting a worker or policy a balance still references; a balance for one that exists is
    written and its hours updated."""
    import pytest
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from backoffice.leave.services import law_policy
    from tests.factories import WorkerFactory

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps the declared foreign keys")
    worker = WorkerFactory()
    policy = law_policy("CA")
    db.session.flush()
    balance = ("INSERT INTO leave_balances (worker_id, policy_id, balance, policy_year_start, accrued_this_year, "
               "used_this_year, created_at, updated_at) VALUES (:w, :p, 0, '2026-01-01', 0, 0, now(), now())")
    entry = ("INSERT INTO leave_entries (worker_id, policy_id, kind, \"on\", hours, balance_after, capped, "
             "explanation, created_at) VALUES (:w, :p, 'adjustment', '2026-11-13', 10000, 10000, false, '[]', now())")
    for sql in (balance, entry):
        for key, column in (("w", "worker_id"), ("p", "policy_id")):
            with pytest.raises(IntegrityError, match=f"Key \\({column}\\)=\\(987654321\\) is not present"):
                with db.session.begin_nested():
                    db.session.execute(sa.text(sql), {"w": worker.id, "p": policy.id, key: 987654321})
    db.session.execute(sa.text(balance), {"w": worker.id, "p": policy.id})
    db.session.execute(sa.text("UPDATE leave_balances SET balance = 20000 WHERE worker_id = :w"), {"w": worker.id})
    for table, key in (("workers", worker.id), ("leave_policies", policy.id)):
        with pytest.raises(IntegrityError, match='still referenced from table "leave_balances"'):
            with db.session.begin_nested():
                db.session.execute(sa.text(f"DELETE FROM {table} WHERE id = :id"), {"id": key})


def test_a_timesheet_marked_paid_by_a_run_that_does_not_exist_is_refused_on_postgresql(db):
    """0128 checks timesheets.paid_run_id by a statement-level trigger on PostgreSQL: marking a sheet paid by run
    987654321 (none such) is refused with 23503 naming the key, as is inserting a sheet that names it; marking it
    paid by a run that exists passes, and that run cannot then be deleted or renumbered while the sheet names it;
    other updates of the sheet (its note) pass."""
    import pytest
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from tests.factories import PayrollRunFactory, TimesheetFactory

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps the declared foreign key")
    sheet, run = TimesheetFactory(), PayrollRunFactory()
    db.session.flush()
    with pytest.raises(IntegrityError, match="Key \\(paid_run_id\\)=\\(987654321\\) is not present"):
        with db.session.begin_nested():
            db.session.execute(sa.text("UPDATE timesheets SET paid_run_id = 987654321 WHERE id = :id"), {"id": sheet.id})
    with pytest.raises(IntegrityError, match="Key \\(paid_run_id\\)=\\(987654321\\) is not present"):
        with db.session.begin_nested():
            cols = [c["name"] for c in sa.inspect(db.session.connection()).get_columns("timesheets")
                    if c["name"] != "id"]
            values = ["week_start + 7" if c == "week_start" else "987654321" if c == "paid_run_id" else c for c in cols]
            db.session.execute(sa.text(f"INSERT INTO timesheets ({', '.join(cols)}) SELECT {', '.join(values)} "
                                       "FROM timesheets WHERE id = :id"), {"id": sheet.id})
    db.session.execute(sa.text("UPDATE timesheets SET paid_run_id = :r WHERE id = :id"), {"r": run.id, "id": sheet.id})
    db.session.execute(sa.text("UPDATE timesheets SET note = 'checked' WHERE id = :id"), {"id": sheet.id})
    for sql in ("DELETE FROM payroll_runs WHERE id = :id", "UPDATE payroll_runs SET id = id + 1000000 WHERE id = :id"):
        with pytest.raises(IntegrityError, match='still referenced from table "timesheets"'):
            with db.session.begin_nested():
                db.session.execute(sa.text(sql), {"id": run.id})
    assert db.session.execute(sa.text("SELECT paid_run_id, note FROM timesheets WHERE id = :id"),
                              {"id": sheet.id}).one() == (run.id, "checked")


def test_a_notice_for_a_worker_that_does_not_exist_is_refused_on_postgresql(db):
    """0132 checks notifications.worker_id by triggers on PostgreSQL: inserting a notice (one row, or many in one
    INSERT … SELECT as a paid run does) or moving one to a worker that does not exist is refused (SQLSTATE 23503,
    the key named); deleting or renumbering a worker with notices is refused; marking a notice read passes."""
    import pytest
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from tests.factories import WorkerFactory

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps the declared foreign key")
    worker, other = WorkerFactory(), WorkerFactory()
    db.session.flush()
    insert = ("INSERT INTO notifications (worker_id, kind, key, title, body, created_at, email_attempts, email_error) "
              "SELECT w, 'paycheck_ready', 'paycheck_ready:' || w, 'Ready', '', now(), 0, '' FROM unnest(:ids) AS w")
    for ids in ([987654321], [worker.id, 987654321]):
        with pytest.raises(IntegrityError, match="Key \\(worker_id\\)=\\(987654321\\) is not present"):
            with db.session.begin_nested():
                db.session.execute(sa.text(insert), {"ids": ids})
    db.session.execute(sa.text(insert), {"ids": [worker.id, other.id]})
    with pytest.raises(IntegrityError, match="Key \\(worker_id\\)=\\(987654321\\) is not present"):
        with db.session.begin_nested():
            db.session.execute(sa.text("UPDATE notifications SET worker_id = 987654321 WHERE worker_id = :w"),
                               {"w": worker.id})
    db.session.execute(sa.text("UPDATE notifications SET read_at = now() WHERE worker_id = :w"), {"w": worker.id})
    for sql in ("DELETE FROM workers WHERE id = :id", "UPDATE workers SET id = id + 1000000 WHERE id = :id"):
        with pytest.raises(IntegrityError, match='still referenced from table "notifications"'):
            with db.session.begin_nested():
                db.session.execute(sa.text(sql), {"id": other.id})
    db.session.execute(sa.text("UPDATE notifications SET worker_id = :w WHERE worker_id = :o"),
                       {"w": worker.id, "o": other.id})      # a notice may move to a worker that exists
    db.session.execute(sa.text("DELETE FROM workers WHERE id = :id"), {"id": other.id})   # no longer referenced
    assert db.session.execute(sa.text("SELECT count(*), count(read_at) FROM notifications WHERE worker_id = :w"),
                              {"w": worker.id}).one() == (2, 1)


def test_regular_paychecks_accruals_and_approved_sheets_stay_out_of_the_partial_indexes_of_0128(db):
    """0128 made the paychecks' reverses_id / reissue_of_id indexes and the leave entries' request indexes partial
    (… IS NOT NULL), the timesheets' status index partial (not approved), and dropped ix_leave_entries_kind, on both
    backends (the predicate read back from the database); uniqueness still holds: a second reversal of the same
    paycheck is refused by uq_paychecks_reverses_id, while paychecks with neither reference coexist."""
    import pytest
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from tests.factories import PaycheckFactory

    inspector = sa.inspect(db.session.connection())
    dialect = db.engine.dialect.name

    def indexes(table):
        return {ix["name"]: (bool(ix["unique"]), " ".join(str(ix["dialect_options"].get(f"{dialect}_where", "")).split()))
                for ix in inspector.get_indexes(table)}
    paycheck_ix, entry_ix, sheet_ix = indexes("paychecks"), indexes("leave_entries"), indexes("timesheets")
    assert "ix_leave_entries_kind" not in entry_ix
    assert paycheck_ix["uq_paychecks_reverses_id"][0] and "reverses_id IS NOT NULL" in paycheck_ix["uq_paychecks_reverses_id"][1]
    assert paycheck_ix["ix_paychecks_reissue_of_id"][0] and "reissue_of_id IS NOT NULL" in paycheck_ix["ix_paychecks_reissue_of_id"][1]
    assert entry_ix["uq_leave_entries_request"][0] and "request_id IS NOT NULL" in entry_ix["uq_leave_entries_request"][1]
    assert "request_id IS NOT NULL" in entry_ix["ix_leave_entries_request_id"][1]
    assert "approved" not in sheet_ix["ix_timesheets_status"][1] and "submitted" in sheet_ix["ix_timesheets_status"][1]
    original, first, second = PaycheckFactory(), PaycheckFactory(), PaycheckFactory()
    db.session.flush()                    # three paychecks with no reference: NULLs never conflict
    db.session.execute(sa.text("UPDATE paychecks SET reverses_id = :o WHERE id = :id"), {"o": original.id,
                                                                                          "id": first.id})
    with pytest.raises(IntegrityError, match="uq_paychecks_reverses_id|paychecks.reverses_id"):
        with db.session.begin_nested():
            db.session.execute(sa.text("UPDATE paychecks SET reverses_id = :o WHERE id = :id"),
                               {"o": original.id, "id": second.id})


def test_nothing_indexes_the_paychecks_client_or_the_timesheets_paying_run_after_0134(db):
    """0134 dropped ix_paychecks_client_id (no lookup by a paycheck's client) and ix_timesheets_paid_run_id (the run's
    mark on its sheets then changes no indexed column), on both backends: no index of either table names the column,
    while the indexes the lookups use stay (a paycheck by worker, engagement, pay date, state; a sheet by engagement and
    week)."""
    import sqlalchemy as sa

    inspector = sa.inspect(db.session.connection())
    paycheck_ix = {tuple(ix["column_names"]) for ix in inspector.get_indexes("paychecks")}
    sheet_ix = {tuple(ix["column_names"]) for ix in inspector.get_indexes("timesheets")}
    assert not [cols for cols in paycheck_ix if "client_id" in cols]
    assert not [cols for cols in sheet_ix if "paid_run_id" in cols]
    assert {("worker_id",), ("engagement_id",), ("pay_date",), ("work_state",)} <= paycheck_ix
    assert ("engagement_id", "week_start") in sheet_ix or \
        "uq_timesheets_engagement_week" in {u["name"] for u in inspector.get_unique_constraints("timesheets")}


def test_a_paychecks_lines_are_found_by_an_index_that_leads_with_the_paycheck_after_0137(db):
    """0137: on PostgreSQL the lines' primary key is (paycheck_id, id) and no other full index names paycheck_id (a
    run's line enters one index instead of two); on SQLite `id` stays the rowid and paycheck_id keeps its own index.
    On both, one paycheck's lines in id order are read through an index that leads with paycheck_id, and on
    PostgreSQL the key refuses a second line with the same paycheck and id."""
    import pytest
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from tests.factories import PaycheckFactory

    conn = db.session.connection()
    inspector = sa.inspect(conn)
    full = {ix["name"]: tuple(ix["column_names"]) for ix in inspector.get_indexes("paycheck_lines")
            if ix.get("dialect_options", {}).get(f"{db.engine.dialect.name}_where") is None}
    query = "SELECT id, amount FROM paycheck_lines WHERE paycheck_id = :p ORDER BY id"
    p = PaycheckFactory()
    db.session.flush()
    line = ("INSERT INTO paycheck_lines (id, paycheck_id, kind, code, state, locality, amount) "
            "VALUES (:id, :p, 'employee_tax', 'federal_income_tax', '', '', 100)")
    db.session.execute(sa.text(line), {"id": 900001, "p": p.id})
    if db.engine.dialect.name == "postgresql":
        assert inspector.get_pk_constraint("paycheck_lines")["constrained_columns"] == ["paycheck_id", "id"]
        assert full == {}
        # a plain index scan only (a bitmap scan returns rows in page order and is sorted after, whatever the index;
        # the planner picked one once in CI on stale statistics): a Sort then means the key does not give id order
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        db.session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
        plan = "\n".join(db.session.execute(sa.text("EXPLAIN " + query), {"p": p.id}).scalars())
        assert "paycheck_lines_pkey" in plan and "Sort" not in plan, plan
        with pytest.raises(IntegrityError, match="paycheck_lines_pkey"):
            with db.session.begin_nested():
                db.session.execute(sa.text(line), {"id": 900001, "p": p.id})
    else:
        assert full == {"ix_paycheck_lines_paycheck_id": ("paycheck_id",)}
        plan = " ".join(str(r[-1]) for r in db.session.execute(sa.text("EXPLAIN QUERY PLAN " + query), {"p": p.id}))
        assert "ix_paycheck_lines_paycheck_id" in plan, plan
    assert db.session.execute(sa.text(query), {"p": p.id}).all() == [(900001, 100)]


def _migration_0131():
    """migrations/versions/0131_pgcalc21.py as a module (its CHECKS and the functions' SQL both ways)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0131_pgcalc21.py"
    spec = importlib.util.spec_from_file_location("m0131", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_one_missing_reference_among_many_rows_of_one_statement_is_refused_on_postgresql(db):
    """0131 checks a statement's references in one read of its new rows, locking and counting each key's parents:
    three lines of three paychecks in one INSERT pass; the same INSERT with a fourth line naming paycheck 987654321
    (none such) is refused naming it, as is one naming engagement 987654321 among real ones; so are a paycheck
    among real ones naming worker 987654321, a timesheet marked paid by run 987654321 and year-to-date rows with one
    naming worker 987654321 (0131 checks payroll_ytd.worker_id by trigger too). Downgrading to 0130's functions and
    upgrading again (the migration's own SQL, in this transaction) keeps every refusal. A year to date whose figures
    change passes, one moved to worker 987654321 is refused, and its worker can be neither deleted nor renumbered."""
    import pytest
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from payroll.services.paycheck_inputs import YTD_STORED
    from tests.factories import EngagementFactory, PaycheckFactory, TimesheetFactory, WorkerFactory

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps the declared foreign keys")
    m0131 = _migration_0131()
    checks = [PaycheckFactory() for _ in range(3)]
    eng = EngagementFactory()
    sheet = TimesheetFactory()
    db.session.flush()
    line = ("INSERT INTO paycheck_lines (paycheck_id, kind, code, state, amount, engagement_id) "
            "SELECT p, 'earning', 'regular', '', 100, e FROM unnest(CAST(:p AS bigint[]), CAST(:e AS bigint[])) AS x(p, e)")
    ids = [c.id for c in checks]
    columns = ("run_id, engagement_id, worker_id, client_id, agency_id, kind, worker_type, work_state, period_start, "
               "period_end, pay_date, tax_year, gross, employee_taxes, employer_taxes, deductions, net, "
               "qualified_overtime_premium, inputs, created_at")
    figures = ", ".join(YTD_STORED)
    ytd = (f"INSERT INTO payroll_ytd (worker_id, tax_year, worker_type, {figures}) "
           f"SELECT w, 2031, 'employee', {', '.join('0' for _ in YTD_STORED)} FROM unnest(CAST(:w AS bigint[])) w")
    reissues = columns.replace("kind", "'reissue'").replace(
        "worker_id", "CASE WHEN id = :last THEN 987654321 ELSE worker_id END", 1)

    def refusals():
        with pytest.raises(IntegrityError, match="Key \\(paycheck_id\\)=\\(987654321\\) is not present"):
            with db.session.begin_nested():
                db.session.execute(sa.text(line), {"p": ids + [987654321], "e": [eng.id] * 4})
        with pytest.raises(IntegrityError, match="Key \\(engagement_id\\)=\\(987654321\\) is not present"):
            with db.session.begin_nested():
                db.session.execute(sa.text(line), {"p": ids, "e": [eng.id, 987654321, eng.id]})
        with pytest.raises(IntegrityError, match="Key \\(worker_id\\)=\\(987654321\\) is not present"):
            with db.session.begin_nested():      # re-issue copies of the three, one naming no worker
                db.session.execute(sa.text(f"INSERT INTO paychecks ({columns}) SELECT {reissues} "
                                           "FROM paychecks WHERE id = ANY (:ids)"), {"ids": ids, "last": ids[-1]})
        with pytest.raises(IntegrityError, match="Key \\(paid_run_id\\)=\\(987654321\\) is not present"):
            with db.session.begin_nested():
                db.session.execute(sa.text("UPDATE timesheets SET paid_run_id = 987654321 WHERE id = :id"),
                                   {"id": sheet.id})
        with pytest.raises(IntegrityError, match="Key \\(worker_id\\)=\\(987654321\\) is not present"):
            with db.session.begin_nested():      # a year to date for each paycheck's worker and one for none such
                db.session.execute(sa.text(ytd), {"w": [c.worker_id for c in checks] + [987654321]})

    def body(function):
        return db.session.execute(sa.text("SELECT pg_get_functiondef(CAST(:f AS regproc))"), {"f": function}).scalar()

    assert all("array_agg(DISTINCT" in body(f) for f in m0131.CHECKS)
    refusals()
    for function in m0131.CHECKS:            # downgrade, then upgrade again
        db.session.execute(sa.text(m0131._before(function)))
    assert not any("array_agg(DISTINCT" in body(f) for f in m0131.CHECKS)
    refusals()
    for function in m0131.CHECKS:
        db.session.execute(sa.text(m0131.one_pass(function)))
    refusals()
    db.session.execute(sa.text(line), {"p": ids, "e": [eng.id, None, eng.id]})
    assert db.session.execute(sa.text("SELECT count(*) FROM paycheck_lines WHERE paycheck_id = ANY (:p)"),
                              {"p": ids}).scalar() == 3
    db.session.execute(sa.text(ytd), {"w": [c.worker_id for c in checks]})
    db.session.execute(sa.text("UPDATE payroll_ytd SET gross = 100 WHERE tax_year = 2031"))    # worker unchanged
    with pytest.raises(IntegrityError, match="Key \\(worker_id\\)=\\(987654321\\) is not present"):
        with db.session.begin_nested():
            db.session.execute(sa.text("UPDATE payroll_ytd SET worker_id = 987654321 WHERE tax_year = 2031 "
                                       "AND worker_id = :w"), {"w": checks[0].worker_id})
    lone = WorkerFactory()                  # referenced by a year to date only
    db.session.flush()
    db.session.execute(sa.text(ytd), {"w": [lone.id]})
    for sql in ("DELETE FROM workers WHERE id = :id", "UPDATE workers SET id = id + 1000000 WHERE id = :id"):
        with pytest.raises(IntegrityError, match='still referenced from table "payroll_ytd"'):
            with db.session.begin_nested():
                db.session.execute(sa.text(sql), {"id": lone.id})


@pytest.mark.real_commits       # a second connection must see the paycheck the lines name
def test_the_rows_a_bulk_insert_references_stay_locked_until_it_ends_on_postgresql(db):
    """As a foreign key does, 0131's check locks the rows a statement's new rows reference FOR KEY SHARE until the
    transaction ends: while two lines naming a paycheck are uncommitted, another connection cannot take the lock a
    DELETE or a change of its id takes (FOR UPDATE NOWAIT fails), yet can take the one an update of its other
    columns takes (FOR NO KEY UPDATE); once the lines' transaction rolls back, FOR UPDATE passes."""
    import sqlalchemy as sa
    from sqlalchemy.exc import OperationalError

    from tests.factories import PaycheckFactory

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps the declared foreign keys")
    check = PaycheckFactory()
    db.session.commit()
    db.session.execute(sa.text("INSERT INTO paycheck_lines (paycheck_id, kind, code, state, amount) "
                               "VALUES (:p, 'earning', 'regular', '', 100), (:p, 'employee_tax', 'medicare', '', 1)"),
                       {"p": check.id})
    lock = "SELECT 1 FROM paychecks WHERE id = :id FOR {} NOWAIT"
    with db.engine.connect() as other:
        with pytest.raises(OperationalError, match="could not obtain lock"):
            other.execute(sa.text(lock.format("UPDATE")), {"id": check.id})
        other.rollback()
        assert other.execute(sa.text(lock.format("NO KEY UPDATE")), {"id": check.id}).scalar() == 1
        other.rollback()
        db.session.rollback()
        assert other.execute(sa.text(lock.format("UPDATE")), {"id": check.id}).scalar() == 1
        other.rollback()


def test_a_paid_runs_notices_stay_out_of_the_kind_index_that_still_serves_the_other_kinds_on_postgresql(db):
    """0136: `ix_notifications_kind` holds every kind but paycheck_ready (one notice per paycheck of a paid run, most
    of the table) on PostgreSQL. A filter on another kind (the admin's) can still be served by it — the planner
    proves `kind = 'document_needed'` implies the index's predicate — and one on paycheck_ready cannot. SQLite,
    whose planner would not prove it, keeps the full index."""
    import sqlalchemy as sa

    from tests.factories import WorkerFactory

    worker = WorkerFactory()
    db.session.flush()
    db.session.execute(sa.text(
        "INSERT INTO notifications (worker_id, kind, key, title, body, created_at, email_attempts, email_error) "
        "VALUES (:w, 'paycheck_ready', 'paycheck_ready:1', 't', '', CURRENT_TIMESTAMP, 0, ''), "
        "(:w, 'document_needed', 'document_needed:w4', 't', '', CURRENT_TIMESTAMP, 0, '')"), {"w": worker.id})
    where = {i["name"]: i.get("dialect_options", {}).get("postgresql_where")
             for i in sa.inspect(db.session.connection()).get_indexes("notifications")}["ix_notifications_kind"]
    if db.engine.dialect.name != "postgresql":
        assert where is None
        return
    assert where == "((kind)::text <> 'paycheck_ready'::text)"
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))

    def plan(kind):
        return "\n".join(db.session.execute(sa.text("EXPLAIN SELECT id FROM notifications WHERE kind = :k"),
                                            {"k": kind}).scalars())
    assert "ix_notifications_kind" in plan("document_needed")
    assert "ix_notifications_kind" not in plan("paycheck_ready")
    found = db.session.execute(sa.text("SELECT kind FROM notifications WHERE kind = 'document_needed'")).scalars()
    assert found.all() == ["document_needed"]
