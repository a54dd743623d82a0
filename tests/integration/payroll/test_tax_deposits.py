"""Tax deposits: a quarter's runs → deposits with due dates → paid; the liability accounts for the quarter are zero."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.errors import DomainError, PermissionDenied, ValidationFailed
from tests.integration.payroll.conftest import NOW, SETTLES, WEEK1, assert_ledger_balanced

Q4 = (date(2026, 10, 1), date(2026, 12, 31))


def _pay_quarter(world):
    """Three weekly runs paid in November 2026 (pay dates 13, 20 and 27 November) for two Texas employees and
    one California employee at $60.00 an hour, 40 hours a week."""
    from payroll.services import payments, runs

    es = [world.worker(state="TX", rate="60.00"), world.worker(state="TX", rate="60.00"),
          world.worker(state="CA", rate="60.00")]
    out = []
    for week in range(3):
        start = WEEK1 + timedelta(weeks=week)
        for e in es:
            world.time(e, week=start)
        run = world.regular_run(start)
        runs.start_calculation(run.id, world.hr)
        runs.approve_run(run.id, world.hr2)
        payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
        runs.mark_paid(run.id, world.finance)
        out.append(run)
    return out


def _line_total(codes, state=None):
    """The same liabilities summed from the paychecks' own lines (not from the journal)."""
    from payroll.models import Paycheck, PaycheckLine

    stmt = (sa.select(PaycheckLine.amount).join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
            .where(PaycheckLine.code.in_(codes), PaycheckLine.kind.in_(("employee_tax", "employer_tax"))))
    if state is not None:
        stmt = stmt.where(PaycheckLine.state == state)
    return sum(db_amounts(stmt), Decimal(0))


def db_amounts(stmt):
    from backoffice.extensions import db

    return list(db.session.execute(stmt).scalars())


def test_a_paid_quarter_clears_its_liability_accounts_and_the_ledger_balances(db, world):
    """A new employer (no lookback: monthly depositor). Its November 941 liabilities (federal income tax, social
    security and Medicare, both shares) are due by the 15th of December 2026 (a Tuesday). FUTA stays under $500
    for the year → due by 31 January 2027, a Sunday → Monday 1 February 2027. Texas and California unemployment
    and California SDI are quarterly → the last day of January 2027 → Monday 1 February 2027. California income
    tax: the federal schedule is monthly and the quarter's CA withholding is over $350 → monthly, 15 December.
    After paying every deposit, accounts 2100 and 2200 are zero and the trial balance balances."""
    from payroll.services.deposits import liability_balance, list_deposits, pay_deposit, plan_deposits
    from payroll.services.ledger import trial_balance

    _pay_quarter(world)
    before = assert_ledger_balanced()["accounts"]
    assert before["2100"] < 0 and before["2200"] < 0                # taxes owed
    made = plan_deposits(*Q4, world.finance)
    got = {(d.tax, d.state): d for d in made}
    assert set(got) == {("941", ""), ("940", ""), ("SIT", "CA"), ("SUI", "TX"), ("SUI", "CA"), ("SPROG", "CA")}
    fed = got[("941", "")]
    assert (fed.period_start, fed.period_end, fed.due_date) == (date(2026, 11, 1), date(2026, 11, 30),
                                                                date(2026, 12, 15))
    assert fed.amount == _line_total(("federal_income_tax", "social_security", "medicare", "additional_medicare"))
    assert got[("940", "")].due_date == date(2027, 2, 1) and got[("940", "")].amount == _line_total(("futa",))
    assert got[("SIT", "CA")].due_date == date(2026, 12, 15)
    assert got[("SIT", "CA")].amount == _line_total(("state_income_tax",), "CA")
    for key in (("SUI", "TX"), ("SUI", "CA"), ("SPROG", "CA")):
        assert got[key].due_date == date(2027, 2, 1), key
    assert sum(d.amount for d in made) == -(before["2100"] + before["2200"])
    assert plan_deposits(*Q4, world.finance) == []                  # planned once
    assert [d.id for d in list_deposits(status="due")][0] in (fed.id, got[("SIT", "CA")].id)   # due soonest first

    for n, d in enumerate(made):
        pay_deposit(d.id, world.finance, paid_on=date(2026, 12, 10), confirmation=f"EFT{n:06d}")
    tb = trial_balance()
    assert tb["balanced"] and tb["accounts"]["2100"] == 0 and tb["accounts"]["2200"] == 0
    assert tb["accounts"]["1000"] == before["1000"] - sum(d.amount for d in made)
    assert all(v == 0 for v in liability_balance(*Q4).values())
    with pytest.raises(DomainError, match="already paid"):
        pay_deposit(fed.id, world.finance, paid_on=date(2026, 12, 11), confirmation="EFT999999")


