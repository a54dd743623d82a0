"""Form W-2 and W-3 figures, pure: each employee's released paychecks of the year in, the boxes out (a JSON-ready
dict, money as strings with two decimals). Reversals are negative paychecks, so summing nets them out.

Where each box comes from (General Instructions for Forms W-2 and W-3; paycheck lines as payroll stores them):
- box 1 wages: per paycheck, the federal income tax line's taxable wages; a paycheck without that line (nothing
  withheld: payroll drops zero lines) counts its wages = gross less reimbursements (not wages) less the pre-tax
  deductions the engine excludes from income tax wages (PRETAX_TREATMENT: 401(k), section 125, HSA, FSA, DCFSA,
  commuter).
- box 2: federal income tax withheld. box 3/4: social security wages (the engine's, capped at the year's wage
  base; not re-capped here, so the reconciliation check can see an excess) and tax. box 5/6: Medicare wages and
  Medicare + Additional Medicare tax. box 10: dependent care (DCFSA) deductions.
- box 12: D 401(k) deferrals, AA Roth 401(k), W employer + employee (pre-tax) HSA, DD employer + employee cost
  of employer-sponsored health coverage (section 125 premiums + employer health contributions), TT qualified
  overtime compensation (tax years 2026 on: 2026 Form W-2; 2025 has transition relief, IR-2025-82).
- box 13 retirement plan: a 401(k) or Roth 401(k) deferral or an employer match in the year.
- box 14: state programs withheld from the employee (CA SDI, NY SDI and PFL, WA PFML and LTC ...), labelled.
- boxes 15–17 per state: the state income tax lines' tax, and their taxable wages when the line carries them
  (payroll stores none on state lines today: then the paycheck's box 1 wages, i.e. state wages = federal wages);
  a paycheck in a state with state income tax lines but none on it (nothing withheld) adds its box 1 wages to
  its work state.
- boxes 18–20: one row per local tax withheld from the employee (the paycheck lines with a `locality`: city,
  school district, PA EIT and LST, transit), keyed by state and locality: box 18 the wages the lines were computed
  on (the paycheck's box 1 wages when a line carries none), box 19 the tax, box 20 the locality's name
  (W2Input.locality_names, else its code)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Mapping

from backoffice.money import ZERO, round_cents

Key = tuple[str, str, str]          # (line kind, code, state)

# Pre-tax deduction codes excluded from federal income tax wages (payroll.engine.model.PRETAX_TREATMENT[code][0]).
FIT_EXEMPT_PRETAX = ("401k", "section125", "hsa", "fsa", "dcfsa", "commuter")
NONWAGE_EARNINGS = ("reimbursement",)

# Box 14 labels for state programs withheld from employees; (state, code) first, then the code alone.
BOX14_LABELS = {
    ("NJ", "state_disability"): "NJ DI", ("NJ", "state_family_leave"): "NJ FLI",
    ("NJ", "state_unemployment_employee"): "NJ UI/WF/SWF",
    ("NY", "state_family_leave"): "NY PFL", ("NY", "state_disability"): "NY SDI",
    ("CA", "state_disability"): "CA SDI",
}
BOX14_CODES = {"state_disability": "SDI", "state_family_leave": "PFL", "state_pfml": "PFML", "state_ltc": "LTC",
               "state_unemployment_employee": "UI"}

# Box 12 codes this payroll produces, in the order of the form's code list.
BOX12_ORDER = ("D", "W", "AA", "DD", "TT")
# W-3 box 12a "Deferred compensation": the codes D–H, S, Y, AA, BB and EE of every W-2 (W-3 instructions).
W3_DEFERRED_CODES = ("D", "E", "F", "G", "H", "S", "Y", "AA", "BB", "EE")
FIRST_TT_YEAR = 2026


@dataclass(frozen=True)
class W2Paycheck:
    """One released paycheck's sums (compliance.sources.PaycheckTaxes, the fields this needs)."""

    pay_date: date
    work_state: str
    gross: Decimal
    qualified_overtime_premium: Decimal
    amounts: Mapping[Key, Decimal] = field(default_factory=dict)
    wages: Mapping[Key, Decimal] = field(default_factory=dict)
    # local lines: (kind, code, state, locality) -> (amount, taxable wages or None)
    locals: Mapping[tuple[str, str, str, str], tuple[Decimal, Decimal | None]] = field(default_factory=dict)

    def amount(self, kind: str, code: str, state: str = "") -> Decimal:
        return self.amounts.get((kind, code, state), ZERO)


@dataclass(frozen=True)
class W2Worker:
    worker_id: int
    first_name: str
    middle_name: str
    last_name: str
    tin_last4: str
    address: str
    address2: str
    city: str
    state: str
    zip: str
    paychecks: tuple[W2Paycheck, ...]


@dataclass(frozen=True)
class W2Input:
    year: int
    ss_wage_base: Decimal                       # the year's, from payroll's tables (2025 176,100; 2026 184,500)
    state_ids: Mapping[str, str]                # state → the employer's state withholding account
    workers: tuple[W2Worker, ...]
    locality_names: Mapping[str, str] = field(default_factory=dict)   # locality code → box 20 name


