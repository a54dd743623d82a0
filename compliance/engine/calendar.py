"""The compliance calendar (pure): every due date of a tax year — tax deposits, 941 per quarter, 940, 945, W-2/W-3,
1099-NEC, 1095-C to workers and 1094-C to the IRS, state wage reports — moved off weekends and legal holidays to the
next business day (IRC §7503; the holidays are passed in), each with its status on a given day.

Rules (the instructions of each form for the tax year; the year they are due in is the next one for yearly forms):
- Form 941: the last day of the month after the quarter (Apr 30, Jul 31, Oct 31, Jan 31).
- Forms 940 and 945: January 31.
- Forms W-2 to employees and W-2/W-3 to the SSA: January 31 (IRC §6071(c), §6051(a)).
- Form 1099-NEC to recipients and to the IRS: January 31 (IRC §6071(c), §6041(d)).
- Form 1095-C to workers: 30 days after January 31 (Treas. Reg. §301.6056-1(g)(1)(ii), as amended 2024: the
  automatic extension made permanent — March 2, or March 1 in a leap year).
- Form 1094-C with the 1095-Cs to the IRS: March 31 electronically (the agency files more than 10 returns, so
  electronically: Treas. Reg. §301.6011-2).
- State quarterly wage reports: the last day of the month after the quarter, unless the filing carries its own
  due date from the state's data.
- Deposits: the due date the deposit schedule recorded (payroll's TaxDeposit rows; already a business day).
"""
from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass, replace
from datetime import date, timedelta

DUE_SOON_DAYS = 14
DONE, LATE, DUE_SOON, UPCOMING = "done", "late", "due_soon", "upcoming"


def next_business_day(d: date, holidays: frozenset[date] | set[date]) -> date:
    """`d`, or the next day that is neither a Saturday, a Sunday nor a legal holiday (IRC §7503)."""
    while d.weekday() >= 5 or d in holidays:
        d += timedelta(days=1)
    return d


def month_end(year: int, month: int) -> date:
    return date(year, month, _cal.monthrange(year, month)[1])


def quarter_due(year: int, quarter: int) -> date:
    """The last day of the month after the quarter: 941 and state wage reports."""
    month = quarter * 3 + 1
    return month_end(year + 1, 1) if month > 12 else month_end(year, month)


@dataclass(frozen=True)
class FormRule:
    form: str
    what: str
    quarterly: bool
    rule: str

    def nominal(self, year: int, quarter: int = 0) -> date:
        if self.quarterly:
            return quarter_due(year, quarter)
        if self.form == "1095-c":
            return date(year + 1, 1, 31) + timedelta(days=30)
        if self.form == "1094-c":
            return date(year + 1, 3, 31)
        return date(year + 1, 1, 31)


FORM_RULES: dict[str, FormRule] = {r.form: r for r in (
    FormRule("941", "Form 941", True, "last day of the month after the quarter (Form 941 instructions)"),
    FormRule("940", "Form 940", False, "January 31 (Form 940 instructions)"),
    FormRule("945", "Form 945", False, "January 31 (Form 945 instructions)"),
    FormRule("w2", "Forms W-2 to employees and the SSA", False, "January 31 (IRC §6071(c))"),
    FormRule("w3", "Form W-3 to the SSA", False, "January 31 with the W-2s (IRC §6071(c))"),
    FormRule("1099-nec", "Forms 1099-NEC to recipients and the IRS", False, "January 31 (IRC §6071(c))"),
    FormRule("1095-c", "Forms 1095-C to workers", False,
             "30 days after January 31 (Treas. Reg. §301.6056-1(g)(1)(ii))"),
    FormRule("1094-c", "Form 1094-C with the 1095-Cs to the IRS", False, "March 31, electronically"),
    FormRule("state-wage", "State wage report", True, "last day of the month after the quarter unless the "
             "state's data says otherwise"),
)}


def form_due(form: str, year: int, quarter: int = 0, holidays: frozenset[date] = frozenset()) -> date | None:
    """The due date of a form for a tax year (and quarter), rolled to a business day; None for a form without a
    rule here (specs may call this from their `due`)."""
    r = FORM_RULES.get(form)
    return None if r is None else next_business_day(r.nominal(year, quarter), holidays)


