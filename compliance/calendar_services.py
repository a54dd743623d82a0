"""The compliance calendar from the records (service layer): the year's filings and tax deposits read, the legal
holidays from payroll's calendar, the due dates and statuses from the pure engine (compliance/engine/calendar.py);
and the daily e-mail digest of what is due in the next 14 days and what is late (once a day: a row per day)."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from backoffice.audit import record_event
from backoffice.clock import clock
from backoffice.db import utcnow
from backoffice.errors import DomainError
from backoffice.extensions import db
from backoffice.mailport import send_mail
from backoffice.money import fmt_usd, D
from backoffice.uow import transaction
from compliance import sources
from compliance.engine import calendar as cal
from compliance.models import Filing, ReminderDigest


def holidays(year: int) -> frozenset[date]:
    """The legal holidays of the tax year and the next (yearly forms fall due then)."""
    from payroll.calendar import holidays_between
    return holidays_between(date(year, 1, 1), date(year + 1, 12, 31))


def _states(year: int) -> tuple[str, ...]:
    """States with wage reports: those the agency is registered in, and any with a state-wage filing."""
    try:
        states = set(sources.employer()["registrations"])
    except DomainError:
        states = set()
    states |= set(db.session.execute(sa.select(Filing.state).where(
        Filing.tax_year == year, Filing.form == "state-wage")).scalars())
    return tuple(sorted(s for s in states if s))


def year_items(year: int, today: date | None = None) -> list[cal.DueItem]:
    """Every due date of tax year `year` with its status on `today` (default: the clock's)."""
    from payroll.models_money import TaxDeposit
    today = today or clock().today()
    filings = tuple(cal.FilingFact(f.form, f.quarter, f.state, f.status, f.filed_on, f.due_date, f.id)
                    for f in db.session.execute(sa.select(Filing).where(Filing.tax_year == year)
                                                .order_by(Filing.revision)).scalars())
    deposits = tuple(cal.DepositFact(d.id, d.tax, d.state, d.period_start, d.period_end, d.due_date,
                                     f"{d.amount:.2f}", d.status, d.paid_on)
                     for d in db.session.execute(sa.select(TaxDeposit).where(
                         TaxDeposit.period_end >= date(year, 1, 1), TaxDeposit.period_end <= date(year, 12, 31))
                         .order_by(TaxDeposit.due_date, TaxDeposit.id)).scalars())
    return cal.year_calendar(year, today, holidays(year), filings=filings, deposits=deposits, states=_states(year))


def attention(today: date | None = None) -> list[cal.DueItem]:
    """What needs doing now: late items of last year and this one, and what falls due in the next 14 days."""
    today = today or clock().today()
    out = []
    for y in (today.year - 1, today.year):
        out += [i for i in year_items(y, today) if i.status in (cal.LATE, cal.DUE_SOON)]
    return sorted(out, key=lambda i: (i.status != cal.LATE, i.due))


def digest_text(items: list[cal.DueItem], today: date) -> tuple[str, str]:
    late = [i for i in items if i.status == cal.LATE]
    soon = [i for i in items if i.status == cal.DUE_SOON]
    subject = f"Compliance calendar {today}: {len(late)} late, {len(soon)} due in the next {cal.DUE_SOON_DAYS} days"
    lines = [subject, ""]
    for title, group in (("LATE", late), (f"DUE BY {today + timedelta(days=cal.DUE_SOON_DAYS)}", soon)):
        if group:
            lines.append(title)
            for i in group:
                amount = f"  {fmt_usd(D(i.amount))}" if i.amount else ""
                lines.append(f"  {i.due}  {i.what}{amount}")
            lines.append("")
    lines.append("The calendar: Compliance → Dashboard in the back office, or `backoffice filings calendar`.")
    return subject, "\n".join(lines)


def recipients() -> list[str]:
    from backoffice.security.models import User
    return list(db.session.execute(sa.select(User.email).where(User.role == "compliance", User.active.is_(True))
                                   .order_by(User.email)).scalars())


def send_digest(today: date | None = None) -> ReminderDigest | None:
    """Today's digest to every active compliance user, once a day: the day's row is claimed and committed first
    (unique day: a second run, or a concurrent one, returns None), the mail sent after the commit; a failed send
    releases the day (the row is removed) so a later delivery retries, and the error goes up. Nothing late or due:
    the day is recorded and nothing sent."""
    today = today or clock().today()
    if db.session.execute(sa.select(ReminderDigest.id).where(ReminderDigest.day == today)).first():
        return None
    items = attention(today)
    to = recipients() if items else []
    subject, body = digest_text(items, today)
    try:
        with transaction():
            row = ReminderDigest(day=today, sent_at=utcnow(), recipients=to, body=body if to else "",
                                 late=sum(1 for i in items if i.status == cal.LATE),
                                 due_soon=sum(1 for i in items if i.status == cal.DUE_SOON))
            db.session.add(row)
            db.session.flush()
            record_event("digest_sent", "reminder_digest", row.id,
                         {"day": today.isoformat(), "recipients": len(to), "late": row.late,
                          "due_soon": row.due_soon})
    except sa.exc.IntegrityError:
        return None
    try:
        for address in to:
            send_mail(address, subject, body)
    except Exception:
        with transaction():
            db.session.execute(sa.delete(ReminderDigest).where(ReminderDigest.id == row.id))
        raise
    return row
