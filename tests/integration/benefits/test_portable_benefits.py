"""Portable benefits through real runs: credits when a run is paid (hand figures), once per paycheck and
engagement, taken back when the paycheck is reversed; a balance the database keeps at zero or above; uses and
payouts."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backoffice.errors import DomainError, PermissionDenied, ValidationFailed
from tests.integration.payroll.conftest import NOW, SETTLES, World

D = Decimal


@pytest.fixture
def world(db, make_user):
    return World(db, make_user)


def _rule(engagement, **kw):
    from benefits.portable import services as svc

    data = {"engagement_id": engagement.id, "method": "per_hour", "amount_per_hour": "1.50", "funded_by": "client",
            "start_date": "2026-01-01", **kw}
    if data["method"] == "percent_of_pay":
        data.pop("amount_per_hour", None)
    return svc.create_rule(data)


def _paid_run(world):
    from payroll.services import payments, runs

    run = world.regular_run()
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
    return run


def _entries(db, worker_id):
    from benefits.portable.models import PortableEntry

    return db.session.execute(sa.select(PortableEntry).where(PortableEntry.worker_id == worker_id)
                              .order_by(PortableEntry.id)).scalars().all()


def _balance(db, worker_id):
    from benefits.portable.models import PortableAccount

    db.session.expire_all()
    return db.session.execute(sa.select(PortableAccount.balance).where(PortableAccount.worker_id == worker_id)
                              ).scalar_one_or_none()


def test_a_paid_run_credits_each_workers_account_with_hand_figures(db, world):
    """Contractor: 5 × 8 h = 40 h × $1.50 client-funded = $60.00, reported on 1099-NEC box 1. Leased employee:
    40 h × $25.00 = $1,000.00 pay × 2% agency-funded = $20.00, reported as W-2 wages. Nothing is credited while
    the run is only approved; everything when it is paid, dated on the pay date."""
    from payroll.models import Paycheck
    from payroll.services import runs

    con = world.worker(kind="contractor", rate="30.00")
    emp = world.worker()
    plain = world.worker()                     # no rule: no account
    for e in (con, emp, plain):
        world.time(e)
    _rule(con)
    _rule(emp, method="percent_of_pay", percent="0.02", funded_by="agency")
    run = _paid_run(world)
    assert _entries(db, con.worker_id) == [] and _balance(db, con.worker_id) is None
    runs.mark_paid(run.id, world.finance)
    (c,) = _entries(db, con.worker_id)
    pay = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id,
                                                       Paycheck.worker_id == con.worker_id)).scalar_one()
    assert (c.kind, c.amount, c.balance_after, c.basis) == ("credit", D("60.00"), D("60.00"), D("40"))
    assert (c.engagement_id, c.client_id, c.paycheck_id) == (con.id, world.client.id, pay.id)
    assert (c.funded_by, c.reporting_category, c.tax_year, c.entry_date) == ("client", "1099_nec_box1", 2026,
                                                                            pay.pay_date)
    (e,) = _entries(db, emp.worker_id)
    assert (e.amount, e.reporting_category, e.funded_by) == (D("20.00"), "w2_wages", "agency")
    assert _balance(db, con.worker_id) == D("60.00") and _balance(db, emp.worker_id) == D("20.00")
    assert _entries(db, plain.worker_id) == []
    from benefits.portable.services import nec_box1_totals
    assert nec_box1_totals(2026) == {con.worker_id: D("60.00")}


def test_paying_or_crediting_twice_makes_no_second_credit(db, world):
    """The hook ran once at payment; running the credit again (directly or through the backfill) adds nothing,
    and a second row for the same paycheck and engagement is refused by the database."""
    from benefits.portable import services as svc
    from benefits.portable.models import PortableEntry
    from payroll.services import runs

    con = world.worker(kind="contractor", rate="30.00")
    world.time(con)
    _rule(con)
    run = _paid_run(world)
    runs.mark_paid(run.id, world.finance)
    with pytest.raises(DomainError, match="cannot be paid twice"):
        runs.mark_paid(run.id, world.finance)
    assert svc.credit_run(run) == 0 and svc.credit_paid_runs() == 0
    (c,) = _entries(db, con.worker_id)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(PortableEntry(account_id=c.account_id, worker_id=c.worker_id, kind="credit",
                                         amount=D("60.00"), balance_after=D("120.00"), entry_date=c.entry_date,
                                         engagement_id=c.engagement_id, paycheck_id=c.paycheck_id,
                                         reporting_category="1099_nec_box1"))
            db.session.flush()
    assert _balance(db, con.worker_id) == D("60.00")


def test_a_reversed_paycheck_takes_its_credit_back_and_a_reissue_credits_again(db, world):
    """Paid 60.00; the paycheck is reversed (two people: paid run): −60.00, balance 0.00, reported as a negative
    1099-NEC box 1 amount; the re-issue is paid: +60.00 again."""
    from benefits.portable.services import nec_box1_totals
    from payroll.models import Paycheck
    from payroll.services import corrections, payments, runs

    con = world.worker(kind="contractor", rate="30.00")
    world.time(con)
    _rule(con)
    run = _paid_run(world)
    runs.mark_paid(run.id, world.finance)
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    corrections.request_reversal(world.hr, "wrong hours", paycheck_id=p.id)
    rev = corrections.reverse_paycheck(p.id, world.hr2, "wrong hours", on=NOW.date())
    credit, back = _entries(db, con.worker_id)
    assert (back.kind, back.amount, back.balance_after, back.reverses_entry_id) == ("reversal", D("-60.00"),
                                                                                  D("0.00"), credit.id)
    assert (back.paycheck_id, back.engagement_id, back.entry_date) == (rev.id, con.id, NOW.date())
    assert nec_box1_totals(2026) == {con.worker_id: D("0.00")}
    correction = corrections.reissue_paycheck(p.id, world.hr)
    runs.approve_run(correction.id, world.hr2)
    payments.generate_nacha(correction.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(correction.id, world.finance)
    assert [e.amount for e in _entries(db, con.worker_id)] == [D("60.00"), D("-60.00"), D("60.00")]
    assert _balance(db, con.worker_id) == D("60.00")


def test_a_reversal_after_the_money_was_used_takes_back_only_what_is_left(db, world):
    """60.00 credited, 50.00 used toward December's premium: the reversal takes 10.00 and says 50.00 was used;
    the balance stays at 0.00, never below."""
    from benefits.portable import services as svc
    from payroll.models import Paycheck
    from payroll.services import corrections, runs

    con = world.worker(kind="contractor", rate="30.00")
    world.time(con)
    _rule(con)
    run = _paid_run(world)
    runs.mark_paid(run.id, world.finance)
    use = svc.apply_to_premium(con.worker_id, 7, date(2026, 12, 1), "50.00")
    assert (use.kind, use.amount, use.balance_after) == ("use", D("-50.00"), D("10.00"))
    assert svc.apply_to_premium(con.worker_id, 7, date(2026, 12, 1), "50.00").id == use.id   # once a month
    p = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    corrections.request_reversal(world.hr, "wrong hours", paycheck_id=p.id)
    corrections.reverse_paycheck(p.id, world.hr2, "wrong hours", on=NOW.date())
    back = _entries(db, con.worker_id)[-1]
    assert (back.amount, back.balance_after) == (D("-10.00"), D("0.00"))
    assert "$50.00 was already used" in back.memo
    assert svc.apply_to_premium(con.worker_id, 7, date(2027, 1, 1), "50.00") is None     # nothing left


def test_the_database_refuses_a_negative_balance(db, world):
    from benefits.portable.models import PortableAccount, PortableEntry

    con = world.worker(kind="contractor")
    acct = PortableAccount(worker_id=con.worker_id, balance=D("5.00"), opened_on=date(2026, 1, 1))
    db.session.add(acct)
    db.session.flush()
    with pytest.raises(IntegrityError, match="(?i)check"):
        with db.session.begin_nested():
            db.session.execute(sa.update(PortableAccount).where(PortableAccount.id == acct.id)
                               .values(balance=D("-0.01")))
    with pytest.raises(IntegrityError, match="(?i)check"):
        with db.session.begin_nested():
            db.session.add(PortableEntry(account_id=acct.id, worker_id=con.worker_id, kind="use", amount=D("-6.00"),
                                         balance_after=D("-1.00"), entry_date=date(2026, 12, 1)))
            db.session.flush()
    db.session.expire_all()
    assert db.session.get(PortableAccount, acct.id).balance == D("5.00")


def test_rules_refuse_bad_fields_and_overlaps_naming_the_field(db, world):
    from benefits.portable import services as svc

    con = world.worker(kind="contractor")
    with pytest.raises(ValidationFailed) as bad:
        svc.create_rule({"engagement_id": 999999, "method": "weekly", "funded_by": "me", "start_date": "2026-13-01",
                         "colour": "red"})
    assert {i.field for i in bad.value.issues} == {"engagement_id", "method", "funded_by", "start_date", "colour"}
    with pytest.raises(ValidationFailed) as bad:
        svc.create_rule({"engagement_id": con.id, "method": "percent_of_pay", "percent": "2", "funded_by": "agency",
                         "start_date": "2026-01-01"})
    assert [(i.field, i.code) for i in bad.value.issues] == [("percent", "too_large")]
    first = _rule(con, end_date=None)
    with pytest.raises(ValidationFailed, match="overlaps"):
        _rule(con, start_date="2026-06-01")
    svc.update_rule(first.id, {"end_date": "2026-05-31"})
    later = _rule(con, start_date="2026-06-01", amount_per_hour="2.00")
    assert later.amount_per_hour == D("2.00")


def test_a_payout_is_approved_by_hr_and_paid_as_a_line_of_the_next_paycheck(db, world, make_user):
    """Balance 60.00: a 70.00 request is refused on `amount`; 40.00 is requested, a second 30.00 is refused (only
    20.00 left after the pending request); HR approves: balance 20.00, a payout entry, and a 40.00 `reimbursement`
    adjustment on the contractor's engagement (the credit was 1099 income already). The next week's run pays it:
    the payout is `paid`, and that week's credit is still 40 h × $1.50 = 60.00 (balance 80.00)."""
    from benefits.portable import services as svc
    from benefits.portable.models import PortablePayout
    from payroll.models import Paycheck, PaycheckLine, PayrollAdjustment
    from payroll.services import payments, runs
    from tests.integration.payroll.conftest import WEEK1

    con = world.worker(kind="contractor", rate="30.00")
    world.time(con)
    _rule(con)
    runs.mark_paid(_paid_run(world).id, world.finance)
    me = make_user("worker", worker_id=con.worker_id)
    with pytest.raises(ValidationFailed) as bad:
        svc.request_payout(con.worker_id, {"amount": "70.00"}, me, today=NOW.date())
    assert [i.field for i in bad.value.issues] == ["amount"]
    p = svc.request_payout(con.worker_id, {"amount": "40.00", "reason": "dentist"}, me, today=NOW.date())
    with pytest.raises(ValidationFailed, match=r"\$20.00 available"):
        svc.request_payout(con.worker_id, {"amount": "30.00"}, me, today=NOW.date())
    with pytest.raises(PermissionDenied):
        svc.approve_payout(p.id, me, today=NOW.date())
    with pytest.raises(PermissionDenied):
        svc.approve_payout(p.id, world.finance, today=NOW.date())
    week2 = date(2026, 11, 9)
    svc.approve_payout(p.id, world.hr, today=week2)
    assert _balance(db, con.worker_id) == D("20.00")
    out = _entries(db, con.worker_id)[-1]
    assert (out.kind, out.amount, out.payout_id) == ("payout", D("-40.00"), p.id)
    p = db.session.get(PortablePayout, p.id)
    adj = db.session.get(PayrollAdjustment, p.adjustment_id)
    assert (p.method, adj.code, adj.amount, adj.engagement_id) == ("next_paycheck", "reimbursement", D("40.00"), con.id)
    with pytest.raises(DomainError, match="approved, not requested"):
        svc.approve_payout(p.id, world.hr, today=NOW.date())
    with pytest.raises(DomainError, match="paid with the next paycheck"):
        svc.mark_payout_paid(p.id, world.finance, paid_on="2026-12-02", payment_ref="TRACE-1")
    world.time(con, week=week2)
    run2 = world.regular_run(week2)
    runs.start_calculation(run2.id, world.hr)
    runs.approve_run(run2.id, world.hr2)
    payments.generate_nacha(run2.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run2.id, world.finance)
    pay2 = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run2.id)).scalar_one()
    lines = {ln.code: ln.amount for ln in db.session.execute(sa.select(PaycheckLine).where(
        PaycheckLine.paycheck_id == pay2.id, PaycheckLine.kind == "earning")).scalars()}
    assert lines["reimbursement"] == D("40.00")
    db.session.expire_all()
    p = db.session.get(PortablePayout, p.id)
    assert (p.status, p.paid_on, p.payment_ref) == ("paid", pay2.pay_date, f"paycheck #{pay2.id}")
    assert _entries(db, con.worker_id)[-1].amount == D("60.00") and _balance(db, con.worker_id) == D("80.00")
    assert WEEK1 < week2


