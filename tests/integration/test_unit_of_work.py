"""The kernel's unit of work: transaction() commits, rolls back on any error, and joins an outer one when nested."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backoffice.uow import transaction
from backoffice.workers.models import Client, Worker


def _clients(db) -> list[str]:
    db.session.rollback()           # read what is committed, not what this session holds
    return sorted(db.session.execute(sa.select(Client.name)).scalars())


def test_a_transaction_commits_what_its_block_wrote(db):
    with transaction():
        db.session.add(Client(name="Acme"))
    assert _clients(db) == ["Acme"]


def test_an_error_in_the_block_rolls_everything_back_and_is_raised_again(db):
    with pytest.raises(ValueError, match="refused"):
        with transaction():
            db.session.add(Client(name="Acme"))
            db.session.flush()
            raise ValueError("refused")
    assert _clients(db) == []


@pytest.mark.real_commits  # another session must not see the uncommitted rows: no shared test transaction
def test_a_nested_block_joins_the_outer_one_and_nothing_is_committed_before_it_ends(db, app):
    with transaction():
        with transaction():
            db.session.add(Client(name="Acme"))
            db.session.flush()
        with app.app_context():         # another session sees only committed rows
            assert db.session.execute(sa.select(sa.func.count(Client.id))).scalar() == 0
        db.session.add(Client(name="Beta"))
    assert _clients(db) == ["Acme", "Beta"]


def test_an_error_in_a_nested_block_rolls_back_the_outer_one_too(db):
    @transaction()
    def inner():
        db.session.add(Client(name="Beta"))
        raise ValueError("refused")

    with pytest.raises(ValueError):
        with transaction():
            db.session.add(Client(name="Acme"))
            inner()
    assert _clients(db) == []


def test_a_commit_that_fails_on_a_unique_constraint_is_rolled_back_and_the_session_stays_usable(db):
    with transaction():
        db.session.add(Worker(first_name="Ann", last_name="Ames", email="ann@example.com"))
    with pytest.raises(IntegrityError):
        with transaction():
            db.session.add(Worker(first_name="Ann", last_name="Other", email="ann@example.com"))
    with transaction():
        db.session.add(Client(name="Acme"))
    assert _clients(db) == ["Acme"]
    assert db.session.execute(sa.select(sa.func.count(Worker.id))).scalar() == 1


def test_planner_settings_hold_inside_their_block_and_are_put_back_after_it(db):
    """backoffice.db.planner_settings: inside the block the statements see the given settings; after it, in the same
    transaction, each is what it was before — the server's default, or what the transaction had SET LOCAL. On SQLite
    the block just runs."""
    from backoffice.db import planner_settings

    conn = db.session.connection()
    if db.engine.dialect.name != "postgresql":
        with planner_settings(conn, work_mem="64MB"):
            ran = conn.execute(sa.text("SELECT 1")).scalar()
        assert ran == 1
        return
    show = sa.text("SELECT current_setting('work_mem'), current_setting('enable_sort')")
    conn.execute(sa.text("SET LOCAL work_mem = '5MB'"))
    with planner_settings(conn, work_mem="64MB", enable_sort="off"):
        assert tuple(conn.execute(show).one()) == ("64MB", "off")
    assert tuple(conn.execute(show).one()) == ("5MB", "on")


def test_meanwhile_does_its_statements_beside_the_block_and_raises_their_error_once_both_are_done(db):
    """backoffice.db.meanwhile: the work's statements are done on the connection by the block's end (on PostgreSQL
    in a thread while the block runs, on SQLite before it), in the caller's transaction; a failing statement is
    raised to the caller; and an error in the block is raised only after the work has finished with the connection,
    which then still serves the transaction."""
    import threading

    from backoffice.db import meanwhile

    conn = db.session.connection()
    conn.execute(sa.text("CREATE TEMPORARY TABLE meanwhile_t (n INTEGER)"))

    def work(c):
        c.execute(sa.text("INSERT INTO meanwhile_t (n) SELECT 7 UNION ALL SELECT 35"))

    with meanwhile(conn, work):
        here = sum(range(10))
    assert here == 45
    assert conn.execute(sa.text("SELECT sum(n) FROM meanwhile_t")).scalar() == 42

    with pytest.raises(sa.exc.DBAPIError, match="no_such_table"):
        with db.session.begin_nested():
            with meanwhile(db.session.connection(), lambda c: c.execute(sa.text("SELECT * FROM no_such_table"))):
                pass
    with pytest.raises(ValueError, match="the block's own"):
        with meanwhile(conn, work):
            raise ValueError("the block's own")
    assert not [t for t in threading.enumerate() if t.name == "meanwhile"]
    assert conn.execute(sa.text("SELECT sum(n) FROM meanwhile_t")).scalar() == 84


def test_beside_reads_in_turn_on_the_sessions_own_connection_when_the_transaction_has_written(db):
    """backoffice.db.beside: a transaction that has written rows (here the test's own, in its SAVEPOINT) is not
    shown to a second connection, so the reads are the session's own, done when their result is asked for: the
    client added a moment before the read is counted (2 = the one added before `beside` + the one after), and a
    read whose result is never asked for is never made."""
    from backoffice.db import beside

    db.session.add(Client(name="Acme"))
    db.session.flush()
    asked = []
    with beside(db.session) as read:
        count = read(lambda c: c.execute(sa.select(sa.func.count()).select_from(Client)).scalar())
        read(lambda c: asked.append("read"))
        db.session.add(Client(name="Bolt"))
        db.session.flush()
        assert count.result() == 2
        assert count.result() == 2          # read once
    assert asked == []


@pytest.mark.real_commits
def test_beside_reads_the_sessions_snapshot_on_a_second_connection(db):
    """On PostgreSQL, with a transaction that has written nothing: the reads go to another backend, which sees the
    rows committed before `beside` (Acme) and not one committed by a third connection afterwards (Late), as the
    session's snapshot had it — 1 client, not 2; its error is raised where its result is asked for, and the block
    ends with the second connection given back. SQLite: in turn, on the session's own connection (the same
    figures except Late, which its own read then sees: 2)."""
    from backoffice.db import beside
    from backoffice.extensions import db as _db

    with transaction():
        db.session.add(Client(name="Acme"))
    postgres = db.engine.dialect.name == "postgresql"
    pid = sa.text("SELECT pg_backend_pid()")
    mine = db.session.execute(pid).scalar() if postgres else None
    with beside(db.session) as read:
        first = read(lambda c: c.execute(sa.select(Client.name)).scalars().all())
        assert first.result() == ["Acme"]
        with _db.engine.begin() as other:
            other.execute(sa.insert(Client).values(name="Late"))
        count = read(lambda c: c.execute(sa.select(sa.func.count()).select_from(Client)).scalar())
        assert count.result() == (1 if postgres else 2)
        if postgres:
            assert read(lambda c: c.execute(pid).scalar()).result() != mine
        failing = read(lambda c: c.execute(sa.text("SELECT * FROM no_such_table")))
        with pytest.raises(sa.exc.DBAPIError, match="no_such_table"):
            failing.result()
    db.session.rollback()
    assert _clients(db) == ["Acme", "Late"]