def test_a_late_run_adds_only_the_uncovered_difference(db, world):
    """Plan after the first run, then again after the second: the second plan covers only the second run. At
    $200.00 an hour × 40 h = $8,000 a week, one week's 941 taxes are over the $2,500 de minimis."""
    from payroll.services import payments, runs
    from payroll.services.deposits import plan_deposits

    e = world.worker(state="TX", rate="200.00")
    totals = []
    for week in range(2):
        start = WEEK1 + timedelta(weeks=week)
        world.time(e, week=start)
        run = world.regular_run(start)
        runs.start_calculation(run.id, world.hr)
        runs.approve_run(run.id, world.hr2)
        payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
        runs.mark_paid(run.id, world.finance)
        made = plan_deposits(*Q4, world.finance, lookback_total=Decimal("60000"))   # semiweekly depositor
        totals.append({d.tax: d for d in made})
    first, second = totals
    # Semiweekly: the Friday 13 November payday → Wednesday 18 November; Friday 20 November → Wednesday 25.
    assert first["941"].due_date == date(2026, 11, 18) and second["941"].due_date == date(2026, 11, 25)
    assert first["941"].seq == second["941"].seq == 1
    assert second["941"].period_start == date(2026, 11, 18)      # the period Wednesday 18 - Friday 20


def test_paying_needs_finance_and_a_confirmation_number(db, world):
    from payroll.services.deposits import pay_deposit, plan_deposits

    _pay_quarter(world)
    d = plan_deposits(*Q4, world.finance)[0]
    with pytest.raises(PermissionDenied):
        plan_deposits(*Q4, world.hr)
    with pytest.raises(PermissionDenied):
        pay_deposit(d.id, world.hr, paid_on=date(2026, 12, 1), confirmation="X")
    with pytest.raises(ValidationFailed, match="confirmation"):
        pay_deposit(d.id, world.finance, paid_on=date(2026, 12, 1), confirmation="  ")


def test_cli_plans_lists_and_pays(app, db, world):
    _pay_quarter(world)
    runner = app.test_cli_runner()
    out = runner.invoke(args=["payroll", "deposits", "plan", "--from", "2026-10-01", "--to", "2026-12-31",
                              "--user", world.finance.email])
    assert out.exit_code == 0, out.output
    assert "941\t-\t2026-11-01..2026-11-30\tdue 2026-12-15" in out.output
    first_id = int(out.output.split("\t", 1)[0].lstrip("#"))
    out = runner.invoke(args=["payroll", "deposits", "pay", str(first_id), "--confirmation", "EFT1234",
                              "--on", "2026-12-10", "--user", world.finance.email])
    assert out.exit_code == 0, out.output
    out = runner.invoke(args=["payroll", "deposits", "list", "--status", "paid"])
    assert "paid 2026-12-10 EFT1234" in out.output
    assert_ledger_balanced()


def test_after_a_next_day_deposit_a_monthly_depositor_plans_semiweekly(db, world):
    """A new employer (monthly) whose first run owes $100,000 or more of 941 taxes on its pay date (Friday 13
    November 2026) deposits them the next business day (Monday 16 November) and is semiweekly from then on: a
    plan made afterwards for the next run (paid Friday 20 November) gives Wednesday 25 November, not 15 December.
    Thirty workers at $500.00 × 40 h = $600,000 of wages the first week (941 taxes far above $100,000), two of
    them the second week ($40,000 of wages: well under)."""
    from payroll.services import payments, runs
    from payroll.services.deposits import plan_deposits

    es = [world.worker(state="TX", rate="500.00") for _ in range(30)]
    due = []
    for week in range(2):
        start = WEEK1 + timedelta(weeks=week)
        for e in (es if week == 0 else es[:2]):
            world.time(e, week=start)
        run = world.regular_run(start)
        runs.start_calculation(run.id, world.hr)
        runs.approve_run(run.id, world.hr2)
        payments.generate_nacha(run.id, world.finance, now=NOW, effective_date=SETTLES)
        runs.mark_paid(run.id, world.finance)
        made = plan_deposits(run.pay_date, run.pay_date, world.finance)
        due.append([(d.due_date, d.rule.split(":")[0]) for d in made if d.tax == "941"])
    assert due == [[(date(2026, 11, 16), "next-day")], [(date(2026, 11, 25), "semiweekly")]]


def test_a_calculated_run_owes_nothing_until_it_is_approved(db, world):
    """A run is a draft for payroll until approved (it may still be reversed before anyone is paid): planning while
    it is only calculated plans no deposit; once approved, the same plan covers it. One Texas employee, $200.00 an
    hour × 40 h = $8,000.00: the 941 deposit then holds FIT + 2 × 6.2% + 2 × 1.45% of it, the run's lines' sum."""
    from payroll.services import runs
    from payroll.services.deposits import plan_deposits

    e = world.worker(state="TX", rate="200.00")
    world.time(e, week=WEEK1)
    run = world.regular_run(WEEK1)
    runs.start_calculation(run.id, world.hr)
    assert plan_deposits(*Q4, world.finance, lookback_total=Decimal("60000")) == []
    runs.approve_run(run.id, world.hr2)
    made = {d.tax: d for d in plan_deposits(*Q4, world.finance, lookback_total=Decimal("60000"))}
    expected = _line_total(("federal_income_tax", "social_security", "medicare", "additional_medicare"))
    assert made["941"].amount == expected and expected > Decimal("8000") * Decimal("0.153")
