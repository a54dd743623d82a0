"""Pay schedules: create and edit, periods and pay dates, the month calendar HR sees."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa

from backoffice.dates import parse_date
from backoffice.errors import DomainError, Issue, NotFound, raise_if
from backoffice.extensions import db
from backoffice.periods import Period
from backoffice.uow import transaction
from payroll import calendar as paycal
from backoffice.workers.models import Engagement
from payroll.models import PayrollRun, PaySchedule

FREQUENCIES = ("weekly", "biweekly", "semimonthly", "monthly")


def clean_schedule(data: dict, *, partial: bool = False) -> dict:
    """Validated schedule fields; every bad field is reported."""
    issues: list[Issue] = []
    out: dict = {}
    for key in sorted(set(data) - {"name", "frequency", "anchor_start", "pay_lag_days", "active"}):
        issues.append(Issue(key, "is not a pay schedule field", "unknown_field"))
    if "name" in data or not partial:
        name = str(data.get("name") or "").strip()
        if not name:
            issues.append(Issue("name", "is required", "required"))
        elif len(name) > 100:
            issues.append(Issue("name", "must be at most 100 characters"))
        out["name"] = name
    if "frequency" in data or not partial:
        freq = data.get("frequency")
        if not isinstance(freq, str) or freq not in FREQUENCIES:
            issues.append(Issue("frequency", f"must be one of {', '.join(FREQUENCIES)}",
                                "required" if freq is None else "invalid"))
        out["frequency"] = freq
    if "anchor_start" in data or not partial:
        anchor = data.get("anchor_start")
        if isinstance(anchor, str):
            try:
                anchor = parse_date(anchor)
            except ValueError:
                anchor = None
        if not isinstance(anchor, date):
            issues.append(Issue("anchor_start", "must be a date (the first day of a pay period)", "required"))
        out["anchor_start"] = anchor
    if "pay_lag_days" in data or not partial:
        try:
            lag = int(data.get("pay_lag_days", 5))
            if not 0 <= lag <= 31:
                raise ValueError
        except (TypeError, ValueError):
            issues.append(Issue("pay_lag_days", "must be a whole number of days from 0 to 31"))
            lag = None
        out["pay_lag_days"] = lag
    if "active" in data:
        out["active"] = bool(data["active"])
    raise_if(issues)
    return out


@transaction()
def create_schedule(data: dict) -> PaySchedule:
    """A new schedule; engagements of its frequency that are on no schedule yet (made before any schedule of the
    frequency existed) join it, as they would have had it existed."""
    sched = PaySchedule(**clean_schedule(data))
    db.session.add(sched)
    db.session.flush()
    db.session.execute(sa.update(Engagement).where(Engagement.pay_schedule_id.is_(None),
                                                   Engagement.pay_frequency == sched.frequency)
                       .values(pay_schedule_id=sched.id), execution_options={"synchronize_session": False})
    return sched


CALENDAR_FIELDS = ("anchor_start", "frequency")     # what decides the periods; fixed once a run exists


@transaction()
def update_schedule(schedule_id: int, data: dict) -> PaySchedule:
    """Edit a schedule. Its calendar (anchor_start, frequency) is refused once it has a run: moving it would make
    new periods overlap paid ones (and the runs already made would no longer be periods of the schedule). To pay on
    another calendar, make a new schedule and move the engagements to it; the once-per-period rule keeps any day
    from being paid twice. The name, pay lag (future runs' pay dates) and active flag stay editable."""
    sched = db.session.get(PaySchedule, schedule_id)
    if sched is None:
        raise NotFound(f"pay schedule {schedule_id} not found")
    cleaned = clean_schedule(data, partial=True)
    moved = [k for k in CALENDAR_FIELDS if k in cleaned and cleaned[k] != getattr(sched, k)]
    if moved:
        first = db.session.execute(sa.select(PayrollRun.id).where(PayrollRun.pay_schedule_id == sched.id)
                                   .order_by(PayrollRun.id).limit(1)).scalar()
        if first is not None:
            raise DomainError(f"{' and '.join(moved)} of pay schedule {sched.name!r} cannot change: it has runs "
                              f"(run #{first} and later); make a new schedule and move the engagements to it",
                              code="schedule_has_runs")
    for k, v in cleaned.items():
        setattr(sched, k, v)
    if "frequency" in moved:         # no run yet: the schedule's engagements follow its new frequency
        db.session.execute(sa.update(Engagement).where(Engagement.pay_schedule_id == sched.id)
                           .values(pay_frequency=sched.frequency), execution_options={"synchronize_session": False})
    return sched


def choices() -> list[tuple[int, str]]:
    """Every schedule as (id, "Name (frequency)"), active ones first: the engagement form's list."""
    return [(sc.id, str(sc) + ("" if sc.active else " — inactive")) for sc in db.session.execute(
        sa.select(PaySchedule).order_by(PaySchedule.active.desc(), PaySchedule.name, PaySchedule.id)).scalars()]


def period_and_pay_date(schedule: PaySchedule, day: date) -> tuple[Period, date]:
    """The schedule's period containing `day` and its pay date (moved off weekends and banking holidays)."""
    period = paycal.period_for(schedule.frequency, schedule.anchor_start, day)
    return period, paycal.pay_date_for(period.end, schedule.pay_lag_days)


def schedule_of(schedule_id: int) -> PaySchedule | None:
    """An engagement's pay schedule (engagements.pay_schedule_id), if it is active."""
    sched = db.session.get(PaySchedule, schedule_id)
    return sched if sched is not None and sched.active else None


def schedules_of(schedule_ids) -> list[PaySchedule]:
    """The active ones of these pay schedules, by id, in one statement (schedule_of for several)."""
    ids = sorted(set(schedule_ids))
    if not ids:
        return []
    return list(db.session.execute(sa.select(PaySchedule).where(PaySchedule.id.in_(ids), PaySchedule.active.is_(True))
                                   .order_by(PaySchedule.id)).scalars())


def pay_dates_in(start: date, end: date) -> dict[date, list[str]]:
    """Pay dates of every active schedule between two dates -> schedule names."""
    out: dict[date, list[str]] = defaultdict(list)
    for sched in db.session.execute(sa.select(PaySchedule).where(PaySchedule.active.is_(True))
                                    .order_by(PaySchedule.name)).scalars():
        for sp in paycal.schedule_periods(sched.frequency, sched.anchor_start, sched.pay_lag_days, start, end):
            out[sp.pay_date].append(sched.name)
    return out


def month_calendar(year: int, month: int):
    """The month grid for the HR calendar view (payroll.calendar.CalendarDay rows)."""
    first = date(year, month, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return paycal.month_grid(year, month, pay_dates_in(first, last))


def upcoming(schedule: PaySchedule, start: date, count: int = 6) -> list[paycal.ScheduledPeriod]:
    periods = paycal.schedule_periods_cached(schedule.frequency, schedule.anchor_start, schedule.pay_lag_days,
                                             start, start + timedelta(days=40 * count))
    return list(periods[:count])


__all__ = ["choices", "create_schedule", "update_schedule", "clean_schedule", "period_and_pay_date", "schedule_of",
           "schedules_of", "pay_dates_in", "month_calendar", "upcoming"]
