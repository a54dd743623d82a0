"""The unit of work: every service writes inside `transaction()`, committed on success, rolled back on any error."""
from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backoffice.db import planner_settings
from backoffice.errors import DomainError
from backoffice.extensions import db

_DEPTH = "transaction_depth"  # in Session.info: how many transaction() blocks are open on this session


@contextmanager
def transaction() -> Iterator[None]:
    """One unit of work on the app's session, as `with transaction():` or, for a whole service, `@transaction()`.

    The outermost block commits when it ends; when anything inside raises (a failed commit included, such as a
    unique constraint) it rolls back and re-raises, so the caller may still turn an IntegrityError into a
    DomainError. A block opened inside another one joins it: nothing is committed before the outermost block
    ends, and an error raised inside is rolled back there. Work that must follow the commit (sending a task or
    an email) goes after the block."""
    session = db.session()
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield
        if depth == 0:
            session.commit()
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth


def commits_here() -> bool:
    """Whether a unit of work opened now is the outermost one, so that its end commits (not joins an outer one)."""
    return not db.session().info.get(_DEPTH, 0)


# ------------------------------------------------------------------------------------------------ locks
# A service that decides on what it reads (is the run still calculated? is the payment still returned?) must
# hold a lock from that read to its commit, or two simultaneous calls both decide yes and both write.
#
# PostgreSQL locks the rows read: SELECT ... FOR UPDATE. A second caller waits at that SELECT until the first
# commits, then reads the new state and is refused.
#
# SQLite has no row locks, only one write lock for the whole file. pysqlite opens a transaction lazily, just
# before the first INSERT/UPDATE/DELETE, so the reads before it run outside any transaction and nothing stops a
# second connection from reading the same old state. `write_lock()` therefore opens the transaction itself with
# BEGIN IMMEDIATE, which takes the write (RESERVED) lock at once: a second writer waits there (the connection's
# busy timeout, 30 s) until the first commits or rolls back, and only then reads. Readers are never blocked
# (they read the last committed state), and units of work that take no lock behave as before. The lock must
# come before the read it protects; a unit of work that has already written holds the lock already (SQLite
# takes it with the first write), and so does the test fixture's connection, whose one outer transaction every
# test session shares. Writes on SQLite are thereby serialised, which is what an embedded database is for; the
# production database is PostgreSQL.


def write_lock() -> None:
    """Hold the database's write lock from now to the end of the unit of work (SQLite: BEGIN IMMEDIATE; a no-op
    on PostgreSQL, whose services lock the rows they read with `for_update`)."""
    conn = db.session.connection()
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.driver_connection
    if not raw.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def for_update(stmt):
    """`stmt` (a SELECT) made to lock what it reads until the unit of work ends: FOR UPDATE on PostgreSQL; on
    SQLite the write lock is taken before it runs (see write_lock)."""
    if db.session.connection().dialect.name == "sqlite":
        write_lock()
        return stmt
    return stmt.with_for_update()


@contextmanager
def planned_for_fresh_rows() -> Iterator[None]:
    """The statements run inside plan as if the tables they read were large, whatever their statistics say
    (PostgreSQL; nothing elsewhere): no nested loop, no sort — hash joins and hashed grouping. For a read of rows a
    run has just written (its paychecks, its payments), before autovacuum has analyzed them: the planner expects a
    handful of rows where there are 100,000, walks an index once per row of the other side and sorts them all to
    group them into a few (at 20,000 workers the approval's places took 37 ms of the server's CPU that way, 18 ms
    hashed; the paid run's sum per agency 28 ms, 17 ms). Keep the block to the reads: the settings are the
    transaction's, put back when the block ends; an error inside leaves them, as a failed statement ends the
    transaction and them with it."""
    with planner_settings(db.session.connection(), enable_nestloop="off", enable_sort="off"):
        yield


def transition_once(record, action: str) -> str:
    """`backoffice.states.transition`, enforced by the database as a compare-and-set: UPDATE ... SET state =
    target WHERE id = :id AND state = :the_state_read. When another unit of work moved the record first, no row
    matches and the move is refused in the words of the state machine (e.g. "already approved"), with the
    record refreshed to the state it is really in. Works on every backend, with or without a lock held."""
    from backoffice.states import check_move, machine_of, transition

    move = check_move(record, action)
    if move.target is None:
        return transition(record, action)
    machine = machine_of(record)
    model = type(record)
    seen = str(getattr(record, machine.field))
    res = db.session.execute(
        sa.update(model).where(model.id == record.id, getattr(model, machine.field) == seen)
        .values({machine.field: move.target}), execution_options={"synchronize_session": False})
    if res.rowcount != 1:
        db.session.refresh(record)
        raise machine.refusal(record, action)
    return transition(record, action)    # the ORM change too, so the audit log records the move


@contextmanager
def unique_or_refuse(constraint: str, message: str, code: str, *, columns: str = "") -> Iterator[None]:
    """Flush the block's writes; a violation of the unique constraint or index `constraint` (PostgreSQL names
    it; SQLite names its `columns`, "table.col, table.col") becomes DomainError(message, code) — the database's
    answer to a second writer that no lock stopped. Other integrity errors pass through."""
    try:
        yield
        db.session.flush()
    except IntegrityError as exc:
        text = str(exc.orig)
        if constraint in text or (columns and re.search(r"UNIQUE constraint failed: " + re.escape(columns), text)):
            raise DomainError(message, code=code) from exc
        raise
