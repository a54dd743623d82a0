"""Declarative base and column types: integer cents, scaled decimals, UTC timestamps, encrypted strings."""
from __future__ import annotations

import threading
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
