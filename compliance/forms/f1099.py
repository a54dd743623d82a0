"""Form 1099-NEC (and its corrected return, `1099-nec-c`): gather the year's released contractor payments per
contractor, build with compliance.engine.f1099, export as CSV, the IRS FIRE file (Pub 1220, tax year 2025 and
earlier), the IRIS portal CSV (columns not confirmed: see compliance/engine/iris.py) and recipient Copy B PDFs.

A correction is stored as a filing of form `1099-nec` with revision ≥ 1 (compliance.services.correct) whose content
has `kind: "corrected"`; the exports here look at the content, so `filings export --form 1099-nec-c` (the latest
correction) and the same filing reached through its base form write the corrected return."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import render_template

from backoffice.clock import clock
from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.extensions import db
from backoffice.money import ZERO, D
from backoffice.pdf import render_pdf
from backoffice.workers.models import Worker
from backoffice.workers.profile import W9Form
from compliance import sources
from compliance.engine import f1099 as engine, fire, iris
from compliance.forms import due_by_rule
from compliance.registry import ExportContext, FormSpec, Period, register

CSV_COLUMNS = ["payer_tin", "recipient_tin", "recipient_tin_type", "recipient_name", "address", "city", "state",
               "zip", "box1", "box4"]


@dataclass(frozen=True)
class Gathered:
    year: int
    contractors: list[engine.Contractor]


def _state_ids() -> dict[str, str]:
    try:
        regs = sources.employer()["registrations"]
    except DomainError:
        return {}
    return {st: (r.get("withholding_account") or "") for st, r in regs.items()}


def _latest_w9(ids: list[int]) -> dict[int, W9Form]:
    """Each contractor's latest W-9: line 1 (the name on their tax return) is the recipient's name, line 2 the
    business name (Instructions for Forms 1099-MISC and 1099-NEC: the name that goes with the TIN)."""
    out: dict[int, W9Form] = {}
    for i in range(0, len(ids), 900):
        for f in db.session.execute(sa.select(W9Form).where(W9Form.worker_id.in_(ids[i:i + 900]))
                                    .order_by(W9Form.worker_id, W9Form.id)).scalars():
            out[f.worker_id] = f
    return out


def gather(year: int, period: Period) -> Gathered:
    """Every contractor paid in the year (released runs; reversals net out): box 1 the gross, box 4 the backup
    withholding lines, per state the state income tax withheld and the income it was withheld on."""
    acc: dict[int, dict] = defaultdict(lambda: {"box1": ZERO, "box4": ZERO,
                                                "states": defaultdict(lambda: [ZERO, ZERO])})
    for p in sources.paycheck_taxes(date(year, 1, 1), date(year, 12, 31), worker_type="contractor"):
        a = acc[p.worker_id]
        a["box1"] += p.gross
        a["box4"] += p.amount("employee_tax", "backup_withholding")
        for st, amount in p.by_state("employee_tax", "state_income_tax").items():
            s = a["states"][st]
            s[0] += amount
            s[1] += p.wages.get(("employee_tax", "state_income_tax", st), p.gross)
    ids = sorted(acc)
    workers: dict[int, Worker] = {}
    for i in range(0, len(ids), 900):
        for w in db.session.execute(sa.select(Worker).where(Worker.id.in_(ids[i:i + 900]))).scalars():
            workers[w.id] = w
    w9 = _latest_w9(ids)
    state_ids = _state_ids()
    out = []
    for wid in ids:
        w, a = workers[wid], acc[wid]
        form = w9.get(wid)
        out.append(engine.Contractor(
            worker_id=wid, name=(form.legal_name if form and form.legal_name else w.full_name),
            business_name=(form.business_name if form else ""),
            tin_type="EIN" if w.tin_type == "ein" else "SSN",
            tin_last4=w.tin_last4 or "", address=" ".join(x for x in (w.address_line1, w.address_line2) if x),
            city=w.city, state=w.state, zip=w.postal_code, box1=a["box1"], box4=a["box4"],
            states=tuple(engine.StateAmount(st, v[0], v[1], state_ids.get(st, ""))
                         for st, v in sorted(a["states"].items()))))
    return Gathered(year, out)


def build(data: Gathered) -> dict:
    return engine.build(data.year, data.contractors)


def _corrected(content: dict) -> bool:
    return content.get("kind") == "corrected"


def _tins(content: dict, ctx: ExportContext) -> dict[int, str]:
    """Full TINs of the recipients who gave one (each lookup is counted in the export's audit row)."""
    return {r["worker_id"]: ctx.reveal_tin("worker", r["worker_id"])
            for r in content["recipients"] if not r.get("tin_missing")}


def _copies(content: dict) -> list[dict]:
    """The returns an export writes: the recipients, and for a corrected return its late originals after them
    (recipients who were not on the filed return: original returns, no "G")."""
    return list(content["recipients"]) + (list(content.get("late_originals", [])) if _corrected(content) else [])


def export_csv(content: dict, ctx: ExportContext) -> bytes:
    """One row per recipient, the columns the issue names (a corrected return adds `corrected`: "G" for a
    corrected return, blank for a late original)."""
    corrected = _corrected(content)
    rows = _copies(content)
    tins = _tins({"recipients": rows}, ctx)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS + (["corrected"] if corrected else []))
    for r in rows:
        w.writerow([ctx.employer["ein"], tins.get(r["worker_id"], ""), r["tin_type"], r["name"], r["address"],
                    r["city"], r["state"], r["zip"], r["box1"], r["box4"]] + ([r.get("corrected", "")] if corrected
                                                                             else []))
    return buf.getvalue().encode("utf-8")


