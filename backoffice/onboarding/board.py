"""The onboarding board's query: one row per case with its current step, time on it, progress and I-9 state."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.security.access import scoped
from backoffice.workers.models import Client, Engagement, Worker
from backoffice.onboarding.models import OPEN_STATUSES, I9Record, Invitation, OnboardingCase
from backoffice.onboarding.steps import STEP_LABELS

DEFAULT_STUCK_DAYS = 3
PAGE_SIZE = 50


def days_on_step(since: datetime, today: date) -> int:
    """Days on the current step, counted as people count them beside a date: from the UTC date the step began to
    `today` (the clock's UTC date). Two cases that began on the same date show the same count whatever the hour
    (counting elapsed 24-hour spans made 9 and 8 days for one date). Every page and the API count with this."""
    return (today - since.astimezone(timezone.utc).date()).days


def stuck_since(today: date, stuck_days: int) -> datetime:
    """The moment before which a step began if it has been on for more than `stuck_days` days (days_on_step >
    stuck_days), for filtering in SQL: the start of the UTC day `stuck_days` days before `today`."""
    return datetime.combine(today - timedelta(days=stuck_days), time(0), tzinfo=timezone.utc)


def board_rows(*, now: datetime, today: date, q: str = "", status: str = "", step: str = "", type_: str = "",
               client_id: str = "", stuck_only: bool = False, stuck_days: int = DEFAULT_STUCK_DAYS,
               sort: str = "since", page: int = 0, user=None) -> tuple[list[dict], int]:
    """The board's rows (one per case) with the filters applied, and the total count; days on a step are counted
    to `today` (days_on_step), an I-9 is overdue after `today`; `now` decides whether an invitation expired."""
    stmt = (sa.select(OnboardingCase, Worker, Engagement, Client)
            .join(Worker, Worker.id == OnboardingCase.worker_id)
            .join(Engagement, Engagement.id == OnboardingCase.engagement_id)
            .join(Client, Client.id == Engagement.client_id))
    if user is not None:
        stmt = scoped(stmt, user, "onboarding")
    if status:
        stmt = stmt.where(OnboardingCase.status == status)
    else:
        stmt = stmt.where(OnboardingCase.status.in_(OPEN_STATUSES))
    if step:
        stmt = stmt.where(OnboardingCase.current_step == step, OnboardingCase.status != "invited")
    if type_:
        stmt = stmt.where(Engagement.type == type_)
    if client_id:
        stmt = stmt.where(Engagement.client_id == int(client_id))
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(Worker.first_name).like(like), sa.func.lower(Worker.last_name).like(like),
                                 sa.func.lower(Worker.email).like(like), sa.func.lower(Client.name).like(like)))
    if stuck_only:
        stmt = stmt.where(OnboardingCase.step_since < stuck_since(today, stuck_days),
                          OnboardingCase.status.in_(OPEN_STATUSES))
    total = db.session.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar()
    order = {"since": OnboardingCase.step_since.asc(), "name": Worker.last_name.asc(),
             "start": Engagement.start_date.asc(), "i9": OnboardingCase.i9_due_date.asc()}.get(sort)
    stmt = stmt.order_by(order if order is not None else OnboardingCase.step_since.asc(), OnboardingCase.id)
    stmt = stmt.limit(PAGE_SIZE).offset(page * PAGE_SIZE)
    i9s: dict = {}
    latest: dict = {}
    rows = []
    result = db.session.execute(stmt).all()
    if result:
        ids = [eng.id for _, _, eng, _ in result]
        i9s = {r.engagement_id: r for r in db.session.execute(
            sa.select(I9Record).where(I9Record.engagement_id.in_(ids))).scalars()}
        for inv in db.session.execute(sa.select(Invitation).where(Invitation.engagement_id.in_(ids))
                                      .order_by(Invitation.id)).scalars():
            latest[inv.engagement_id] = inv  # the newest link of each engagement wins
    for case, worker, eng, client in result:
        days = days_on_step(case.step_since, today)
        done = sum(1 for s in case.steps if s.status == "done")
        i9 = i9s.get(eng.id)
        i9_state, i9_text = i9_status(case, i9, today)
        rows.append({"case": case, "worker": worker, "engagement": eng, "client": client,
                     "step_label": (_invited_label(latest.get(eng.id), now) if case.status == "invited" else
                                    STEP_LABELS.get(case.current_step or "", "Complete")),
                     "days": days, "stuck": case.status in OPEN_STATUSES and days > stuck_days,
                     "progress": f"{done}/{len(case.steps)}", "i9_state": i9_state, "i9_text": i9_text})
    return rows, total


def i9_status(case: OnboardingCase, i9: I9Record | None, today: date) -> tuple[str, str]:
    """(state, text) of the I-9 for the board: '' / due / overdue / done."""
    if not any(s.step == "i9" for s in case.steps):
        return "", "—"
    if i9 is not None and i9.section2_at:
        return "done", "section 2 done"
    due = i9.section2_due if i9 else case.i9_due_date
    waiting = "" if i9 else "section 1 not signed; "
    if due is None:
        return "", waiting + "no start date"
    if due < today:
        return "overdue", f"{waiting}section 2 overdue since {due}"
    return "due", f"{waiting}section 2 due {due}"


def _invited_label(inv: Invitation | None, now) -> str:
    if inv is None or inv.sent_at is None:
        return "Invitation not sent — resend it"
    if inv.expires_at <= now:
        return "Invitation expired — resend it"
    return "Invitation not accepted yet"
