"""Form 945 (yearly): the backup withholding taken from contractor payments (released paychecks' backup_withholding
lines, by pay date), the deposits paid for the year (payroll's TaxDeposit, tax "945"), the monthly liabilities.
Exports: json (the content), pdf (the return's lines)."""
from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from flask import render_template

from backoffice.extensions import db
from backoffice.money import ZERO
from backoffice.pdf import render_pdf
from compliance import sources
from compliance.engine import f945 as engine
from compliance.forms import due_by_rule
from compliance.registry import ExportContext, FormSpec, Period, register
from payroll.models_money import TaxDeposit


def gather(year: int, period: Period) -> engine.F945Input:
    first, last = date(year, 1, 1), date(year, 12, 31)
    liabilities = tuple(engine.Liability(p.pay_date, p.amount("employee_tax", "backup_withholding"))
                        for p in sources.paycheck_taxes(first, last, worker_type="contractor")
                        if p.amount("employee_tax", "backup_withholding"))
    paid = db.session.execute(sa.select(TaxDeposit.amount).where(
        TaxDeposit.tax == "945", TaxDeposit.status == "paid",
        TaxDeposit.period_start >= first, TaxDeposit.period_start <= last)).scalars()
    return engine.F945Input(year=year, liabilities=liabilities, deposits=sum(paid, ZERO))


def build(data: engine.F945Input) -> dict:
    return engine.build(data)


def export_json(content: dict, ctx: ExportContext) -> bytes:
    return json.dumps(content, indent=2, sort_keys=True).encode()


def export_pdf(content: dict, ctx: ExportContext) -> bytes:
    e = ctx.employer
    return render_pdf(render_template("pdf/compliance/f945.html", c=content, employer=e,
                                      ein=f"{e['ein'][:2]}-{e['ein'][2:]}"))


SPEC = register(FormSpec(
    code="945", title="Form 945", gather=gather, build=build, summary=engine.summary,
    exports={"json": export_json, "pdf": export_pdf}, due=due_by_rule("945"), order=40))