def _transmitter(ctx: ExportContext) -> tuple[fire.Transmitter, fire.Payer]:
    e = ctx.employer
    t = fire.Transmitter(tin=e["ein"], tcc=(ctx.settings.get("irs_tcc") or ""), name=e["name"],
                         address=e["address"], city=e["city"], state=e["state"], zip=e["zip"],
                         contact_name=e.get("contact_name", ""), contact_phone=e.get("contact_phone", ""),
                         contact_email=e.get("contact_email", ""))
    p = fire.Payer(tin=e["ein"], name=e["name"], address=e["address"], city=e["city"], state=e["state"],
                   zip=e["zip"], phone=e.get("phone") or e.get("contact_phone", ""))
    return t, p


def export_fire(content: dict, ctx: ExportContext) -> bytes:
    return _fire(content["recipients"], content, ctx)


def export_fire_late(content: dict, ctx: ExportContext) -> bytes:
    """A corrected return's late originals as an original FIRE file (original and corrected returns are not
    mixed in one file)."""
    if not _corrected(content):
        raise ValidationFailed([Issue("format", "fire-late is the late original returns of a corrected 1099-NEC "
                                      "(--form 1099-nec-c); export this return as fire", code="unknown_format")])
    return _fire(content.get("late_originals", []), content, ctx)


