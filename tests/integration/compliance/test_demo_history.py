"""`seed-demo --history 2025`: a complete paid 2025 the compliance forms can be built from, whose figures agree
with the paychecks, the year-to-date rows and the ledger."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

ZERO = Decimal("0")


def test_seed_demo_history_2025_pays_a_year_that_agrees_with_itself_and_the_ledger(app, db, runner, monkeypatch):
    """One seeded year (seeding it is the slow part), checked from every side below; then `filings build`."""
    from backoffice.cli import main
    from backoffice.workers.demo import seed_demo

    # payroll's steps for speed, and onboarding's (the Forms I-9 on file for the employees at work)
    steps = [s for s in app.extensions["demo_steps"] if s.__module__.startswith(("payroll", "backoffice.onboarding"))]
    monkeypatch.setitem(app.extensions, "demo_steps", steps)
    lines = seed_demo(n_workers=24, seed=7, today=date(2026, 11, 22), history=2025)
    assert any(line.startswith("history 2025: regular runs paid") for line in lines)
    check_every_regular_pay_date_of_2025_is_paid_once_per_schedule(db)
    check_the_reversed_paycheck_nets_out_and_its_reissue_counts_once(db)
    check_ytd_rows_equal_the_sums_of_the_released_paychecks_employees_and_contractors_apart(db)
    check_every_2025_tax_deposit_is_paid_and_the_tax_liability_accounts_of_2025_are_zero(db)
    check_contractors_with_backup_withholding_and_one_under_the_threshold(db)
    result = runner.invoke(main, args=["filings", "build", "--year", "2025"])
    assert result.exit_code == 0, result.output
    check_the_2025_filings_reconcile_with_each_other_and_the_ledger(runner, main)
    check_only_compliance_exports_print_full_tins(db)


def check_the_2025_filings_reconcile_with_each_other_and_the_ledger(runner, main):
    """Issue 14's must-show: the four 941s, the W-3, the 940, the 945, the 1099-NECs, the deposits and the ledger
    agree, every employee at work has an I-9, so the reconciliation checks find nothing (exit 0)."""
    from compliance.check_services import run_checks

    found = run_checks(2025, today=date(2026, 11, 22))
    assert [f.as_dict() for f in found] == []
    result = runner.invoke(main, args=["filings", "check", "--year", "2025"])
    assert result.exit_code == 0, result.output


def check_only_compliance_exports_print_full_tins(db):
    """Every export of every 2025 filing (the first filing of each form): one that prints a full TIN is refused to
    a caller without the right (HR, finance) — and exactly those registry.prints_full_tins names."""
    from backoffice.errors import PermissionDenied
    from compliance import registry, services as svc
    from compliance.models import Filing

    first = {}
    for f in db.session.execute(sa.select(Filing).where(Filing.tax_year == 2025).order_by(Filing.id)).scalars():
        first.setdefault(f.form, f)
    assert {"941", "940", "945", "w2", "w3", "1099-nec", "state-wage"} <= set(first)
    for form, f in first.items():
        spec = registry.spec(form)
        for fmt in spec.exports:
            if fmt == "pdf" and form not in ("941", "w3", "945"):
                continue        # PDFs never print full TINs (masked); a few are rendered to show it
            if fmt == "fire-late":
                continue        # needs a filed return with a correction
            try:
                svc.export(f, fmt, {"test_file": True}, full_tins=False)
                refused = False
            except PermissionDenied:
                refused = True
            except Exception as exc:          # e.g. no TCC configured: said before any TIN is read
                refused = registry.prints_full_tins(spec, fmt) and "BACKOFFICE_" in str(exc)
            assert refused == registry.prints_full_tins(spec, fmt), (form, fmt)


def check_every_regular_pay_date_of_2025_is_paid_once_per_schedule(db):
    """Pay dates in 2025, counted on the calendar (schedules of the demo: anchor Monday 2026-01-05, pay 5 days
    after the period ends, moved back off weekends and bank holidays):
    - Weekly: periods Mon–Sun, paid the Friday after: every Friday of 2025, Jan 3 … Dec 26 = 52 (Jul 4 → Jul 3).
    - Biweekly: periods end every other Sunday counted back from 2026-01-18; paid Fridays 2025-01-10, 01-24, …,
      12-26 (2025-01-10 + 25 × 14 days = 2025-12-26; 2024-12-27 and 2026-01-09 are outside) = 26.
    - Semimonthly (1st–15th, 16th–end): paid the 20th and the 5th of the next month: the 5th of every month of
      2025 (Jan 5 is a Sunday → Jan 3) and the 20th of every month (Dec 20 a Saturday → Dec 19) = 24; the
      period Dec 16–31, 2025 is paid 2026-01-05.
    """
    from payroll.models import PayrollRun, PaySchedule

    got = dict(db.session.execute(sa.select(PaySchedule.name, sa.func.count(PayrollRun.id)).join(
        PayrollRun, PayrollRun.pay_schedule_id == PaySchedule.id).where(
        PayrollRun.kind == "regular", PayrollRun.state == "paid",
        PayrollRun.pay_date.between(date(2025, 1, 1), date(2025, 12, 31))).group_by(PaySchedule.name)).all())
    assert got == {"Weekly": 52, "Biweekly": 26, "Semimonthly": 24}
    weekly_dates = set(db.session.execute(sa.select(PayrollRun.pay_date).join(
        PaySchedule, PaySchedule.id == PayrollRun.pay_schedule_id).where(
        PaySchedule.name == "Weekly", PayrollRun.pay_date < date(2026, 1, 1))).scalars())
    assert date(2025, 7, 3) in weekly_dates and date(2025, 7, 4) not in weekly_dates
    kinds = sorted(db.session.execute(sa.select(PayrollRun.kind).where(
        PayrollRun.kind != "regular", PayrollRun.pay_date < date(2026, 1, 1))).scalars())
    assert kinds == ["bonus", "correction", "final", "reversal"]


def check_the_reversed_paycheck_nets_out_and_its_reissue_counts_once(db):
    """The reversed paycheck P (gross g) appears three times in 2025: P (+g), its reversal (−g), its re-issue
    (+g); the worker's 2025 YTD gross is therefore the sum of their other paychecks plus g once."""
    from payroll.models import Paycheck, YearToDate

    rev = db.session.execute(sa.select(Paycheck).where(Paycheck.kind == "reversal", Paycheck.tax_year == 2025)
                             ).scalar_one()
    orig = db.session.get(Paycheck, rev.reverses_id)
    reissue = db.session.execute(sa.select(Paycheck).where(Paycheck.reissue_of_id == orig.id)).scalar_one()
    assert rev.gross == -orig.gross and reissue.gross == orig.gross and orig.gross > 0
    others = db.session.execute(sa.select(sa.func.sum(Paycheck.gross)).where(
        Paycheck.worker_id == orig.worker_id, Paycheck.tax_year == 2025,
        Paycheck.id.not_in((orig.id, rev.id, reissue.id)))).scalar() or ZERO
    ytd = db.session.execute(sa.select(YearToDate).where(
        YearToDate.worker_id == orig.worker_id, YearToDate.tax_year == 2025,
        YearToDate.worker_type == "employee")).scalar_one()
    assert ytd.gross == others + orig.gross


