"""Shared helpers for payroll services: loading records with clear errors, row locks, bulk inserts."""
from __future__ import annotations

import json
from collections import namedtuple
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Iterable, Sequence

import sqlalchemy as sa

from backoffice.errors import DomainError, NotFound
from backoffice.extensions import db
from backoffice.uow import for_update
from payroll.models import PayrollRun, RunChunk
from payroll.services.id_list import IdList, array_literal


def is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def get_run(run_id: int, *, lock: bool = False) -> PayrollRun:
    """The run, optionally locked until the unit of work ends (FOR UPDATE on PostgreSQL, the write lock on
    SQLite: backoffice.uow.for_update) so two state changes never interleave."""
    stmt = sa.select(PayrollRun).where(PayrollRun.id == run_id)
    if lock:
        stmt = for_update(stmt)
    run = db.session.execute(stmt).scalar_one_or_none()
    if run is None:
        raise NotFound(f"payroll run {run_id} not found")
    if lock:
        db.session.refresh(run)
    return run


def pending_approval_chunks(run_id: int) -> list[int]:
    """The chunks of an approved run whose share of the approval (their payments and leave) has not committed yet."""
    return list(db.session.execute(sa.select(RunChunk.index).where(RunChunk.run_id == run_id,
                                                                   RunChunk.approved_at.is_(None))
                                   .order_by(RunChunk.index)).scalars())


def refuse_while_approving(run: PayrollRun, doing: str) -> None:
    """A run whose approval is still being carried out chunk by chunk cannot be `doing` yet: its NACHA file and
    marking it paid would leave out the payments those chunks have not written, and a reversal would take back
    leave accruals that a chunk would write after it. Called under the run's lock; a chunk commits its payments,
    its leave and its done mark together, so once none is pending every payment is there."""
    if run.state in ("approved", "paid") and (pending := pending_approval_chunks(run.id)):
        raise DomainError(f"run #{run.id} is still being approved (the payments and leave of {len(pending)} of "
                          f"{run.chunks_total} chunks are being written): it can be {doing} once they are; try "
                          "again in a moment, or resume its approval", code="approval_in_progress")


def user_id(user) -> int | None:
    return getattr(user, "id", None) if user is not None else None


def refuse(message: str, code: str) -> None:
    raise DomainError(message, code=code)


_HUNDRED = Decimal(100)
_TEN_THOUSAND = Decimal(10000)


def cents(value: Decimal | None) -> int | None:
    """A Decimal of dollars as integer cents (the Scaled(2) storage form), for bulk inserts. (A Decimal factor: the
    product is the same as with the int, without converting the int on every call; a run calls this ~36 times a
    worker.)"""
    return None if value is None else int(value * _HUNDRED)


def reserve_ids(table: str, n: int) -> list[int] | None:
    """n new primary keys of `table` from its sequence (PostgreSQL), so rows written by COPY are known without
    reading them back; None on SQLite (the caller reads the ids back)."""
    if not is_postgres() or n <= 0:
        return None
    # the sequence is looked up once (a scalar subquery runs once as an InitPlan): written inside nextval() the
    # lookup and its text-to-regclass cast ran for every id, as much server time as nextval itself
    return list(db.session.execute(sa.text(
        "SELECT nextval((SELECT CAST(pg_get_serial_sequence(:t, 'id') AS regclass))) FROM generate_series(1, :n)"),
        {"t": table, "n": n}).scalars())


# namedtuple called with a select's own column names: through a name mypy does not read as `namedtuple` (it takes
# such a call for a class definition with literal fields, which the compiled build cannot give)
_namedtuple: Any = namedtuple


def plain_rows(result, stored_columns: Sequence = ()) -> list:
    """A result's rows as NamedTuples: attribute reads at tuple speed (a SQLAlchemy Row reads a column by name in
    about 1 µs, twelve times a tuple's; the hot loops of a run read each row's columns many times).

    `stored_columns`: the TypeDecorator columns (Scaled) the select ends with, each selected with `stored()`. Their
    values are converted by the columns' own types once per distinct tuple of stored values: a chunk's rows repeat a
    few patterns (a week of 8, 8, 8, 8, 8, 0, 0 hours; a W-4 of zeros), and the TypeDecorator's call on every value
    cost about 3% of a chunk's CPU.

    The rows are fetched in one call (`all()`: iterating a result fetches row by row, about twice the CPU a row on
    psycopg) and each is made by `tuple.__new__` itself (NamedTuple's `_make` is a Python call around it)."""
    cls = _namedtuple("Row", list(result.keys()), rename=True)
    new = tuple.__new__
    rows = result.all()
    if not stored_columns:
        return [new(cls, r) for r in rows]
    n = len(stored_columns)
    types = [c.type for c in stored_columns]
    converted: dict[tuple, tuple] = {}
    out = []
    for r in rows:
        raw = tuple(r[-n:])
        values = converted.get(raw)
        if values is None:
            values = converted[raw] = tuple(t.process_result_value(v, None) for t, v in zip(types, raw))
        out.append(new(cls, tuple(r[:-n]) + values))
    return out


def stored(column):
    """A TypeDecorator column selected in its storage form (Scaled: the integer), named as the column: for
    plain_rows(result, stored_columns)."""
    return sa.type_coerce(column, column.type.impl_instance).label(column.key)


def units4(value: Decimal | None) -> int | None:
    """A Decimal as integer ten-thousandths (the Scaled(4) storage form)."""
    return None if value is None else int(value * _TEN_THOUSAND)