def _fire(recipients: list[dict], content: dict, ctx: ExportContext) -> bytes:
    """The FIRE file (Publication 1220) for the year: T, A, B per recipient, C, (K per CF/SF state when the
    `cfsf` option is set), F. A corrected return writes only its corrected B records, with "G" in position 6;
    late originals go in an original file of their own. Refused without BACKOFFICE_IRS_TCC, and for tax years
    from 2026 (FIRE is retired: IRIS)."""
    year = int(content.get("year") or content.get("corrected", {}).get("year"))
    if year >= 2026:
        raise ValidationFailed([Issue("format", f"FIRE takes information returns up to tax year 2025; file {year} "
                                      "through IRIS (format iris-csv)", code="fire_retired")])
    t, p = _transmitter(ctx)
    fire.check(t, p)                          # before any TIN is revealed
    if not recipients:
        raise DomainError(f"the {year} 1099-NEC has no returns for this file: nothing to file", code="empty_file")
    tins = _tins({"recipients": recipients}, ctx)
    cfsf = bool(ctx.options.get("cfsf"))
    payees = []
    for r in recipients:
        states = r.get("states") or []
        payees.append(fire.Payee(
            tin_type=r["tin_type"], tin=tins.get(r["worker_id"], ""), name=r["name"],
            name_2=r.get("business_name", ""), address=r["address"],
            city=r["city"], state=r["state"], zip=r["zip"], account=f"W{r['worker_id']}",
            amounts={"1": D(r["box1"]), "4": D(r["box4"])}, corrected=r.get("corrected", ""),
            state_tax_withheld=sum((D(s["box5"]) for s in states), ZERO),
            cfsf_state=states[0]["state"] if len(states) == 1 else ""))
    return fire.write(year, t, p, payees, test_file=bool(ctx.options.get("test_file")),
                      prior_year=year < clock().today().year - 1, cfsf=cfsf)


def export_iris(content: dict, ctx: ExportContext) -> bytes:
    """The IRIS Taxpayer Portal CSV (columns are this product's names: the template's header row could not be
    confirmed, see compliance/engine/iris.py)."""
    year = int(content.get("year") or content.get("corrected", {}).get("year"))
    if len(_copies(content)) > iris.MAX_ROWS:
        raise DomainError(f"{len(_copies(content))} returns: the IRIS portal takes {iris.MAX_ROWS} a file; "
                          "use IRIS A2A for this volume", code="too_many_rows")
    return iris.write(year, ctx.employer, _copies(content), _tins({"recipients": _copies(content)}, ctx))


def _mask(r: dict) -> str:
    last4 = r.get("tin_last4") or ""
    if not last4:
        return "(none given)"
    return f"**-***{last4}" if r["tin_type"] == "EIN" else f"***-**-{last4}"


def export_pdf(content: dict, ctx: ExportContext) -> bytes:
    """Copy B for each recipient, one page each, looking like the form (the recipient's TIN truncated to its last
    four digits, as the instructions allow on recipient statements; the payer's EIN in full)."""
    year = int(content.get("year") or content.get("corrected", {}).get("year"))
    e = ctx.employer
    html = render_template("pdf/compliance/f1099_nec.html", year=year, employer=e,
                           payer_tin=f"{e['ein'][:2]}-{e['ein'][2:]}",
                           recipients=[dict(r, tin_masked=_mask(r), states=(r.get("states") or [])[:2])
                                       for r in _copies(content)])
    return render_pdf(html)


# One dict for both specs: a correction is stored as a `1099-nec` filing (revision ≥ 1), so the services export
# it through this spec; the functions look at the content.
_EXPORTS = {"csv": export_csv, "fire": export_fire, "fire-late": export_fire_late, "iris-csv": export_iris,
            "pdf": export_pdf}


def _applies(year: int) -> bool:
    return year in engine.known_years()


SPEC = register(FormSpec(
    code="1099-nec", title="Form 1099-NEC", gather=gather, build=build, summary=engine.summary,
    exports=_EXPORTS, correction_form="1099-nec-c", correct=engine.correct, due=due_by_rule("1099-nec"), applies=_applies,
    worker_list="recipients", order=60))

CORRECTED = register(FormSpec(
    code="1099-nec-c", title="Form 1099-NEC (corrected)", gather=gather, build=build,
    summary=engine.corrected_summary, exports=_EXPORTS,
    applies=lambda year: False,              # never built on its own: `filings correct --form 1099-nec` makes it
    worker_list="recipients", order=61))


def threshold_of(year: int) -> Decimal:
    """The year's reporting threshold (for the checks: contractors over it need a TIN)."""
    return engine.threshold(year).amount
