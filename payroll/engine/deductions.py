"""Deductions: annual limits (402(g) with catch-up, HSA, health FSA) and the CCPA garnishment limits."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from backoffice.money import D, round_cents
from backoffice.periods import age_at_year_end

from .model import Num, Pct
from .tables import TaxTables

_Z = D(0)


def deferral_limit(birth_date: date | None, t: TaxTables) -> tuple[Decimal, tuple]:
    """The 402(g) elective-deferral limit for the year with the age-based catch-up (age at 31 December)."""
    if birth_date is None:
        return t.deferral_limit, (("402(g) limit {} (no birth date given, so no catch-up)", t.deferral_limit),)
    age = age_at_year_end(birth_date, t.year)
    if 60 <= age <= 63:
        catch_up, why = t.catch_up_60_63, "ages 60-63 catch-up (SECURE 2.0 section 109)"
    elif age >= 50:
        catch_up, why = t.catch_up_50, "age 50+ catch-up"
    else:
        return t.deferral_limit, (("402(g) limit {} (age {} at year end, no catch-up)", t.deferral_limit, Num(age)),)
    limit = t.deferral_limit + catch_up
    return limit, (("402(g) limit {} + {} {} (age {} at year end) = {}",
                    t.deferral_limit, why, catch_up, Num(age), limit),)


def hsa_limit(birth_date: date | None, coverage: str, t: TaxTables) -> tuple[Decimal, tuple]:
    base = t.hsa_self_only if coverage == "self_only" else t.hsa_family
    label = "self-only" if coverage == "self_only" else "family"
    if birth_date is not None and age_at_year_end(birth_date, t.year) >= 55:
        limit = base + t.hsa_catch_up_55
        return limit, (("HSA limit " + label + " {} + age 55+ catch-up {} = {} (" + t.hsa_source + ")",
                        base, t.hsa_catch_up_55, limit),)
    return base, (("HSA limit " + label + " {} (" + t.hsa_source + ")", base),)


def cap_to_limit(requested: Decimal, used: Decimal, limit: Decimal, limit_steps: tuple,
                 what: str, scope: str = "this year") -> tuple[Decimal, tuple]:
    """Stop a deduction at a limit (annual with the year-to-date amount, or per pay period) and say so."""
    room = limit - used
    if room < 0:
        room = _Z
    if requested <= room:
        return requested, limit_steps + (("{} so far {} {}; room left {}; requested {} fits",
                                          what, scope, used, room, requested),)
    return room, limit_steps + (("{} so far {} {}; room left {}; requested {} is capped at {}",
                                 what, scope, used, room, requested, room),)


def ccpa_ordinary_limit(disposable: Decimal, periods: int, t: TaxTables) -> tuple[Decimal, tuple]:
    """15 U.S.C. 1673(a): the lesser of 25% of disposable earnings and the amount by which weekly disposable
    earnings exceed 30 × the federal minimum wage (scaled to the pay period: × 52 ÷ periods per year)."""
    multiple = t.ccpa_min_wage_multiple * 52 / periods
    floor = round_cents(multiple * t.federal_minimum_wage)
    quarter = disposable * t.ccpa_ordinary_percent
    excess = disposable - floor
    if excess < 0:
        excess = _Z
    limit = round_cents(min(quarter, excess))
    return limit, (
        ("Disposable earnings (wages less taxes required by law): {}", disposable),
        ("CCPA limit: the lesser of {} × {} = {} and the amount by which disposable earnings exceed {} × the "
         "federal minimum wage {} = {}, i.e. {}; limit {} ({})",
         t.ccpa_ordinary_percent, disposable, round_cents(quarter), Num(multiple.normalize()),
         t.federal_minimum_wage, floor, round_cents(excess), limit, t.ccpa_source),
    )


def ccpa_support_limit(disposable: Decimal, supports_other_family: bool, arrears_over_12_weeks: bool,
                       t: TaxTables) -> tuple[Decimal, tuple]:
    """15 U.S.C. 1673(b)(2): 50% (supporting another spouse or child) or 60% (not), +5% when over 12 weeks in arrears."""
    pct = t.support_percent_other_family if supports_other_family else t.support_percent_no_other_family
    if arrears_over_12_weeks:
        pct = Pct(pct + t.support_arrears_add)
    limit = round_cents(disposable * pct)
    return limit, (
        ("Disposable earnings (wages less taxes required by law): {}", disposable),
        ("CCPA support-order limit {} of disposable earnings" +
         (" (supports another family" if supports_other_family else " (no other family") +
         (", over 12 weeks in arrears)" if arrears_over_12_weeks else ")") + ": {}", pct, limit),
    )