def test_premium_uses_are_paid_back_as_bonus_for_an_employee_and_earn_no_percent_credit(db, world):
    """Leased employee, 2% of pay agency-funded: week 1 pays $1,000.00 → credit 20.00. The worker chose to use the
    account toward premiums; a family medical enrollment costs the employee $150.00 a month: December's use is
    min(150.00, 20.00) = 20.00, paid back as a $20.00 `bonus` line (supplemental wages). Week 2: $1,000.00 + the
    $20.00 bonus; the credit is 2% × 1,000.00 = 20.00, not 2% × 1,020.00 (the bonus is the account's own money).
    Applying December again adds nothing."""
    from benefits.models import BenefitPlan, Enrollment
    from benefits.portable import services as svc
    from payroll.models import PayrollAdjustment
    from payroll.services import payments, runs

    emp = world.worker()
    world.time(emp)
    _rule(emp, method="percent_of_pay", percent="0.02", funded_by="agency")
    runs.mark_paid(_paid_run(world).id, world.finance)
    assert _balance(db, emp.worker_id) == D("20.00")
    plan = BenefitPlan(kind="medical", name="Gold PPO", plan_year_start=date(2026, 1, 1),
                       plan_year_end=date(2026, 12, 31))
    db.session.add(plan)
    db.session.flush()
    db.session.add(Enrollment(worker_id=emp.worker_id, plan_id=plan.id, event="new_hire", coverage_tier="family",
                              effective_date=date(2026, 2, 1), employee_monthly=D("150.00")))
    db.session.flush()
    assert svc.apply_premiums(date(2026, 11, 1), world.hr) == 0          # not chosen yet
    svc.set_use_for_premiums(emp.worker_id, True, today=NOW.date())
    assert svc.apply_premiums(date(2026, 11, 1), world.hr) == 1
    assert svc.apply_premiums(date(2026, 11, 1), world.hr) == 0          # once per enrollment and month
    use = _entries(db, emp.worker_id)[-1]
    assert (use.kind, use.amount, use.balance_after) == ("use", D("-20.00"), D("0.00"))
    assert use.use_ref.startswith("portable_premium:benefit_enrollment:")
    adj = db.session.get(PayrollAdjustment, use.adjustment_id)
    assert (adj.code, adj.amount) == ("bonus", D("20.00"))
    week2 = date(2026, 11, 9)
    world.time(emp, week=week2)
    run2 = world.regular_run(week2)
    runs.start_calculation(run2.id, world.hr)
    runs.approve_run(run2.id, world.hr2)
    payments.generate_nacha(run2.id, world.finance, now=NOW, effective_date=SETTLES)
    runs.mark_paid(run2.id, world.finance)
    credit = _entries(db, emp.worker_id)[-1]
    assert (credit.kind, credit.amount, credit.basis) == ("credit", D("20.00"), D("1000.00"))


