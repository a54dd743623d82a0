"""plain_rows with stored columns: Scaled columns selected as their integers come back as the column type reads them,
each distinct tuple of stored values converted once."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa


def test_hours_read_as_stored_integers_come_back_as_the_decimals_the_orm_reads(world, db):
    """Sheets of 8, 8, 8, 8, 9.25, 0, 0 hours (two workers) and 7.5, 0, 0, 0, 0, 0, 0 hours: stored as hundredths
    (925 for 9.25), read back as Decimal('9.25') and Decimal('0.00') — the value and exponent the ORM's TypeDecorator
    gives — and the two sheets with the same stored figures share one conversion."""
    from payroll.models import DAYS, Timesheet
    from payroll.services.common import plain_rows, stored

    emp, other = world.worker(), world.worker()
    a = world.time(emp, hours=(8, 8, 8, 8, "9.25", 0, 0))
    b = world.time(emp, hours=("7.5", 0, 0, 0, 0, 0, 0), week=a.week_start + timedelta(days=7))
    c = world.time(other, hours=(8, 8, 8, 8, "9.25", 0, 0))
    figures = [Timesheet.units] + [getattr(Timesheet, f"hours_{d}") for d in DAYS]
    rows = {r.id: r for r in plain_rows(db.session.connection().execute(
        sa.select(Timesheet.id, *map(stored, figures)).where(Timesheet.id.in_((a.id, b.id, c.id)))), figures)}
    assert [str(h) for h in rows[a.id][2:]] == ["8.00", "8.00", "8.00", "8.00", "9.25", "0.00", "0.00"]
    assert [str(h) for h in rows[b.id][2:]] == ["7.50", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"]
    assert str(rows[a.id].units) == "0.0000" and rows[a.id].hours_fri == Decimal("9.25")
    for ts in (a, b, c):
        db.session.refresh(ts)
        assert [str(getattr(rows[ts.id], f"hours_{d}")) for d in DAYS] == [str(getattr(ts, f"hours_{d}"))
                                                                           for d in DAYS]
    assert rows[c.id].hours_fri is rows[a.id].hours_fri        # one conversion for the same stored figures