def _sqlite_value(v):
    if isinstance(v, datetime):
        if v.tzinfo is not None:
            v = v.astimezone(timezone.utc).replace(tzinfo=None)
        return v.isoformat(" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return v


def _copy_value(v):
    if isinstance(v, datetime) and v.tzinfo is not None:
        return v.astimezone(timezone.utc).replace(tzinfo=None)
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return v


def id_in(column, ids: Sequence):
    """`column IN ids` as one array parameter on PostgreSQL (= ANY(%s)): a 2,500-id IN list costs more to
    compile and send than the query takes to run. Integer ids given as an IdList may name a text column (the audit
    log's record ids): they are compared as text, and their literal is written once, where psycopg would dump and
    escape each string of a list one by one."""
    text_column = isinstance(column.type, sa.String)
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        if text_column:
            if isinstance(ids, IdList):     # integer ids kept as text (the audit log's record ids): one literal
                return column == sa.any_(sa.cast(sa.literal(ids.literal, sa.types.NullType()), ARRAY(sa.Text)))
            return column == sa.any_(sa.literal(list(ids), ARRAY(sa.Text)))
        # integer ids travel as one array literal ("{1,2,3}"): psycopg dumps a Python list element by element.
        # The literal is sent untyped (NullType: no ::VARCHAR), so PostgreSQL reads the parameter itself as a
        # bigint[] (CAST($1 AS BIGINT[])) and plans with the array as a constant: hashed `= ANY` and a row
        # estimate from the ids. Sent as text, the cast was an I/O coercion evaluated at run time: the planner
        # could pick a sequential scan that compared every row with all 2,500 ids (9 s for 9,000 timesheets).
        text = ids.literal if isinstance(ids, IdList) else array_literal(ids)
        return column == sa.any_(sa.cast(sa.literal(text, sa.types.NullType()), ARRAY(sa.BigInteger)))
    if text_column and isinstance(ids, IdList):
        return column.in_([str(i) for i in ids])
    return column.in_(list(ids))


def among_ids(column, ids: Sequence[int]):
    """`column IN ids` for ids given in ascending order (a chunk's workers or engagements): the ids as one array
    (id_in), which the planner reads as a constant, and their range as well — a chunk's ids are consecutive (payroll
    plans chunks in worker order), and an index led by the column (or by (run_id, worker_id)) takes a range as its
    condition, not an array. Without the range a chunk's read of the run's paychecks filtered every row of the run
    (`IN (SELECT …)` let it hash-join them), and its read of the unpaid timesheets scanned the whole table, for each
    of a 100,000-worker run's 40 chunks."""
    if not ids:
        return sa.false()
    return sa.and_(column.between(ids[0], ids[-1]), id_in(column, ids))


def within(column, ids: Sequence[int]):
    """`column IN ids` (ascending, no repeats, consecutive or nearly: a chunk's workers, their paychecks) with only
    their range for an index to take, the array a filter (`column + 0`). Given to the index as well (among_ids),
    the array costs 2,500 descents in the planner's reckoning, so it took a plan that read more than the chunk: every
    engagement of the agency (a sequential scan) for the leave accrual's engagements; for the accruals already
    written, the run's every accrual by (kind, run), however many chunks had written theirs — per chunk, so with the
    square of the run. A range stays the chunk's whatever the statistics say (the run's tables grow from nothing
    during it). Not for the leave accrual's timesheets (its join of engagements and sheets): there the engagements'
    estimate that came out right (1,875 rows a chunk, not 234) made the nested loop into the timesheets a hash join
    over every sheet."""
    if not ids:
        return sa.false()
    span = column.between(ids[0], ids[-1])
    # ids ascending without repeats that fill their range are the range: no array at all. A chunk's workers
    # usually do, and the array filter is the costly part once the connection's statement has a generic plan
    # (from its sixth execution): the array is then a parameter, searched from its start for each row (8–16 ms a
    # chunk of 2,500 at 100,000 workers, auto_explain), not a hash built from a constant.
    if ids[-1] - ids[0] + 1 == len(ids):
        return span
    return sa.and_(span, id_in(column + 0, ids))


def bulk_insert(table: str, columns: Sequence[str], rows: Iterable[Sequence], *, ready: bool = False) -> int:
    """Insert rows given in storage form (cents as int) in the current transaction: COPY on PostgreSQL,
    executemany elsewhere. Returns the number of rows. `ready=True`: the rows hold only None, str, int, bool,
    date and naive-UTC datetime values (JSON already dumped), so COPY takes them as they are."""
    conn = db.session.connection()
    n = 0
    if conn.dialect.name == "postgresql":
        raw: Any = conn.connection.driver_connection         # psycopg's own connection (never None when checked out)
        cols = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cur:
            with cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as cp:
                write = cp.write_row
                if ready:
                    for row in rows:
                        write(row)
                        n += 1
                else:
                    for row in rows:
                        write([_copy_value(v) for v in row])
                        n += 1
        return n
    data = [tuple(_sqlite_value(v) for v in row) for row in rows]
    if data:
        marks = ", ".join("?" for _ in columns)
        # table and columns are the callers' constants; values are bound
        cols = ", ".join(f'"{c}"' for c in columns)          # quoted: a column may be a keyword ("on")
        conn.exec_driver_sql(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', data)  # nosec B608
    return len(data)
