"""A run's accrual explanation is stored with the law's sentences by reference and reads back, through the model,
as the lines the engine wrote; entries written in full read as they are; a chunk's range reads select its rows."""
from __future__ import annotations

import json

import sqlalchemy as sa

from tests.integration.leave.conftest import pay_run
from tests.integration.payroll.conftest import WEEK1


def _stored(db, entry_id):
    raw = db.session.execute(sa.text("SELECT explanation FROM leave_entries WHERE id = :i"), {"i": entry_id}).scalar()
    return json.loads(raw) if isinstance(raw, str) else raw


def test_a_runs_accrual_is_stored_by_reference_and_reads_back_as_the_engines_lines(db, world):
    """California, 5 × 9 = 45 hours: 45 ÷ 30 = 1.5 hours. The stored row names the law's version and tier and holds
    the figures' line as text; the entry reads back the heading, the figures and the waiting period in full."""
    from backoffice.leave import engine
    from backoffice.leave.models import LeaveEntry

    emp = world.worker(state="CA", rate="25.00")
    world.time(emp, hours=(9, 9, 9, 9, 9, 0, 0))
    pay_run(world, WEEK1)
    entry = db.session.execute(sa.select(LeaveEntry).where(LeaveEntry.worker_id == emp.worker_id)).scalar_one()
    stored = _stored(db, entry.id)
    law = engine.applicable("CA", WEEK1, 1)
    assert (stored["law"], stored["version"], stored["tier"]) == ("CA", law.version, law.tier)
    assert stored["lines"][0] == ["heading", "", ""]
    assert "45 hours worked × 1/30 = 1.5 hours; accrued 1.5, balance 0 → 1.5." in stored["lines"]
    lines = entry.explanation
    assert lines[0].startswith(f"{law.name}, version of {law.version} ({law.tier}): 1 hour per 30 hours worked (")
    assert lines[1] == "45 hours worked × 1/30 = 1.5 hours; accrued 1.5, balance 0 → 1.5."
    assert lines[2].startswith("Usable from March 31, 2026, ")
    assert len(json.dumps(stored)) < len(json.dumps(lines)) / 2
    # the columns read as rows (the bench's dump, exports) expand it too
    assert db.session.execute(sa.select(LeaveEntry.explanation).where(LeaveEntry.id == entry.id)).scalar() == lines


def test_an_entry_written_in_full_reads_as_it_is(db, world, make_user):
    from backoffice.leave.models import LeaveEntry
    from backoffice.leave.services import adjust_balance

    emp = world.worker(state="CA", rate="25.00")
    world.time(emp, hours=(9, 9, 9, 9, 9, 0, 0))
    pay_run(world, WEEK1)
    accrual = db.session.execute(sa.select(LeaveEntry).where(LeaveEntry.worker_id == emp.worker_id)).scalar_one()
    entry = adjust_balance(make_user("hr"), emp.worker_id, accrual.policy_id, "2", WEEK1, "Hours owed from October.")
    db.session.commit()
    db.session.expire_all()
    assert _stored(db, entry.id) == ["Hours owed from October."]
    assert db.session.get(LeaveEntry, entry.id).explanation == ["Hours owed from October."]


def test_a_chunks_range_read_selects_exactly_its_ids_gaps_and_all(db, world):
    """`within` (payroll.services.common): the range for the index, the array as a filter where the ids leave gaps (every other one of five
    workers), the range alone where they fill it (the middle three; one)."""
    from backoffice.extensions import db as _db
    from payroll.services.common import within
    from backoffice.workers.models import Worker

    ids = sorted(world.worker(state="CA", rate="20.00").worker_id for _ in range(5))
    assert ids == list(range(ids[0], ids[0] + 5))
    for chosen in (ids[::2], ids[1:4], ids[:1]):          # gaps (range and array); consecutive (the range alone)
        got = _db.session.execute(sa.select(Worker.id).where(within(Worker.id, chosen)).order_by(Worker.id))
        assert list(got.scalars()) == chosen
    assert _db.session.execute(sa.select(Worker.id).where(within(Worker.id, []))).first() is None
