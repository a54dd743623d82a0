"""Forms 1095-C (one per employee) and 1094-C (the transmittal) from the monthly ACA records the benefits domain
computed (line 14 offer, line 15 employee share, line 16 relief). Pure: records in, JSON-ready content out.

Source: Instructions for Forms 1094-C and 1095-C (2025), https://www.irs.gov/instructions/i109495c —
"Who Must File", "Line 14" to "Line 16" (an "All 12 Months" entry when the code is the same every month; line 15
only with codes 1B, 1C, 1D, 1E, 1J, 1K, 1L–1Q, 1T, 1U), "Part III" of Form 1095-C (covered individuals: completed
only by an employer offering self-insured coverage), and Form 1094-C "Part III" columns (a)–(e). Due dates:
compliance/engine/data/aca_due.json (the same instructions, "When To File" / "Furnishing Forms 1095-C")."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from backoffice.money import fmt

MONTHS = tuple(f"{m:02d}" for m in range(1, 13))
# line 15 is entered only with these line-14 codes (Instructions, "Line 15")
LINE15_CODES = frozenset({"1B", "1C", "1D", "1E", "1J", "1K", "1L", "1M", "1N", "1O", "1P", "1Q", "1T", "1U"})
# an offer of minimum essential coverage to the employee and their dependents, for 1094-C Part III column (a)
# (1A and the codes naming dependents; 1F is MEC without minimum value, still MEC, its tiers unknown here: counted)
OFFERS_DEPENDENTS = frozenset({"1A", "1C", "1E", "1F"})
_DUE = json.loads((Path(__file__).parent / "data" / "aca_due.json").read_text())


@dataclass(frozen=True)
class AcaMonthRow:
    """One worker's month as benefits.aca_models.AcaMonth holds it."""
    month: int                       # 1–12
    status: str                      # full_time | not_full_time | in_initial_measurement | non_employee
    line14: str
    employee_share: Decimal | None   # line 15, monthly
    line16: str                      # '' when no code applies


@dataclass(frozen=True)
class AcaEmployee:
    worker_id: int
    name: str
    tin_last4: str
    address: str
    city: str
    state: str
    zip: str
    months: tuple[AcaMonthRow, ...]


@dataclass(frozen=True)
class Aca1095Input:
    year: int
    employees: tuple[AcaEmployee, ...]
    self_insured: bool = False       # Part III (covered individuals) only for self-insured coverage
    plan_start_month: str = "01"     # the plan year's first month (line "Plan Start Month"), "00" if none


@dataclass(frozen=True)
class Aca1094Input:
    year: int
    ale_member: dict                 # name, address, city, state, zip, contact_name, contact_phone
    forms_count: int                 # Forms 1095-C filed for the ALE member (lines 18 and 20)
    # per month "01".."12": (full-time employees, total employees, full-time offered MEC incl. dependents)
    counts: dict[str, tuple[int, int, int]]


def _month_codes(e: AcaEmployee) -> dict[str, AcaMonthRow | None]:
    by = {f"{r.month:02d}": r for r in e.months}
    return {m: by.get(m) for m in MONTHS}


def collapse(values: dict[str, str]) -> dict[str, str]:
    """{"all": v} when all twelve months hold the same entry, else the twelve months ("01".."12")."""
    distinct = {values[m] for m in MONTHS}
    return {"all": distinct.pop()} if len(distinct) == 1 else {m: values[m] for m in MONTHS}


def files_1095c(e: AcaEmployee, self_insured: bool) -> bool:
    """An ALE member files a 1095-C for each employee full time in any month of the year; with self-insured
    coverage, also for each employee enrolled in any month (line 16 code 2C) who was never full time."""
    if any(r.status == "full_time" for r in e.months):
        return True
    return self_insured and any(r.line16 == "2C" for r in e.months)


