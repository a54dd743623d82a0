"""State reports, pure: the quarterly wage and SUTA report (`state-wage`), the yearly withholding reconciliation
(`state-recon`) and the new-hire report (`new-hire`). Records in, JSON-ready content out; the CSV layouts per state
are data (data/state_wage_layouts.json, data/new_hire_states.json) interpreted here.

- state-wage: per employee the gross wages paid for work in the state, the SUTA taxable wages (what the paycheck
  lines' employer `suta` tax was computed on: the state's wage base already applied by payroll), the state income
  tax withheld; SUTA due = SUTA wages × the agency's rate for the state, rounded to the cent.
- state-recon: box 16/17 (state wages, tax withheld) of the year vs the four quarters vs the SIT deposits.
- new-hire: each leased employee hired (or rehired after a separation) in the quarter, with the fields of 42 U.S.C.
  653a(b)(1)(A) (name, address, SSN; date of hire; employer name, address, FEIN), due N days after hire."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from backoffice.money import ZERO, fmt, round_cents

_DATA = Path(__file__).parent / "data"
LAYOUTS = json.loads((_DATA / "state_wage_layouts.json").read_text())
NEW_HIRE = json.loads((_DATA / "new_hire_states.json").read_text())
REHIRE_GAP_DAYS = NEW_HIRE["rehire_gap_days"]


# ---- state-wage -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StateWageRow:
    """One employee's quarter in one state (sums over the quarter's released paychecks, reversals netted)."""
    worker_id: int
    first_name: str
    middle_name: str
    last_name: str
    tin_last4: str
    gross: Decimal
    suta_wages: Decimal
    sit_wages: Decimal
    sit_withheld: Decimal
    suta_booked: Decimal = ZERO       # the employer suta tax the paychecks computed (a check on suta_due)


@dataclass(frozen=True)
class StateWageInput:
    year: int
    quarter: int
    state: str
    suta_rate: Decimal | None         # the agency's rate in the state (None: not registered)
    suta_account: str
    withholding_account: str
    rows: tuple[StateWageRow, ...]


def _name(first: str, middle: str, last: str) -> str:
    return " ".join(p for p in (first, middle, last) if p)


def build_state_wage(data: StateWageInput) -> dict:
    """Employees with any figure in the quarter, by last and first name; totals; suta_due."""
    rows = sorted((r for r in data.rows if any((r.gross, r.suta_wages, r.sit_wages, r.sit_withheld))),
                  key=lambda r: (r.last_name, r.first_name, r.worker_id))
    employees = [{"worker_id": r.worker_id, "name": _name(r.first_name, r.middle_name, r.last_name),
                  "first_name": r.first_name, "middle_name": r.middle_name, "last_name": r.last_name,
                  "tin_last4": r.tin_last4, "gross": fmt(r.gross), "suta_wages": fmt(r.suta_wages),
                  "sit_wages": fmt(r.sit_wages), "sit_withheld": fmt(r.sit_withheld)} for r in rows]
    suta_wages = sum((r.suta_wages for r in rows), ZERO)
    rate = data.suta_rate
    totals = {"count": len(rows), "gross": fmt(sum((r.gross for r in rows), ZERO)), "suta_wages": fmt(suta_wages),
              "sit_wages": fmt(sum((r.sit_wages for r in rows), ZERO)),
              "sit_withheld": fmt(sum((r.sit_withheld for r in rows), ZERO)),
              "suta_due": fmt(round_cents(suta_wages * rate)) if rate is not None else "0.00",
              "suta_booked": fmt(sum((r.suta_booked for r in rows), ZERO))}
    return {"tax_year": data.year, "quarter": data.quarter, "state": data.state,
            "suta_rate": str(rate) if rate is not None else "", "registered": rate is not None,
            "suta_account": data.suta_account, "withholding_account": data.withholding_account,
            "employees": employees, "totals": totals}


def layout(state: str) -> dict:
    """The state's wage-report column layout, or the generic one (`generic`: true)."""
    found = LAYOUTS["states"].get(state)
    if found:
        return {"state": state, **found}
    return {"state": state, "report": "Quarterly wage report", **LAYOUTS["generic"], "generic": True}


