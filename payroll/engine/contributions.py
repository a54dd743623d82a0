"""Employer contributions on a paycheck: the 401(k) match from the deferral taken (within the 415(c) annual
additions), employer HSA within the one HSA limit, employer-paid health coverage. Paid on top of wages; not taxable
wages (IRC 106, 401(k), 3121(a)(5))."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

from backoffice.errors import DomainError
from backoffice.money import D

from .deductions import cap_to_limit, hsa_limit
from .hotpath import cents, make_line
from .model import EmployerContribution, Line, Pct
from .retirement import annual_additions_deferrals, annual_additions_room
from .tables import TaxTables

_Z: Final = D(0)


def _fixed_or_percent(c: EmployerContribution, wages: Decimal, what: str) -> tuple[Decimal, tuple]:
    if c.percent is not None:
        amount = cents(wages * c.percent)
        return amount, ((what + ": {} of gross wages {} = {}", Pct(c.percent), wages, amount),)
    amount = cents(c.amount)
    return amount, ((what + ": {} a paycheck", amount),)


def match_401k(c: EmployerContribution, wages: Decimal, deferred: Decimal) -> tuple[Decimal, tuple]:
    """The match on the deferral actually taken this period (traditional + Roth): each tier matches, at its rate,
    the part of the deferral that falls within its share of pay, in turn (100% of the first 3% + 50% of the next
    2% matches a 6% deferral with 4% of pay)."""
    if not c.match:
        return _fixed_or_percent(c, wages, "401(k) employer contribution")
    steps: list = [("401(k) match on the deferrals taken this period {} (traditional and Roth) out of gross wages {}",
                    deferred, wages)]
    left = deferred
    total = _Z
    for share, rate in c.match:
        band = cents(wages * share)
        matched_on = left if left < band else band
        part = cents(matched_on * rate)
        steps.append(("{} of the next {} of pay ({}): deferral {} in this band × {} = {}",
                      Pct(rate), Pct(share), band, matched_on, Pct(rate), part))
        total += part
        left -= matched_on
    steps.append(("Employer match {}", total))
    return total, tuple(steps)


def cap_to_415c(amount: Decimal, steps: tuple, deferrals_year: Decimal, employer_401k_year: Decimal,
                birth_date: date | None, t: TaxTables) -> tuple[Decimal, tuple]:
    """Stop an employer 401(k) contribution at the 415(c) room: the limit less the year's deferrals that count
    (catch-ups do not) and the employer contributions so far. Words only when the limit is reached."""
    room = annual_additions_room(deferrals_year, employer_401k_year, birth_date, t)
    if amount <= room:
        return amount, steps
    counted = annual_additions_deferrals(deferrals_year, birth_date, t)
    return room, steps + (("415(c) annual additions limit {} ({}): deferrals this year {} (catch-ups excluded) + "
                           "employer contributions so far {} leave {}; the contribution stops there",
                           t.annual_additions_limit, t.annual_additions_source, counted, employer_401k_year,
                           room),)


def employer_contributions(contributions: tuple[EmployerContribution, ...], wages: Decimal, deferred: Decimal,
                           hsa_used: Decimal, birth_date: date | None,
                           t: TaxTables, deferrals_year: Decimal | None = None,
                           employer_401k_year: Decimal = _Z) -> tuple[tuple[Line, ...], Decimal]:
    """The employer's lines and the employer HSA amount (it counts toward the year's HSA limit with the employee's
    own: `hsa_used` is the year to date before this paycheck plus the employee's HSA this period). The 401(k)
    match stops at the 415(c) room when `deferrals_year` (the year's deferrals including this paycheck's) is
    given; `employer_401k_year` is the employer 401(k) money before this paycheck."""
    lines = []
    hsa_employer = _Z
    employer_401k = _Z
    for c in contributions:
        if c.code == "401k_match":
            amount, steps = match_401k(c, wages, deferred)
            if deferrals_year is not None and amount:
                amount, steps = cap_to_415c(amount, steps, deferrals_year, employer_401k_year + employer_401k,
                                            birth_date, t)
            employer_401k += amount
        elif c.code == "hsa_employer":
            requested, rsteps = _fixed_or_percent(c, wages, "Employer HSA contribution")
            coverage = str(c.options.get("coverage", "family"))
            limit, lsteps = hsa_limit(birth_date, coverage, t, c.options.get("coverage_by_month"))
            amount, steps = cap_to_limit(requested, hsa_used + hsa_employer, limit, lsteps,
                                         "HSA contributions (employee and employer)")
            steps = rsteps + (("Employer HSA contributions share the one HSA limit with the employee's (IRC 223(b)); "
                               "not wages through a cafeteria plan (IRC 106(d))",),) + steps
            hsa_employer += amount
        elif c.code == "health_employer":
            amount, steps = _fixed_or_percent(c, wages, "Employer share of health premiums")
            steps += (("Employer-paid health coverage is not wages (IRC 106(a))",),)
        else:
            raise DomainError(f"unknown employer contribution {c.code!r}")
        lines.append(make_line(c.code, amount, steps, ref=c.ref))
    return tuple(lines), hsa_employer
