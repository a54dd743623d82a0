"""Form 940 (yearly FUTA return) with Schedule A: the spec, what it reads, its exports. Figures:
compliance.engine.f940.

Read here: the year's released employee paychecks (compliance.sources.paycheck_taxes): line 3's payments are the
Medicare wages (a reversal's negative) plus the pre-tax deductions exempt from FICA and FUTA
(payroll.engine.model.PRETAX_TREATMENT: cafeteria plan, HSA, FSA, dependent care, commuter), which are line 4;
the paycheck's work state decides the Schedule A state. Deposits: TaxDeposit tax 940, paid, period in the year."""
from __future__ import annotations

import json
from datetime import date

from flask import render_template

from backoffice.money import ZERO
from backoffice.pdf import render_pdf
from compliance import registry, sources
from compliance.engine import f940 as engine
from compliance.forms.f941 import paid_deposits
from compliance.forms import due_by_rule
from compliance.registry import ExportContext, FormSpec, Period
from payroll.engine.model import PRETAX_TREATMENT

FUTA_EXEMPT = tuple(code for code, (_fit, fica) in PRETAX_TREATMENT.items() if fica)


def payment_of(pt: sources.PaycheckTaxes) -> engine.Payment:
    exempt = sum((pt.amount("pretax_deduction", code) for code in FUTA_EXEMPT), ZERO)
    return engine.Payment(pt.paycheck_id, pt.worker_id, pt.pay_date, pt.work_state,
                          pt.wage("employee_tax", "medicare") + exempt, exempt)


def gather(year: int, period: Period) -> engine.Year:
    first, last = date(year, 1, 1), date(year, 12, 31)
    return engine.Year(year, tuple(payment_of(pt) for pt in sources.paycheck_taxes(first, last, "employee")),
                       deposits=paid_deposits("940", first, last))


def export_json(content: dict, ctx: ExportContext) -> bytes:
    return (json.dumps(engine.interface(content), indent=2) + "\n").encode()


def export_pdf(content: dict, ctx: ExportContext) -> bytes:
    return render_pdf(render_template("pdf/compliance/f940.html", c=content, employer=ctx.employer))


F940 = registry.register(FormSpec(
    code="940", title="Form 940", gather=gather, build=engine.build, summary=engine.summary,
    exports={"json": export_json, "pdf": export_pdf}, due=due_by_rule("940"), order=20))
