"""The dashboards' trend charts, month by month over the last year, and the agency's standing figures: headcount,
hires and terminations (HR); payroll cost and margin from the ledger, receivables by age (the aging report of
backoffice.billing.aging) (finance); what falls due and what is owed (compliance). Each is a
backoffice.charts.Chart, so it is drawn, tabled and downloadable as CSV like every other chart; queries are scoped
to what the signed-in user may see (reports/dashboards.py registers them as panels with their rights)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import url_for
from flask_login import current_user

from backoffice.admin import list_url
from backoffice.charts import Bar, Chart, month_end, month_label, month_starts
from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.money import ZERO, D, fmt_usd
from backoffice.security.access import scoped
from backoffice.workers.models import Engagement
from payroll.models_ledger import ACCOUNTS, JournalEntry, JournalLine
from payroll.services.ledger import raw_sum

MONTHS = 12                     # a trend shows the last twelve months, the current one included
ENGAGED = ("active", "ended", "terminated")      # engagements that started (not pending)
# The ledger's cost of labor, in the order a payroll person reads it (payroll/services/ledger.py posts them with
# each payroll, workers' compensation 6400 too once its premium is accrued: payroll/services/workers_comp.py).
COST_ACCOUNTS = (("6100", "Wages"), ("6150", "Contractor pay"), ("6200", "Employer taxes"), ("6300", "Benefits"),
                 ("6400", "Workers' comp"))
REVENUE_ACCOUNT = "4000"        # revenue from staffing services: credited when an invoice is issued
UPCOMING_DAYS = 90              # the compliance chart looks this far ahead (and at everything late)


def _window(months: int = MONTHS) -> list[date]:
    return month_starts(clock().today(), months)


def _month_index(firsts: list[date]) -> dict[tuple[int, int], int]:
    return {(m.year, m.month): i for i, m in enumerate(firsts)}


# ------------------------------------------------------------------ HR
def headcount_trend() -> Chart:
    """Workers engaged at each month's end (the current month: today), the last twelve months: distinct workers
    with an engagement started on or before that day and not ended before it. A worker with two engagements
    counts once."""
    today = clock().today()
    bars = []
    for first in _window():
        day = min(month_end(first), today)
        stmt = (sa.select(sa.func.count(sa.distinct(Engagement.worker_id)))
                .where(Engagement.status.in_(ENGAGED), Engagement.start_date <= day,
                       sa.or_(Engagement.end_date.is_(None), Engagement.end_date >= day)))
        n = db.session.execute(scoped(stmt, current_user, "engagement")).scalar() or 0
        bars.append(Bar(month_label(first), (Decimal(n),)))
    return Chart("headcount_trend", "Headcount by month", tuple(bars), series=("Workers engaged",),
                 category="Month", kind="line", axis="time", note="workers engaged at each month's end")


def _by_month(column, firsts: list[date], *where) -> list[int]:
    """How many engagements have `column` (a date) in each month of `firsts`, counted in SQL by day."""
    index = _month_index(firsts)
    stmt = (sa.select(column, sa.func.count(Engagement.id))
            .where(column >= firsts[0], column <= month_end(firsts[-1]), *where).group_by(column))
    counts = [0] * len(firsts)
    for day, n in db.session.execute(scoped(stmt, current_user, "engagement")):
        counts[index[(day.year, day.month)]] += n
    return counts


def hires_and_terminations() -> Chart:
    """Per month: engagements that started (hires) and engagements that ended (terminations), by their start and
    end dates."""
    firsts = _window()
    hires = _by_month(Engagement.start_date, firsts, Engagement.status.in_(ENGAGED))
    ends = _by_month(Engagement.end_date, firsts, Engagement.status.in_(("ended", "terminated")))
    bars = tuple(Bar(month_label(m), (Decimal(h), Decimal(t))) for m, h, t in zip(firsts, hires, ends))
    return Chart("hires_and_terminations", "Hires and terminations by month", bars,
                 series=("Hires", "Terminations"), category="Month", kind="column", axis="time",
                 note="engagements started and ended, by their dates")


# ------------------------------------------------------------------ finance: the ledger by month
def ledger_by_month(accounts: tuple[str, ...], firsts: list[date]) -> dict[str, list[Decimal]]:
    """Per account, its debits less credits in each month of `firsts`, by entry date (a reversal's mirror entry
    nets its original out in the month it is posted). Summed in SQL by day and account, in cents."""
    index = _month_index(firsts)
    out = {a: [ZERO] * len(firsts) for a in accounts}
    stmt = (sa.select(JournalEntry.entry_date, JournalLine.account, raw_sum(JournalLine.debit),
                      raw_sum(JournalLine.credit))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalLine.account.in_(accounts), JournalEntry.entry_date >= firsts[0],
                   JournalEntry.entry_date <= month_end(firsts[-1]))
            .group_by(JournalEntry.entry_date, JournalLine.account))
    for day, account, debit, credit in db.session.execute(stmt):
        out[account][index[(day.year, day.month)]] += (D(int(debit)) - D(int(credit))) / 100
    return out


def payroll_cost_trend() -> Chart:
    """The cost of labor by month from the ledger (by pay date): wages, contractor pay, employer taxes, employer
    benefit contributions and workers' compensation, stacked."""
    firsts = _window()
    by = ledger_by_month(tuple(a for a, _n in COST_ACCOUNTS), firsts)
    bars = tuple(Bar(month_label(m), tuple(by[a][i] for a, _n in COST_ACCOUNTS)) for i, m in enumerate(firsts))
    return Chart("payroll_cost_trend", "Payroll cost by month", bars, series=tuple(n for _a, n in COST_ACCOUNTS),
                 unit="usd", category="Month", kind="stacked", axis="time",
                 note="ledger accounts 6100–6400, by pay date")


