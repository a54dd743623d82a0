"""ACA services: hours of service from paid payroll across every client, the monthly ACA records (status by the
look-back engine, Form 1095-C lines 14/15/16 with the affordability safe harbors), and eligibility driven by that
status (a per-worker enrollment window for a stability period, the notice in the portal and by e-mail, and the end
of the stability period for a worker no longer full time)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from backoffice.clock import clock
from backoffice.dates import long_date
from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.extensions import db
from backoffice.money import ZERO
from backoffice.mailport import send_mail
from backoffice.uow import transaction
from backoffice.workers.models import Engagement, Worker
from benefits import services
from benefits.aca_models import AcaMonth, AcaPriorHours, AcaWindow
from benefits.engine import aca
from benefits.engine.aca_lines import MonthFacts, month_codes
from benefits.engine.affordability import affordability, year_data
from benefits.engine.service_hours import month_bounds, month_key, monthly_totals
from benefits.models import BenefitPlan, Enrollment, LifeEvent
from payroll.engine.model import PREMIUM_CODES
from payroll.models import Paycheck, PaycheckLine, YearToDate, released_runs

ACA_EVENT = "aca_full_time"
WINDOW_DAYS = 30            # the worker's window to elect coverage for the stability period, from its opening
COBRA_REDUCTION = "reduction_of_hours"
# The straight-time hours of an overtime week are on the regular line; a premium line repeats them for the extra
# half: counting it too would count those hours twice.
NOT_HOURS_OF_SERVICE = PREMIUM_CODES


# --- hours of service ------------------------------------------------------------------------------------------

def _hours_rows(first: str, last: str, worker_ids: list[int] | None):
    """(worker_id, period start, period end, hours) of every earning line with hours at a leased-employee
    engagement (any client) on a released paycheck whose pay period touches first..last. One query."""
    lo, hi = month_bounds(first)[0], month_bounds(last)[1]
    stmt = (sa.select(Paycheck.worker_id, Paycheck.period_start, Paycheck.period_end, PaycheckLine.hours,
                      PaycheckLine.amount)
            .join(PaycheckLine, PaycheckLine.paycheck_id == Paycheck.id)
            .join(Engagement, Engagement.id == PaycheckLine.engagement_id)
            .where(PaycheckLine.kind == "earning", PaycheckLine.hours.is_not(None),
                   PaycheckLine.code.not_in(sorted(NOT_HOURS_OF_SERVICE)), Engagement.type == "leased_employee",
                   Paycheck.worker_type == "employee", Paycheck.run_id.in_(released_runs()),
                   Paycheck.period_start <= hi, Paycheck.period_end >= lo))
    if worker_ids is not None:
        stmt = stmt.where(Paycheck.worker_id.in_(worker_ids))
    for worker_id, start, end, hours, amount in db.session.execute(stmt):
        # a reversal paycheck copies the lines' hours with the amounts negated: its hours take the amount's sign,
        # so a reversed paycheck and its reversal net to nothing
        yield worker_id, start, end, (-hours if amount < 0 else hours)


def bulk_monthly_hours(first_month: str, last_month: str,
                       worker_ids: list[int] | None = None) -> dict[int, dict[str, Decimal]]:
    """Every worker's hours of service per month "YYYY-MM" from first_month to last_month (all of them when
    worker_ids is None), summed across all of the agency's clients, from approved or paid payroll (one query), plus
    the hours a prior payroll provider paid (`AcaPriorHours`, for an agency that moved its payroll here).
    Hours paid for leave count as hours of service (§54.4980H-1(a)(24)); a pay period spanning two months is split
    by days (benefits.engine.service_hours)."""
    periods: dict[int, list] = {}
    for worker_id, start, end, hours in _hours_rows(first_month, last_month, worker_ids):
        periods.setdefault(worker_id, []).append((start, end, hours))
    out = {w: monthly_totals(rows, first_month, last_month) for w, rows in periods.items()}
    prior = sa.select(AcaPriorHours.worker_id, AcaPriorHours.month, AcaPriorHours.hours).where(
        AcaPriorHours.month >= month_bounds(first_month)[0], AcaPriorHours.month <= month_bounds(last_month)[0])
    if worker_ids is not None:
        prior = prior.where(AcaPriorHours.worker_id.in_(worker_ids))
    for worker_id, month, hours in db.session.execute(prior):        # before this system paid them
        months = out.setdefault(worker_id, monthly_totals((), first_month, last_month))
        months[month_key(month)] += hours
    return out


def monthly_hours(worker_id: int, first_month: str, last_month: str) -> dict[str, Decimal]:
    """One worker's hours of service per month (every month of the range present; 0 when nothing was paid)."""
    got = bulk_monthly_hours(first_month, last_month, [worker_id]).get(worker_id)
    return got if got is not None else monthly_totals((), first_month, last_month)


