"""Scheduled reports: create and change schedules (recipients must be allowed to see the report), and send the
due ones — once per schedule and slot, however often the beat fires (the unique run key decides)."""
from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backoffice.errors import DomainError, Issue, NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.mailport import send_mail
from backoffice.security.access import can
from backoffice.security.models import User
from reports import catalog, slots
from reports.models import SCHEDULE_FORMATS, ScheduledReport, ScheduledReportRun

logger = logging.getLogger(__name__)
FIELDS = ("title", "report", "range_kind", "format", "frequency", "weekday", "day_of_month", "hour", "active")
FILTER_KEYS = ("client_id", "state", "worker_id", "grain", "group")


def _int_or_none(value, field: str, issues: list[Issue]) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        issues.append(Issue(field, "a whole number"))
        return None


def user_words(user: User) -> str:
    who = f"{user.name} <{user.email}>" if user.name else user.email
    return f"{who} ({user.role.replace('_', ' ')})"


def check_recipients(report: catalog.Report, users: list[User]) -> list[Issue]:
    """One issue per recipient who may not receive the report, naming them: no read right on the report's
    permission, an inactive account or no e-mail address."""
    issues = []
    for u in users:
        if not catalog.may_see(u, report):
            issues.append(Issue("recipients", f"{user_words(u)} may not see {report.title}", "not_allowed"))
        elif not u.email:
            issues.append(Issue("recipients", f"{user_words(u)} has no e-mail address", "no_email"))
    return issues


def _validated(data: dict, user) -> tuple[dict, list[User]]:
    issues: list[Issue] = []
    title = (data.get("title") or "").strip()
    if not title:
        issues.append(Issue("title", "required"))
    report = catalog.REPORTS.get(data.get("report") or "")
    if report is None:
        issues.append(Issue("report", f"one of {', '.join(catalog.REPORTS)}"))
    elif not catalog.may_see(user, report):
        issues.append(Issue("report", f"you may not see {report.title}, so you may not schedule it"))
    fmt = data.get("format") or "xlsx"
    if fmt not in SCHEDULE_FORMATS:
        issues.append(Issue("format", "csv or xlsx"))
    range_kind = data.get("range_kind") or "previous_period"
    if range_kind not in slots.RANGES:
        issues.append(Issue("range_kind", f"one of {', '.join(slots.RANGES)}"))
    frequency = data.get("frequency") or ""
    hour = _int_or_none(data.get("hour"), "hour", issues)
    cadence = slots.Cadence(frequency, 6 if hour is None else hour,
                            _int_or_none(data.get("weekday"), "weekday", issues) if frequency == "weekly" else None,
                            _int_or_none(data.get("day_of_month"), "day_of_month", issues)
                            if frequency == "monthly" else None)
    issues.extend(slots.check(cadence))
    filters: dict = {}
    if report is not None:
        raw = {k: data.get("filters", {}).get(k) for k in FILTER_KEYS}
        try:        # the dates come from each slot; any day checks the rest
            parsed = catalog.parse_filters(report, {**raw, "start": "2026-01-01", "end": "2026-01-01"})
            filters = {k: v for k, v in parsed.as_args().items() if k not in ("start", "end")}
        except ValidationFailed as exc:
            issues.extend(exc.issues)
    ids = data.get("recipient_ids") or []
    users = list(db.session.execute(sa.select(User).where(User.id.in_([int(i) for i in ids]))).scalars()) \
        if ids else []
    if not users:
        issues.append(Issue("recipients", "choose at least one recipient"))
    elif report is not None:
        issues.extend(check_recipients(report, users))
    if issues:
        raise ValidationFailed(issues)
    values = {"title": title, "report": report.name, "range_kind": range_kind, "format": fmt,
              "frequency": frequency, "weekday": cadence.weekday, "day_of_month": cadence.day_of_month,
              "hour": cadence.hour, "active": bool(data.get("active", True)), "filters": filters}
    return values, users


def create_schedule(data: dict, user) -> ScheduledReport:
    """A new schedule from form/API data (FIELDS, `filters` and `recipient_ids`); every wrong field and every
    recipient who may not see the report is refused at once."""
    values, users = _validated(data, user)
    row = ScheduledReport(**values, created_by_id=getattr(user, "id", None))
    row.recipients = users
    db.session.add(row)
    db.session.commit()
    return row


def update_schedule(schedule_id: int, data: dict, user) -> ScheduledReport:
    row = visible_schedule(user, schedule_id)
    values, users = _validated(data, user)
    for key, value in values.items():
        setattr(row, key, value)
    row.recipients = users
    db.session.commit()
    return row