def margin_trend() -> Chart:
    """Revenue (invoices issued, less credit notes: account 4000 by issue date), the cost of labor (the accounts
    of payroll_cost_trend, by pay date) and the margin between them, by month: the same ledger figures the margin
    report adds up."""
    firsts = _window()
    costs = tuple(a for a, _n in COST_ACCOUNTS)
    by = ledger_by_month((REVENUE_ACCOUNT, *costs), firsts)
    bars = []
    for i, m in enumerate(firsts):
        revenue = -by[REVENUE_ACCOUNT][i]          # a revenue account's balance is on the credit side
        cost = sum((by[a][i] for a in costs), ZERO)
        bars.append(Bar(month_label(m), (revenue, cost, revenue - cost)))
    return Chart("margin_trend", "Revenue, cost and margin by month", tuple(bars),
                 series=("Revenue", "Cost", "Margin"), unit="usd", category="Month", kind="line", axis="time",
                 note="from the ledger: revenue by invoice date, cost by pay date")


def ar_aging() -> Chart:
    """Receivables by age on today's date: the aging report's Total row (backoffice.billing.buckets.totals, as the
    Receivables aging page adds it up): current, 1–30, 31–60, 61–90, 90+ days past due, over every client the user
    may see (a client's approver: their client only). Open credit (credit notes not yet used) is not aged; the note
    says how much there is. Each bar opens the aging page (the past-due ones filtered to clients past due)."""
    from backoffice.billing.aging import aging_report
    from backoffice.billing.buckets import BUCKETS, totals

    today = clock().today()
    if current_user.role == "client_approver":       # their client's receivables, and none without a client
        rows = aging_report(today, client_id=current_user.client_id) if current_user.client_id else []
    else:
        rows = aging_report(today)
    total = totals(rows)
    page, past_due = url_for("billing_aging.index"), url_for("billing_aging.index", past_due=1)
    bars = tuple(Bar(label, (getattr(total, field),), page if field == "current" else past_due)
                 for field, label in BUCKETS)
    note = f"on {today.isoformat()}, by days past due"
    if total.credits:
        note += f"; open credit of {fmt_usd(-total.credits)} not aged"
    return Chart("ar_aging", "Receivables by age (AR aging)", bars if rows else (),
                 series=("Amount owed",), unit="usd", category="Days past due", kind="column",
                 empty="Nothing owed by clients.", note=note)


# ------------------------------------------------------------------ compliance
def upcoming_due() -> Chart:
    """Filings and tax deposits not yet done, by due date: everything late (one "Late" column first) and what
    falls due in the next 90 days, from the compliance calendar (the same items as its page)."""
    from compliance import calendar_services
    from compliance.engine import calendar as cal

    today = clock().today()
    horizon = today + timedelta(days=UPCOMING_DAYS)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for year in range(today.year - 1, horizon.year + 1):
        for item in calendar_services.year_items(year, today):
            if item.done or (item.status != cal.LATE and item.due > horizon):
                continue
            key = "Late" if item.status == cal.LATE else item.due.isoformat()
            counts[key][0 if item.kind == "filing" else 1] += 1
    order = (["Late"] if "Late" in counts else []) + sorted(k for k in counts if k != "Late")
    url = url_for("compliance_dashboard.index")
    bars = tuple(Bar(k, (Decimal(counts[k][0]), Decimal(counts[k][1])), url) for k in order)
    return Chart("upcoming_due", "Filings and tax deposits due (late and next 90 days)", bars,
                 series=("Filings", "Tax deposits"), category="Due date", kind="stacked",
                 empty="Nothing late and nothing due in the next 90 days.")


def liabilities() -> Chart:
    """What the agency owes today by liability account (2xxx): credits less debits of every entry dated today or
    earlier (taxes withheld and employer taxes until deposited, deductions until remitted, net pay until paid)."""
    today = clock().today()
    stmt = (sa.select(JournalLine.account, raw_sum(JournalLine.debit), raw_sum(JournalLine.credit))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalLine.account.like("2%"), JournalEntry.entry_date <= today)
            .group_by(JournalLine.account).order_by(JournalLine.account))
    bars = []
    for account, debit, credit in db.session.execute(stmt):
        owed = (D(int(credit)) - D(int(debit))) / 100
        if owed:
            bars.append(Bar(f"{account} {ACCOUNTS.get(account, '')}".strip(), (owed,),
                            list_url("journal", account=account)))
    return Chart("liabilities", "Liabilities on the books", tuple(bars), series=("Owed",), unit="usd",
                 category="Account", empty="Nothing owed: every liability account is settled.",
                 note=f"ledger balances on {today.isoformat()}")
