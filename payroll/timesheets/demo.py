"""Demo time review: a recent week of the demo worker rejected by HR with a reason (they see it in the portal, and
its notice under the bell), a draft week of theirs to finish and submit, and a week at the demo approver's client
disputed by the approver (HR sees it in the admin); made by the real services, so each has its history."""
from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.security.models import User
from backoffice.workers.models import Engagement
from payroll.models import Timesheet, TimesheetEvent
from payroll.timesheets import services as timesheets

REJECTED_BECAUSE = "Thursday shows 12 hours; the site's shift schedule says 8. Please correct it and submit again."
DISPUTED_BECAUSE = "Not on site on Friday (badge records show no entry); we will not approve that day."


def _user(email: str) -> User | None:
    return db.session.execute(sa.select(User).where(User.email == email)).scalar_one_or_none()


def _free_engagement(weeks: tuple[date, ...], *where) -> tuple[Engagement | None, date | None]:
    """An active engagement running in one of `weeks` (tried in order) that has no timesheet for it yet."""
    for week in weeks:
        taken = sa.select(Timesheet.engagement_id).where(Timesheet.week_start == week)
        eng = db.session.execute(sa.select(Engagement).where(
            Engagement.status == "active", Engagement.start_date <= week, Engagement.id.not_in(taken), *where)
            .order_by(Engagement.id).limit(1)).scalar_one_or_none()
        if eng is not None:
            return eng, week
    return None, None


def seed(rng: random.Random, today: date) -> list[str]:
    if db.session.execute(sa.select(TimesheetEvent.id).where(TimesheetEvent.action == "dispute").limit(1)).first():
        return ["timesheets: review demo already present"]
    hr, approver, worker = (_user("hr@tandem.example"), _user("approver@tandem.example"),
                            _user("worker@tandem.example"))
    if not (hr and approver and worker and worker.worker_id and approver.client_id):
        return ["timesheets: demo users missing; no review examples"]
    this_week = today - timedelta(days=today.weekday())
    weeks = (this_week - timedelta(days=7), this_week)    # last full week (unless a run paid it), else this one
    out = []
    own, week = _free_engagement(weeks, Engagement.worker_id == worker.worker_id)
    if own is not None:
        ts = timesheets.save_timesheet({"engagement_id": own.id, "week_start": week, "mon": "8", "tue": "8",
                                        "wed": "8", "thu": "12", "fri": "8"}, worker)
        timesheets.submit_timesheet(ts.id, worker)
        timesheets.reject_timesheet(ts.id, hr, REJECTED_BECAUSE)
        out.append(f"timesheets: {ts} rejected by HR with a reason (the demo worker sees it under My time)")
    draft_weeks = (this_week, this_week - timedelta(days=7), this_week + timedelta(days=7))
    mine, week = _free_engagement(draft_weeks, Engagement.worker_id == worker.worker_id,
                                  Engagement.pay_unit.in_(timesheets.ENTRY_PAY_UNITS))
    if mine is not None:
        ts = timesheets.save_timesheet({"engagement_id": mine.id, "week_start": week, "mon": "8", "tue": "8",
                                        "wed": "7.5", "note": "Draft: Thursday and Friday still to come"}, worker)
        out.append(f"timesheets: {ts} left as a draft for the demo worker to finish and submit (My time)")
    theirs, week = _free_engagement(weeks, Engagement.client_id == approver.client_id,
                                    Engagement.worker_id != worker.worker_id)
    if theirs is not None:
        ts = timesheets.save_timesheet({"engagement_id": theirs.id, "week_start": week, "mon": "8", "tue": "8",
                                        "wed": "8", "thu": "8", "fri": "8"}, hr)
        timesheets.submit_timesheet(ts.id, hr)
        timesheets.dispute_timesheet(ts.id, approver, DISPUTED_BECAUSE)
        out.append(f"timesheets: {ts} disputed by the client's approver")
    return out or ["timesheets: no free engagement for the review examples"]
