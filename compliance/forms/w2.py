"""Forms W-2, W-3 and W-2c (service layer): gather the year's released employee paychecks and the employees,
build with compliance.engine.w2 (pure), export the SSA EFW2 file (compliance.engine.efw2) and PDF copies.

- `w2` (yearly, due to SSA and to employees by January 31 of the next year, moved to the next business day):
  exports `efw2` (the SSA wage file, full SSNs through ctx.reveal_tin) and `pdf` (employee copies B, C and 2,
  one page each per employee, SSN truncated to the last four as Treas. Reg. 301.6109-4 allows on employee
  copies; options {"worker_id": id} prints that employee's copies only), `json`. Corrected by `w2c`
  (correct_w2: previously reported and correct amounts per employee).
- `w3` (yearly): the transmittal's totals, exports `json` and `pdf`.
- `w2c`: title and exports (`json`, `pdf`) of a W-2c filing's content; never built on its own (a W-2c is made
  by `filings correct --form w2` from the differences)."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask import render_template

from backoffice.errors import DomainError
from backoffice.extensions import db
from backoffice.pdf import render_pdf
from backoffice.workers.models import Worker
from compliance import sources
from compliance.engine import efw2
from compliance.engine.w2 import W2Input, W2Paycheck, W2Worker, build_w2, build_w3, correct_w2
from compliance.forms import due_by_rule
from compliance.registry import ExportContext, FormSpec, Period, register
from payroll.engine.locals import locality_name
from payroll.engine.tables import load_tables


def gather_w2(year: int, period: Period) -> W2Input:
    """Every released employee paycheck paid in the year, grouped per worker, with the workers' names and
    addresses (last four of the TIN only), the year's social security wage base and the agency's state ids."""
    by_worker: dict[int, list[W2Paycheck]] = defaultdict(list)
    codes: set[tuple[str, str]] = set()      # (line code, locality) of the local lines
    for p in sources.paycheck_taxes(date(year, 1, 1), date(year, 12, 31), "employee"):
        by_worker[p.worker_id].append(W2Paycheck(p.pay_date, p.work_state, p.gross, p.qualified_overtime_premium,
                                                 p.amounts, p.wages, p.locals))
        codes.update((k[1], k[3]) for k in p.locals)
    ids = sorted(by_worker)
    workers = []
    for i in range(0, len(ids), 1000):
        for w in db.session.execute(sa.select(Worker).where(Worker.id.in_(ids[i:i + 1000]))).scalars():
            workers.append(W2Worker(w.id, w.first_name, w.middle_name or "", w.last_name, w.tin_last4 or "",
                                    w.address_line1 or "", w.address_line2 or "", w.city or "", w.state or "",
                                    w.postal_code or "", tuple(by_worker[w.id])))
    regs = sources.employer()["registrations"]
    return W2Input(year=year, ss_wage_base=load_tables(year).ss_wage_base,
                   state_ids={st: r.get("withholding_account") or "" for st, r in regs.items()},
                   workers=tuple(workers), locality_names={
                       loc: locality_name(loc, year) + (" LST" if code == "local_services_tax" else "")
                       for code, loc in sorted(codes)})


def summary_w2(content: dict) -> str:
    if content.get("form") == "w2c":
        return f"{len(content['employees'])} W-2c"
    t = content["totals"]
    return f"{len(content['employees'])} W-2s, wages {t['box1']}, FIT {t['box2']}, SS {t['box4']}, Medicare {t['box6']}"


def summary_w3(content: dict) -> str:
    return f"{content['count']} W-2s, wages {content['box1']}, FIT {content['box2']}"


def _is_w2c(content: dict) -> bool:
    return content.get("form") == "w2c"


def submitter(ctx: ExportContext) -> efw2.Submitter:
    e = ctx.employer
    return efw2.Submitter(ein=e.get("ein", ""), user_id=ctx.settings.get("ssa_bso_user_id", "") or "",
                          name=e.get("name", ""), address=e.get("address", "") or "", city=e.get("city", "") or "",
                          state=e.get("state", "") or "", zip=e.get("zip", "") or "",
                          contact_name=e.get("contact_name", "") or "", contact_phone=e.get("contact_phone", "") or "",
                          contact_email=e.get("contact_email", "") or "")


def export_efw2(content: dict, ctx: ExportContext) -> bytes:
    if _is_w2c(content):
        raise DomainError("a W-2c is filed with SSA in the EFW2C format, which is not written here: export the "
                          "W-2c as pdf or json", code="efw2c_not_supported")
    return efw2.write_efw2(content, submitter(ctx), lambda wid: ctx.reveal_tin("worker", wid),
                           test_file=bool(ctx.options.get("test_file")))


def export_json(content: dict, ctx: ExportContext) -> bytes:
    return json.dumps(content, indent=2, sort_keys=True).encode()


COPIES = (("B", "To Be Filed With Employee's FEDERAL Tax Return"),
          ("C", "For EMPLOYEE'S RECORDS"),
          ("2", "To Be Filed With Employee's State, City, or Local Income Tax Return"))


def _employer_view(ctx: ExportContext) -> dict:
    e = ctx.employer
    ein = e.get("ein", "")
    return {"name": e.get("name", ""), "ein": f"{ein[:2]}-{ein[2:]}" if len(ein) == 9 else ein,
            "lines": [x for x in (e.get("address"), " ".join(x for x in (
                f"{e.get('city', '')},", e.get("state", ""), e.get("zip", "")) if x)) if x]}


def state_local_rows(e: dict) -> list[dict]:
    """Boxes 15-20 as the form's lines: each state's wages and tax, and on the same line (then on lines of their
    own, the state repeated) the local taxes of that state; a local tax of a state with no state line has its own."""
    rows: list[dict] = []
    states = {s["state"]: s for s in e.get("states", [])}
    locals_ = e.get("locals", [])
    for code in sorted(set(states) | {x["state"] for x in locals_}):
        s = states.get(code)
        mine = [x for x in locals_ if x["state"] == code]
        for i in range(max(1, len(mine))):
            rows.append({"state": code, "employer_state_id": s["employer_state_id"] if s else "",
                         "box16": s["box16"] if s and i == 0 else "", "box17": s["box17"] if s and i == 0 else "",
                         "box18": mine[i]["box18"] if i < len(mine) else "",
                         "box19": mine[i]["box19"] if i < len(mine) else "",
                         "box20": mine[i]["box20"] if i < len(mine) else ""})
    return rows or [{"state": "", "employer_state_id": "", "box16": "", "box17": "", "box18": "", "box19": "",
                     "box20": ""}]


def export_w2_pdf(content: dict, ctx: ExportContext) -> bytes:
    if _is_w2c(content):
        return export_w2c_pdf(content, ctx)
    employees = content["employees"]
    if ctx.options.get("worker_id") is not None:          # one employee's copies (the portal, a reprint)
        employees = [e for e in employees if e["worker_id"] == int(ctx.options["worker_id"])]
    if not employees:
        raise DomainError("there are no W-2s for this year" + (" for this worker" if content["employees"] else ""),
                          code="nothing_to_print")
    html = render_template("pdf/compliance/w2.html", year=content["tax_year"], employees=employees,
                           employer=_employer_view(ctx), copies=COPIES, state_local_rows=state_local_rows)
    return render_pdf(html)


def export_w3_pdf(content: dict, ctx: ExportContext) -> bytes:
    html = render_template("pdf/compliance/w3.html", year=content["tax_year"], w3=content,
                           employer=_employer_view(ctx))
    return render_pdf(html)


BOX_NAMES = {"box1": "1 Wages, tips, other compensation", "box2": "2 Federal income tax withheld",
             "box3": "3 Social security wages", "box4": "4 Social security tax withheld",
             "box5": "5 Medicare wages and tips", "box6": "6 Medicare tax withheld", "box7": "7 Social security tips",
             "box8": "8 Allocated tips", "box10": "10 Dependent care benefits", "box11": "11 Nonqualified plans",
             "box13_retirement": "13 Retirement plan"}


def box_name(key: str) -> str:
    if key in BOX_NAMES:
        return BOX_NAMES[key]
    head, _, rest = key.partition("_")
    return {"box12": f"12 Code {rest}", "box14": f"14 {rest}", "box16": f"16 State wages {rest}",
            "box17": f"17 State income tax {rest}", "box18": f"18 Local wages {rest}",
            "box19": f"19 Local income tax {rest}"}.get(head, key)


def export_w2c_pdf(content: dict, ctx: ExportContext) -> bytes:
    if not _is_w2c(content):
        raise DomainError("this filing is not a W-2c", code="not_w2c")
    html = render_template("pdf/compliance/w2c.html", year=content["tax_year"], w2c=content,
                           employer=_employer_view(ctx), box_name=box_name)
    return render_pdf(html)


W2 = register(FormSpec(
    code="w2", title="Form W-2", gather=gather_w2, build=build_w2, summary=summary_w2,
    exports={"efw2": export_efw2, "pdf": export_w2_pdf, "json": export_json},
    correction_form="w2c", correct=correct_w2, due=due_by_rule("w2"), worker_list="employees", order=40))

W3 = register(FormSpec(
    code="w3", title="Form W-3", gather=lambda year, period: build_w2(gather_w2(year, period)), build=build_w3,
    summary=summary_w3, exports={"json": export_json, "pdf": export_w3_pdf}, due=due_by_rule("w2"), order=41))


def _not_built(year: int, period: Period):
    raise DomainError("a W-2c is made from a filed W-2: `backoffice filings correct --form w2 --year YYYY`",
                      code="w2c_from_correction")


W2C = register(FormSpec(
    code="w2c", title="Form W-2c", gather=_not_built, build=lambda data: data,
    summary=lambda c: f"{len(c.get('employees', []))} W-2c",
    exports={"json": export_json, "pdf": export_w2c_pdf}, applies=lambda year: False, order=42))
