"""A payroll run from approved time to paid, in-process (eager Celery): figures by hand, ledger balanced."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.errors import DomainError, ValidationFailed
from tests.integration.payroll.conftest import NOW, SETTLES, assert_ledger_balanced


def _paychecks(db, run_id):
    from payroll.models import Paycheck

    return {p.engagement_id: p for p in db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run_id))
            .scalars()}


def _lines(db, paycheck_id):
    from payroll.models import PaycheckLine

    return {(ln.kind, ln.code): ln.amount for ln in db.session.execute(
        sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == paycheck_id)).scalars()}


def test_regular_run_pays_approved_time_with_overtime_and_posts_a_balanced_journal(db, world):
    """TX employee, 45 h at $25.00 in the week: straight time 45 × 25 = 1,125.00; regular rate 1,125 ÷ 45 = 25.00;
    overtime premium 5 × 12.50 = 62.50 (the workweek engine: straight time for every hour, then the extra half of
    the regular rate) = 1,187.50 gross, as 40 × 25 + 5 × 37.50. Social security 6.2% = 73.63 (73.625 half-up); Medicare 1.45% = 17.22 (17.21875);
    employer FUTA 0.6% = 7.13 (7.125); TX SUTA at the agency's 2.7% = 32.06 (32.0625).
    Contractor, 30 h at $40 with a TIN and no B-notice: 1,200.00 paid, nothing withheld."""
    from payroll.services import runs

    emp = world.worker(state="TX", rate="25.00")
    con = world.worker(kind="contractor", state="TX", rate="40.00")
    world.time(emp, hours=(9, 9, 9, 9, 9, 0, 0))
    world.time(con, hours=(6, 6, 6, 6, 6, 0, 0))
    run = world.regular_run()
    assert (run.period_start.isoformat(), run.period_end.isoformat()) == ("2026-11-02", "2026-11-08")
    assert run.pay_date.isoformat() == "2026-11-13"          # Sunday + 5 days = Friday 13 November
    assert runs.pre_run_checks(run.id) == []
    runs.start_calculation(run.id, world.hr)
    db.session.expire_all()
    assert run.state == "calculated" and run.chunks_done == run.chunks_total == 1
    checks = _paychecks(db, run.id)
    e = checks[emp.id]
    assert e.gross == Decimal("1187.50")
    lines = _lines(db, e.id)
    assert lines[("earning", "regular")] == Decimal("1125.00")
    assert lines[("earning", "overtime_premium")] == Decimal("62.50")
    assert e.qualified_overtime_premium == Decimal("62.50")
    assert lines[("employee_tax", "social_security")] == Decimal("73.63")
    assert lines[("employee_tax", "medicare")] == Decimal("17.22")
    assert lines[("employer_tax", "futa")] == Decimal("7.13")
    assert lines[("employer_tax", "suta")] == Decimal("32.06")
    assert e.net == e.gross - e.employee_taxes - e.deductions
    c = checks[con.id]
    assert (c.gross, c.employee_taxes, c.net) == (Decimal("1200.00"), Decimal("0.00"), Decimal("1200.00"))
    assert run.total_gross == Decimal("2387.50")
    tb = assert_ledger_balanced()
    assert tb["accounts"]["6100"] == Decimal("1187.50")
    assert tb["accounts"]["6150"] == Decimal("1200.00")
    assert tb["accounts"]["2400"] == -(e.net + c.net)


def test_contractor_without_tin_or_flagged_gets_24_percent_backup_withholding(db, world):
    """IRC 3406: 24% of 1,200.00 = 288.00 withheld when the TIN is missing or the IRS flagged it."""
    from payroll.services import runs

    flagged = world.worker(kind="contractor", rate="40.00", flagged=True)
    world.time(flagged, hours=(6, 6, 6, 6, 6, 0, 0))
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    p = _paychecks(db, run.id)[flagged.id]
    assert _lines(db, p.id)[("employee_tax", "backup_withholding")] == Decimal("288.00")
    assert p.net == Decimal("912.00")


def test_per_paycheck_problems_are_exceptions_not_blockers_and_the_run_goes_on(db, world, monkeypatch):
    """Issue 10 point 4. Five workers with a problem each and one without: nothing blocks the run.
    - no W-4: paid, withheld as Single with no adjustments (Pub 15-T), and the paystub says so;
    - contractor with no W-9 (TIN on file): paid, noted;
    - no bank account: paid (the payment is held until an account is added), noted;
    - unclassified engagement: held automatically, no paycheck (the agency's CLASSIFICATION_HOLD_UNCLASSIFIED
      setting; by default it is paid and listed as "assess", see tests/integration/classification);
    - unapproved time: noted; that time is not paid by this run.
    40 h at $25.00 = $1,000.00 gross for each paid employee."""
    from flask import current_app

    from payroll.models import Paycheck, PaycheckHold
    from payroll.services import runs
    from payroll.services.paystubs import paystub_data

    monkeypatch.setitem(current_app.config, "CLASSIFICATION_HOLD_UNCLASSIFIED", True)

    no_w4 = world.worker(w4=False)
    no_w9 = world.worker(kind="contractor", w4=False)
    no_bank = world.worker(bank=False)
    unclassified = world.worker(classification=None)
    pending = world.worker()
    fine = world.worker()
    for e in (no_w4, no_w9, no_bank, unclassified, fine):
        world.time(e)
    world.time(pending, approve=False)
    run = world.regular_run()
    assert runs.pre_run_checks(run.id) == []
    found = {(e.worker_id, e.code, e.action, e.held) for e in runs.paycheck_exceptions(run.id)}
    assert found == {(no_w4.worker_id, "missing_w4", "note", False), (no_w9.worker_id, "missing_w9", "note", False),
                     (no_bank.worker_id, "no_bank_account", "note", False),
                     (unclassified.worker_id, "unclassified", "hold", True),
                     (pending.worker_id, "unapproved_time", "note", False)}
    runs.start_calculation(run.id, world.hr)
    db.session.expire_all()
    assert run.state == "calculated"
    paid = {p.worker_id: p for p in db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalars()}
    assert set(paid) == {no_w4.worker_id, no_w9.worker_id, no_bank.worker_id, fine.worker_id}
    assert paid[no_w4.worker_id].gross == paid[fine.worker_id].gross == Decimal("1000.00")
    hold = db.session.execute(sa.select(PaycheckHold).where(PaycheckHold.run_id == run.id)).scalar_one()
    assert (hold.worker_id, hold.code) == (unclassified.worker_id, "unclassified")
    stub = paystub_data(paid[no_w4.worker_id].id)
    assert any("No Form W-4" in n and "Single with no adjustments" in n for n in stub["notes"])


def test_hr_holds_a_paycheck_out_of_a_draft_run_with_a_reason_and_an_off_cycle_run_pays_it(db, world):
    """Two workers, 40 h at $25.00 each. HR holds one (reason required, twice refused); the run pays the other;
    an off-cycle run made from the holds pays the held one's same week of time; the week is paid once: a second
    holds run is refused and the regular run's time is marked paid by exactly one run each."""
    from payroll.models import Paycheck, Timesheet
    from payroll.services import holds, runs

    a, b = world.worker(), world.worker()
    ta, tb = world.time(a), world.time(b)
    run = world.regular_run()
    with pytest.raises(ValidationFailed) as exc:
        holds.hold_paycheck(run.id, b.worker_id, "  ", world.hr)
    assert exc.value.issues[0].field == "reason"
    holds.hold_paycheck(run.id, b.worker_id, "address dispute", world.hr)
    with pytest.raises(DomainError) as exc:
        holds.hold_paycheck(run.id, b.worker_id, "again", world.hr)
    assert exc.value.code == "already_held"
    runs.start_calculation(run.id, world.hr)
    db.session.expire_all()
    assert [p.worker_id for p in db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalars()] \
        == [a.worker_id]
    assert db.session.get(Timesheet, tb.id).paid_run_id is None
    off = holds.pay_holds(run.id, run.pay_date, world.hr)
    with pytest.raises(DomainError) as exc:
        holds.pay_holds(run.id, run.pay_date, world.hr)
    assert exc.value.code == "no_holds"
    runs.start_calculation(off.id, world.hr)
    db.session.expire_all()
    checks = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == off.id)).scalars().all()
    assert [(p.worker_id, p.gross) for p in checks] == [(b.worker_id, Decimal("1000.00"))]
    assert db.session.get(Timesheet, ta.id).paid_run_id == run.id
    assert db.session.get(Timesheet, tb.id).paid_run_id == off.id


