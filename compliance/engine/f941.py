"""Form 941 (Employer's Quarterly Federal Tax Return) with Schedule B, the per-paycheck detail behind it, and Form
941-X from the differences (pure: rows in, a JSON-ready dict out).

Lines (Form 941 Rev. March 2025 and its instructions; rates as data per year in data/f941.json with the source):
- 1: employees paid for the pay period including the 12th of the quarter's last month (12 Mar, 12 Jun, 12 Sep,
  12 Dec): distinct workers with a paycheck (not a reversal, not itself reversed) whose period holds that day.
- 2: wages, tips and other compensation = federal income-tax wages; 3: federal income tax withheld.
- 5a col 1 taxable social security wages, col 2 = col 1 × 0.124; 5b tips: none are paid here (0.00);
  5c Medicare wages × 0.029; 5d wages subject to Additional Medicare Tax withholding (over $200,000 per worker in
  the year) × 0.009; 5e = 5a–5d col 2; 5f (IRC 3121(q) notice and demand on unreported tips) 0.00.
- 6 = 3 + 5e + 5f. 7 fractions of cents = what was actually withheld and owed per paycheck (employee and employer
  social security and Medicare, Additional Medicare) − 5e, so that line 10 equals the liability the ledger holds.
- 8 (third-party sick pay) and 9 (tips, group-term life) are 0.00: the payroll has neither.
- 10 = 6 + 7 + 8 + 9; 11 (research credit, Form 8974) 0.00; 12 = 10 − 11; 13 deposits made for the quarter;
  14 balance due, 15 overpayment.
- 16: the month's liabilities (the tax owed on each pay date: FIT + social security and Medicare both shares +
  Additional Medicare), line16_month1..3; a semiweekly depositor's Schedule B lists them per pay date
  (`schedule_b`), and both total line 12.
Reversals are negative rows on their own pay date: the quarter holds what was released in it."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from backoffice.errors import DomainError
from backoffice.money import D, ZERO, fmt, round_cents

DATA_FILE = Path(__file__).with_name("data") / "f941.json"

LINE_KEYS = ("line1", "line2", "line3", "line4", "line5a_col1", "line5a_col2", "line5b_col1", "line5b_col2",
             "line5c_col1", "line5c_col2", "line5d_col1", "line5d_col2", "line5e", "line5f", "line6", "line7",
             "line8", "line9", "line10", "line11", "line12", "line13", "line14", "line15", "line16_month1",
             "line16_month2", "line16_month3")
DETAIL_COLUMNS = ("worker_id", "pay_date", "gross", "federal_income_tax", "social_security_wages",
                  "medicare_wages", "tips", "additional_medicare_wages", "social_security_tax", "medicare_tax",
                  "additional_medicare_tax")


@dataclass(frozen=True)
class Rates:
    year: int
    social_security: Decimal          # 0.124: employee and employer shares together
    medicare: Decimal                 # 0.029
    additional_medicare: Decimal      # 0.009, employee only
    additional_medicare_threshold: Decimal
    source: str


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(DATA_FILE.read_text())


def rates(year: int) -> Rates:
    y = _data()["years"].get(str(year))
    if y is None:
        raise DomainError(f"no Form 941 rates for {year} in {DATA_FILE.name}", code="unsupported_tax_year")
    return Rates(year, D(y["social_security"]), D(y["medicare"]), D(y["additional_medicare"]),
                 D(y["additional_medicare_threshold"]), _data()["source"])


@dataclass(frozen=True)
class PaycheckRow:
    """One released paycheck's federal figures (a reversal's are negative). `wages` is the federal income-tax
    wage (line 2); the *_wages are the wages each tax was computed on."""

    paycheck_id: int
    worker_id: int
    pay_date: date
    kind: str = "regular"                      # regular | reversal | reissue
    period_start: date | None = None
    period_end: date | None = None
    reversed: bool = False                     # a later reversal takes it back
    gross: Decimal = ZERO
    wages: Decimal = ZERO
    fit: Decimal = ZERO
    ss_wages: Decimal = ZERO
    medicare_wages: Decimal = ZERO
    add_medicare_wages: Decimal = ZERO
    ss_employee: Decimal = ZERO
    ss_employer: Decimal = ZERO
    medicare_employee: Decimal = ZERO
    medicare_employer: Decimal = ZERO
    add_medicare: Decimal = ZERO

    @property
    def liability(self) -> Decimal:
        """What this paycheck made the employer owe for Form 941 (its line 16 / Schedule B amount)."""
        return (self.fit + self.ss_employee + self.ss_employer + self.medicare_employee + self.medicare_employer
                + self.add_medicare)


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int
    rows: tuple[PaycheckRow, ...]
    deposits: Decimal = ZERO                   # 941 deposits paid for the quarter (line 13)
    depositor: str = "monthly"                 # monthly | semiweekly (the lookback decides; payroll.engine)
    depositor_why: str = ""
    rates: Rates | None = None



def twelfth(year: int, quarter: int) -> date:
    return date(year, 3 * quarter, 12)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    last = {1: 31, 2: 30, 3: 30, 4: 31}[quarter]
    return date(year, 3 * quarter - 2, 1), date(year, 3 * quarter, last)


def build(q: Quarter) -> dict:
    """The quarter's Form 941 content (keys: LINE_KEYS, `schedule_b` for a semiweekly depositor, `depositor`)."""
    if q.quarter not in (1, 2, 3, 4):
        raise DomainError(f"quarter {q.quarter}: 1–4", code="bad_quarter")
    r = q.rates or rates(q.year)
    first, last = quarter_bounds(q.year, q.quarter)
    for row in q.rows:
        if not first <= row.pay_date <= last:
            raise DomainError(f"paycheck {row.paycheck_id} was paid {row.pay_date}, outside Q{q.quarter} "
                              f"{q.year}", code="bad_period")
    day12 = twelfth(q.year, q.quarter)
    employees = {row.worker_id for row in q.rows
                 if row.kind != "reversal" and not row.reversed and row.period_start and row.period_end
                 and row.period_start <= day12 <= row.period_end}

    def total(attr: str) -> Decimal:
        return sum((getattr(row, attr) for row in q.rows), ZERO)

    line2, line3 = total("wages"), total("fit")
    c5a, c5b, c5c, c5d = total("ss_wages"), ZERO, total("medicare_wages"), total("add_medicare_wages")
    t5a, t5b = round_cents(c5a * r.social_security), round_cents(c5b * r.social_security)
    t5c, t5d = round_cents(c5c * r.medicare), round_cents(c5d * r.additional_medicare)
    line5e = t5a + t5b + t5c + t5d
    line5f = ZERO
    line6 = line3 + line5e + line5f
    actual = (total("ss_employee") + total("ss_employer") + total("medicare_employee") + total("medicare_employer")
              + total("add_medicare"))
    line7 = actual - line5e
    line8 = line9 = line11 = ZERO
    line10 = line6 + line7 + line8 + line9
    line12 = line10 - line11
    line13 = q.deposits
    by_day: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for row in q.rows:
        by_day[row.pay_date] += row.liability
    months = [sum((a for d, a in by_day.items() if d.month == first.month + i), ZERO) for i in range(3)]
    lines = {
        "line1": len(employees), "line2": fmt(line2), "line3": fmt(line3),
        "line4": c5a == 0 and c5c == 0 and line2 != 0,   # a checkbox: no wages subject to SS or Medicare
        "line5a_col1": fmt(c5a), "line5a_col2": fmt(t5a), "line5b_col1": fmt(c5b), "line5b_col2": fmt(t5b),
        "line5c_col1": fmt(c5c), "line5c_col2": fmt(t5c), "line5d_col1": fmt(c5d), "line5d_col2": fmt(t5d),
        "line5e": fmt(line5e), "line5f": fmt(line5f), "line6": fmt(line6), "line7": fmt(line7), "line8": fmt(line8),
        "line9": fmt(line9), "line10": fmt(line10), "line11": fmt(line11), "line12": fmt(line12),
        "line13": fmt(line13), "line14": fmt(max(line12 - line13, ZERO)), "line15": fmt(max(line13 - line12, ZERO)),
        "line16_month1": fmt(months[0]), "line16_month2": fmt(months[1]), "line16_month3": fmt(months[2]),
    }
    content = {"year": q.year, "quarter": q.quarter, **lines, "depositor": q.depositor,
               "depositor_why": q.depositor_why, "paychecks": len(q.rows),
               "rates": {"social_security": str(r.social_security), "medicare": str(r.medicare),
                         "additional_medicare": str(r.additional_medicare),
                         "additional_medicare_threshold": str(r.additional_medicare_threshold),
                         "source": r.source}}
    if q.depositor == "semiweekly":
        content["schedule_b"] = {d.isoformat(): fmt(a) for d, a in sorted(by_day.items())}
    return content


