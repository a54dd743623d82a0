"""Form 941 per quarter (with Schedule B), its per-paycheck detail (`941-detail`, CSV) and Form 941-X: the specs,
what they read from the books, and their exports. The figures are compliance.engine.f941's.

Read here: released employee paychecks of the quarter (compliance.sources.paycheck_taxes; a reversal's wages
are negative like its amounts), their pay periods (line 1),
the 941 deposits paid for the quarter (TaxDeposit tax 941, status paid, period starting in the quarter: line 13),
and the depositor schedule (payroll.engine.deposits from the ledger's lookback total, as payroll plans deposits;
semiweekly also after a $100,000 next-day deposit since January 1 of the prior year)."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import render_template

from backoffice.errors import DomainError
from backoffice.extensions import db
from backoffice.money import ZERO
from backoffice.pdf import render_pdf
from compliance import registry, sources
from compliance.engine import f941 as engine
from compliance.forms import due_by_rule
from compliance.registry import ExportContext, FormSpec, Period
from payroll.calendar import holidays_between
from payroll.engine import deposits as schedule
from payroll.models import Paycheck
from payroll.models_money import TaxDeposit

FED = ""


def _holidays(start: date, end: date) -> frozenset[date]:
    try:
        return holidays_between(start, end)
    except DomainError:                 # no banking calendar for the year: weekends only
        return frozenset()


def row_of(pt: sources.PaycheckTaxes, period: tuple | None = None, reversed_: bool = False) -> engine.PaycheckRow:
    """One paycheck's federal figures (a reversal's wages negative like its amounts)."""
    def wage(kind: str, code: str):
        return pt.wage(kind, code)

    medicare_wages = wage("employee_tax", "medicare")
    if ("employee_tax", "federal_income_tax", FED) in pt.wages:
        wages = wage("employee_tax", "federal_income_tax")
    else:       # no income tax withheld, so no line carries the wage: Medicare wages less the 401(k) deferral
        wages = medicare_wages - pt.amount("pretax_deduction", "401k")
    return engine.PaycheckRow(
        paycheck_id=pt.paycheck_id, worker_id=pt.worker_id, pay_date=pt.pay_date, kind=pt.kind,
        period_start=period[0] if period else None, period_end=period[1] if period else None, reversed=reversed_,
        gross=pt.gross, wages=wages, fit=pt.amount("employee_tax", "federal_income_tax"),
        ss_wages=wage("employee_tax", "social_security"), medicare_wages=medicare_wages,
        add_medicare_wages=wage("employee_tax", "additional_medicare"),
        ss_employee=pt.amount("employee_tax", "social_security"),
        ss_employer=pt.amount("employer_tax", "social_security"),
        medicare_employee=pt.amount("employee_tax", "medicare"),
        medicare_employer=pt.amount("employer_tax", "medicare"),
        add_medicare=pt.amount("employee_tax", "additional_medicare"))


def quarter_rows(year: int, quarter: int) -> tuple[engine.PaycheckRow, ...]:
    first, last = engine.quarter_bounds(year, quarter)
    taxes = list(sources.paycheck_taxes(first, last, "employee"))
    ids = [pt.paycheck_id for pt in taxes]
    periods: dict[int, tuple] = {}
    reversed_ids: set[int] = set()
    for chunk in (ids[i:i + 5000] for i in range(0, len(ids), 5000)):
        periods.update({pid: (ps, pe) for pid, ps, pe in db.session.execute(
            sa.select(Paycheck.id, Paycheck.period_start, Paycheck.period_end).where(Paycheck.id.in_(chunk)))})
        reversed_ids.update(db.session.execute(sa.select(Paycheck.reverses_id).where(
            Paycheck.reverses_id.in_(chunk), Paycheck.pay_date <= last)).scalars())
    return tuple(row_of(pt, periods.get(pt.paycheck_id), pt.paycheck_id in reversed_ids) for pt in taxes)


def paid_deposits(tax: str, first: date, last: date) -> Decimal:
    total = db.session.execute(sa.select(sa.func.coalesce(sa.func.sum(TaxDeposit.amount), 0)).where(
        TaxDeposit.tax == tax, TaxDeposit.status == "paid", TaxDeposit.state == "",
        TaxDeposit.period_start >= first, TaxDeposit.period_start <= last)).scalar()
    return ZERO + Decimal(total)


def depositor(year: int, quarter_end: date) -> tuple[str, str]:
    """monthly | semiweekly for the quarter, and why (Pub. 15 section 11: the lookback total; a next-day deposit
    makes a monthly depositor semiweekly for the rest of that year and the next)."""
    from payroll.services.deposits import ledger_lookback_total

    kind, why = schedule.depositor_schedule(ledger_lookback_total(year))
    if kind == schedule.MONTHLY:
        nd = db.session.execute(sa.select(TaxDeposit.period_end).where(
            TaxDeposit.tax.in_(("941", "945")), TaxDeposit.rule.like("next-day%"),
            TaxDeposit.period_end >= date(year - 1, 1, 1), TaxDeposit.period_end <= quarter_end)
            .order_by(TaxDeposit.period_end).limit(1)).scalar()
        if nd is not None:
            kind, why = schedule.SEMIWEEKLY, f"{why}; a $100,000 next-day deposit on {nd}: semiweekly since"
    return kind, why


def gather(year: int, period: Period) -> engine.Quarter:
    first, last = engine.quarter_bounds(year, period.quarter)
    kind, why = depositor(year, last)
    return engine.Quarter(year, period.quarter, quarter_rows(year, period.quarter),
                          deposits=paid_deposits("941", first, last), depositor=kind, depositor_why=why)


def gather_detail(year: int, period: Period) -> tuple[int, int, tuple]:
    return year, period.quarter, quarter_rows(year, period.quarter)


# ------------------------------------------------------------------------------------------------ exports
def _json(obj) -> bytes:
    return (json.dumps(obj, indent=2, sort_keys=False) + "\n").encode()


def _is_x(content: dict) -> bool:
    return "original" in content and "corrected" in content


def export_json(content: dict, ctx: ExportContext) -> bytes:
    if _is_x(content):                          # a correction filing of a 941 holds the 941-X
        return export_x_json(content, ctx)
    return _json(engine.interface(content))


def export_pdf(content: dict, ctx: ExportContext) -> bytes:
    if _is_x(content):
        return export_x_pdf(content, ctx)
    return render_pdf(render_template("pdf/compliance/f941.html", c=content, employer=ctx.employer,
                                      keys=engine.LINE_KEYS))


def export_detail_csv(content: dict, ctx: ExportContext) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(engine.DETAIL_COLUMNS)
    w.writerows(content["rows"])
    return buf.getvalue().encode()


def export_x_json(content: dict, ctx: ExportContext) -> bytes:
    return _json({k: content[k] for k in ("year", "quarter", "lines", "total", "line12_difference",
                                          "overreported")})


def export_x_pdf(content: dict, ctx: ExportContext) -> bytes:
    return render_pdf(render_template("pdf/compliance/f941x.html", c=content, employer=ctx.employer))


F941 = registry.register(FormSpec(
    code="941", title="Form 941", gather=gather, build=engine.build, periods=registry.quarterly,
    summary=engine.summary, exports={"json": export_json, "pdf": export_pdf}, correction_form="941-x",
    correct=engine.correct, due=due_by_rule("941"), order=10))

F941_DETAIL = registry.register(FormSpec(
    code="941-detail", title="Form 941 detail (per paycheck)",
    gather=gather_detail, build=lambda data: engine.detail(*data), periods=registry.quarterly,
    summary=engine.detail_summary, exports={"csv": export_detail_csv}, due=due_by_rule("941"), order=11))

# 941-X is never built on its own: `filings correct --form 941` makes it (a correction filing of the 941);
# registered for its title and exports, and so `filings export --form 941-x` finds the latest correction.
F941X = registry.register(FormSpec(
    code="941-x", title="Form 941-X", gather=lambda year, period: None, build=lambda data: {},
    periods=registry.quarterly, summary=lambda c: engine.x_summary(c) if "total" in c else "",
    exports={"json": export_x_json, "pdf": export_x_pdf}, applies=lambda year: False, order=12))