def test_approval_payment_and_illegal_moves_are_refused_with_nothing_changed(db, world):
    from payroll.models import Paycheck
    from payroll.services import payments, runs

    emp = world.worker()
    world.time(emp)
    run = world.regular_run()
    with pytest.raises(DomainError, match="only a calculated run"):
        runs.approve_run(run.id, world.hr2)
    runs.start_calculation(run.id, world.hr)
    with pytest.raises(DomainError, match="you prepared it"):
        runs.approve_run(run.id, world.hr)
    db.session.expire_all()
    assert run.state == "calculated" and run.approved_by_id is None
    runs.approve_run(run.id, world.hr2)
    with pytest.raises(DomainError, match="cannot be approved twice"):
        runs.approve_run(run.id, world.hr2)
    with pytest.raises(DomainError, match="cannot be edited"):
        runs.update_run(run.id, {"description": "changed"}, world.hr)
    with pytest.raises(DomainError, match="generate the NACHA file"):
        runs.mark_paid(run.id, world.finance)
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, world.finance)
    before = assert_ledger_balanced()
    with pytest.raises(DomainError, match="cannot be paid twice"):
        runs.mark_paid(run.id, world.finance)
    assert assert_ledger_balanced() == before
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    p.net = Decimal("1.00")
    with pytest.raises(DomainError, match="never updated"):
        db.session.flush()
    db.session.rollback()