def check_ytd_rows_equal_the_sums_of_the_released_paychecks_employees_and_contractors_apart(db):
    """payroll_ytd (2025) per worker and worker type = Σ gross and Σ net of that worker's 2025 paychecks of that
    type in paid runs (reversals negative); contractors have rows of their own, with no wages for Form W-2."""
    from payroll.models import Paycheck, PayrollRun, YearToDate

    sums: dict[tuple, list] = defaultdict(lambda: [ZERO, ZERO])
    for wid, wtype, gross, net in db.session.execute(sa.select(
            Paycheck.worker_id, Paycheck.worker_type, Paycheck.gross, Paycheck.net)
            .join(PayrollRun, PayrollRun.id == Paycheck.run_id)
            .where(Paycheck.tax_year == 2025, PayrollRun.state.in_(("paid", "reversed")))):
        sums[(wid, wtype)][0] += gross
        sums[(wid, wtype)][1] += net
    rows = {(y.worker_id, y.worker_type): [y.gross, y.net] for y in db.session.execute(
        sa.select(YearToDate).where(YearToDate.tax_year == 2025)).scalars()}
    assert rows == dict(sums)
    types = {t for _w, t in rows}
    assert types == {"employee", "contractor"}
    contractor_rows = db.session.execute(sa.select(YearToDate).where(
        YearToDate.tax_year == 2025, YearToDate.worker_type == "contractor")).scalars().all()
    assert all(y.social_security_wages == 0 and y.medicare_wages == 0 for y in contractor_rows)