@dataclass(frozen=True)
class FilingFact:
    """A filing as the calendar needs it."""

    form: str
    quarter: int
    state: str
    status: str
    filed_on: date | None = None
    due_date: date | None = None        # the filing's own (from its spec's data), when it has one
    filing_id: int | None = None


@dataclass(frozen=True)
class DepositFact:
    """A tax deposit (payroll's TaxDeposit) as the calendar needs it."""

    deposit_id: int
    tax: str                # 941 | 945 | 940 | SIT | SUI | SPROG
    state: str
    period_start: date
    period_end: date
    due_date: date | None
    amount: str             # "1234.50"
    status: str             # due | paid
    paid_on: date | None = None


@dataclass(frozen=True)
class DueItem:
    """One due date with what is due, the rule, and where it stands on `today` (done, late, due_soon, upcoming)."""

    due: date
    nominal: date
    kind: str               # filing | deposit
    form: str               # the form code, or the deposit's tax
    what: str
    rule: str
    quarter: int = 0
    state: str = ""
    done: bool = False
    done_on: date | None = None
    ref: int | None = None  # the filing's or deposit's id
    amount: str = ""
    status: str = UPCOMING

    @property
    def moved(self) -> bool:
        return self.due != self.nominal

    @property
    def done_late(self) -> bool:
        return bool(self.done and self.done_on and self.done_on > self.due)

    def as_dict(self) -> dict:
        return {"due": self.due.isoformat(), "nominal": self.nominal.isoformat(), "kind": self.kind,
                "form": self.form, "what": self.what, "rule": self.rule, "quarter": self.quarter,
                "state": self.state, "status": self.status, "done_on": self.done_on.isoformat() if self.done_on
                else None, "ref": self.ref, "amount": self.amount}


def status_on(item: DueItem, today: date) -> str:
    if item.done:
        return DONE
    if item.due < today:
        return LATE
    if item.due <= today + timedelta(days=DUE_SOON_DAYS):
        return DUE_SOON
    return UPCOMING


def year_calendar(year: int, today: date, holidays: frozenset[date], *, filings: tuple[FilingFact, ...] = (),
                  deposits: tuple[DepositFact, ...] = (), forms: tuple[str, ...] | None = None,
                  states: tuple[str, ...] = ()) -> list[DueItem]:
    """Every due date of tax year `year` (yearly forms fall due in the next year), sorted by date. `forms`: the
    federal forms to list (default: every form with a rule but state-wage); `states`: the states whose wage reports
    are due each quarter. A filing is done when filed (or amended after filing); a deposit when paid."""
    by_key: dict[tuple, FilingFact] = {}
    for f in filings:
        if f.status in ("filed", "amended") or (f.form, f.quarter, f.state) not in by_key:
            by_key[(f.form, f.quarter, f.state)] = f
    out: list[DueItem] = []
    federal = forms if forms is not None else tuple(k for k in FORM_RULES if k != "state-wage")
    periods = [(code, q, "") for code in federal if code in FORM_RULES
               for q in ((1, 2, 3, 4) if FORM_RULES[code].quarterly else (0,))]
    periods += [("state-wage", q, st) for st in sorted(set(states)) for q in (1, 2, 3, 4)]
    for code, q, st in periods:
        r = FORM_RULES[code]
        f = by_key.get((code, q, st))
        nominal = f.due_date if f is not None and f.due_date else r.nominal(year, q)
        done = f is not None and f.status in ("filed", "amended")
        label = " ".join(x for x in (r.what, st, f"Q{q}" if q else "", str(year)) if x)
        out.append(DueItem(next_business_day(nominal, holidays), nominal, "filing", code, label, r.rule, q, st,
                           done, f.filed_on if done else None, f.filing_id if f is not None else None))
    for d in deposits:
        if d.due_date is None:
            continue
        where = f" {d.state}" if d.state else ""
        out.append(DueItem(d.due_date, d.due_date, "deposit", d.tax, f"{d.tax}{where} deposit for "
                           f"{d.period_start}–{d.period_end}", "the deposit schedule (payroll)", 0, d.state,
                           d.status == "paid", d.paid_on, d.deposit_id, d.amount))
    out = [replace(i, status=status_on(i, today)) for i in out]
    return sorted(out, key=lambda i: (i.due, i.kind != "filing", i.form, i.quarter, i.state))
