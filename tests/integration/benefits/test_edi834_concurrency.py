"""Two builds for one carrier at the same moment never share a control number: the carrier's row is locked before
the last number is read (FOR UPDATE on PostgreSQL, the write lock on SQLite), and the database's unique constraint
stands behind it. Each thread has its own app context, session and connection; the commits are real.

The race is made certain: `render` (after the number is read, before the commit) sleeps 0.3 s, so without the lock
both threads would read "no file yet" and both take number 1."""
from __future__ import annotations

import threading
import time
from datetime import date

import pytest
import sqlalchemy as sa

from benefits import edi_services as edi
from benefits.edi_models import EdiFile

pytestmark = pytest.mark.real_commits


def test_two_builds_at_once_take_numbers_1_and_2(app, db, fixed_clock, monkeypatch):
    from tests.integration.benefits.test_edi834_files import _seed

    _seed()
    db.session.commit()
    real = edi.render

    def slowed(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(edi, "render", slowed)
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def one(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                res = edi.build("SUMMIT", "full", as_of=date(2026, 12, 1))
                results[i] = ("ok", res.file.control_number)
            except Exception as exc:  # noqa: BLE001 - the test reports it
                results[i] = ("crash", repr(exc))
            finally:
                from backoffice.extensions import db as _db
                _db.session.remove()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results) == [("ok", 1), ("ok", 2)], results
    numbers = db.session.execute(sa.select(EdiFile.control_number).order_by(EdiFile.control_number)).scalars().all()
    assert numbers == [1, 2]