def interface(content: dict) -> dict:
    """The `941 --format json` object: the line keys and, for a semiweekly depositor, `schedule_b`."""
    out = {k: content[k] for k in LINE_KEYS}
    if "schedule_b" in content:
        out["schedule_b"] = dict(content["schedule_b"])
    return out


def summary(content: dict) -> str:
    return (f"{content['line1']} employees · wages {content['line2']} · line 12 {content['line12']} · "
            f"deposits {content['line13']} · {content['depositor']}")


# ------------------------------------------------------------------------------------------------ 941 detail
def detail(year: int, quarter: int, rows: tuple[PaycheckRow, ...]) -> dict:
    """The quarter's paychecks, one row each (DETAIL_COLUMNS; the employee's amounts withheld), with totals."""
    out = []
    for row in sorted(rows, key=lambda x: (x.pay_date, x.worker_id, x.paycheck_id)):
        out.append([row.worker_id, row.pay_date.isoformat(), fmt(row.gross), fmt(row.fit), fmt(row.ss_wages),
                    fmt(row.medicare_wages), fmt(ZERO), fmt(row.add_medicare_wages), fmt(row.ss_employee),
                    fmt(row.medicare_employee), fmt(row.add_medicare)])
    totals = {c: fmt(sum((D(r[i]) for r in out), ZERO)) for i, c in enumerate(DETAIL_COLUMNS) if i >= 2}
    return {"year": year, "quarter": quarter, "columns": list(DETAIL_COLUMNS), "rows": out, "totals": totals}


