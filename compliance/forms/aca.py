"""Forms 1095-C and 1094-C: gathered from the benefits domain's monthly ACA records (`benefit_aca_months`, built
by `backoffice benefits aca-months`) and the paychecks; built by compliance/engine/aca.py; exported as JSON and
PDF (each employee's copy; the transmittal).

The agency's medical plans carry no funding flag: they are taken as insured (the carrier reports coverage on Form
1095-B), so Part III of the 1095-C (covered individuals) is left blank and only full-time employees get a 1095-C.
Set `ACA_SELF_INSURED = True` in the app config for a self-insured plan (then enrolled non-full-time employees get
one too; Part III still needs the covered individuals, which are not gathered yet)."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask import current_app, render_template

from backoffice.extensions import db
from backoffice.pdf import render_pdf
from backoffice.workers.models import Worker
from benefits.aca_models import AcaMonth
from compliance import sources
from compliance.engine import aca
from compliance.registry import ExportContext, FormSpec, Period, register
from payroll.models import Paycheck, released_runs

OFFERED_TO_DEPENDENTS = tuple(sorted(aca.OFFERS_DEPENDENTS))


def _json(content: dict, ctx: ExportContext) -> bytes:
    return json.dumps(content, indent=2, sort_keys=True).encode()


def _employees(year: int) -> list[aca.AcaEmployee]:
    rows = db.session.execute(
        sa.select(AcaMonth.worker_id, AcaMonth.month, AcaMonth.status, AcaMonth.line14, AcaMonth.employee_share,
                  AcaMonth.line16).where(AcaMonth.year == year).order_by(AcaMonth.worker_id, AcaMonth.month)).all()
    months: dict[int, list[aca.AcaMonthRow]] = defaultdict(list)
    for wid, month, status, l14, share, l16 in rows:
        months[wid].append(aca.AcaMonthRow(month, status, l14, share, l16 or ""))
    if not months:
        return []
    workers = db.session.execute(sa.select(Worker).where(Worker.id.in_(list(months)))).scalars()
    return [aca.AcaEmployee(w.id, w.full_name, w.tin_last4, " ".join(x for x in (w.address_line1, w.address_line2)
                                                                        if x),
                            w.city, w.state, w.postal_code, tuple(months[w.id])) for w in workers]


def _self_insured() -> bool:
    return bool(current_app.config.get("ACA_SELF_INSURED", False))


def gather_1095c(year: int, period: Period) -> aca.Aca1095Input:
    return aca.Aca1095Input(year, tuple(_employees(year)), self_insured=_self_insured())


def _total_counts(year: int) -> dict[str, int]:
    """1094-C Part III column (c): employees on the 12th of each month (one of the counting days the instructions
    allow), i.e. workers with a released W-2 paycheck (not a reversal) whose pay period includes that day."""
    out = {}
    for m in range(1, 13):
        day = date(year, m, 12)
        out[f"{m:02d}"] = db.session.execute(
            sa.select(sa.func.count(sa.distinct(Paycheck.worker_id))).where(
                Paycheck.worker_type == "employee", Paycheck.kind != "reversal",
                Paycheck.period_start <= day, Paycheck.period_end >= day,
                Paycheck.run_id.in_(released_runs()))).scalar_one()
    return out


def gather_1094c(year: int, period: Period) -> aca.Aca1094Input:
    """Column (b): full-time employees of the month (AcaMonth status full_time), not counting those in a limited
    non-assessment period (line 16 2D); offered: those of them with an offer to them and their dependents."""
    ft = dict(db.session.execute(
        sa.select(AcaMonth.month, sa.func.count()).where(
            AcaMonth.year == year, AcaMonth.status == "full_time", AcaMonth.line16 != "2D")
        .group_by(AcaMonth.month)).all())
    offered = dict(db.session.execute(
        sa.select(AcaMonth.month, sa.func.count()).where(
            AcaMonth.year == year, AcaMonth.status == "full_time", AcaMonth.line16 != "2D",
            AcaMonth.line14.in_(OFFERED_TO_DEPENDENTS))
        .group_by(AcaMonth.month)).all())
    total = _total_counts(year)
    counts = {f"{m:02d}": (ft.get(m, 0), total[f"{m:02d}"], offered.get(m, 0)) for m in range(1, 13)}
    forms = aca.build_1095c(gather_1095c(year, period))["count"]
    er = sources.employer()
    member = {k: er.get(k, "") for k in ("name", "address", "city", "state", "zip", "contact_name",
                                         "contact_phone")}
    return aca.Aca1094Input(year, member, forms, counts)


def _line(code_map: dict, month: str) -> str:
    return code_map.get("all", code_map.get(month, ""))


def _pdf_1095c(content: dict, ctx: ExportContext) -> bytes:
    """Every employee's copy, one page each (Part I, Part II lines 14–16 by month; the SSN truncated, as the
    instructions allow on the employee's statement). options["worker_id"]: that employee's copy only."""
    employees = content["employees"]
    only = ctx.options.get("worker_id")
    if only:
        employees = [e for e in employees if e["worker_id"] == int(only)]
    html = render_template("pdf/compliance/1095c.html", c=content, employees=employees, er=ctx.employer,
                           months=aca.MONTHS, line=_line)
    return render_pdf(html)


def _pdf_1094c(content: dict, ctx: ExportContext) -> bytes:
    html = render_template("pdf/compliance/1094c.html", c=content, er=ctx.employer, months=aca.MONTHS)
    return render_pdf(html)


def _due_1095c(year: int, period: Period) -> date:
    return date.fromisoformat(aca.due_dates(year)["furnish"])


def _due_1094c(year: int, period: Period) -> date:
    return date.fromisoformat(aca.due_dates(year)["electronic"])


register(FormSpec(
    code="1095-c", title="Form 1095-C", gather=gather_1095c, build=aca.build_1095c,
    summary=lambda c: f"{c['count']} employees; furnish by {c['due']['furnish']}",
    exports={"json": _json, "pdf": _pdf_1095c}, due=_due_1095c, worker_list="employees", order=70,
    correction_form="1095-c", correct=aca.correct_1095c))

register(FormSpec(
    code="1094-c", title="Form 1094-C", gather=gather_1094c, build=aca.build_1094c,
    summary=lambda c: f"{c['line18']} Forms 1095-C; file electronically by {c['due']['electronic']}",
    exports={"json": _json, "pdf": _pdf_1094c}, due=_due_1094c, order=71))