# --- the worker's employment, as the engine needs it ---------------------------------------------------------

@dataclass(frozen=True)
class _Employment:
    worker: Worker
    spans: tuple[tuple[date, date | None], ...]      # leased engagements, merged, in order
    hourly_rate: Decimal | None
    monthly_salary: Decimal | None
    client_id: int | None

    @property
    def hire_date(self) -> date:
        return self.spans[0][0]

    def employed_on(self, day: date) -> bool:
        return any(s <= day and (e is None or e >= day) for s, e in self.spans)

    def employed_between(self, first: date, last: date) -> bool:
        return any(s <= last and (e is None or e >= first) for s, e in self.spans)

    def employed_all(self, first: date, last: date) -> bool:
        return any(s <= first and (e is None or e >= last) for s, e in self.spans)

    def breaks(self) -> tuple[tuple[date, date], ...]:
        """Periods between leased engagements with no engagement at all (separation and rehire)."""
        out = []
        for (_s1, e1), (s2, _e2) in zip(self.spans, self.spans[1:]):
            if e1 is not None and s2 > e1 + timedelta(days=1):
                out.append((e1 + timedelta(days=1), s2 - timedelta(days=1)))
        return tuple(out)


def _employments(year: int) -> dict[int, _Employment]:
    """Every worker with a leased-employee engagement before the year ends (one query)."""
    end = date(year, 12, 31)
    rows = db.session.execute(
        sa.select(Engagement).where(Engagement.type == "leased_employee", Engagement.start_date <= end,
                                    Engagement.status != "cancelled")
        .order_by(Engagement.worker_id, Engagement.start_date, Engagement.id)).scalars().all()
    by_worker: dict[int, list[Engagement]] = {}
    for e in rows:
        by_worker.setdefault(e.worker_id, []).append(e)
    out = {}
    for worker_id, engs in by_worker.items():
        spans: list[list] = []
        for e in engs:
            if spans and (spans[-1][1] is None or spans[-1][1] >= e.start_date - timedelta(days=1)):
                if spans[-1][1] is not None:
                    spans[-1][1] = None if e.end_date is None else max(spans[-1][1], e.end_date)
            else:
                spans.append([e.start_date, e.end_date])
        latest = engs[-1]
        rate = latest.pay_rate if latest.pay_unit == "hour" else None
        salary = (latest.pay_rate / 12) if latest.pay_unit in ("year", "salary") else None
        out[worker_id] = _Employment(latest.worker, tuple((s, e) for s, e in spans), rate, salary, latest.client_id)
    return out


def measurement_policy() -> aca.MeasurementPolicy:
    """The agency's look-back policy: the app config ACA_MEASUREMENT (a mapping like the CLI's `measurement`),
    else the engine's default (a 12-month standard measurement period from Nov 1, the administrative months, a 12-month
    stability period from Jan 1)."""
    return aca.MeasurementPolicy.from_json(current_app.config.get("ACA_MEASUREMENT") or {})


def _add_months(day: date, n: int) -> date:
    y, m = divmod(day.month - 1 + n, 12)
    return date(day.year + y, m + 1, 1)


def _new_kind(emp: _Employment) -> str:
    """A new employee's kind: `new_full_time` for a salaried worker (reasonably expected to work full time),
    `new_variable_hour` for an hourly one (a staffing firm cannot tell a placement's hours ahead,
    §54.4980H-1(a)(49))."""
    return "new_full_time" if emp.monthly_salary is not None else "new_variable_hour"


