"""Payment reconciliation per run: sent, settled, in the return window, returned, re-issued, held, not yet sent.

"Settled" here: a payment that went out in a NACHA file (status sent) and has had no return for
SETTLEMENT_DAYS banking days after its settlement date. The settlement date is the file's effective entry date as
recorded (the run's pay date, or the later day chosen when the pay date could not be met, re-issues included); for
files made before it was recorded, the pay date or the day the file was made when that was later. Nacha's rule is that an RDFI
returns most entries (R01-R04, R06-R09, R12-R29 ...) by the opening of business on the second banking day after
settlement; later returns (R05, R07, R10, R11, R29 for unauthorized consumer debits, 60 days) concern debits, not
payroll credits. A later return still flips a payment from settled to returned: "settled" is as of a date."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.money import ZERO
from payroll.calendar import holidays_between
from payroll.engine.deposits import add_banking_days
from payroll.models import PayrollRun
from payroll.models_ledger import NachaFile, Payment

SETTLEMENT_DAYS = 2
COLUMNS = ("sent", "settled", "in_window", "returned", "reissued", "outstanding", "held", "pending")
LABELS = {"sent": "Sent", "settled": "Settled", "in_window": "In return window", "returned": "Returned",
          "reissued": "Re-issued", "outstanding": "Returned, not re-issued", "held": "Held (no account)",
          "pending": "Not yet sent"}


@dataclass
class Tally:
    count: int = 0
    amount: Decimal = ZERO

    def add(self, amount: Decimal) -> None:
        self.count += 1
        self.amount += amount


@dataclass
class RunReconciliation:
    run_id: int | None            # None: the totals row
    kind: str
    state: str
    pay_date: date | None
    tallies: dict[str, Tally] = field(default_factory=lambda: {c: Tally() for c in COLUMNS})

    def row(self) -> list:
        out: list = [self.run_id if self.run_id is not None else "Total", self.kind, self.state, self.pay_date]
        for c in COLUMNS:
            out += [self.tallies[c].count, self.tallies[c].amount]
        return out


HEADERS = ["Run", "Kind", "State", "Pay date"] + [f"{LABELS[c]} {w}" for c in COLUMNS for w in ("count", "amount")]


def reconcile(as_of: date, *, run_id: int | None = None, start: date | None = None, end: date | None = None,
              status: str | None = None) -> tuple[list[RunReconciliation], RunReconciliation]:
    """Per run (newest first) and in total, as of `as_of`. Filters: one run, pay dates start..end, and only runs
    with payments in one of the COLUMNS (e.g. status="outstanding")."""
    stmt = (sa.select(Payment.run_id, Payment.status, Payment.amount, Payment.return_code, Payment.reissue_of_id,
                      Payment.nacha_file_id, PayrollRun.kind, PayrollRun.state, PayrollRun.pay_date,
                      NachaFile.created_at, NachaFile.effective_date)
            .join(PayrollRun, PayrollRun.id == Payment.run_id)
            .outerjoin(NachaFile, NachaFile.id == Payment.nacha_file_id))
    if run_id is not None:
        stmt = stmt.where(Payment.run_id == run_id)
    if start is not None:
        stmt = stmt.where(PayrollRun.pay_date >= start)
    if end is not None:
        stmt = stmt.where(PayrollRun.pay_date <= end)
    rows = list(db.session.execute(stmt))
    if not rows:
        return [], RunReconciliation(None, "", "", None)
    first = min(r.pay_date for r in rows)
    holidays = holidays_between(first - timedelta(days=7), max(as_of, first) + timedelta(days=30))
    runs: dict[int, RunReconciliation] = {}
    total = RunReconciliation(None, "", "", None)
    for r in rows:
        rec = runs.setdefault(r.run_id, RunReconciliation(r.run_id, r.kind, r.state, r.pay_date))
        hits = []
        if r.nacha_file_id is not None and r.status != "pending":
            hits.append("sent")
            if r.status == "sent":
                made = r.created_at.date() if r.created_at else r.pay_date
                settlement = r.effective_date or max(r.pay_date, made)   # files before 0089 did not record it
                settles = add_banking_days(settlement, SETTLEMENT_DAYS, holidays)
                hits.append("settled" if settles <= as_of else "in_window")
        if r.return_code:
            hits.append("returned")
        if r.status == "returned":
            hits.append("outstanding")
        if r.reissue_of_id is not None:
            hits.append("reissued")
        if r.status == "held":
            hits.append("held")
        if r.status == "pending":
            hits.append("pending")
        for h in hits:
            rec.tallies[h].add(r.amount)
            total.tallies[h].add(r.amount)
    out = sorted(runs.values(), key=lambda x: -x.run_id)
    if status in COLUMNS:
        out = [x for x in out if x.tallies[status].count]
    return out, total


def reconciliation_rows(as_of: date, **filters) -> list[list]:
    out, total = reconcile(as_of, **filters)
    return [x.row() for x in out] + ([total.row()] if out else [])


__all__ = ["COLUMNS", "HEADERS", "LABELS", "SETTLEMENT_DAYS", "reconcile", "reconciliation_rows"]