def test_a_posted_entry_is_never_updated(db, world):
    from payroll.services import runs

    con = world.worker(kind="contractor", rate="30.00")
    world.time(con)
    _rule(con)
    run = _paid_run(world)
    runs.mark_paid(run.id, world.finance)
    (c,) = _entries(db, con.worker_id)
    c.amount = D("600.00")
    with pytest.raises(DomainError, match="never updated"):
        db.session.flush()
    db.session.rollback()


def test_the_demo_credits_contractors_from_the_paid_run_and_the_cli_backfills_nothing_twice(runner, db):
    """seed-demo: rules on contractors who were paid, credited from the demo's paid run; every credit is its rule's
    rate × its basis (hours or pay), to the cent; `portable-benefits credit` then finds nothing left to credit."""
    from backoffice.cli import main
    from backoffice.money import round_cents
    from benefits.portable.models import PortableEntry, PortableRule

    result = runner.invoke(main, args=["seed-demo", "--workers", "120", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "portable benefits: rules on" in result.output
    credits = db.session.execute(sa.select(PortableEntry, PortableRule).join(
        PortableRule, PortableRule.id == PortableEntry.rule_id).where(PortableEntry.kind == "credit")).all()
    assert credits, result.output
    for entry, rule in credits:
        assert entry.amount == round_cents(entry.basis * rule.rate)
        assert entry.reporting_category in ("1099_nec_box1", "w2_wages")
    again = runner.invoke(main, args=["portable-benefits", "credit"])
    assert again.exit_code == 0 and "0 credit(s) made" in again.output, again.output
    bad = runner.invoke(main, args=["portable-benefits", "credit", "--since", "2026-13-01"])
    assert bad.exit_code != 0 and "--since" in bad.output
    premiums = runner.invoke(main, args=["portable-benefits", "apply-premiums", "--month", "2026-12", "--user",
                                         "hr@tandem.example"])
    assert premiums.exit_code == 0 and "premium use(s) made" in premiums.output, premiums.output
    worker_id = credits[0][0].worker_id
    shown = runner.invoke(main, args=["portable-benefits", "balance", str(worker_id)])
    assert shown.exit_code == 0 and '"balance"' in shown.output