def _measure(emp: _Employment, as_of: date, hours: dict[str, Decimal], policy,
             through: str) -> tuple[aca.MeasureResult, str]:
    """The engine's result on `as_of` from the hours of months up to `through`, and the kind used: `ongoing` once
    the worker's first standard stability period has begun (the engine says when not, §54.4980H-1(a)(31)), else
    the new employee's kind."""
    known = {k: v for k, v in hours.items() if k <= through}
    breaks = tuple(b for b in emp.breaks() if b[0] <= as_of)
    for kind in ("ongoing", _new_kind(emp)):
        try:
            return aca.measure(aca.MeasureInput(hire_date=emp.hire_date, employee_kind=kind, policy=policy,
                                                hours=known, as_of=as_of, breaks=breaks)), kind
        except ValidationFailed as exc:
            if kind != "ongoing" or not any(i.field == "employee_kind" for i in exc.issues):
                # the worker's records do not make a valid measurement: say whose, and what
                raise ValidationFailed([Issue("worker_id", f"worker #{emp.worker.id}: {i.field}: {i.message}")
                                        for i in exc.issues]) from None
    raise AssertionError("unreachable")


# --- the month's offer -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Offer:
    plans: tuple[BenefitPlan, ...]
    lowest_share: dict[int | None, Decimal]      # client_id -> the lowest employee-only share
    spouse: bool
    dependents: bool
    waiting_days: int
    open_to_all: bool                            # a plan with no hours requirement


def _medical_offer(first: date, last: date, clients: set) -> _Offer | None:
    plans = db.session.execute(sa.select(BenefitPlan).where(
        BenefitPlan.kind == "medical", BenefitPlan.active.is_(True), BenefitPlan.plan_year_start <= first,
        BenefitPlan.plan_year_end >= last)).scalars().all()
    if not plans:
        return None
    shares: dict = {}
    for client_id in clients:
        best = None
        for p in plans:
            for t in services.tier_costs(p, client_id, 12):
                if t.tier == "employee":
                    share = t.monthly_premium - t.employer_monthly
                    best = share if best is None else min(best, share)
        if best is not None:
            shares[client_id] = best
    tiers = {t.tier for p in plans for t in p.tiers}
    return _Offer(tuple(plans), shares, bool(tiers & {"employee_spouse", "family"}),
                  bool(tiers & {"employee_children", "family"}), min(p.waiting_days for p in plans),
                  any(p.min_weekly_hours is None for p in plans))


def _medical_enrollments(worker_ids: list[int], first: date, last: date) -> dict[int, list[Enrollment]]:
    rows = db.session.execute(
        sa.select(Enrollment).join(BenefitPlan, BenefitPlan.id == Enrollment.plan_id)
        .where(BenefitPlan.kind == "medical", Enrollment.status != "cancelled", Enrollment.effective_date <= last,
               sa.or_(Enrollment.end_date.is_(None), Enrollment.end_date >= first))).scalars().all()
    out: dict[int, list[Enrollment]] = {}
    for e in rows:
        out.setdefault(e.worker_id, []).append(e)
    return out


def _w2_wages(year: int) -> dict[int, Decimal]:
    rows = db.session.execute(sa.select(YearToDate.worker_id, YearToDate.federal_wages).where(
        YearToDate.tax_year == year, YearToDate.worker_type == "employee")).all()
    return {w: wages for w, wages in rows}


# --- the monthly records ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Built:
    status: str
    basis: str
    average: Decimal | None
    measurement: tuple | None
    stability: tuple | None
    explanation: tuple[str, ...]


def _status(emp: _Employment, key: str, hours: dict[str, Decimal], policy) -> _Built:
    first, last = month_bounds(key)
    if not emp.employed_between(first, last):
        return _Built("non_employee", "monthly", None, None, None,
                      (f"Not a leased employee of the agency on any day of {first:%B %Y}.",))
    result, kind = _measure(emp, last, hours, policy, key)
    basis = "monthly" if kind == "new_full_time" else "look_back"
    return _Built(result.status, basis, result.average_monthly_hours, result.measurement_period,
                  result.stability_period, tuple(result.explanation))


