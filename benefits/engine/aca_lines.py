"""Form 1095-C, Part II, for one employee and one month: line 14 (the offer), line 15 (the employee's share of the
lowest-cost self-only coverage) and line 16 (the safe harbor or relief), from the month's facts. Pure. Codes and
their order from the Instructions for Forms 1094-C and 1095-C (2025), "Line 14", "Line 15" and "Line 16"."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from backoffice.money import fmt_usd
from benefits.engine.affordability import SafeHarbor

STATUSES = ("full_time", "not_full_time", "in_initial_measurement", "non_employee")
LINE14_CODES = ("1A", "1B", "1C", "1D", "1E", "1F", "1H")
LINE16_CODES = ("2A", "2B", "2C", "2D", "2F", "2G", "2H")


@dataclass(frozen=True)
class MonthFacts:
    employed: bool                 # a leased-employee engagement on at least one day of the month
    status: str                    # one of STATUSES
    offered: bool                  # medical coverage offered for every day of the month
    offers_spouse: bool = False    # the plan has a tier covering a spouse
    offers_dependents: bool = False    # ... and one covering children
    minimum_value: bool = True     # the plan provides minimum value (else 1F)
    enrolled: bool = False         # enrolled in the offered coverage every day of the month
    employee_share: Decimal | None = None    # monthly, lowest-cost self-only coverage
    limited_non_assessment: bool = False     # a waiting period / first months of employment (2D)
    fpl_monthly_limit: Decimal | None = None     # the year's FPL limit (a qualifying offer, 1A)
    safe_harbor: SafeHarbor | None = None


@dataclass(frozen=True)
class MonthCodes:
    line14: str
    line15: Decimal | None
    line16: str                   # "" when no code applies
    explanation: tuple[str, ...]


def _line14(f: MonthFacts) -> tuple[str, str]:
    if not f.employed or not f.offered:
        return "1H", "1H: no offer of coverage for every day of the month."
    if not f.minimum_value:
        return "1F", "1F: coverage offered that does not provide minimum value."
    if (f.offers_spouse and f.offers_dependents and f.employee_share is not None
            and f.fpl_monthly_limit is not None and f.employee_share <= f.fpl_monthly_limit):
        return "1A", (f"1A: a qualifying offer, minimum-value coverage for the employee at "
                      f"{fmt_usd(f.employee_share)} a month (at most the poverty-line limit), with coverage for the "
                      "spouse and dependents.")
    code = {(True, True): "1E", (True, False): "1D", (False, True): "1C", (False, False): "1B"}[
        (f.offers_spouse, f.offers_dependents)]
    who = {"1E": "the employee, spouse and dependents", "1D": "the employee and spouse",
           "1C": "the employee and dependents", "1B": "the employee only"}[code]
    return code, f"{code}: minimum-value coverage offered to {who}."


def _line16(f: MonthFacts, line14: str) -> tuple[str, str]:
    if not f.employed:
        return "2A", "2A: not employed on any day of the month."
    if f.enrolled:
        return "2C", "2C: enrolled in the coverage offered for every day of the month."
    if f.status == "in_initial_measurement" or f.limited_non_assessment:
        return "2D", "2D: in a limited non-assessment period (initial measurement or waiting period)."
    if f.status != "full_time":
        return "2B", "2B: not a full-time employee in the month."
    if line14 == "1A":
        return "", "Line 16 blank: a qualifying offer needs no safe harbor."
    if f.offered and f.safe_harbor is not None and f.safe_harbor.code:
        return f.safe_harbor.code, " ".join(f.safe_harbor.explanation)
    if f.offered and f.safe_harbor is not None:
        return "", "Line 16 blank: " + " ".join(f.safe_harbor.explanation)
    return "", "Line 16 blank: a full-time employee with no offer and no relief."


def month_codes(f: MonthFacts) -> MonthCodes:
    """Lines 14, 15 and 16 for the month. Line 15 is given only with 1B–1F (not with 1A or 1H); line 16 takes 2A,
    then 2C (enrolled wins over any safe harbor), then 2D, 2B, then the affordability safe harbor."""
    if f.status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    l14, why14 = _line14(f)
    l15 = f.employee_share if l14 in ("1B", "1C", "1D", "1E", "1F") else None
    l16, why16 = _line16(f, l14)
    why15 = (f"Line 15: {fmt_usd(l15)}, the employee's monthly share of the lowest-cost self-only coverage."
             if l15 is not None else "Line 15 blank.")
    return MonthCodes(l14, l15, l16, (why14, why15, why16))
