"""ACA affordability safe harbors (Treas. Reg. §54.4980H-5(e)(2)): is the employee's monthly share of the lowest-cost
self-only coverage affordable under the federal poverty line, rate-of-pay or Form W-2 safe harbor? Pure: the year's
percentage and poverty line come from data/aca_affordability.json with their publications."""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache
from pathlib import Path

from backoffice.errors import DomainError
from backoffice.money import D, fmt_pct, fmt_usd

DATA_FILE = Path(__file__).parent / "data" / "aca_affordability.json"
FULL_TIME_MONTHLY_HOURS = D(130)    # §54.4980H-5(e)(2)(iii)(A): the hourly rate times 130 hours
# Line 16 codes of Form 1095-C for the safe harbors (2025 instructions for Forms 1094-C and 1095-C)
W2, FPL, RATE_OF_PAY = "2F", "2G", "2H"


@dataclass(frozen=True)
class AffordabilityYear:
    year: int
    percent: Decimal              # 0.0996 is 9.96%
    percent_source: str
    fpl_single: Decimal           # annual, mainland, one person
    fpl_year: int
    fpl_source: str

    @property
    def fpl_monthly_limit(self) -> Decimal:
        """The most a share may be under the FPL safe harbor: FPL × percent ÷ 12, exact (not rounded)."""
        return self.fpl_single * self.percent / 12


@dataclass(frozen=True)
class SafeHarbor:
    code: str | None              # 2G, 2H, 2F, or None when no safe harbor shows the offer affordable
    limit: Decimal | None         # the monthly limit of the safe harbor used (to the cent, down)
    explanation: tuple[str, ...]


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(DATA_FILE.read_text())["years"]


def year_data(year: int) -> AffordabilityYear:
    """The year's affordability percentage and poverty line; a year without published figures is a DomainError."""
    row = _data().get(str(year))
    if row is None:
        raise DomainError(f"no ACA affordability figures for {year} in {DATA_FILE.name}", code="no_aca_data")
    return AffordabilityYear(year, D(row["percent"]), row["percent_source"], D(row["fpl_single"]), row["fpl_year"],
                             row["fpl_source"])


def _cents_down(x: Decimal) -> Decimal:
    # a share in whole cents is within an exact limit exactly when it is within the limit cut down to the cent
    return x.quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def affordability(employee_share: Decimal, y: AffordabilityYear, *, hourly_rate: Decimal | None = None,
                  monthly_salary: Decimal | None = None, w2_wages: Decimal | None = None,
                  w2_months: int | None = None) -> SafeHarbor:
    """The first safe harbor that shows the monthly `employee_share` affordable, in this order: the FPL (2G: the
    same for everyone), the rate of pay (2H: hourly rate × 130 × percent, or the monthly salary × percent), the
    Form W-2 (2F: box 1 wages × percent, spread over the `w2_months` months employed in the year). None of them:
    code None (the offer is not shown affordable), with each limit said."""
    pct = fmt_pct(y.percent)
    said = []
    fpl_limit = _cents_down(y.fpl_monthly_limit)
    if employee_share <= fpl_limit:
        return SafeHarbor(FPL, fpl_limit, (
            f"Affordable under the federal poverty line safe harbor (2G): {fmt_usd(employee_share)} a month is at "
            f"most {fmt_usd(y.fpl_single)} × {pct} ÷ 12 = {fmt_usd(fpl_limit)} ({y.fpl_year} poverty line; "
            f"{y.percent_source}).",))
    said.append(f"not under the poverty line safe harbor ({fmt_usd(employee_share)} is over {fmt_usd(fpl_limit)})")
    if hourly_rate is not None or monthly_salary is not None:
        if monthly_salary is not None:
            base, how = monthly_salary, f"the monthly salary {fmt_usd(monthly_salary)}"
        else:
            base, how = hourly_rate * FULL_TIME_MONTHLY_HOURS, f"{fmt_usd(hourly_rate)} an hour × 130 hours"
        limit = _cents_down(base * y.percent)
        if employee_share <= limit:
            return SafeHarbor(RATE_OF_PAY, limit, (
                f"Affordable under the rate of pay safe harbor (2H): {fmt_usd(employee_share)} a month is at most "
                f"{how} × {pct} = {fmt_usd(limit)} ({y.percent_source}).",))
        said.append(f"not under the rate of pay safe harbor (over {how} × {pct} = {fmt_usd(limit)})")
    if w2_wages is not None and w2_months:
        limit = _cents_down(w2_wages * y.percent / w2_months)
        if employee_share <= limit:
            return SafeHarbor(W2, limit, (
                f"Affordable under the Form W-2 safe harbor (2F): {fmt_usd(employee_share)} a month is at most "
                f"box 1 wages {fmt_usd(w2_wages)} × {pct} ÷ {w2_months} month(s) employed = {fmt_usd(limit)} "
                f"({y.percent_source}).",))
        said.append(f"not under the Form W-2 safe harbor (over {fmt_usd(w2_wages)} × {pct} ÷ {w2_months} = "
                    f"{fmt_usd(limit)})")
    return SafeHarbor(None, None, ("No safe harbor shows the offer affordable: " + "; ".join(said) + ".",))