def _month_record(emp: _Employment, key: str, built: _Built, offer: _Offer | None, enrollments: list[Enrollment],
                  window: AcaWindow | None, w2: Decimal | None, y) -> tuple:
    first, last = month_bounds(key)
    employed = built.status != "non_employee"
    enrolled = any(not e.waived and e.effective_date <= first and (e.end_date is None or e.end_date >= last)
                   for e in enrollments)
    waived = any(e.waived for e in enrollments)
    eligible_from = emp.hire_date + timedelta(days=offer.waiting_days) if offer else None
    offered = bool(offer and employed and emp.employed_all(first, last) and (
        enrolled or waived or (window is not None and window.stability_start <= first <= window.stability_end)
        or (eligible_from <= first and (built.status == "full_time" or offer.open_to_all))))
    share = offer.lowest_share.get(emp.client_id) if offer else None
    first_full = emp.hire_date if emp.hire_date.day == 1 else _add_months(emp.hire_date, 1)
    lnap = employed and not offered and first < _add_months(first_full, 3)
    harbor = None
    if offered and share is not None and y is not None and built.status == "full_time" and not enrolled:
        # box 1 wages are the year to date (the whole year once it is over): spread over the months employed
        # in the year so far
        today = clock().today()
        months = sum(1 for m in range(1, 13) if date(first.year, m, 1) <= today
                     and emp.employed_between(*month_bounds(f"{first.year:04d}-{m:02d}")))
        harbor = affordability(share, y, hourly_rate=emp.hourly_rate, monthly_salary=emp.monthly_salary,
                               w2_wages=w2, w2_months=months or None)
    facts = MonthFacts(employed=employed, status=built.status, offered=offered, offers_spouse=bool(
        offer and offer.spouse), offers_dependents=bool(offer and offer.dependents), enrolled=enrolled,
        employee_share=share if offered else None, limited_non_assessment=lnap,
        fpl_monthly_limit=y.fpl_monthly_limit if y is not None else None, safe_harbor=harbor)
    return month_codes(facts)


def _months_to_build(year: int, month: int | None) -> list[str]:
    today = clock().today()
    if month is not None:
        if not 1 <= month <= 12:
            raise ValidationFailed([Issue("month", "must be 1 to 12")])
        months = [month]
    else:
        months = list(range(1, 13))
    return [f"{year:04d}-{m:02d}" for m in months if date(year, m, 1) <= today]


@transaction()
def build_aca_months(year: int, month: int | None = None) -> int:
    """Compute and store (upsert) every leased employee's ACA month for `month` of `year` (all months of the year
    that have begun when month is None): status by the look-back engine on the month's hours of service across
    clients, lines 14/15/16; then open the ACA enrollment windows of workers newly found full time for a stability
    period, close windows past their last day, and end the ACA coverage of workers whose stability period is over
    and who are no longer full time (a COBRA qualifying event, reduction of hours). One transaction; running it
    again gives the same rows and opens nothing twice. Returns the number of months written."""
    if not 2000 <= year <= 2100:
        raise ValidationFailed([Issue("year", "must be a year such as 2026")])
    keys = _months_to_build(year, month)
    if not keys:
        return 0
    policy = measurement_policy()
    try:
        y = year_data(year)
    except DomainError:
        y = None             # no published figures: no safe harbor and no qualifying offer can be shown
    emps = _employments(year)
    hours = bulk_monthly_hours(f"{year - 2:04d}-01", keys[-1], list(emps))
    existing = {(r.worker_id, r.month): r for r in db.session.execute(
        sa.select(AcaMonth).where(AcaMonth.year == year, AcaMonth.month.in_([int(k[5:]) for k in keys]))).scalars()}
    windows = _windows_by_worker(list(emps))
    w2 = _w2_wages(year)
    now = clock().now()
    count = 0
    clients = {e.client_id for e in emps.values()}
    for key in keys:
        first, last = month_bounds(key)
        offer = _medical_offer(first, last, clients)
        enrollments = _medical_enrollments(list(emps), first, last)
        for worker_id, emp in emps.items():
            built = _status(emp, key, hours.get(worker_id, {}), policy)
            if built.status == "non_employee" and first < emp.hire_date.replace(day=1):
                continue            # before the first engagement: no record
            window = _covering(windows.get(worker_id, ()), first)
            codes = _month_record(emp, key, built, offer, enrollments.get(worker_id, []), window,
                                  w2.get(worker_id), y)
            row = existing.get((worker_id, first.month))
            if row is None:
                row = AcaMonth(worker_id=worker_id, year=year, month=first.month)
                db.session.add(row)
            row.status, row.basis = built.status, built.basis
            row.hours = hours.get(worker_id, {}).get(key, ZERO)
            row.average_monthly_hours = built.average
            row.measurement_start, row.measurement_end = built.measurement or (None, None)
            row.stability_start, row.stability_end = built.stability or (None, None)
            row.line14, row.employee_share, row.line16 = codes.line14, codes.line15, codes.line16
            row.explanation = list(built.explanation) + list(codes.explanation)
            row.computed_at = now
            count += 1
            if built.status == "full_time" and built.stability is not None and built.basis == "look_back":
                _open_window(emp, built, windows)
    _look_ahead(emps, keys[-1], policy, hours, windows)
    db.session.flush()
    _close_past_windows()
    _end_finished_stability(emps, keys[-1], policy, hours)
    return count