def m(amount: Decimal) -> str:
    """Money as the content keeps it: two decimals."""
    return f"{round_cents(amount + ZERO):.2f}"


def _fit_wages(p: W2Paycheck) -> Decimal:
    key = ("employee_tax", "federal_income_tax", "")
    if key in p.wages:
        return p.wages[key]
    nonwage = sum((p.amount("earning", c) for c in NONWAGE_EARNINGS), ZERO)
    exempt = sum((p.amount("pretax_deduction", c) for c in FIT_EXEMPT_PRETAX), ZERO)
    return p.gross - nonwage - exempt


def employee_w2(w: W2Worker, inp: W2Input) -> dict | None:
    """One employee's W-2 boxes; None when the year nets to nothing (e.g. a paycheck reversed and not re-issued)."""
    box = defaultdict(lambda: ZERO)
    codes = defaultdict(lambda: ZERO)
    b14 = defaultdict(lambda: ZERO)
    st_wages, st_tax = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    lo_wages, lo_tax = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)      # by (state, locality)
    sit_states = {k[2] for p in w.paychecks for k in p.amounts if k[:2] == ("employee_tax", "state_income_tax")}
    retirement = False
    for p in w.paychecks:
        fit_wages = _fit_wages(p)
        box[1] += fit_wages
        box[2] += p.amount("employee_tax", "federal_income_tax")
        box[3] += p.wages.get(("employee_tax", "social_security", ""), ZERO)
        box[4] += p.amount("employee_tax", "social_security")
        box[5] += p.wages.get(("employee_tax", "medicare", ""), ZERO)
        box[6] += p.amount("employee_tax", "medicare") + p.amount("employee_tax", "additional_medicare")
        box[10] += p.amount("pretax_deduction", "dcfsa")
        codes["D"] += p.amount("pretax_deduction", "401k")
        codes["AA"] += p.amount("posttax_deduction", "roth_401k")
        codes["W"] += p.amount("pretax_deduction", "hsa") + p.amount("employer_contribution", "hsa_employer")
        codes["DD"] += p.amount("pretax_deduction", "section125") + p.amount("employer_contribution",
                                                                            "health_employer")
        if inp.year >= FIRST_TT_YEAR:
            codes["TT"] += p.qualified_overtime_premium
        if any(p.amount(k, c) for k, c in (("pretax_deduction", "401k"), ("posttax_deduction", "roth_401k"),
                                           ("employer_contribution", "401k_match"))):
            retirement = True
        for (kind, code, state), amount in p.amounts.items():
            if kind == "employee_tax" and code in BOX14_CODES and state:
                b14[BOX14_LABELS.get((state, code), f"{state} {BOX14_CODES[code]}")] += amount
            if kind == "employee_tax" and code == "state_income_tax":
                st_tax[state] += amount
                st_wages[state] += p.wages.get((kind, code, state), fit_wages)
        if p.work_state in sit_states and ("employee_tax", "state_income_tax", p.work_state) not in p.amounts:
            st_wages[p.work_state] += fit_wages
        for (kind, code, state, locality), (amount, wages) in p.locals.items():
            if kind == "employee_tax":
                lo_tax[(state, locality)] += amount
                lo_wages[(state, locality)] += fit_wages if wages is None else wages
    if not any(box.values()) and not any(codes.values()):
        return None
    out = {"worker_id": w.worker_id,
           "name": " ".join(x for x in (w.first_name, w.middle_name, w.last_name) if x),
           "first_name": w.first_name, "middle_name": w.middle_name, "last_name": w.last_name,
           "tin_last4": w.tin_last4, "address": w.address, "address2": w.address2, "city": w.city,
           "state": w.state, "zip": w.zip}
    for n in (1, 2, 3, 4, 5, 6, 7, 8, 10, 11):
        out[f"box{n}"] = m(box[n])
    out["box12"] = [{"code": c, "amount": m(codes[c])} for c in BOX12_ORDER if codes[c]]
    out["box13_statutory"] = False
    out["box13_retirement"] = retirement
    out["box13_sick_pay"] = False
    out["box14"] = [{"label": label, "amount": m(v)} for label, v in sorted(b14.items()) if v]
    out["states"] = [{"state": s, "employer_state_id": inp.state_ids.get(s, ""), "box16": m(st_wages[s]),
                      "box17": m(st_tax[s])} for s in sorted(set(st_wages) | set(st_tax))
                     if st_wages[s] or st_tax[s]]
    out["locals"] = [{"state": st, "locality": loc, "box18": m(lo_wages[(st, loc)]), "box19": m(lo_tax[(st, loc)]),
                      "box20": inp.locality_names.get(loc, loc)}
                     for st, loc in sorted(set(lo_wages) | set(lo_tax)) if lo_wages[(st, loc)] or lo_tax[(st, loc)]]
    return out


