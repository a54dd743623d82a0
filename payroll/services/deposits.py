"""Tax deposits: the journal's liability lines per tax and jurisdiction planned into deposits (due dates from the
pure schedule engine) and paid by a journal entry that clears them (Dr the liability accounts, Cr cash)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from backoffice.errors import DomainError, Issue, NotFound, PermissionDenied, ValidationFailed
from backoffice.extensions import db
from backoffice.money import D, ZERO
from backoffice.security.access import can
from backoffice.uow import for_update, transaction, write_lock
from payroll.calendar import holidays_between
from payroll.engine import deposits as schedule
from payroll.models import released_runs
from payroll.models_ledger import JournalEntry, JournalLine
from payroll.models_money import TaxDeposit

from .common import user_id
from .ledger import Posting, post_entry

LIABILITY_ACCOUNTS = ("2100", "2200")
# Paycheck line codes (the journal line `detail`) → what deposit pays them.
TAX_OF_DETAIL = {
    "federal_income_tax": "941", "social_security": "941", "medicare": "941", "additional_medicare": "941",
    "backup_withholding": "945", "futa": "940",
    "state_income_tax": "SIT",
    "suta": "SUI", "state_unemployment_employee": "SUI",
    "state_disability": "SPROG", "state_family_leave": "SPROG", "state_pfml": "SPROG", "state_ltc": "SPROG",
    "state_pfml_employer": "SPROG", "vt_child_care": "SPROG",
    # local taxes (payroll/engine/locals), one deposit group per state: the data has a LOCAL schedule where a
    # state's local taxes share one rule (NYC and Yonkers with the NYS-1; Oregon's transit taxes with the Form OQ;
    # Indiana's county taxes with the state WH-1);
    # where they differ by collector (Ohio cities, Michigan cities, PA Act 32 districts and Philadelphia, Kentucky,
    # Colorado OPTs ...) they are planned quarterly with no due date and the data's reason
    "local_income_tax": "LOCAL", "local_services_tax": "LOCAL", "school_district_tax": "LOCAL",
    "transit_tax": "LOCAL",
}
FEDERAL = ("941", "945", "940")


def _require(user, action: str) -> None:
    if user is None or not can(user, "tax_deposit", action):
        raise PermissionDenied(f"{getattr(user, 'role', 'anonymous')} may not {action} tax deposits")


def _liability_rows(start: date, end: date):
    """(agency_id, account, detail, state, day, net credit) of the liability lines dated start..end, deposits
    excluded (they are what clears them)."""
    stmt = (sa.select(JournalLine.agency_id, JournalLine.account, JournalLine.detail, JournalLine.state,
                      JournalEntry.entry_date, JournalLine.credit, JournalLine.debit)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalLine.account.in_(LIABILITY_ACCOUNTS), JournalEntry.kind != "deposit",
                   JournalEntry.entry_date >= start, JournalEntry.entry_date <= end,
                   # a run's liabilities are owed once it is released (approved): a calculated run may still be
                   # reversed, and its journal entry is then undone before anyone is paid
                   sa.or_(JournalEntry.run_id.is_(None), JournalEntry.run_id.in_(released_runs()))))
    out: dict[tuple, Decimal] = defaultdict(Decimal)
    for agency_id, account, detail, state, day, credit, debit in db.session.execute(stmt):
        out[(agency_id, account, detail, state or "", day)] += credit - debit
    return out


def ledger_lookback_total(year: int) -> Decimal | None:
    """The 941 liabilities booked in the lookback period (None when the ledger has nothing then: a new
    employer). Form 941 line 12 would be the figure; the journal is its source here."""
    start, end = schedule.lookback_period(year)
    rows = _liability_rows(start, end)
    if not rows:
        return None
    return sum((v for (_, _, detail, _, _), v in rows.items() if TAX_OF_DETAIL.get(detail) == "941"), ZERO)


def _next_day_since(since: date) -> bool:
    return db.session.execute(sa.select(TaxDeposit.id).where(
        TaxDeposit.tax.in_(("941", "945")), TaxDeposit.rule.like("next-day%"),
        TaxDeposit.period_end >= since).limit(1)).first() is not None


def _covered(agency_id, tax: str, state: str, start: date, end: date) -> dict[tuple, Decimal]:
    """What deposits already planned for this tax and overlapping this period cover, per liability line."""
    covered: dict[tuple, Decimal] = defaultdict(Decimal)
    stmt = sa.select(TaxDeposit).where(TaxDeposit.tax == tax, TaxDeposit.state == state,
                                       TaxDeposit.period_start <= end, TaxDeposit.period_end >= start)
    stmt = stmt.where(TaxDeposit.agency_id.is_(None) if agency_id is None else TaxDeposit.agency_id == agency_id)
    for dep in db.session.execute(stmt).scalars():
        for b in dep.breakdown:
            covered[(b["account"], b["detail"], b["state"])] += D(b["amount"])
    return covered


def _next_seq(agency_id, tax, state, start, end) -> int:
    stmt = sa.select(sa.func.max(TaxDeposit.seq)).where(
        TaxDeposit.tax == tax, TaxDeposit.state == state, TaxDeposit.period_start == start,
        TaxDeposit.period_end == end)
    stmt = stmt.where(TaxDeposit.agency_id.is_(None) if agency_id is None else TaxDeposit.agency_id == agency_id)
    return (db.session.execute(stmt).scalar() or 0) + 1


@transaction()
def plan_deposits(start: date, end: date, user, *, lookback_total: Decimal | None = None,
                  use_ledger_lookback: bool = True) -> list[TaxDeposit]:
    """Deposits for the tax liabilities dated start..end (the pay dates of runs, reversals, re-issues), per
    employer, tax and state, with their due dates; run again, it adds only what is not yet covered (a late run).
    The federal schedule comes from `lookback_total` (Form 941 line 12 for the lookback period) or, when not
    given, from the journal's 941 liabilities in that period (nothing there: a new employer, monthly)."""
    _require(user, "create")
    if end < start:
        raise ValidationFailed([Issue("to", "must be on or after the start date")])
    write_lock()
    holidays = holidays_between(start - timedelta(days=7), end + timedelta(days=130))
    lookback = lookback_total if lookback_total is not None else (
        ledger_lookback_total(start.year) if use_ledger_lookback else None)
    fed_schedule, _why = schedule.depositor_schedule(lookback)
    if fed_schedule == schedule.MONTHLY and _next_day_since(date(start.year - 1, 1, 1)):
        # Pub. 15: a monthly depositor that incurred a $100,000 next-day obligation is semiweekly for the rest of
        # that year and the next one
        fed_schedule = schedule.SEMIWEEKLY
    # FUTA accumulates over the calendar year: read it from January 1.
    rows = _liability_rows(min(start, date(start.year, 1, 1)), end)
    groups: dict[tuple, dict[tuple, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for (agency_id, account, detail, state, day), amount in rows.items():
        tax = TAX_OF_DETAIL.get(detail)
        if tax is None or (tax != "940" and day < start):
            continue
        st = "" if tax in FEDERAL else state
        groups[(agency_id, tax, st)][(account, detail, state, day)] += amount
    made: list[TaxDeposit] = []
    for (agency_id, tax, st), lines in sorted(groups.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1], kv[0][2])):
        by_day: dict[date, Decimal] = defaultdict(Decimal)
        for (_, _, _, day), amount in lines.items():
            by_day[day] += amount
        liabilities = [schedule.Liability(day, amount) for day, amount in sorted(by_day.items())]
        authority = schedule.federal_rules().authority if tax in FEDERAL else schedule.state_authority(st, tax)
        if tax in ("941", "945"):
            planned = list(schedule.federal_deposits(liabilities, schedule=fed_schedule, holidays=holidays).deposits)
        elif tax == "940":
            q: dict[date, Decimal] = defaultdict(Decimal)
            for li in liabilities:
                q[schedule.quarter_bounds(li.day)[0]] += li.amount
            planned = [d for d in schedule.futa_deposits(sorted(q.items()), holidays=holidays)
                       if d.period_end >= start]
        else:
            try:
                planned = schedule.state_deposits(st, tax, liabilities, federal_schedule=fed_schedule,
                                                  holidays=holidays)
            except schedule.NoScheduleData as exc:
                planned = []
                quarters: dict[date, Decimal] = defaultdict(Decimal)
                for li in liabilities:
                    quarters[schedule.quarter_bounds(li.day)[0]] += li.amount
                for qs, amount in sorted(quarters.items()):
                    planned.append(schedule.Deposit(qs, schedule.quarter_bounds(qs)[1], None, amount, exc.message))
        for dep in planned:
            made += _store(agency_id, tax, st, authority, dep, lines)
    return made