# --- eligibility driven by status ---------------------------------------------------------------------------------

def _windows_by_worker(worker_ids: list[int]) -> dict[int, list[AcaWindow]]:
    out: dict[int, list[AcaWindow]] = {}
    for w in db.session.execute(sa.select(AcaWindow).where(AcaWindow.worker_id.in_(worker_ids))).scalars():
        out.setdefault(w.worker_id, []).append(w)
    return out


def _covering(windows, day: date) -> AcaWindow | None:
    return next((w for w in windows if w.status != "ended" and w.stability_start <= day <= w.stability_end), None)


def _look_ahead(emps: dict, last_key: str, policy, hours: dict, windows: dict) -> None:
    """At the end of an administrative period the next stability period is already decided: measured on the first
    day of the month after the last one built, a worker full time for a stability period starting that day gets
    the window now, so coverage can start with the period."""
    nxt = month_bounds(last_key)[1] + timedelta(days=1)
    for emp in emps.values():
        if not emp.employed_on(nxt) or emp.hire_date > nxt:
            continue
        result, kind = _measure(emp, nxt, hours.get(emp.worker.id, {}), policy, last_key)
        if kind == "new_full_time":
            continue
        if result.status == "full_time" and result.stability_period and result.stability_period[0] == nxt:
            _open_window(emp, _Built(result.status, "look_back", result.average_monthly_hours,
                                     result.measurement_period, result.stability_period,
                                     tuple(result.explanation)), windows)


def _open_window(emp: _Employment, built: _Built, windows: dict) -> AcaWindow | None:
    """The worker's window for this stability period, opened once (unique worker + stability start)."""
    start, end = built.stability
    today = clock().today()
    if end < today:
        return None          # a past stability period: nothing left to offer
    mine = windows.setdefault(emp.worker.id, [])
    if any(w.stability_start == start for w in mine):
        return None
    if _enrolled_on(emp.worker.id, max(start, today)):
        return None          # already covered: nothing to open
    avg = f"{built.average} hours a month" if built.average is not None else "at least 130 hours a month"
    mp = built.measurement
    reason = (f"Eligible: full time under the look-back method ({avg}"
              + (f" from {long_date(mp[0])} to {long_date(mp[1])}" if mp else "")
              + f"), so you are offered medical coverage for the stability period {long_date(start)} to "
              f"{long_date(end)}.")
    w = AcaWindow(worker_id=emp.worker.id, stability_start=start, stability_end=end, opens_on=today,
                  closes_on=today + timedelta(days=WINDOW_DAYS), status="open", reason=reason[:1000])
    db.session.add(w)
    mine.append(w)
    return w