def build_w2(inp: W2Input) -> dict:
    """The year's W-2s, one per employee with anything to report, ordered by worker id, and their totals."""
    employees = [e for e in (employee_w2(w, inp) for w in sorted(inp.workers, key=lambda w: w.worker_id)) if e]
    totals = {f"box{n}": m(sum((Decimal(e[f"box{n}"]) for e in employees), ZERO)) for n in range(1, 7)}
    return {"tax_year": inp.year, "ss_wage_base": m(inp.ss_wage_base), "employees": employees, "totals": totals}


def code_total(employees: list[dict], codes: tuple[str, ...]) -> Decimal:
    return sum((Decimal(c["amount"]) for e in employees for c in e["box12"] if c["code"] in codes), ZERO)


def build_w3(w2: dict) -> dict:
    """Form W-3 from the W-2 content: box c the number of W-2s, boxes 1–6 and 10 their sums, 12a the deferred
    compensation codes, 16/17 the state boxes summed over every state."""
    employees = w2["employees"]

    def total(key: str) -> str:
        return m(sum((Decimal(e[key]) for e in employees), ZERO))

    return {"tax_year": w2.get("tax_year"), "count": len(employees), "kind_of_payer": "941",
            "kind_of_employer": "none_apply",
            **{f"box{n}": total(f"box{n}") for n in (1, 2, 3, 4, 5, 6, 7, 8, 10, 11)},
            "box12a_deferred": m(code_total(employees, W3_DEFERRED_CODES)),
            "box13_third_party_sick_pay": False,
            "box14_income_tax_third_party": "0.00",
            "box16": m(sum((Decimal(s["box16"]) for e in employees for s in e["states"]), ZERO)),
            "box17": m(sum((Decimal(s["box17"]) for e in employees for s in e["states"]), ZERO)),
            "box18": m(sum((Decimal(x["box18"]) for e in employees for x in e.get("locals", [])), ZERO)),
            "box19": m(sum((Decimal(x["box19"]) for e in employees for x in e.get("locals", [])), ZERO)),
            "states": sorted({s["state"] for e in employees for s in e["states"]})}


# ---- W-2c: previously reported and correct amounts, per employee whose boxes differ ---------------------------------

MONEY_BOXES = ("box1", "box2", "box3", "box4", "box5", "box6", "box7", "box8", "box10", "box11")


def _flat(e: dict | None) -> dict[str, str]:
    """The comparable boxes of one W-2 (missing employee: every box zero)."""
    e = e or {}
    out = {k: e.get(k, "0.00") for k in MONEY_BOXES}
    for c in e.get("box12", []):
        out[f"box12_{c['code']}"] = c["amount"]
    for c in e.get("box14", []):
        out[f"box14_{c['label']}"] = c["amount"]
    for s in e.get("states", []):
        out[f"box16_{s['state']}"] = s["box16"]
        out[f"box17_{s['state']}"] = s["box17"]
    for x in e.get("locals", []):
        out[f"box18_{x['box20']}"] = x["box18"]
        out[f"box19_{x['box20']}"] = x["box19"]
    out["box13_retirement"] = bool(e.get("box13_retirement", False))
    return out


def correct_w2(filed: dict, current: dict) -> dict | None:
    """The W-2c content: for each employee whose boxes differ between what was filed and the books now, the
    previously reported (`previous`) and correct (`correct`) amounts of the boxes that changed; the W-3c totals
    of those columns; and `corrected`, the full current W-2 content (what the next correction compares with).
    None when nothing differs."""
    was = {e["worker_id"]: e for e in filed.get("employees", [])}
    now = {e["worker_id"]: e for e in current.get("employees", [])}
    changed = []
    for wid in sorted(set(was) | set(now)):
        a, b = _flat(was.get(wid)), _flat(now.get(wid))
        keys = sorted(k for k in set(a) | set(b) if a.get(k, _zero(k)) != b.get(k, _zero(k)))
        if not keys:
            continue
        who = now.get(wid) or was.get(wid)
        changed.append({"worker_id": wid, "name": who["name"], "tin_last4": who["tin_last4"],
                        "address": who.get("address", ""), "city": who.get("city", ""),
                        "state": who.get("state", ""), "zip": who.get("zip", ""),
                        "boxes": keys,
                        "previous": {k: a.get(k, _zero(k)) for k in keys},
                        "correct": {k: b.get(k, _zero(k)) for k in keys}})
    if not changed:
        return None

    def col(side: str, box: str) -> str:
        return m(sum((Decimal(e[side][box]) for e in changed if box in e[side] and box.startswith("box")
                      and not box.startswith("box13")), ZERO))

    return {"form": "w2c", "tax_year": current.get("tax_year", filed.get("tax_year")), "employees": changed,
            "w3c": {"count": len(changed),
                    **{f"{b}_previous": col("previous", b) for b in MONEY_BOXES[:6]},
                    **{f"{b}_correct": col("correct", b) for b in MONEY_BOXES[:6]}},
            "corrected": current}


def _zero(key: str):
    return False if key == "box13_retirement" else "0.00"
