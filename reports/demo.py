"""`seed-demo`: the agency's reports with figures (this year's margin, labor cost and headcount, read back from what
the other demo steps paid and invoiced) and two scheduled reports — finance's weekly gross margin and HR's
monthly headcount; the latest paid run's first paystubs rendered into the paystub store (docs/paystubs.md)."""
from __future__ import annotations

import random
from datetime import date

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.money import fmt_usd, from_cents
from backoffice.security.models import User
from reports import catalog, schedule_services
from reports.models import ScheduledReport


def _user(email: str) -> User | None:
    return db.session.execute(sa.select(User).where(User.email == email)).scalar_one_or_none()


def seed(rng: random.Random, today: date) -> list[str]:
    lines = []
    filters = catalog.Filters(start=date(today.year, 1, 1), end=today, grain="month", group="period")
    margin, check = catalog.sheets(catalog.get("gross-margin"), filters)
    t = catalog.totals(margin)
    off = int((check.frame["difference"] != 0).sum())
    lines.append(f"reports: gross margin {today.year} to date — revenue {fmt_usd(from_cents(t['revenue']))}, cost "
                 f"{fmt_usd(from_cents(t['cost']))}, margin {fmt_usd(from_cents(t['margin']))}"
                 f"{' (' + str(t['margin_pct']) + '%)' if t['margin_pct'] else ''} over {len(margin.frame)} "
                 f"month(s); {'the ledger agrees to the cent' if not off else f'{off} figure(s) differ from the ledger'}"
                 f" (Reports > Agency reports > Gross margin)")
    heads = catalog.sheets(catalog.get("headcount-turnover"), filters)[0].frame
    if len(heads):
        last = heads.iloc[-1]
        lines.append(f"reports: headcount {int(last['headcount_end'])} at the end of {last['month']}, "
                     f"{int(heads['hires'].sum())} hires and {int(heads['terminations'].sum())} terminations this "
                     f"year (Headcount and turnover)")
    finance, hr = _user("finance@tandem.example"), _user("hr@tandem.example")
    made = 0
    exists = db.session.execute(sa.select(sa.func.count(ScheduledReport.id))).scalar()
    if finance is not None and not exists:
        schedule_services.create_schedule(
            {"title": "Weekly gross margin", "report": "gross-margin", "frequency": "weekly", "weekday": 0,
             "hour": 7, "format": "xlsx", "range_kind": "month_to_date",
             "filters": {"group": "client", "grain": "week"}, "recipient_ids": [finance.id]}, finance)
        made += 1
        if hr is not None:
            schedule_services.create_schedule(
                {"title": "Monthly headcount", "report": "headcount-turnover", "frequency": "monthly",
                 "day_of_month": 1, "hour": 6, "format": "csv", "range_kind": "year_to_date",
                 "recipient_ids": [hr.id, finance.id]}, hr)
            made += 1
    if made:
        lines.append(f"reports: {made} scheduled reports (Reports > Scheduled reports): finance's weekly gross "
                     f"margin every Monday 07:00 UTC, HR's monthly headcount on the 1st")
    lines += _stored_paystubs()
    return lines


DEMO_STORED_PAYSTUBS = 20


def _stored_paystubs() -> list[str]:
    """Approval sends a run's paystubs to the Celery workers to be stored; the demo runs in process, so it stores
    the first stubs of the latest paid run itself: those are then served from the store, not rendered."""
    from payroll.models import PayrollRun
    from reports.paystubs import cache_dir, render_run

    run_id = db.session.execute(sa.select(PayrollRun.id).where(PayrollRun.state == "paid", PayrollRun.kind == "regular")
                                .order_by(PayrollRun.pay_date.desc(), PayrollRun.id.desc()).limit(1)).scalar()
    if run_id is None:
        return []
    stored = render_run(run_id, processes=1, limit=DEMO_STORED_PAYSTUBS)
    return [f"reports: {stored} paystubs of paid run #{run_id} rendered into the paystub store ({cache_dir()}); "
            f"the portal, the admin and the API serve them from there (docs/paystubs.md)"]