def state_wage_csv(content: dict, employer: dict, tin_of) -> bytes:
    """The CSV in the state's layout; `tin_of(worker_id)` gives the full SSN (digits) for the SSN column."""
    lay = layout(content["state"])
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([c["header"] for c in lay["columns"]])
    needs_ssn = any(c["field"] == "ssn" for c in lay["columns"])
    for e in content["employees"]:
        values = _state_wage_values(content, employer, e, tin_of if needs_ssn else (lambda _id: ""))
        w.writerow([values[c["field"]] for c in lay["columns"]])
    return out.getvalue().encode()


def _state_wage_values(content: dict, employer: dict, e: dict, tin_of) -> dict:
    return {"ssn": tin_of(e["worker_id"]), "first_name": e["first_name"],
            "middle_initial": e["middle_name"][:1], "last_name": e["last_name"], "name": e["name"],
            "gross": e["gross"], "suta_wages": e["suta_wages"],
            "excess_wages": fmt(Decimal(e["gross"]) - Decimal(e["suta_wages"])), "sit_wages": e["sit_wages"],
            "sit_withheld": e["sit_withheld"], "year": str(content["tax_year"]), "quarter": str(content["quarter"]),
            "year_quarter": f"{content['tax_year']}{content['quarter']}",
            "suta_account": content["suta_account"], "withholding_account": content["withholding_account"],
            "fein": employer.get("ein", ""), "state": content["state"]}


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    last = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - timedelta(days=1)
    return first, last


def next_business_day(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def state_wage_due(year: int, quarter: int, state: str) -> date:
    """The last day of the month after the quarter (most states' rule; per state in the layout file where it
    differs), moved off a weekend."""
    _first, last = quarter_bounds(year, quarter)
    month_after = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    end = date(month_after.year + (month_after.month == 12), month_after.month % 12 + 1, 1) - timedelta(days=1)
    return next_business_day(end)


# ---- state-recon ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReconDeposit:
    period_start: date
    period_end: date
    amount: Decimal
    status: str                      # due | paid
    paid_on: date | None


@dataclass(frozen=True)
class StateReconInput:
    year: int
    state: str
    withholding_account: str
    w2_count: int                            # employees with state wages or tax in the year
    quarters: dict[int, tuple[Decimal, Decimal]]     # quarter → (state wages, state tax withheld)
    deposits: tuple[ReconDeposit, ...]


def _quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def build_state_recon(data: StateReconInput) -> dict:
    """Box 16 and box 17 of the year (the sum of the four quarters: both come from the same paychecks), the
    quarters, the deposits by quarter of their period, and the differences (withheld − deposited)."""
    quarters, dep_total, dep_paid = {}, ZERO, ZERO
    for q in (1, 2, 3, 4):
        wages, tax = data.quarters.get(q, (ZERO, ZERO))
        deposited = sum((d.amount for d in data.deposits if _quarter_of(d.period_end) == q), ZERO)
        quarters[str(q)] = {"wages": fmt(wages), "withheld": fmt(tax), "deposited": fmt(deposited),
                            "difference": fmt(tax - deposited)}
    for d in data.deposits:
        dep_total += d.amount
        dep_paid += d.amount if d.status == "paid" else ZERO
    box16 = sum((v[0] for v in data.quarters.values()), ZERO)
    box17 = sum((v[1] for v in data.quarters.values()), ZERO)
    return {"tax_year": data.year, "state": data.state, "withholding_account": data.withholding_account,
            "w2": {"count": data.w2_count, "box16": fmt(box16), "box17": fmt(box17)},
            "quarters": quarters,
            "deposits": {"total": fmt(dep_total), "paid": fmt(dep_paid), "unpaid": fmt(dep_total - dep_paid),
                         "list": [{"period_start": d.period_start.isoformat(), "period_end": d.period_end.isoformat(),
                                   "amount": fmt(d.amount), "status": d.status,
                                   "paid_on": d.paid_on.isoformat() if d.paid_on else ""}
                                  for d in sorted(data.deposits, key=lambda d: (d.period_start, d.period_end))]},
            "difference": fmt(box17 - dep_total), "balanced": box17 == dep_total}


def state_recon_csv(content: dict) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["state", "tax_year", "period", "wages", "withheld", "deposited", "difference"])
    for q, v in content["quarters"].items():
        w.writerow([content["state"], content["tax_year"], f"Q{q}", v["wages"], v["withheld"], v["deposited"],
                    v["difference"]])
    w.writerow([content["state"], content["tax_year"], "year", content["w2"]["box16"], content["w2"]["box17"],
                content["deposits"]["total"], content["difference"]])
    return out.getvalue().encode()


