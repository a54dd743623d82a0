"""Line explanations for stored paychecks: kept words, or the engine replayed on the stored input."""
from __future__ import annotations

import json

import sqlalchemy as sa

from backoffice.extensions import db
from payroll.engine import calculate_paycheck, tables_for
from payroll.models import Paycheck, PaycheckLine

from .calc import result_lines
from .paycheck_inputs import to_engine_input


def line_explanations(p: Paycheck, lines: list[PaycheckLine] | None = None) -> dict[int, list[str]]:
    """{line id: explanation steps} for every line of the paycheck (`lines`: the paycheck's lines in id order, when
    the caller has them). Large runs do not store the words; the engine is pure and its input is stored on the
    paycheck, so replaying it gives the same lines and steps."""
    if lines is None:
        lines = list(db.session.execute(sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == p.id)
                                        .order_by(PaycheckLine.id)).scalars())
    if all(ln.explanation for ln in lines):
        return {ln.id: list(ln.explanation) for ln in lines}
    source = p
    if "copy_of" in (p.inputs or {}):
        source = db.session.get(Paycheck, p.inputs["copy_of"])
    obj = (source.inputs or {}).get("engine")
    if not obj:
        return {}
    inp = to_engine_input(obj)
    result = calculate_paycheck(inp, tables_for(inp.pay_date))
    replayed = result_lines(result, obj, source.inputs.get("labels") or [e["code"] for e in obj["earnings"]], True)
    out = {}
    for ln, row in zip(lines, replayed):
        if (ln.kind, ln.code, ln.state) == (row[1], row[2], row[3]):
            out[ln.id] = json.loads(row[8])
    return out
