"""The reconciliation checks of a year (service layer): gathers what the pure checks compare — the filings'
contents (by the common content keys, through `compliance.services.find`), the ledger's 941 liabilities, the 941
deposits, the ACA months — and runs them (compliance/engine/checks.py). A filing not built yet is itself a finding
("941 2025 Q2 not built") and the checks that need it are skipped.

The domains above compliance (onboarding's I-9s, classification's re-checks) are read through a port: each
registers a source at start-up with `add_check_source(app, name, fn)`, `fn(year, today) -> list[Finding]`, so
compliance never imports them (import-linter's `domains` layers)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Callable

import sqlalchemy as sa
from flask import current_app

from backoffice.clock import clock
from backoffice.errors import NotFound
from backoffice.extensions import db
from backoffice.money import ZERO
from compliance import registry, services as svc
from compliance.engine import checks
from compliance.engine.checks import DepositQuarter, Finding, LedgerQuarter

LEDGER_941 = (("2100", ("federal_income_tax", "social_security", "medicare", "additional_medicare")),
              ("2200", ("social_security", "medicare")))
LEDGER_PAYROLL_KINDS = ("payroll", "reversal", "reissue")      # not deposits or payments (they pay liabilities)
QUARTERS = (1, 2, 3, 4)


def add_check_source(app, name: str, fn: Callable[[int, date], list[Finding]]) -> None:
    """Register the checks of a domain above compliance (name → fn(year, today) → findings)."""
    app.extensions.setdefault("compliance_check_sources", {})[name] = fn


def quarter_bounds(year: int, q: int) -> tuple[date, date]:
    first = date(year, 3 * q - 2, 1)
    last = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def content_of(code: str, year: int, quarter: int = 0, state: str = "") -> dict | None:
    """The content the checks compare: the latest correction's corrected figures when the return was corrected,
    else the original's; None when the form is not registered or its filing not built."""
    if registry.spec(code) is None:
        return None
    try:
        f = svc.find(code, year, quarter, state, latest=True)
    except NotFound:
        return None
    c = f.content or {}
    return c.get("corrected", c) if f.revision else c


def ledger_quarters(year: int) -> tuple[LedgerQuarter, ...]:
    """The ledger's 941 liabilities per quarter: credits less debits to 2100/2200 (income tax withheld, social
    security, Medicare, Additional Medicare) from payroll, reversal and re-issue entries dated in the quarter."""
    from payroll.models_ledger import JournalEntry, JournalLine
    cond = sa.or_(*[sa.and_(JournalLine.account == a, JournalLine.detail.in_(details)) for a, details in LEDGER_941])
    out = []
    for q in QUARTERS:
        first, last = quarter_bounds(year, q)
        credit, debit = db.session.execute(
            sa.select(sa.func.sum(JournalLine.credit), sa.func.sum(JournalLine.debit))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(cond, JournalEntry.kind.in_(LEDGER_PAYROLL_KINDS),
                   JournalEntry.entry_date >= first, JournalEntry.entry_date <= last)).one()
        out.append(LedgerQuarter(q, (credit or ZERO) - (debit or ZERO)))
    return tuple(out)


def deposit_quarters(year: int) -> tuple[DepositQuarter, ...]:
    """The 941 deposits per quarter of their period's end: the liabilities recorded and those paid."""
    from payroll.models_money import TaxDeposit
    rows = db.session.execute(sa.select(TaxDeposit).where(
        TaxDeposit.tax == "941", TaxDeposit.period_end >= date(year, 1, 1),
        TaxDeposit.period_end <= date(year, 12, 31))).scalars().all()
    out = []
    for q in QUARTERS:
        first, last = quarter_bounds(year, q)
        mine = [d for d in rows if first <= d.period_end <= last]
        if not mine:
            continue
        out.append(DepositQuarter(q, sum((d.amount for d in mine), ZERO),
                                  sum((d.amount for d in mine if d.status == "paid"), ZERO),
                                  sum(1 for d in mine if d.status != "paid")))
    return tuple(out)


def aca_facts(year: int) -> tuple[checks.AcaFact, ...]:
    from backoffice.workers.models import Worker
    from benefits.aca_models import AcaMonth
    rows = db.session.execute(
        sa.select(AcaMonth, Worker.first_name, Worker.last_name).join(Worker, Worker.id == AcaMonth.worker_id)
        .where(AcaMonth.year == year, AcaMonth.status == "full_time")).all()
    return tuple(checks.AcaFact(m.worker_id, f"{fn} {ln}", m.month, m.status, m.line14 or "", m.employee_share,
                                m.line16 or "") for m, fn, ln in rows)


def ss_wage_base(year: int) -> Decimal | None:
    from payroll.engine.tables import load_tables
    try:
        return load_tables(year).ss_wage_base
    except Exception:           # no tax tables for that year: the check says so instead of failing
        return None


def run_checks(year: int, today: date | None = None) -> list[Finding]:
    """Every reconciliation check of the year; an empty list is clean. Errors first, then warnings."""
    today = today or clock().today()
    out: list[Finding] = []

    def need(code: str, quarter: int = 0, label: str = "") -> dict | None:
        c = content_of(code, year, quarter)
        label = label or f"{code} {year}" + (f" Q{quarter}" if quarter else "")
        if c is None and registry.spec(code) is not None:
            out.append(checks.not_built(label, year))
        elif c is None:
            out.append(Finding("form_missing", checks.WARNING, f"no {code} form is registered: its checks were "
                               "not run", label))
        return c

    q941 = {q: need("941", q) for q in QUARTERS}
    w3, w2, nec = need("w3"), need("w2"), need("1099-nec")
    out += checks.returns_agree(year, q941, w3, ledger_quarters(year) if any(q941.values()) else ())
    base = ss_wage_base(year)
    if base is None:
        out.append(Finding("no_wage_base", checks.WARNING, f"no social security wage base for {year} in the tax "
                           "tables: wages were not checked against it"))
    else:
        out += checks.ss_wage_base(year, w2, base)
    deposits = deposit_quarters(year)
    out += checks.liabilities_agree(year, q941, deposits)
    out += checks.deposits_agree(year, q941, deposits)
    out += checks.contractor_tins(year, nec)
    out += checks.w2_fica(year, w2)
    out += checks.aca_affordability(year, aca_facts(year))
    for name, fn in sorted((current_app.extensions.get("compliance_check_sources") or {}).items()):
        out += fn(year, today)
    return sorted(out, key=lambda f: (f.severity != checks.ERROR, f.code, f.filing, f.worker_id or 0))