def _store(agency_id, tax: str, state: str, authority: str, dep: schedule.Deposit, lines) -> list[TaxDeposit]:
    per_line: dict[tuple, Decimal] = defaultdict(Decimal)
    for (account, detail, line_state, day), amount in lines.items():
        if dep.period_start <= day <= dep.period_end:
            per_line[(account, detail, line_state)] += amount
    covered = _covered(agency_id, tax, state, dep.period_start, dep.period_end)
    breakdown = []
    for key, amount in sorted(per_line.items()):
        left = amount - covered.get(key, ZERO)
        if left != 0:
            breakdown.append({"account": key[0], "detail": key[1], "state": key[2], "amount": str(left)})
    total = sum((D(b["amount"]) for b in breakdown), ZERO)
    if total <= 0:
        return []
    d = TaxDeposit(agency_id=agency_id, authority=authority[:80], tax=tax, state=state,
                   period_start=dep.period_start, period_end=dep.period_end,
                   seq=_next_seq(agency_id, tax, state, dep.period_start, dep.period_end), due_date=dep.due,
                   rule=dep.rule[:300], amount=total, breakdown=breakdown, status="due")
    db.session.add(d)
    db.session.flush()
    return [d]


@transaction()
def pay_deposit(deposit_id: int, user, *, paid_on: date, confirmation: str) -> TaxDeposit:
    """Record a deposit as paid on `paid_on` with the EFTPS/state confirmation number: one journal entry debits
    every liability line it covers and credits cash, and the deposit moves due → paid once (a second call,
    even a simultaneous one, is refused as already paid)."""
    _require(user, "write")
    confirmation = str(confirmation or "").strip()
    issues = []
    if not confirmation:
        issues.append(Issue("confirmation", "the payment's confirmation (EFTPS or state) number is required",
                            code="required"))
    elif len(confirmation) > 40:
        issues.append(Issue("confirmation", "at most 40 characters", code="too_long"))
    if not isinstance(paid_on, date):
        issues.append(Issue("paid_on", "a date (YYYY-MM-DD) is required", code="required"))
    if issues:
        raise ValidationFailed(issues)
    d = db.session.execute(for_update(sa.select(TaxDeposit).where(TaxDeposit.id == deposit_id))).scalar_one_or_none()
    if d is None:
        raise NotFound(f"tax deposit {deposit_id} not found")
    if d.status != "due":
        raise DomainError(f"deposit {d.id} is already paid ({d.paid_on}, {d.confirmation})", code="already_paid")
    postings: list[Posting] = []
    for b in d.breakdown:
        amount = D(b["amount"])
        postings.append(Posting(b["account"], b["detail"], b["state"], d.agency_id,
                                amount if amount > 0 else ZERO, -amount if amount < 0 else ZERO))
    postings.append(Posting("1000", "", "", d.agency_id, ZERO, d.amount))
    entry = post_entry("deposit", paid_on, f"Tax deposit {d.label} to {d.authority} ({confirmation})", postings)
    values = {"status": "paid", "paid_on": paid_on, "confirmation": confirmation, "journal_entry_id": entry.id,
              "paid_by_id": user_id(user)}
    res = db.session.execute(sa.update(TaxDeposit).where(TaxDeposit.id == d.id, TaxDeposit.status == "due")
                             .values(**values), execution_options={"synchronize_session": False})
    if res.rowcount != 1:
        raise DomainError(f"deposit {d.id} is already paid", code="already_paid")
    for k, v in values.items():          # the ORM object follows (and the audit log records the change)
        setattr(d, k, v)
    return d


