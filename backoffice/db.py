"""Declarative base and column types: integer cents, scaled decimals, UTC timestamps, encrypted strings."""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from backoffice.clock import SYSTEM_CLOCK
from backoffice.crypto import decrypt, encrypt
from backoffice.money import D

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Scaled(TypeDecorator):
    """A Decimal stored as an integer of 10**-scale units (cents for scale 2): exact on SQLite and PostgreSQL."""

    impl = sa.BigInteger
    cache_ok = True

    def __init__(self, scale: int = 2):
        super().__init__()
        self.scale = scale
        self._q = Decimal(1).scaleb(-scale)
        self._factor = Decimal(10) ** scale

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        v = D(value)
        if v.quantize(self._q) != v:
            raise ValueError(f"{v} has more than {self.scale} decimal places")
        return int(v * self._factor)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / self._factor).quantize(self._q)


def Cents() -> Scaled:  # noqa: N802 - reads like a type
    return Scaled(2)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:  # admin filters send naive values: they are read as UTC
            return value
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    """Now, timezone-aware UTC, for column defaults and record stamps: the app's clock inside an app, so that a
    fixed clock (tests, demos) stamps records with the same time it gives the services."""
    clock = current_app.extensions.get("clock") if has_app_context() else None
    return (clock or SYSTEM_CLOCK).now()


class EncryptedString(TypeDecorator):
    """A string encrypted at rest with the app's keys (Fernet); the database never sees the clear text."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return encrypt(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return decrypt(value)


class Base(DeclarativeBase):
    pass


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)


# How much memory one of the few statements that sort a whole run's rows (a NACHA file's payments, the register's
# paychecks) may sort in (PostgreSQL's work_mem, 4 MB by default): a 100,000-worker run's ~20-30 MB then sort in
# memory (quicksort) instead of an external merge through temporary files on disk.
RUN_SORT_MEMORY = "64MB"


@contextmanager
def planner_settings(conn, **settings: str):
    """PostgreSQL settings (`work_mem="64MB"`) for the statements run inside the block on `conn` (a SQLAlchemy
    Connection), put back as they were at its end; nothing on SQLite. Local to the transaction (set_config(...,
    true)): an error ends them with it."""
    if conn.dialect.name != "postgresql":
        yield
        return
    before = {name: conn.execute(sa.text("SELECT current_setting(:name)"), {"name": name}).scalar()
              for name in settings}
    for name, value in settings.items():
        conn.execute(sa.text("SELECT set_config(:name, :value, true)"), {"name": name, "value": value})
    yield
    for name, value in before.items():
        conn.execute(sa.text("SELECT set_config(:name, :value, true)"), {"name": name, "value": value})


@contextmanager
def meanwhile(conn, work):
    """`work(conn)` (statements on `conn`, a SQLAlchemy Connection) done while the block runs Python that does not
    use the connection: on PostgreSQL in a thread, which waits in psycopg with the GIL released while the server
    works, joined at the block's end (its error raised there); elsewhere (SQLite's connection stays in its thread)
    first, then the block. The transaction is the caller's: nothing is committed, and the block must not touch the
    session or the connection until it ends."""
    if conn.dialect.name != "postgresql":
        work(conn)
        yield
        return
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work(conn)
        except BaseException as exc:    # raised in the caller's thread, below
            failed.append(exc)

    thread = threading.Thread(target=run, name="meanwhile", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()       # before the connection is used again, even for the rollback of an error in the block
    if failed:
        raise failed[0]


# The transaction's snapshot when it has written nothing, not even a row lock (it has no transaction id yet: its
# snapshot, exported, then shows another connection exactly what its own next statement would see), else NULL: one
# round trip. (pg_stat_xact_*'s counts are no test of that: they keep earlier transactions' writes until the
# backend flushes its statistics, up to a second later.)
_EXPORT_IF_UNWRITTEN = sa.text("SELECT CASE WHEN txid_current_if_assigned() IS NULL THEN pg_export_snapshot() END")

_SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+-[0-9]+")


class _Later:
    """A read's result, asked for when it is needed (read(work) below)."""

    def __init__(self, get):
        self._get = get

    def result(self):
        return self._get()


def in_turn(session):
    """The `read(work) -> later` of `beside` that reads on the session's own connection, when the result is asked
    for (in the caller's order)."""
    def read(work):
        done: list = []

        def get():
            if not done:
                done.append(work(session.connection()))
            return done[0]
        return _Later(get)
    return read


@contextmanager
def beside(session):
    """Yields `read(work) -> later`: `work(conn)` (statements on a SQLAlchemy Connection, returning what they read)
    done beside the session's own statements, `later.result()` its value (or its error) when the caller needs it.

    On PostgreSQL, when the session's transaction has written nothing yet (enter the block before taking a row
    lock: FOR UPDATE writes the row), the reads go to a second connection in a REPEATABLE READ READ ONLY transaction
    that imports the session's snapshot (pg_export_snapshot / SET TRANSACTION SNAPSHOT): it sees the rows the
    session's transaction saw on entering the block, and its statements run in a thread of their own, one after
    another in the order sent (psycopg waits with the GIL released), on the server's other core while the session's
    connection works on its own, in the caller's app. The second connection is given back at the block's end,
    after its last read.
    Elsewhere the work runs on the session's own connection when its result is asked for, in the caller's order:
    SQLite's connection stays in its thread; a transaction that has written would not show its rows to a second
    connection; a SAVEPOINT cannot export its snapshot."""
    conn = session.connection()
    snapshot = None
    if conn.dialect.name == "postgresql" and not conn.in_nested_transaction():
        snapshot = conn.execute(_EXPORT_IF_UNWRITTEN).scalar()
    if snapshot is None:
        yield in_turn(session)
        return
    if not _SNAPSHOT_ID.fullmatch(snapshot):     # the server's own id; SET takes no bound parameter
        raise ValueError(f"unexpected snapshot id {snapshot!r}")
    engine = conn.engine
    app = current_app._get_current_object() if has_app_context() else None   # column types may ask it (crypto)
    other: list = []

    def start() -> None:        # in the thread: connecting takes a few milliseconds the caller need not wait for
        other.append(engine.connect().execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True))
        other[0].execute(sa.text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="beside")
    try:
        started = pool.submit(start)

        def in_app(work):
            if app is None:
                return work(other[0])
            with app.app_context():
                return work(other[0])

        def in_thread(work):
            future = pool.submit(in_app, work)
            return _Later(lambda: (started.result(), future.result())[1])

        yield in_thread
    finally:
        pool.shutdown(wait=True)        # the last read done before the connection is given back
        if other:
            try:
                other[0].rollback()
            finally:
                other[0].close()
