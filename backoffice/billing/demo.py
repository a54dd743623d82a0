"""Demo invoices (after payroll's demo): every client's approved time and paid paychecks invoiced through the demo
day by a background invoicing run (as the admin's "Invoice through this date" starts it; its page is on
Billing → Invoicing), then each period issued the day after it ended — bill-rate and cost-plus clients alike."""
from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from backoffice.billing.models import Invoice
from backoffice.billing.services.invoicing import issue_invoice
from backoffice.billing.services.invoicing_runs import request_invoicing, run_invoices, run_invoicing
from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.security.models import User


def seed(rng: random.Random, today: date) -> list[str]:
    if db.session.execute(sa.select(Invoice.id).limit(1)).first():
        return ["billing demo already present"]
    finance = db.session.execute(sa.select(User).where(User.email == "finance@tandem.example")).scalar_one_or_none()
    job = request_invoicing(today, None, issue=False, issue_date=today, user=finance)
    run_invoicing(job.id, now=lambda: clock().now(), user=finance)     # the task's work, in this process
    drafts = run_invoices(job.id)
    for inv in sorted(drafts, key=lambda i: (i.period_end, i.client_id, i.id)):
        issue_invoice(inv.id, min(today, inv.period_end + timedelta(days=1)), finance)
    methods = db.session.execute(
        sa.select(sa.func.count(Invoice.id), sa.func.count(sa.distinct(Invoice.client_id))).where(
            Invoice.status == "sent")).one()
    return [f"billing: {methods[0]} invoice(s) issued to {methods[1]} client(s) from approved time and paid "
            f"paychecks (bill rate and cost-plus)"]