def list_deposits(*, status: str | None = None, tax: str | None = None, state: str | None = None) -> list[TaxDeposit]:
    """Due soonest first (no date last), then paid, newest first."""
    stmt = sa.select(TaxDeposit)
    if status:
        stmt = stmt.where(TaxDeposit.status == status)
    if tax:
        stmt = stmt.where(TaxDeposit.tax == tax)
    if state:
        stmt = stmt.where(TaxDeposit.state == state.upper())
    stmt = stmt.order_by(sa.case((TaxDeposit.status == "due", 0), else_=1),
                         sa.case((TaxDeposit.due_date.is_(None), 1), else_=0), TaxDeposit.due_date, TaxDeposit.id)
    return list(db.session.execute(stmt).scalars())


def liability_balance(start: date, end: date) -> dict[tuple, Decimal]:
    """What is still owed per (account, detail, state) for the liabilities dated start..end after the deposits
    covering them (a paid quarter shows zeros)."""
    rows = _liability_rows(start, end)
    owed: dict[tuple, Decimal] = defaultdict(Decimal)
    for (_, account, detail, state, _), amount in rows.items():
        owed[(account, detail, state)] += amount
    paid = sa.select(TaxDeposit).where(TaxDeposit.status == "paid", TaxDeposit.period_start >= start,
                                       TaxDeposit.period_end <= end)
    for dep in db.session.execute(paid).scalars():
        for b in dep.breakdown:
            owed[(b["account"], b["detail"], b["state"])] -= D(b["amount"])
    return dict(owed)


__all__ = ["plan_deposits", "pay_deposit", "list_deposits", "liability_balance", "ledger_lookback_total", "TAX_OF_DETAIL"]