def visible_query(user):
    """The schedules of reports this user may see (a schedule of a report they may not see is not theirs)."""
    names = [r.name for r in catalog.visible(user)]
    return sa.select(ScheduledReport).where(ScheduledReport.report.in_(names))


def visible_schedule(user, schedule_id: int) -> ScheduledReport:
    row = db.session.execute(visible_query(user).where(ScheduledReport.id == schedule_id)).scalar_one_or_none()
    if row is None:
        raise NotFound("no such scheduled report")
    return row


def cadence_of(row: ScheduledReport) -> slots.Cadence:
    return slots.Cadence(row.frequency, row.hour, row.weekday, row.day_of_month)


# ------------------------------------------------------------------------------------------------ sending
def claim(schedule: ScheduledReport, slot: datetime) -> ScheduledReportRun | None:
    """Record the run of one slot, committed before the work starts; None when the slot was already claimed (a
    second beat, or a retried task)."""
    run = ScheduledReportRun(schedule_id=schedule.id, slot=slot, status="running")
    try:
        with db.session.begin_nested():
            db.session.add(run)
            db.session.flush()
    except IntegrityError:
        return None
    db.session.commit()
    return run


def deliver(run: ScheduledReportRun) -> ScheduledReportRun:
    """Build the run's report over its slot's range and e-mail it to each recipient still allowed to see it (one
    message each). A failure is recorded on the run (status failed and why), not raised."""
    schedule, run_id = run.schedule, run.id
    try:
        report = catalog.get(schedule.report)
        start, end = slots.slot_range(cadence_of(schedule), schedule.range_kind, run.slot)
        filters = catalog.parse_filters(report, {**schedule.filters, "start": start.isoformat(),
                                                 "end": end.isoformat()})
        out = catalog.render(report, filters, schedule.format)
        allowed = [u for u in schedule.recipients if u.active and u.email and catalog.may_see(u, report)]
        skipped = [u for u in schedule.recipients if u not in allowed]
        subject = f"{schedule.title}: {report.title}, {start:%b %d, %Y} – {end:%b %d, %Y}"
        body = (f"{report.title} from {start.isoformat()} to {end.isoformat()} is attached ({out.filename}).\n\n"
                f"{report.description}\n\nSent {slots.Cadence(schedule.frequency, schedule.hour, schedule.weekday, schedule.day_of_month).words()} "
                f"by Tandem's scheduled report \"{schedule.title}\".\n")
        for u in allowed:
            send_mail(u.email, subject, body, attachments=[(out.filename, out.mimetype.split(";")[0], out.content)])
        run.status = "sent"
        run.sent_to = ", ".join(u.email for u in allowed)
        run.skipped = ", ".join(user_words(u) for u in skipped)
        run.filename = out.filename
    except Exception as exc:        # recorded on the run (and logged) so one broken schedule never stops the rest
        if not isinstance(exc, (DomainError, ValueError)):
            logger.exception("scheduled report run %s failed", run_id)
        db.session.rollback()
        run = db.session.get(ScheduledReportRun, run_id)
        run.status = "failed"
        run.error = str(getattr(exc, "message", exc))[:500]
    run.finished_at = _now()
    db.session.commit()
    return run


def _now() -> datetime:
    from backoffice.clock import clock

    return clock().now()


def run_due(now: datetime | None = None) -> list[int]:
    """Send every active schedule whose latest slot is due and not yet claimed; returns the runs made."""
    now = now or _now()
    made = []
    schedules = db.session.execute(sa.select(ScheduledReport).where(ScheduledReport.active.is_(True))
                                   .order_by(ScheduledReport.id)).scalars().all()
    for schedule in schedules:
        slot = slots.due_slot(cadence_of(schedule), now, schedule.created_at)
        if slot is None:
            continue
        run = claim(schedule, slot)
        if run is not None:
            made.append(deliver(run).id)
    return made


def send_now(schedule_id: int, user) -> ScheduledReportRun:
    """Send a schedule at once (its latest range), as a run of its own slot: now, to the second."""
    schedule = visible_schedule(user, schedule_id)
    if not can(user, "scheduled_report", "write"):
        raise DomainError("you may not send scheduled reports", code="forbidden")
    slot = _now().replace(microsecond=0)
    run = claim(schedule, slot)
    if run is None:
        raise DomainError("this schedule was just sent; wait a second", code="already_sent")
    return deliver(run)
