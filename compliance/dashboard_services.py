"""What the compliance dashboard shows (service layer: reads only): the calendar's late and due-soon items, the
checks' findings, the year's filings by status, and the charts (liabilities vs deposits per month, filings by
status) as backoffice.charts data."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from backoffice.charts import Bar, Chart
from backoffice.extensions import db
from backoffice.money import ZERO
from compliance import calendar_services
from compliance.check_services import run_checks
from compliance.engine import calendar as cal
from compliance.engine.checks import Finding
from compliance.models import FilingStatus, Filing


@dataclass(frozen=True)
class Dashboard:
    year: int
    today: date
    items: list[cal.DueItem]
    attention: list[cal.DueItem]
    findings: list[Finding]
    filings: list[Filing]
    charts: list[Chart]

    @property
    def late(self) -> int:
        return sum(1 for i in self.attention if i.status == cal.LATE)

    @property
    def due_soon(self) -> int:
        return sum(1 for i in self.attention if i.status == cal.DUE_SOON)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")


def liabilities_chart(year: int) -> Chart:
    """Per month of the year: tax liabilities recorded by the deposit schedule (by the month their period ends)
    against deposits paid (by the month paid)."""
    from payroll.models_money import TaxDeposit
    owed: dict[str, Decimal] = {}
    paid: dict[str, Decimal] = {}
    for d in db.session.execute(sa.select(TaxDeposit).where(
            sa.or_(sa.and_(TaxDeposit.period_end >= date(year, 1, 1), TaxDeposit.period_end <= date(year, 12, 31)),
                   sa.and_(TaxDeposit.paid_on >= date(year, 1, 1), TaxDeposit.paid_on <= date(year, 12, 31))))
            ).scalars():
        if d.period_end.year == year:
            k = d.period_end.strftime("%Y-%m")
            owed[k] = owed.get(k, ZERO) + d.amount
        if d.status == "paid" and d.paid_on and d.paid_on.year == year:
            k = d.paid_on.strftime("%Y-%m")
            paid[k] = paid.get(k, ZERO) + d.amount
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    bars = tuple(Bar(m, (owed.get(m, ZERO), paid.get(m, ZERO))) for m in months if m in owed or m in paid)
    return Chart("liabilities_deposits", f"Tax liabilities and deposits, {year}", bars,
                 series=("Liabilities", "Deposits paid"), unit="usd", category="Month",
                 empty="No tax deposits recorded for the year.", kind="column",
                 note="liabilities by the month their deposit period ends; deposits by the month paid")


def status_chart(year: int, filings: list[Filing]) -> Chart:
    counts = Counter(f.status for f in filings)
    bars = tuple(Bar(s, (Decimal(counts[s]),)) for s in (x.value for x in FilingStatus)
                 if counts[s])
    return Chart("filings_status", f"Filings by status, {year}", bars, category="Status",
                 empty="No filings built for the year.")


def dashboard(year: int, today: date) -> Dashboard:
    filings = list(db.session.execute(sa.select(Filing).where(Filing.tax_year == year)
                                      .order_by(Filing.form, Filing.quarter, Filing.state, Filing.revision)).scalars())
    return Dashboard(year, today, calendar_services.year_items(year, today), calendar_services.attention(today),
                     run_checks(year, today), filings, [liabilities_chart(year), status_chart(year, filings)])
