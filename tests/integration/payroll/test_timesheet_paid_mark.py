"""What a run's calculation writes on the timesheets it pays: the run's mark, as heap-only updates."""
from __future__ import annotations

import pytest
import sqlalchemy as sa


def test_the_calculation_marks_the_sheets_it_pays_without_new_index_entries_on_postgresql(db, world):
    """0134: no index of timesheets names paid_run_id (as a column or in its predicate), and the table keeps half of
    each page free (fillfactor 50), so the chunk's one UPDATE of the sheets it paid changes no indexed column and
    finds room on the page: PostgreSQL counts each of the three sheets as a heap-only-tuple (HOT) update. Each sheet
    still names the run that paid it."""
    from payroll.models import Timesheet
    from payroll.services import runs

    if db.engine.dialect.name != "postgresql":
        pytest.skip("heap-only-tuple updates and fill factors are PostgreSQL's")
    sheets = [world.time(world.worker(rate=rate)).id for rate in ("20.00", "25.00", "30.00")]
    s = db.session
    options = s.execute(sa.text("SELECT reloptions FROM pg_class WHERE oid = 'timesheets'::regclass")).scalar()
    assert "fillfactor=50" in options
    indexed = [d for (d,) in s.execute(sa.text("SELECT pg_get_indexdef(indexrelid) FROM pg_index "
                                              "WHERE indrelid = 'timesheets'::regclass"))]
    assert indexed and not [d for d in indexed if "paid_run_id" in d]
    hot = sa.text("SELECT pg_stat_get_xact_tuples_hot_updated('timesheets'::regclass)")
    before = s.execute(hot).scalar()

    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)

    assert s.execute(hot).scalar() - before == 3
    paid = s.execute(sa.select(Timesheet.id, Timesheet.paid_run_id).where(Timesheet.id.in_(sheets))
                     .order_by(Timesheet.id)).all()
    assert paid == [(sid, run.id) for sid in sorted(sheets)]