def _enrolled_on(worker_id: int, day: date) -> bool:
    return db.session.execute(
        sa.select(sa.func.count()).select_from(Enrollment).join(BenefitPlan, BenefitPlan.id == Enrollment.plan_id)
        .where(Enrollment.worker_id == worker_id, BenefitPlan.kind == "medical", Enrollment.waived.is_(False),
               Enrollment.status != "cancelled", Enrollment.effective_date <= day,
               sa.or_(Enrollment.end_date.is_(None), Enrollment.end_date >= day))).scalar() > 0


def _close_past_windows() -> None:
    today = clock().today()
    for w in db.session.execute(sa.select(AcaWindow).where(AcaWindow.status == "open",
                                                           AcaWindow.closes_on < today)).scalars():
        w.status = "closed"


def _end_finished_stability(emps: dict, last_key: str, policy, hours: dict) -> None:
    """A window whose stability period ended before the last month built: if the worker is not full time in the
    month after it, the coverage elected in it ends on the stability period's last day (not before: §54.4980H-3
    keeps the status for the whole period) and a COBRA qualifying event (reduction of hours) is written."""
    last_day = month_bounds(last_key)[1]
    for w in db.session.execute(sa.select(AcaWindow).where(AcaWindow.status.in_(("open", "closed")),
                                                           AcaWindow.stability_end < last_day)).scalars().all():
        emp = emps.get(w.worker_id)
        nxt = month_key(w.stability_end + timedelta(days=1))
        if emp is not None:
            built = _status(emp, nxt, hours.get(w.worker_id, {}), policy)
            if built.status == "full_time":
                continue             # still full time: the next stability period's window takes over
        ended = []
        for e in db.session.execute(sa.select(Enrollment).where(
                Enrollment.worker_id == w.worker_id, Enrollment.event == ACA_EVENT, Enrollment.status == "active",
                Enrollment.effective_date <= w.stability_end,
                sa.or_(Enrollment.end_date.is_(None), Enrollment.end_date >= w.stability_end))).scalars():
            # (an election may already end with its plan year on the same day: it ends, for this reason, too)
            e.end_date, e.status = w.stability_end, "ended"
            services._end_payroll_rows(e.id, w.stability_end)
            ended.append(e)
        w.status, w.ended_on = "ended", w.stability_end
        if ended:
            ev = LifeEvent(worker_id=w.worker_id, kind="cobra_qualifying_event", status="open",
                           event_date=w.stability_end + timedelta(days=1), source="aca_stability_end",
                           notes=f"{COBRA_REDUCTION}: no longer full time after the stability period "
                                 f"{long_date(w.stability_start)} to {long_date(w.stability_end)}; medical coverage "
                                 f"ended on {long_date(w.stability_end)}")
            db.session.add(ev)
            db.session.flush()
            w.life_event_id = ev.id


def open_window_for(worker_id: int, on: date) -> AcaWindow | None:
    """The worker's open ACA window on `on` (the portal notice and the offers read it)."""
    return services.aca_window_open(worker_id, on)


def notify_windows() -> int:
    """E-mail each worker whose ACA window is open and not yet e-mailed (once: `emailed_at`); a failure is kept in
    `email_error` and retried on the next run. Returns how many were sent."""
    today = clock().today()
    ids = db.session.execute(sa.select(AcaWindow.id).where(AcaWindow.status == "open",
                                                           AcaWindow.emailed_at.is_(None),
                                                           AcaWindow.closes_on >= today)).scalars().all()
    sent = 0
    for wid in ids:
        w = db.session.get(AcaWindow, wid)
        worker = w.worker
        subject, body = window_message(w, worker)
        try:
            if not worker.email:
                raise DomainError("the worker has no e-mail address")
            send_mail(worker.email, subject, body)
        except DomainError as exc:
            with transaction():
                w.email_error = exc.message[:300]
            continue
        with transaction():
            w.emailed_at, w.email_error = clock().now(), ""
        sent += 1
    return sent


def window_message(w: AcaWindow, worker: Worker) -> tuple[str, str]:
    subject = "You are offered medical coverage (ACA full-time status)"
    body = (f"Hello {worker.first_name},\n\n{w.reason}\n\nChoose your coverage in the portal (Benefits) by "
            f"{long_date(w.closes_on)}. Coverage you choose lasts at least until {long_date(w.stability_end)}, "
            "even if your hours go down.\n")
    return subject, body
