"""A run's NACHA file settles on the run's pay date (effective entry date, batch header positions 70-75) and names
it as the descriptive date (64-69); a pay date past or too close for the bank's cut-off is refused until a later
settlement date is chosen. Every file is read back by achkit (an independent NACHA parser and validator)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import achkit
import pytest
import sqlalchemy as sa

from backoffice.errors import ValidationFailed
from tests.integration.payroll.conftest import NOW, SETTLES, WEEK1


def _approved(world, week: date = WEEK1):
    from payroll.services import runs

    e = world.worker()
    world.time(e, week=week)
    run = world.regular_run(week)
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    return run


def _header(content: str) -> str:
    return content.splitlines()[1]


def test_the_effective_entry_date_is_the_pay_date_when_the_file_is_made_in_time(db, world):
    """Weekly period Mon 2 – Sun 8 November 2026, pay lag 5 days: pay date Friday 13 November. The file is made
    Wednesday 11 November 20:00 UTC = 15:00 in New York, before the 17:00 cut-off one banking day ahead (Thursday
    12): it settles on the pay date, 261113, and the descriptive date reads NOV 13."""
    from payroll.services import payments

    run = _approved(world)
    assert run.pay_date == date(2026, 11, 13)
    f = payments.generate_nacha(run.id, world.finance, now=datetime(2026, 11, 11, 20, 0, tzinfo=timezone.utc))
    assert achkit.validate(f.content)["ok"]
    (batch,) = achkit.parse(f.content)["batches"]
    assert batch["effective_date"] == "261113"
    assert _header(f.content)[63:69] == "NOV 13"
    assert f.effective_date == date(2026, 11, 13)


def test_a_pay_date_moved_off_christmas_is_the_effective_entry_date(db, world):
    """Period Mon 14 – Sun 20 December 2026; 20 December + 5 days = Friday 25 December, Christmas Day, when the
    Federal Reserve Banks are closed (bank_holidays.json, Fed K.8): the schedule moves the pay date back to the
    previous banking day, Thursday 24 December. A file made Monday 21 December 10:00 New York (15:00 UTC)
    settles on 24 December — 261224 — not on the 25th nor on the day it was made."""
    from payroll.services import payments

    run = _approved(world, date(2026, 12, 14))
    assert run.pay_date == date(2026, 12, 24)
    f = payments.generate_nacha(run.id, world.finance, now=datetime(2026, 12, 21, 15, 0, tzinfo=timezone.utc))
    assert achkit.validate(f.content)["ok"]
    assert achkit.parse(f.content)["batches"][0]["effective_date"] == "261224"
    assert _header(f.content)[63:69] == "DEC 24"
    assert f.effective_date == date(2026, 12, 24)


def test_a_past_pay_date_is_refused_without_a_chosen_date_and_nothing_is_filed(db, world):
    """Made at NOW (Tuesday 1 December 10:00 New York), the 13 November pay date is past: refused on the field
    effective_date, saying the first possible date (2 December); no file, no payment filed. A date the bank no
    longer takes (1 December) or a Saturday is refused too; 2 December is used, and the descriptive date still
    names the pay date."""
    from payroll.models_ledger import NachaFile, Payment
    from payroll.services import payments

    run = _approved(world)
    with pytest.raises(ValidationFailed) as refused:
        payments.generate_nacha(run.id, world.finance, now=NOW)
    (issue,) = refused.value.issues
    assert (issue.field, issue.code) == ("effective_date", "pay_date_too_close")
    assert "2026-11-13 is already past" in issue.message and "2026-12-02" in issue.message
    assert db.session.execute(sa.select(sa.func.count()).select_from(NachaFile)).scalar() == 0
    assert db.session.execute(sa.select(Payment.nacha_file_id).where(Payment.run_id == run.id)).scalars().all() \
        == [None]
    for bad, words in ((date(2026, 12, 1), "too early"), (date(2026, 12, 5), "not a banking day")):
        with pytest.raises(ValidationFailed, match=words):
            payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=bad)
    f = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    assert achkit.validate(f.content)["ok"]
    assert achkit.parse(f.content)["batches"][0]["effective_date"] == "261202"
    assert _header(f.content)[63:69] == "NOV 13"
    assert f.effective_date == SETTLES


def test_a_file_after_the_cut_off_the_day_before_the_pay_date_is_too_close(db, world):
    """Thursday 12 November 17:30 New York (22:30 UTC) is after the 17:00 cut-off for a Friday 13 November
    settlement: the file would be taken Friday and settle Monday 16 November."""
    from payroll.services import payments

    run = _approved(world)
    with pytest.raises(ValidationFailed, match="2026-11-13 is too close.*2026-11-16"):
        payments.generate_nacha(run.id, world.finance, now=datetime(2026, 11, 12, 22, 30, tzinfo=timezone.utc))


def test_the_cut_off_is_a_setting(db, world, app, monkeypatch):
    """NACHA_CUTOFF_DAYS=2: for Friday 13 November the file is due two banking days ahead. Wednesday 11 is Veterans
    Day, so that is Tuesday 10 by 17:00; Tuesday 10 at 18:00 New York (23:00 UTC) is too late. With 0 days
    (same-day) and a 10:00 cut-off, Friday 13 at 09:00 New York (14:00 UTC) is still in time. A setting that is
    not a time is refused in words."""
    from backoffice.errors import DomainError
    from payroll.services import payments

    run = _approved(world)
    monkeypatch.setitem(app.config, "NACHA_CUTOFF_DAYS", 2)
    with pytest.raises(ValidationFailed, match="too close"):
        payments.generate_nacha(run.id, world.finance, now=datetime(2026, 11, 10, 23, 0, tzinfo=timezone.utc))
    monkeypatch.setitem(app.config, "NACHA_CUTOFF_TIME", "soon")
    with pytest.raises(DomainError, match="NACHA_CUTOFF_TIME HH:MM"):
        payments.generate_nacha(run.id, world.finance, now=datetime(2026, 11, 10, 23, 0, tzinfo=timezone.utc))
    monkeypatch.setitem(app.config, "NACHA_CUTOFF_DAYS", 0)
    monkeypatch.setitem(app.config, "NACHA_CUTOFF_TIME", "10:00")
    f = payments.generate_nacha(run.id, world.finance, now=datetime(2026, 11, 13, 14, 0, tzinfo=timezone.utc))
    assert achkit.parse(f.content)["batches"][0]["effective_date"] == "261113"


def test_reissues_after_the_pay_date_settle_on_the_first_possible_day_without_asking(db, world):
    """A paid run's returned payment, re-issued: its file B goes out at NOW and settles 2 December (the earliest),
    the run's pay date being behind it; the file's own record says so."""
    from payroll.models_ledger import Payment
    from payroll.services import payments, runs

    run = _approved(world)
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, world.finance)
    p = db.session.execute(sa.select(Payment).where(Payment.run_id == run.id)).scalar_one()
    payments.record_return(p.id, "R01", world.finance, on=NOW.date())
    payments.reissue_payment(p.id, world.finance)
    f = payments.generate_nacha(run.id, world.finance, now=NOW)
    assert (f.file_id_modifier, f.purpose, f.effective_date) == ("B", "reissue", SETTLES)
    assert achkit.validate(f.content)["ok"]
    assert achkit.parse(f.content)["batches"][0]["effective_date"] == "261202"