def state_recon_due(year: int, state: str) -> date:
    """January 31 after the year (when the W-2s go to the state), unless the state's entry in
    state_wage_layouts.json gives `recon_due` ("MM-DD" of the next year); moved off a weekend."""
    special = LAYOUTS["states"].get(state, {}).get("recon_due")
    if special:
        month, day = (int(x) for x in special.split("-"))
        return next_business_day(date(year + 1, month, day))
    return next_business_day(date(year + 1, 1, 31))


# ---- new-hire ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hire:
    worker_id: int
    first_name: str
    middle_name: str
    last_name: str
    tin_last4: str
    address: str
    city: str
    state: str
    zip: str
    hire_date: date
    rehire: bool = False


@dataclass(frozen=True)
class NewHireInput:
    year: int
    quarter: int
    state: str                       # the work state (where the report goes)
    employer: dict                   # name, address, city, state, zip (FEIN added at export)
    hires: tuple[Hire, ...]


def report_days(state: str) -> tuple[int, bool]:
    """(days after hire the report is due, defaulted?) for the state."""
    known = NEW_HIRE["states"].get(state)
    if known:
        return known["days"], False
    return NEW_HIRE["default_days"], True


def hires_from_engagements(engagements: list[tuple[int, str, date, date | None]], first: date,
                           last: date) -> list[tuple[int, str, date, bool]]:
    """(worker_id, work state, hire date, rehire) for hires from `first` to `last` out of every leased engagement
    (worker_id, work_state, start, end). The agency is the employer (PEO): a worker placed at a second client
    while still employed is no new hire; one whose previous engagements all ended more than REHIRE_GAP_DAYS
    before the start is a rehire (HHS: separated 60 consecutive days)."""
    by_worker: dict[int, list] = {}
    for e in engagements:
        by_worker.setdefault(e[0], []).append(e)
    out = []
    for wid, rows in by_worker.items():
        rows.sort(key=lambda e: e[2])
        covered_to: date | None = None
        for _w, st, start, end in rows:
            gap = covered_to is None or (start - covered_to).days > REHIRE_GAP_DAYS
            if gap and first <= start <= last:
                out.append((wid, st, start, covered_to is not None))
            if end is None:
                covered_to = date.max
            elif covered_to is None or end > covered_to:
                covered_to = end
    return out


def build_new_hire(data: NewHireInput) -> dict:
    days, defaulted = report_days(data.state)
    hires = sorted(data.hires, key=lambda h: (h.hire_date, h.last_name, h.first_name, h.worker_id))
    rows = [{"worker_id": h.worker_id, "name": _name(h.first_name, h.middle_name, h.last_name),
             "first_name": h.first_name, "middle_name": h.middle_name, "last_name": h.last_name,
             "tin_last4": h.tin_last4, "address": h.address, "city": h.city, "state": h.state, "zip": h.zip,
             "hire_date": h.hire_date.isoformat(), "rehire": h.rehire,
             "due_date": (h.hire_date + timedelta(days=days)).isoformat()} for h in hires]
    return {"tax_year": data.year, "quarter": data.quarter, "state": data.state, "employer": dict(data.employer),
            "days": days, "days_defaulted": defaulted, "hires": rows, "count": len(rows)}


NEW_HIRE_COLUMNS = ("employer_fein", "employer_name", "employer_address", "employer_city", "employer_state",
                    "employer_zip", "employee_ssn", "first_name", "middle_name", "last_name", "address", "city",
                    "state", "zip", "hire_date", "rehire", "work_state")


def new_hire_csv(content: dict, fein: str, tin_of) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(NEW_HIRE_COLUMNS)
    er = content["employer"]
    for h in content["hires"]:
        w.writerow([fein, er.get("name", ""), er.get("address", ""), er.get("city", ""), er.get("state", ""),
                    er.get("zip", ""), tin_of(h["worker_id"]), h["first_name"], h["middle_name"], h["last_name"],
                    h["address"], h["city"], h["state"], h["zip"], h["hire_date"], "Y" if h["rehire"] else "N",
                    content["state"]])
    return out.getvalue().encode()


def new_hire_due(content_hires: list[dict]) -> date | None:
    """The filing's due date: the earliest hire's."""
    dues = [date.fromisoformat(h["due_date"]) for h in content_hires]
    return min(dues) if dues else None