def detail_summary(content: dict) -> str:
    return f"{len(content['rows'])} paychecks · gross {content['totals']['gross']}"


# ------------------------------------------------------------------------------------------------ 941-X
# 941-X (Rev. April 2025) Part 3: line → (941 line of column 1/2, multiplier of column 3 for column 4; None: copy
# column 3; "none": no tax column).
X_LINES = (
    ("line6", "line2", "none", "Wages, tips, and other compensation"),
    ("line7", "line3", None, "Federal income tax withheld"),
    ("line8", "line5a_col1", "social_security", "Taxable social security wages"),
    ("line11", "line5b_col1", "social_security", "Taxable social security tips"),
    ("line12", "line5c_col1", "medicare", "Taxable Medicare wages & tips"),
    ("line13", "line5d_col1", "additional_medicare", "Taxable wages & tips subject to Additional Medicare Tax"),
    ("line14", "line5f", None, "Section 3121(q) Notice and Demand"),
    ("line15", "adjustments", None, "Tax adjustments (Form 941 lines 7 through 9)"),
    ("line16", "line11", None, "Qualified small business payroll tax credit"),
)


def _adjustments(c: dict) -> Decimal:
    return D(c["line7"]) + D(c["line8"]) + D(c["line9"])


def correct(filed: dict, current: dict) -> dict | None:
    """Form 941-X from what was filed (or last corrected) and what the books say now: per Part 3 line, column 1
    the corrected amount, column 2 the amount originally reported, column 3 the difference, column 4 the tax
    correction (column 3 × the line's rate, or column 3 copied); None when no line differs. `corrected` is the
    current content in full (the next correction starts from it). Line 1 (employees) is not on the 941-X."""
    if not filed or not current:
        return None
    r = rates(int(current["year"]))
    lines = {}
    total = ZERO
    for key, src, mult, label in X_LINES:
        if src == "adjustments":
            col1, col2 = _adjustments(current), _adjustments(filed)
        else:
            col1, col2 = D(current[src]), D(filed[src])
        diff = col1 - col2
        if mult == "none":
            col4 = None
        elif mult is None:
            col4 = diff if key != "line16" else -diff       # a larger credit lowers the tax
        else:
            col4 = round_cents(diff * getattr(r, mult))
        if col4 is not None:
            total += col4
        lines[key] = {"label": label, "form941_line": src, "col1": fmt(col1), "col2": fmt(col2), "col3": fmt(diff),
                      "col4": fmt(col4) if col4 is not None else None}
    if all(D(v["col3"]) == 0 for v in lines.values()) and D(filed["line12"]) == D(current["line12"]):
        return None
    # column 4 recomputes the tax at the rates; the books' own figure moves by line 12's difference: the rest is
    # a fractions-of-cents difference already inside line 15's column 3 (it carries line 7)
    return {"year": current["year"], "quarter": current["quarter"], "lines": lines, "total": fmt(total),
            "line12_difference": fmt(D(current["line12"]) - D(filed["line12"])),
            "overreported": total < 0, "original": filed, "corrected": current}


def x_summary(content: dict) -> str:
    return f"941-X Q{content['quarter']} {content['year']}: total correction {content['total']}"