def employee_1095c(e: AcaEmployee) -> dict:
    """Part II for one employee. A month without a record (no leased engagement that month, so the benefits domain
    did not measure one) reads 1H (no offer) and 2A (not employed)."""
    months = _month_codes(e)
    l14 = {m: (r.line14 if r else "1H") for m, r in months.items()}
    l15 = {m: (fmt(r.employee_share) if r and r.employee_share is not None and r.line14 in LINE15_CODES else "")
           for m, r in months.items()}
    l16 = {m: (r.line16 if r else "2A") for m, r in months.items()}
    return {"worker_id": e.worker_id, "name": e.name, "tin_last4": e.tin_last4, "address": e.address,
            "city": e.city, "state": e.state, "zip": e.zip,
            "line14": collapse(l14), "line15": collapse(l15), "line16": collapse(l16),
            "covered_individuals": []}


def build_1095c(data: Aca1095Input) -> dict:
    """The year's Forms 1095-C: `employees` in name order (those who must get one), `count`."""
    rows = [employee_1095c(e) for e in sorted(data.employees, key=lambda e: (e.name, e.worker_id))
            if files_1095c(e, data.self_insured)]
    return {"tax_year": data.year, "plan_start_month": data.plan_start_month if rows else "00",
            "self_insured": data.self_insured, "part3_note": "" if data.self_insured else
            "Part III is left blank: the coverage offered is insured (the carrier reports it on Form 1095-B).",
            "employees": rows, "count": len(rows), "due": due_dates(data.year)}


def correct_1095c(filed: dict, current: dict) -> dict | None:
    """Corrected Forms 1095-C (the same form, CORRECTED checked) for the employees whose form differs from what was
    filed, or who were missing from it; None when nothing differs. The content is the current year's with only
    those employees (what is exported and furnished) and, under "corrected", the whole current content (what the
    next correction compares with). An employee filed for but no longer owed a form is listed in `withdrawn` (the
    instructions: a corrected return is not how a form filed in error is withdrawn; the officer decides)."""
    before = {e["worker_id"]: e for e in filed.get("employees", [])}
    now = {e["worker_id"]: e for e in current.get("employees", [])}
    changed = [e for wid, e in now.items() if before.get(wid) != e]
    withdrawn = sorted(wid for wid in before if wid not in now)
    if not changed and not withdrawn:
        return None
    return {**current, "corrected_form": True, "employees": changed, "count": len(changed),
            "withdrawn": withdrawn, "corrected": current}


def offer_indicator(full_time: int, offered: int) -> str:
    """Column (a): "yes" when minimum essential coverage was offered to at least 95% of the month's full-time
    employees (and their dependents). With no full-time employee nobody lacked an offer: "yes"."""
    return "yes" if full_time == 0 or offered * 100 >= full_time * 95 else "no"


def build_1094c(data: Aca1094Input) -> dict:
    """The transmittal: Part I (ALE member, lines 18–21), Part III per month, collapsed into "all" when every
    column agrees every month."""
    months = {}
    for m in MONTHS:
        ft, total, offered = data.counts.get(m, (0, 0, 0))
        months[m] = {"offer_indicator": offer_indicator(ft, offered), "full_time_count": ft,
                     "total_count": total, "aggregated_group": False, "transition_relief": ""}
    same = all(months[m] == months["01"] for m in MONTHS)
    return {"tax_year": data.year, "ale_member": dict(data.ale_member),
            "line18": data.forms_count, "line19": True, "line20": data.forms_count, "line21": False,
            "line22": [],
            "part3": {"all": months["01"]} if same else months, "due": due_dates(data.year)}


def _next_business_day(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def due_dates(year: int) -> dict:
    """{"furnish", "paper", "electronic"} (ISO dates) for the year's forms: from aca_due.json where the instructions
    for that year were read, else the rule (furnish: Jan 31 + 30 days; paper: Feb 28; electronic: Mar 31; each
    moved to the next business day)."""
    known = _DUE["years"].get(str(year))
    if known:
        return {k: known[k] for k in ("furnish", "paper", "electronic")}
    nxt = year + 1
    return {"furnish": _next_business_day(date(nxt, 1, 31) + timedelta(days=30)).isoformat(),
            "paper": _next_business_day(date(nxt, 2, 28)).isoformat(),
            "electronic": _next_business_day(date(nxt, 3, 31)).isoformat()}
