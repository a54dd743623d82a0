"""A stored paycheck's taxable wages and year to date, in the paycheck quote's words (its `taxable_wages` and `ytd`
objects), derived from what the paycheck stores: the engine input it was computed from (with the year to date
before it) and the year-to-date change it made. One function for the API, the paystub and the portal."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.money import ZERO, D, round_cents
from payroll.engine import tables_for
from payroll.models import Paycheck, PaycheckLine

# The quote's `ytd` fields (payroll.engine.quote_input.YTD_FIELDS), in its order; the stored YTD adds `net`.
YTD_FIELDS = ("gross", "federal_wages", "social_security_wages", "medicare_wages", "futa_wages", "suta_wages",
              "deferrals_401k", "hsa", "fsa", "supplemental", "qualified_overtime_premium", "dcfsa", "employer_401k")
# The quote's `taxable_wages` for an employee: each tax code's wage base is what it added to this YTD field
# (payroll.engine.paycheck: new_ytd = ytd + the wages each tax was computed on).
EMPLOYEE_WAGE_BASES = (("federal_income_tax", "federal_wages"), ("social_security", "social_security_wages"),
                       ("medicare", "medicare_wages"), ("futa", "futa_wages"), ("suta", "suta_wages"))


def paycheck_figures(p: Paycheck) -> dict:
    """{"taxable_wages": {tax code: Decimal}, "ytd": {field: Decimal}} for one stored paycheck, as the quote of
    its input answers: `ytd` is the year to date *after* this paycheck. A reversal's figures are its original's,
    negated (its year to date is the one the reversal leaves); a re-issue's are its original's."""
    return {"taxable_wages": taxable_wages(p), "ytd": ytd_after(p)}


def _sign(p: Paycheck) -> int:
    return -1 if p.reverses_id is not None else 1


def _delta(p: Paycheck) -> dict[str, Decimal]:
    """What this paycheck added to the worker's year to date (a reversal: its original's delta, taken away)."""
    raw = (p.inputs or {}).get("ytd_delta") or {}
    return {f: _sign(p) * D(str(raw[f])) for f in YTD_FIELDS if f in raw}


def _before(engine: dict) -> dict[str, Decimal]:
    raw = engine.get("ytd") or {}
    return {f: D(str(raw.get(f) or 0)) for f in YTD_FIELDS}


def taxable_wages(p: Paycheck) -> dict[str, Decimal]:
    """The wage base of each tax, by the quote's tax codes: an employee's federal income tax, social security,
    Medicare, Additional Medicare, FUTA and SUTA wages; a contractor's payment subject to backup withholding."""
    inputs = p.inputs or {}
    if "copy_of" in inputs:
        source = db.session.get(Paycheck, inputs["copy_of"])
        return {k: round_cents(_sign(p) * v) + ZERO for k, v in taxable_wages(source).items()} if source else {}
    engine = inputs.get("engine")
    if not engine:
        return {}
    if engine.get("worker_type") == "contractor":
        bases = db.session.execute(sa.select(PaycheckLine.taxable_wages).where(
            PaycheckLine.paycheck_id == p.id, PaycheckLine.code == "backup_withholding")).scalars()
        return {"backup_withholding": round_cents(sum((b for b in bases if b is not None), ZERO))}
    delta = {f: D(str(v)) for f, v in (inputs.get("ytd_delta") or {}).items()}
    base = {code: round_cents(delta.get(field, ZERO)) for code, field in EMPLOYEE_WAGE_BASES}
    # Additional Medicare: this paycheck's Medicare wages above the year's threshold (IRC 3102(f)), the engine's rule.
    threshold = tables_for(p.pay_date).addl_medicare_threshold
    before = _before(engine)["medicare_wages"]
    after = before + base["medicare"]
    over = max(after - threshold, ZERO) - max(before - threshold, ZERO)
    return {"federal_income_tax": base["federal_income_tax"], "social_security": base["social_security"],
            "medicare": base["medicare"], "additional_medicare": round_cents(over), "futa": base["futa"],
            "suta": base["suta"]}


def ytd_after(p: Paycheck) -> dict[str, Decimal]:
    """The year to date including this paycheck: the engine's year to date before it plus what it added. A
    paycheck that carries no engine input (a reversal or re-issue) starts from the latest earlier paycheck of the
    worker's tax year that does, and adds what every paycheck since added."""
    engine = (p.inputs or {}).get("engine")
    added = _delta(p)
    if engine:
        start = _before(engine)
    else:
        start = {f: ZERO for f in YTD_FIELDS}
        earlier = db.session.execute(
            sa.select(Paycheck).where(Paycheck.worker_id == p.worker_id, Paycheck.tax_year == p.tax_year,
                                      Paycheck.worker_type == p.worker_type,
                                      sa.or_(Paycheck.pay_date < p.pay_date,
                                             sa.and_(Paycheck.pay_date == p.pay_date, Paycheck.id < p.id)))
            .order_by(Paycheck.pay_date.desc(), Paycheck.id.desc())).scalars()
        for q in earlier:
            for f, v in _delta(q).items():
                added[f] = added.get(f, ZERO) + v
            q_engine = (q.inputs or {}).get("engine")
            if q_engine:
                start = _before(q_engine)
                break
    return {f: round_cents(start[f] + added.get(f, ZERO)) for f in YTD_FIELDS}