def test_reverse_and_reissue_one_paycheck_keeps_ytd_and_ledger_right(db, world):
    from payroll.models import Paycheck, YearToDate
    from payroll.services import corrections, payments, runs

    a, b = world.worker(), world.worker(state="CA", rate="30.00")
    world.time(a)
    world.time(b)
    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run.id, world.finance)
    pa = _paychecks(db, run.id)[a.id]
    ytd_before = db.session.execute(sa.select(YearToDate).where(YearToDate.worker_id == pa.worker_id)).scalar_one()
    assert ytd_before.gross == Decimal("1000.00")
    corrections.request_reversal(world.hr, "wrong rate", paycheck_id=pa.id)      # paid: two people
    rev = corrections.reverse_paycheck(pa.id, world.hr2, "wrong rate", on=NOW.date())
    assert (rev.gross, rev.net, rev.reverses_id) == (-pa.gross, -pa.net, pa.id)
    db.session.expire_all()
    assert db.session.execute(sa.select(YearToDate.gross).where(YearToDate.worker_id == pa.worker_id)
                              ).scalar_one() == Decimal("0.00")
    tb = assert_ledger_balanced()
    with pytest.raises(DomainError, match="already reversed"):
        corrections.reverse_paycheck(pa.id, world.hr, on=NOW.date())
    correction = corrections.reissue_paycheck(pa.id, world.hr)
    assert correction.state == "calculated" and correction.kind == "correction"
    runs.approve_run(correction.id, world.hr2)
    payments.generate_nacha(correction.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(correction.id, world.finance)
    assert_ledger_balanced()
    db.session.expire_all()
    assert db.session.execute(sa.select(YearToDate.gross).where(YearToDate.worker_id == pa.worker_id)
                              ).scalar_one() == Decimal("1000.00")
    reissued = db.session.execute(sa.select(Paycheck).where(Paycheck.reissue_of_id == pa.id)).scalar_one()
    assert reissued.net == pa.net
    assert tb["balanced"]
