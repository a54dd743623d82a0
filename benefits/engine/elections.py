"""What an election costs and when it may be made: the employer's and the worker's monthly share of a tier's
premium under a contribution rule, per-paycheck amounts, life-event windows and effective dates, dependent ages.
Pure: figures in, Decimals and dates out."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from backoffice.money import ZERO, round_cents
from backoffice.periods import age_on

MONTHS = 12
# The ACA's dependent coverage rule (PHS Act 2714, 45 CFR 147.120): a plan that covers children must cover them
# until they turn 26.
CHILD_AGE_LIMIT = 26
# Special enrollment (HIPAA, 29 CFR 2590.701-6): at least 30 days to ask after the event; this house gives 60 days
# for a birth or adoption (a newborn's paperwork takes longer), effective on the event day (701-6(b)(3)); the
# other events take effect on the first day of the month after the election.
LIFE_EVENT_DAYS = {"marriage": 30, "birth": 60, "adoption": 60, "loss_of_coverage": 30, "move": 30, "divorce": 30,
                   "death": 30}
ON_EVENT_DATE = ("birth", "adoption")


@dataclass(frozen=True)
class Shares:
    """One tier's monthly premium split between the worker and the employer."""

    monthly_premium: Decimal
    employer_monthly: Decimal
    employee_monthly: Decimal


def shares(tier_premium: Decimal, employee_only_premium: Decimal | None, method: str | None,
           value: Decimal | None) -> Shares:
    """The employer pays, a month: `percent_employee_only` value × the employee-only premium; `percent_tier`
    value × this tier's premium; `flat` value dollars; never more than the premium. The worker pays the rest."""
    if method is None or value is None:
        employer = ZERO
    elif method == "percent_employee_only":
        base = employee_only_premium if employee_only_premium is not None else tier_premium
        employer = round_cents(value * base)
    elif method == "percent_tier":
        employer = round_cents(value * tier_premium)
    elif method == "flat":
        employer = round_cents(value)
    else:
        raise ValueError(f"unknown contribution method {method!r}")
    employer = min(employer, tier_premium)
    return Shares(tier_premium, employer, tier_premium - employer)


def per_paycheck(monthly: Decimal, periods_per_year: int) -> Decimal:
    """A monthly amount per paycheck: monthly × 12 / paychecks a year, to the cent (half up)."""
    if periods_per_year <= 0:
        raise ValueError("periods_per_year must be positive")
    return round_cents(monthly * MONTHS / periods_per_year)


def annual_per_paycheck(annual: Decimal, periods_per_year: int) -> Decimal:
    """An account's annual election per paycheck: annual / paychecks a year, to the cent (half up)."""
    if periods_per_year <= 0:
        raise ValueError("periods_per_year must be positive")
    return round_cents(annual / periods_per_year)


def first_of_next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


@dataclass(frozen=True)
class LifeEventWindow:
    closes_on: date          # the last day to elect (inclusive)
    effective_date: date     # when the changed coverage starts


def life_event_window(kind: str, event_date: date, elected_on: date | None = None) -> LifeEventWindow:
    """The worker's window after a qualifying event: 30 days after it (60 for a birth or adoption); coverage on
    the event date for a birth or adoption, else the first of the month after the election (or the event)."""
    if kind not in LIFE_EVENT_DAYS:
        raise ValueError(f"{kind!r} is not a qualifying life event")
    closes = event_date + timedelta(days=LIFE_EVENT_DAYS[kind])
    if kind in ON_EVENT_DATE:
        return LifeEventWindow(closes, event_date)
    return LifeEventWindow(closes, first_of_next_month(max(event_date, elected_on or event_date)))


def child_too_old(birth_date: date, on: date) -> bool:
    """A child is covered until the day before their 26th birthday."""
    return age_on(birth_date, on) >= CHILD_AGE_LIMIT


TIER_NEEDS = {"employee": (), "employee_spouse": ("spouse",), "employee_children": ("child",),
              "family": ("spouse", "child")}


def tier_problem(tier: str, relationships: list[str]) -> str | None:
    """Why the dependents chosen do not fit the tier, or None: employee only covers no one; + spouse one spouse
    or domestic partner; + children one or more children; family a spouse/partner and children."""
    partners = sum(r in ("spouse", "domestic_partner") for r in relationships)
    children = sum(r == "child" for r in relationships)
    if partners > 1:
        return "only one spouse or domestic partner may be covered"
    if tier == "employee" and (partners or children):
        return "employee-only coverage covers no dependents: choose another tier"
    if tier == "employee_spouse" and (children or not partners):
        return "employee + spouse covers one spouse or domestic partner and no children"
    if tier == "employee_children" and (partners or not children):
        return "employee + children covers children only"
    if tier == "family" and not (partners and children):
        return "family covers a spouse or domestic partner and at least one child"
    return None