def check_every_2025_tax_deposit_is_paid_and_the_tax_liability_accounts_of_2025_are_zero(db):
    """Every deposit of a 2025 period is paid on its due date, and the journal's tax liability accounts (2100
    employee taxes withheld, 2200 employer taxes) net to zero over the entries of 2025 and the deposits paid for
    it (the last, for the fourth quarter, paid in January 2026; the 2026 demo's entries start in the autumn).
    FUTA is the exception Pub. 15 (section 11) makes: FUTA still undeposited at the end of the fourth quarter,
    when it is $500 or less, is paid with Form 940 instead; so account 2200 may keep up to $500 of FUTA (this
    small agency's year is at most 24 workers × $42)."""
    from payroll.models_ledger import JournalEntry, JournalLine
    from payroll.models_money import TaxDeposit

    deps = db.session.execute(sa.select(TaxDeposit).where(TaxDeposit.period_start < date(2026, 1, 1))).scalars().all()
    assert deps and all(d.status == "paid" for d in deps)
    assert all(d.paid_on == d.due_date for d in deps if d.due_date is not None)
    assert {d.tax for d in deps} >= {"941", "945", "SIT", "SUI"}
    by_detail: dict[str, Decimal] = defaultdict(Decimal)
    for detail, credit, debit in db.session.execute(sa.select(JournalLine.detail, JournalLine.credit, JournalLine.debit)
                                                    .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
                                                    .where(JournalLine.account.in_(("2100", "2200")),
                                                           JournalEntry.entry_date <= date(2026, 6, 30))):
        by_detail[detail] += credit - debit
    assert {k: v for k, v in by_detail.items() if k != "futa" and v != 0} == {}
    futa_left = by_detail.get("futa", ZERO)
    assert 0 <= futa_left <= 500


def check_contractors_with_backup_withholding_and_one_under_the_threshold(db):
    """Contractors: a W-9 says the IRS notified one (24% backup withholding, Form 945), one never gave a TIN
    (withheld too, IRC 3406), and one worked one short day (hours = ⌊$500 ÷ rate⌋, so under the $600 1099-NEC
    threshold of 2025)."""
    from payroll.models import Paycheck, PaycheckLine

    withheld = set(db.session.execute(sa.select(Paycheck.worker_id).join(
        PaycheckLine, PaycheckLine.paycheck_id == Paycheck.id).where(
        Paycheck.tax_year == 2025, PaycheckLine.code == "backup_withholding")).scalars())
    assert len(withheld) >= 2
    from backoffice.workers.models import Worker

    paid_2025 = sa.select(Paycheck.worker_id).where(Paycheck.tax_year == 2025)     # not the invitees onboarding now
    no_tin = db.session.execute(sa.select(Worker.id).where(Worker.tin_last4 == "", Worker.id.in_(paid_2025))
                                ).scalars().all()
    assert len(no_tin) == 1 and no_tin[0] in withheld
    totals = dict(db.session.execute(sa.select(Paycheck.worker_id, sa.func.sum(Paycheck.gross)).where(
        Paycheck.tax_year == 2025, Paycheck.worker_type == "contractor").group_by(Paycheck.worker_id)).all())
    assert any(0 < t < 600 for t in totals.values())

