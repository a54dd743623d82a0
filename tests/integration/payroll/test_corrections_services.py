"""Corrections services: paper checks in the ledger and out of NACHA files, retro pay decisions, rate history."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.errors import DomainError
from tests.integration.payroll.conftest import NOW, SETTLES, WEEK1, assert_ledger_balanced

TODAY = date(2026, 11, 22)


def _cash() -> Decimal:
    from payroll.services.ledger import trial_balance

    return trial_balance()["accounts"].get("1000", Decimal("0"))


def _approved(world, engagements):
    from payroll.services import runs

    for e in engagements:
        world.time(e)
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    return run


def test_a_check_after_an_ach_return_on_a_paid_run_pays_cash_once_and_a_void_brings_it_back(db, world):
    """A contractor, 40 h × $25.00 = $1,000.00 net. Paid: cash −1,000.00. Returned R01: cash 0.00. Check no. 5001:
    cash −1,000.00 again. Voided: 0.00; the payment is owed again (net pay payable 2400 = −1,000.00)."""
    from payroll.models import Paycheck
    from payroll.models_ledger import Payment
    from payroll.services import checks, payments, runs
    from payroll.services.ledger import trial_balance

    e = world.worker(kind="contractor")
    run = _approved(world, [e])
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, world.finance)
    assert _cash() == Decimal("-1000.00")
    pay = db.session.execute(sa.select(Payment)).scalar_one()
    payments.record_return(pay.id, "R01", world.finance, on=TODAY)
    assert _cash() == Decimal("0.00")
    p = db.session.execute(sa.select(Paycheck)).scalar_one()
    check = checks.record_manual_check(p.id, {"check_number": "5001", "check_date": "2026-11-23",
                                              "amount": "1000.00"}, world.finance)
    assert (check.method, check.status, check.reissue_of_id, check.part) == ("check", "sent", pay.id, 0)
    assert _cash() == Decimal("-1000.00")
    with pytest.raises(DomainError, match="reissued"):
        payments.reissue_payment(pay.id, world.finance)          # the return is paid already, by the check
    checks.void_check(check.id, world.finance, "never cashed", on=TODAY)
    assert _cash() == Decimal("0.00")
    assert trial_balance()["accounts"]["2400"] == Decimal("-1000.00")
    with pytest.raises(DomainError, match="already voided"):
        checks.void_check(check.id, world.finance, on=TODAY)
    assert_ledger_balanced()


def test_a_check_takes_an_unfiled_deposit_out_of_the_nacha_file(db, world):
    """Two contractors (1,000.00 and 1,200.00) on an approved run; the first is paid by check before the file is
    made: the file holds one entry of 1,200.00."""
    from payroll.models import Paycheck
    from payroll.services import checks, payments

    a, b = world.worker(kind="contractor", rate="25.00"), world.worker(kind="contractor", rate="30.00")
    run = _approved(world, [a, b])
    pa = db.session.execute(sa.select(Paycheck).where(Paycheck.engagement_id == a.id)).scalar_one()
    checks.record_manual_check(pa.id, {"check_number": "77", "check_date": "2026-11-13", "amount": "1000.00"},
                               world.finance)
    f = payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    assert (f.entry_count, f.total_credit) == (1, Decimal("1200.00"))


def test_a_check_is_refused_once_the_deposit_is_filed_and_for_an_unapproved_run(db, world):
    from payroll.models import Paycheck
    from payroll.services import checks, payments, runs

    e = world.worker(kind="contractor")
    world.time(e)
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    p = db.session.execute(sa.select(Paycheck)).scalar_one()
    data = {"check_number": "9", "check_date": "2026-11-13", "amount": "1000.00"}
    with pytest.raises(DomainError, match="approved"):
        checks.record_manual_check(p.id, data, world.finance)
    runs.approve_run(run.id, world.hr2)
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    with pytest.raises(DomainError, match="on their way"):
        checks.record_manual_check(p.id, data, world.finance)


def test_a_rate_change_inside_a_paid_period_is_pending_with_nothing_to_add_until_hr_dismisses_it(db, world):
    """Effective Wednesday 4 Nov, inside the paid week of 2–8 Nov: the paycheck is listed, not included (its lines
    do not say which days); the total is 0.00, so confirming is refused and HR dismisses it."""
    from payroll.services import retro

    e = world.worker(rate="25.00")
    run = _approved(world, [e])
    assert run.state == "approved"
    change = retro.change_rate(e.id, {"rate": "26.00", "effective_date": "2026-11-04"}, world.hr, today=TODAY)
    assert (change.retro_status, change.retro_amount) == ("pending", Decimal("0.00"))
    (pc,) = retro.retro_for(change).paychecks
    assert not pc.included and pc.lines[0].difference == Decimal("40.00")
    with pytest.raises(DomainError, match="not taken back|dismiss"):
        retro.confirm_retro(change.id, world.hr)
    retro.dismiss_retro(change.id, world.hr2, "paid the 3 days by a correction")
    assert change.retro_status == "dismissed" and "correction" in change.note


def test_a_rate_change_today_or_with_nothing_paid_since_needs_no_decision(db, world):
    from payroll.services import retro

    e = world.worker(rate="25.00")
    change = retro.change_rate(e.id, {"rate": "27.00", "effective_date": WEEK1.isoformat()}, world.hr, today=TODAY)
    assert (change.retro_status, e.pay_rate) == ("none", Decimal("27.00"))
    with pytest.raises(DomainError, match="none"):
        retro.confirm_retro(change.id, world.hr)


def test_a_rate_saved_on_the_engagement_form_enters_the_history_effective_that_day(db, world, fixed_clock):
    from backoffice.audit import acting_as
    from backoffice.workers.services import update_engagement
    from payroll.models import EngagementRate

    e = world.worker(rate="25.00")
    with acting_as(world.hr):
        update_engagement(e.id, {"pay_rate": "25.75"})
        db.session.flush()
    (row,) = db.session.execute(sa.select(EngagementRate)).scalars().all()
    assert (row.rate, row.previous_rate, row.effective_date, row.retro_status, row.created_by_id) == (
        Decimal("25.75"), Decimal("25.00"), date(2026, 11, 22), "none", world.hr.id)


def test_whoever_changed_the_rate_may_not_approve_the_run_that_pays_the_retro(db, world):
    """Four eyes: the retro adjustment and the rate change name HR; hr2 approves."""
    from payroll.services import retro, runs

    e = world.worker(rate="25.00")
    _approved(world, [e])
    change = retro.change_rate(e.id, {"rate": "26.00", "effective_date": WEEK1.isoformat()}, world.hr, today=TODAY)
    adj = retro.confirm_retro(change.id, world.hr)
    assert adj.amount == Decimal("40.00")          # 40 h × $1.00
    week2 = WEEK1 + timedelta(days=7)
    world.time(e, week=week2)
    run = world.regular_run(week2)
    runs.start_calculation(run.id, world.hr2)
    with pytest.raises(DomainError, match="added adjustment"):
        runs.approve_run(run.id, world.hr)


def test_a_paycheck_paid_by_manual_check_has_a_paystub_naming_the_check(db, world):
    """Contractor A (40 h x 25.00 = 1,000.00) is paid by check no. 77 before the NACHA file: the paystub's net pay
    distribution reads "Paper check no. 77 ... $1,000.00" with no account number (it was refused with 422 before:
    a check has no account's last four digits). Its stored copy is used from then on."""
    import subprocess

    from payroll.models import Paycheck
    from payroll.services import checks
    from reports.paystubs import paystub_pdf

    a = world.worker(kind="contractor", rate="25.00")
    _approved(world, [a])
    pa = db.session.execute(sa.select(Paycheck).where(Paycheck.engagement_id == a.id)).scalar_one()
    checks.record_manual_check(pa.id, {"check_number": "77", "check_date": "2026-11-13", "amount": "1000.00"},
                               world.finance)
    pdf = paystub_pdf(pa.id)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    line = next(ln for ln in text.splitlines() if "Paper check no. 77" in ln)
    assert line.split()[-1] == "$1,000.00" and "*****" not in line
    assert paystub_pdf(pa.id) == pdf
