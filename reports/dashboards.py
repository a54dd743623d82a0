"""Each role's dashboard: the figures and charts of its daily work, scoped to what it may see.

HR: people (active engagements by work state, type and client; headcount and hires/terminations by month),
onboarding in progress and stuck (the onboarding domain's cards), time to approve timesheets, runs by state.
Finance: payroll cost and margin by month (the ledger), receivables by age, cash out by pay date, tax deposits due, payment exceptions
(held, returned), gross/taxes/net per run. Client approver: their client's time waiting, by age (no agency-wide
figure). Compliance: what is due (filings and deposits by due date, deposits by amount), what is owed (liability
accounts) and what is wrong (unclassified engagements, missing W-4, W-9 or I-9, returned payments). The trend
charts are in reports/trends.py. Every count links to the page listing what it counts, filtered, or to a drill-down of its rows
(DrillDown), and only when the user may open it (backoffice.admin.may_open)."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from backoffice.admin import DrillDown, Panel, add_drill_down, add_panel, list_url
from backoffice.charts import Bar, Card, Chart, top_with_other
from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.money import fmt_usd
from backoffice.onboarding.models import I9Record
from backoffice.security.access import scoped
from backoffice.workers.models import Client, Engagement, Worker
from backoffice.workers.profile import TaxProfile, W9Form
from reports import trends
from payroll.models import EngagementRate, PayrollRun, ReversalRequest, Timesheet
from payroll.models_ledger import Payment
from payroll.models_money import TaxDeposit

# Each role's dashboard, in order (a role not named here, such as admin, sees every panel it holds the right for).
LAYOUT: dict[str, tuple[str, ...]] = {
    "hr": ("hr_cards", "people_by_state", "headcount_trend", "hires_and_terminations", "people_by_type",
           "people_by_client", "time_to_approve", "runs_by_state"),
    "finance": ("finance_cards", "payroll_cost_trend", "margin_trend", "ar_aging", "cash_out_by_pay_date",
                "liabilities_due", "run_totals", "runs_by_state"),
    "client_approver": ("approver_cards", "time_waiting_by_age"),
    "compliance": ("compliance_cards", "upcoming_due", "liabilities_due", "liabilities", "what_is_wrong"),
}
STATE_BARS = 15        # work states drawn one by one; the rest as one "Other (n more)" bar
CLIENT_BARS = 12
RECENT_PAY_DATES = 12
APPROVAL_WINDOW_DAYS = 90   # "time to approve" looks at timesheets approved in the last 90 days
# Age buckets (in whole days since a timesheet was submitted), as people say them.
AGE_BUCKETS = ((0, 0, "Today"), (1, 1, "1 day"), (2, 3, "2–3 days"), (4, 7, "4–7 days"), (8, None, "More than 7 days"))


def age_bucket(days: int) -> str:
    """The label of the bucket holding an age in whole days: 0 -> "Today", 3 -> "2–3 days", 30 -> "More than 7 days"."""
    for low, high, label in AGE_BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    return AGE_BUCKETS[0][2]      # a negative age (clock skew) reads as today


def _count(stmt) -> int:
    return int(db.session.execute(stmt).scalar() or 0)


def _scoped_count(stmt, model: str) -> int:
    return _count(scoped(stmt, current_user, model))


def _d(value) -> Decimal:
    return Decimal(value or 0)


# ------------------------------------------------------------------ people (HR)
def _active_engagements(*columns):
    stmt = sa.select(*columns, sa.func.count(Engagement.id)).select_from(Engagement).where(
        Engagement.status == "active")
    return scoped(stmt, current_user, "engagement")


def people_by_type() -> Chart:
    rows = db.session.execute(_active_engagements(Engagement.type).group_by(Engagement.type)).all()
    words = {"leased_employee": "Leased employees", "contractor": "Contractors"}
    bars = tuple(Bar(words.get(t, t.replace("_", " ")), (Decimal(n),),
                     list_url("engagements", status="active", type=t))
                 for t, n in sorted(rows, key=lambda r: (-r[1], r[0])))
    return Chart("people_by_type", "Active engagements by type", bars, category="Engagement type",
                 empty="No active engagements yet.", kind="doughnut")


def people_by_state() -> Chart:
    rows = db.session.execute(_active_engagements(Engagement.work_state).group_by(Engagement.work_state)).all()
    kept = top_with_other(rows, STATE_BARS)
    bars = tuple(Bar(label, (n,), None if label.startswith("Other") else
                     list_url("engagements", status="active", work_state=label)) for label, n in kept)
    return Chart("people_by_state", "Active engagements by work state", bars, category="Work state",
                 note=f"{len(rows)} states" if len(rows) > STATE_BARS else "", empty="No active engagements yet.")


def people_by_client() -> Chart:
    stmt = _active_engagements(Client.name).join(Client, Client.id == Engagement.client_id).group_by(Client.name)
    kept = top_with_other(db.session.execute(stmt).all(), CLIENT_BARS)
    return Chart("people_by_client", "Active engagements by client", tuple(Bar(k, (n,)) for k, n in kept),
                 category="Client", empty="No active engagements yet.")


def hr_cards() -> list[Card]:
    """Active workers, time waiting for approval, runs waiting for a second approver, reversal requests and retro
    pay waiting for someone (docs/corrections.md). (Onboarding in progress,
    stuck and overdue I-9s are the onboarding domain's own cards, backoffice/onboarding/admin.py.)"""
    workers = _scoped_count(sa.select(sa.func.count(Worker.id)).where(Worker.status == "active"), "worker")
    waiting = _scoped_count(sa.select(sa.func.count(Timesheet.id)).where(Timesheet.status == "submitted"),
                            "timesheet")
    to_approve = _scoped_count(sa.select(sa.func.count(PayrollRun.id)).where(PayrollRun.state == "calculated"),
                               "payroll_run")
    requests = _scoped_count(sa.select(sa.func.count(ReversalRequest.id)).where(ReversalRequest.status == "open"),
                             "payroll_run")
    retro = _scoped_count(sa.select(sa.func.count(EngagementRate.id)).where(EngagementRate.retro_status == "pending"),
                          "payroll_run")
    return [Card("Active workers", f"{workers:,}", list_url("workers", status="active")),
            Card("Timesheets awaiting approval", f"{waiting:,}", list_url("timesheet", status="submitted")),
            Card("Runs awaiting approval", f"{to_approve:,}", list_url("payroll_run", state="calculated"),
                 tone="warn" if to_approve else ""),
            Card("Reversal requests to carry out", f"{requests:,}", list_url("reversal_request", status="open"),
                 tone="warn" if requests else ""),
            Card("Retro pay to confirm", f"{retro:,}", list_url("engagement_rate", retro_status="pending"),
                 tone="warn" if retro else "")]


def _day(column):
    """A timestamp's calendar day (UTC), in SQL: DATE(x) on SQLite and PostgreSQL alike."""
    return sa.func.date(column)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def time_to_approve() -> Chart:
    """Timesheets approved in the last 90 days by whole days from submission to approval, counted in SQL by
    (submitted day, approved day): at most 90 x 90 groups, whatever the number of timesheets."""
    since = clock().now() - timedelta(days=APPROVAL_WINDOW_DAYS)
    stmt = scoped(sa.select(_day(Timesheet.submitted_at), _day(Timesheet.approved_at), sa.func.count(Timesheet.id))
                  .where(Timesheet.status == "approved", Timesheet.approved_at >= since,
                         Timesheet.submitted_at.is_not(None))
                  .group_by(_day(Timesheet.submitted_at), _day(Timesheet.approved_at)), current_user, "timesheet")
    ages: Counter = Counter()
    for submitted, approved, n in db.session.execute(stmt):
        ages[age_bucket((_as_date(approved) - _as_date(submitted)).days)] += n
    bars = tuple(Bar(label, (Decimal(ages[label]),)) for _lo, _hi, label in AGE_BUCKETS)
    return Chart("time_to_approve", "Time to approve timesheets (last 90 days)",
                 bars if sum(ages.values()) else (), category="Days from submitted to approved",
                 series=("Timesheets",), empty="No timesheet approved in the last 90 days.")


def runs_by_state() -> Chart:
    stmt = scoped(sa.select(PayrollRun.state, sa.func.count(PayrollRun.id)).group_by(PayrollRun.state),
                  current_user, "payroll_run")
    counts = dict(db.session.execute(stmt).all())
    order = ("draft", "calculating", "calculated", "approved", "paid", "reversed")
    bars = tuple(Bar(state.capitalize(), (Decimal(counts[state]),), list_url("payroll_run", state=state))
                 for state in order if counts.get(state))
    return Chart("runs_by_state", "Payroll runs by state", bars, category="Run state", series=("Runs",),
                 empty="No payroll runs yet.")


# ------------------------------------------------------------------ finance
def finance_cards() -> list[Card]:
    today = clock().today()
    due = TaxDeposit.status == "due"
    soon = _count(sa.select(sa.func.count(TaxDeposit.id)).where(due, TaxDeposit.due_date <= today + timedelta(days=7)))
    overdue = _count(sa.select(sa.func.count(TaxDeposit.id)).where(due, TaxDeposit.due_date < today))
    owed = _d(db.session.execute(sa.select(sa.func.sum(TaxDeposit.amount)).where(due)).scalar())
    # `attention` is the status when held, returned, re-issued or voided: the indexed column for these counts
    held = _count(sa.select(sa.func.count(Payment.id)).where(Payment.attention == "held"))
    returned = _count(sa.select(sa.func.count(Payment.id)).where(Payment.attention == "returned", ~_reissued()))
    to_pay = _count(sa.select(sa.func.count(PayrollRun.id)).where(PayrollRun.state == "approved"))
    deposits = url_for("tax_deposits.index", status="due")
    return [Card("Tax deposits due within 7 days or overdue", f"{soon:,}", deposits,
                 note=f"{overdue} overdue" if overdue else "", tone="warn" if overdue else ""),
            Card("Tax deposits owed", fmt_usd(owed), deposits),
            Card("Payments held", f"{held:,}", list_url("payment", status="held"), tone="warn" if held else ""),
            Card("Returned payments not re-issued", f"{returned:,}", list_url("payment", status="returned"),
                 tone="warn" if returned else ""),
            Card("Approved runs to pay", f"{to_pay:,}", list_url("payroll_run", state="approved"))]


def _reissued():
    again = sa.orm.aliased(Payment)
    return sa.select(again.id).where(again.reissue_of_id == Payment.id).exists()


def cash_out_by_pay_date() -> Chart:
    """Per pay date of the latest approved or paid runs: net pay to workers and the taxes owed on it (employee
    withholding plus employer taxes), from the runs' stored totals."""
    # each column summed on its own: a sum of (a + b) would lose the columns' cents-to-Decimal conversion
    stmt = (sa.select(PayrollRun.pay_date, sa.func.sum(PayrollRun.total_net),
                      sa.func.sum(PayrollRun.total_employee_taxes), sa.func.sum(PayrollRun.total_employer_taxes))
            .where(PayrollRun.state.in_(("approved", "paid")))
            .group_by(PayrollRun.pay_date).order_by(PayrollRun.pay_date.desc()).limit(RECENT_PAY_DATES))
    rows = list(reversed(db.session.execute(stmt).all()))
    bars = tuple(Bar(day.isoformat(), (_d(net), _d(employee) + _d(employer)),
                     list_url("payroll_run", pay_date=day.isoformat())) for day, net, employee, employer in rows)
    return Chart("cash_out_by_pay_date", "Cash out by pay date", bars, series=("Net pay", "Taxes"), unit="usd",
                 category="Pay date", note="approved and paid runs", empty="No approved or paid run yet.")


def liabilities_due() -> Chart:
    """Tax deposits still due, summed by due date (overdue ones marked), soonest first."""
    today = clock().today()
    stmt = (sa.select(TaxDeposit.due_date, sa.func.sum(TaxDeposit.amount), sa.func.count(TaxDeposit.id))
            .where(TaxDeposit.status == "due").group_by(TaxDeposit.due_date).order_by(TaxDeposit.due_date))
    url = url_for("tax_deposits.index", status="due")
    bars = []
    for due, amount, n in db.session.execute(stmt):
        when = ("No due date (no schedule in the data: each deposit says why)" if due is None
                else due.isoformat() + (" (overdue)" if due < today else ""))
        bars.append(Bar(f"{when} · {n} deposit{'s' if n != 1 else ''}", (_d(amount),), url))
    return Chart("liabilities_due", "Tax deposits due, by due date", tuple(bars), series=("Amount due",),
                 unit="usd", category="Due date", empty="No tax deposit due.")


def run_totals(limit: int = 12) -> Chart:
    """Gross, taxes (employee + employer) and net of the latest calculated runs: bars in proportion to the largest
    gross, so a net of 87.9% of the gross is drawn 87.9% as long."""
    stmt = (sa.select(PayrollRun).where(PayrollRun.paycheck_count > 0)
            .order_by(PayrollRun.pay_date.desc(), PayrollRun.id.desc()).limit(limit))
    runs = list(reversed(db.session.execute(scoped(stmt, current_user, "payroll_run")).scalars().all()))
    bars = tuple(Bar(f"Run #{r.id} {r.kind}, pay {r.pay_date}", (r.total_gross, r.total_employee_taxes + r.total_employer_taxes, r.total_net),
                     url_for("payroll_desk.detail", run_id=r.id)) for r in runs)
    return Chart("run_totals", "Gross, taxes and net per run", bars,
                 series=("Gross", "Taxes (employee + employer)", "Net"), unit="usd", category="Run",
                 empty="No calculated runs yet.")


# ------------------------------------------------------------------ client approver
def _waiting_ages() -> Counter:
    """Whole days each submitted timesheet (of the user's scope) has waited, as {days: how many}; a timesheet
    without a submission time (entered before it was recorded) counts from its last change."""
    today = clock().today()
    since = _day(sa.func.coalesce(Timesheet.submitted_at, Timesheet.updated_at))
    stmt = scoped(sa.select(since, sa.func.count(Timesheet.id)).where(Timesheet.status == "submitted")
                  .group_by(since), current_user, "timesheet")
    return Counter({(today - _as_date(day)).days: n for day, n in db.session.execute(stmt)})


def approver_cards() -> list[Card]:
    ages = _waiting_ages()
    url = list_url("timesheet", status="submitted")
    oldest, waiting = max(ages, default=0), sum(ages.values())
    return [Card("Timesheets waiting for you", f"{waiting:,}", url, tone="warn" if waiting else ""),
            Card("Oldest waiting", f"{oldest} day{'s' if oldest != 1 else ''}" if waiting else "—", url)]


def time_waiting_by_age() -> Chart:
    ages: Counter = Counter()
    for days, n in _waiting_ages().items():
        ages[age_bucket(days)] += n
    url = list_url("timesheet", status="submitted")
    bars = tuple(Bar(label, (Decimal(ages[label]),), url) for _lo, _hi, label in AGE_BUCKETS)
    return Chart("time_waiting_by_age", "Time waiting for your approval, by age", bars if ages else (),
                 series=("Timesheets",), category="Waiting since submitted", empty="No time waiting for you.")


# ------------------------------------------------------------------ compliance: what is wrong
def _active_engagements_of(type_: str | None = None):
    stmt = (sa.select(Engagement).options(joinedload(Engagement.worker), joinedload(Engagement.client))
            .where(Engagement.status == "active").order_by(Engagement.id))
    return stmt.where(Engagement.type == type_) if type_ else stmt


def _without_w4():
    has = sa.select(TaxProfile.id).where(TaxProfile.worker_id == Engagement.worker_id).exists()
    return _active_engagements_of("leased_employee").where(~has)


def _without_w9():
    has = sa.select(W9Form.id).where(W9Form.worker_id == Engagement.worker_id).exists()
    return _active_engagements_of("contractor").where(~has)


def _without_i9():
    """Active leased employees whose I-9 is not complete (no section 1, or section 2 not yet signed by HR)."""
    done = sa.select(I9Record.id).where(I9Record.engagement_id == Engagement.id,
                                        I9Record.section2_at.is_not(None)).exists()
    return _active_engagements_of("leased_employee").where(~done)


def _unclassified():
    return _active_engagements_of().where(Engagement.classification.is_(None))


WRONG = {  # drill-down name -> (card label, query of engagements, what is missing)
    "unclassified": ("Unclassified engagements", _unclassified, "no signed classification"),
    "missing_w4": ("Leased employees without a W-4", _without_w4, "no Form W-4"),
    "missing_w9": ("Contractors without a W-9", _without_w9, "no Form W-9"),
    "missing_i9": ("Leased employees without a complete I-9", _without_i9, "I-9 not complete"),
}


def _engagement_rows(query, what: str):
    def rows():
        found = db.session.execute(scoped(query(), current_user, "engagement")).unique().scalars().all()
        return [[(e.worker.full_name, url_for("workers.details_view", id=e.worker_id)),
                 (str(e), url_for("engagements.details_view", id=e.id)), e.client.name, e.work_state, what]
                for e in found]
    return rows


def _returned_rows():
    stmt = (sa.select(Payment, Worker, PayrollRun).join(Worker, Worker.id == Payment.worker_id)
            .join(PayrollRun, PayrollRun.id == Payment.run_id)
            .where(Payment.attention == "returned", ~_reissued()).order_by(Payment.returned_at.desc()))
    return [[(w.full_name, url_for("workers.details_view", id=w.id)),
             (str(r), url_for("payroll_desk.detail", run_id=r.id)), fmt_usd(p.amount), p.return_code,
             p.returned_at.strftime("%Y-%m-%d") if p.returned_at else ""] for p, w, r in db.session.execute(stmt)]


def compliance_cards() -> list[Card]:
    today = clock().today()
    due = TaxDeposit.status == "due"
    month = _count(sa.select(sa.func.count(TaxDeposit.id)).where(due, TaxDeposit.due_date <= today + timedelta(days=30)))
    overdue = _count(sa.select(sa.func.count(TaxDeposit.id)).where(due, TaxDeposit.due_date < today))
    deposits = url_for("tax_deposits.index", status="due")
    cards = [Card("Tax deposits due within 30 days", f"{month:,}", deposits),
             Card("Tax deposits overdue", f"{overdue:,}", deposits, tone="warn" if overdue else "")]
    for name, (label, query, _what) in WRONG.items():
        n = _count(sa.select(sa.func.count()).select_from(scoped(query(), current_user, "engagement").subquery()))
        cards.append(Card(label, f"{n:,}", url_for("admin.drill_down", key=name), tone="warn" if n else ""))
    returned = _count(sa.select(sa.func.count(Payment.id)).where(Payment.attention == "returned", ~_reissued()))
    cards.append(Card("Returned payments not re-issued", f"{returned:,}",
                      url_for("admin.drill_down", key="returned_payments"), tone="warn" if returned else ""))
    return cards


def what_is_wrong() -> Chart:
    bars = []
    for name, (label, query, _what) in WRONG.items():
        n = _count(sa.select(sa.func.count()).select_from(scoped(query(), current_user, "engagement").subquery()))
        bars.append(Bar(label, (Decimal(n),), url_for("admin.drill_down", key=name)))
    return Chart("what_is_wrong", "What is wrong: active engagements with a gap", tuple(bars),
                 series=("Engagements",), category="Gap")


def register(admin) -> None:
    """Every dashboard panel and drill-down, and the layout per role."""
    panels = [
        Panel("hr_cards", hr_cards, ("worker", "read")),
        Panel("people_by_type", people_by_type, ("engagement", "read")),
        Panel("people_by_state", people_by_state, ("engagement", "read")),
        Panel("people_by_client", people_by_client, ("engagement", "read")),
        Panel("time_to_approve", time_to_approve, ("timesheet", "read")),
        Panel("runs_by_state", runs_by_state, ("payroll_run", "read")),
        Panel("finance_cards", finance_cards, ("payment", "read")),
        Panel("cash_out_by_pay_date", cash_out_by_pay_date, ("payment", "read")),
        Panel("liabilities_due", liabilities_due, ("tax_deposit", "read")),
        Panel("run_totals", run_totals, ("report", "read")),
        Panel("approver_cards", approver_cards, ("timesheet_approval", "write")),
        Panel("time_waiting_by_age", time_waiting_by_age, ("timesheet_approval", "write")),
        Panel("compliance_cards", compliance_cards, ("tax_deposit", "read")),
        Panel("what_is_wrong", what_is_wrong, ("engagement", "read")),
        Panel("headcount_trend", trends.headcount_trend, ("engagement", "read")),
        Panel("hires_and_terminations", trends.hires_and_terminations, ("engagement", "read")),
        Panel("payroll_cost_trend", trends.payroll_cost_trend, ("journal", "read")),
        Panel("margin_trend", trends.margin_trend, ("journal", "read")),
        Panel("ar_aging", trends.ar_aging, ("invoice", "read")),
        Panel("upcoming_due", trends.upcoming_due, ("filing", "read")),
        Panel("liabilities", trends.liabilities, ("journal", "read")),
    ]
    for panel in panels:
        add_panel(admin, panel)
    headers = ("Worker", "Engagement", "Client", "Work state", "What is missing")
    for name, (label, query, what) in WRONG.items():
        add_drill_down(admin, DrillDown(name, label, headers, _engagement_rows(query, what), ("engagement", "read")))
    add_drill_down(admin, DrillDown("returned_payments", "Returned payments not re-issued",
                                    ("Worker", "Run", "Amount", "Return code", "Returned on"), _returned_rows,
                                    ("paycheck", "read")))
    admin.dashboard_layout.update(LAYOUT)
