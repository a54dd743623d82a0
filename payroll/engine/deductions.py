"""Deductions: annual limits (402(g) with catch-up and the Roth catch-up rule, HSA, health FSA, dependent-care FSA,
commuter monthly limits), the CCPA garnishment limits shared by several
orders, goals, and the pre-tax and post-tax steps of a paycheck."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Final

from backoffice.errors import DomainError
from backoffice.money import ZERO, D

from .hotpath import age_at_year_end, cents, make_line
from .model import (COMMUTER_KINDS, GARNISHMENT_CODES, ORDINARY_GARNISHMENT_CODES, PRETAX_TREATMENT, SUPPORT_CODES,
                    Deduction, Line, Num, Pct, YearToDate)
from .retirement import hsa_prorated_limit, roth_catch_up_required, roth_catch_up_steps
from .tables import TaxTables

_Z: Final = D(0)
_CENT: Final = Decimal("0.01")


def cap_cents(limit: Decimal) -> Decimal:
    """A legal maximum in cents, cut down (not rounded half-up): 25% of $845.42 is $211.355, and withholding
    $211.36 would exceed the law's 25% by half a cent. Withheld amounts themselves round half-up as usual."""
    return limit.quantize(_CENT, rounding=ROUND_DOWN)


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


def within_415c(limit: Decimal, lsteps: tuple, ytd: YearToDate, t: TaxTables) -> tuple[Decimal, Decimal, tuple]:
    """(deferral limit, pre-tax base, steps) once the employer's 401(k) money this year is counted: deferrals are
    annual additions too (IRC 415(c)), so when employer contributions leave less than the 402(g) limit, deferrals
    stop at what they leave (no catch-up on top: the engine counts deferrals up to the 402(g) limit as annual
    additions, the cautious reading). Costs one comparison when there is no employer money."""
    if not ytd.employer_401k or t.annual_additions_limit is None:
        return limit, t.deferral_limit, lsteps
    room = t.annual_additions_limit - ytd.employer_401k
    if room >= t.deferral_limit:
        return limit, t.deferral_limit, lsteps
    room = room if room > 0 else _Z
    return room, room, lsteps + (("415(c) annual additions limit {} less employer 401(k) contributions this year {} "
                                  "leaves {} for deferrals ({})", t.annual_additions_limit, ytd.employer_401k, room,
                                  t.annual_additions_source),)


def hsa_limit(birth_date: date | None, coverage: str, t: TaxTables,
              coverage_by_month=None) -> tuple[Decimal, tuple]:
    """The year's HSA limit: self-only or family (+ the age-55 catch-up), or prorated by month when the coverage
    changes during the year (`coverage_by_month`, 12 entries, IRC 223(b)(2))."""
    if coverage_by_month is not None:
        return hsa_prorated_limit(tuple(coverage_by_month), birth_date, t)
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
    room = cents(room)           # a limit less cents taken is whole cents; the line shows two decimals
    return room, limit_steps + (("{} so far {} {}; room left {}; requested {} is capped at {}",
                                 what, scope, used, room, requested, room),)


def ccpa_ordinary_limit(disposable: Decimal, periods: int, t: TaxTables) -> tuple[Decimal, tuple]:
    """15 U.S.C. 1673(a): the lesser of 25% of disposable earnings and the amount by which weekly disposable
    earnings exceed 30 × the federal minimum wage (scaled to the pay period: × 52 ÷ periods per year)."""
    multiple = t.ccpa_min_wage_multiple * 52 / periods
    floor = cents(multiple * t.federal_minimum_wage)
    quarter = disposable * t.ccpa_ordinary_percent
    excess = disposable - floor
    if excess < 0:
        excess = _Z
    limit = cap_cents(min(quarter, excess))
    return limit, (
        ("Disposable earnings (wages less taxes required by law): {}", disposable),
        ("CCPA limit: the lesser of {} × {} = {} and the amount by which disposable earnings exceed {} × the "
         "federal minimum wage {} = {}, i.e. {}; limit {} (cut to the cent) ({})",
         t.ccpa_ordinary_percent, disposable, cap_cents(quarter), Num(multiple.normalize()),
         t.federal_minimum_wage, floor, cents(excess), limit, t.ccpa_source),
    )


def ccpa_support_limit(disposable: Decimal, supports_other_family: bool, arrears_over_12_weeks: bool,
                       t: TaxTables) -> tuple[Decimal, tuple]:
    """15 U.S.C. 1673(b)(2): 50% (supporting another spouse or child) or 60% (not), +5% when over 12 weeks in arrears."""
    pct = t.support_percent_other_family if supports_other_family else t.support_percent_no_other_family
    if arrears_over_12_weeks:
        pct = Pct(pct + t.support_arrears_add)
    limit = cap_cents(disposable * pct)
    return limit, (
        ("Disposable earnings (wages less taxes required by law): {}", disposable),
        ("CCPA support-order limit {} of disposable earnings" +
         (" (supports another family" if supports_other_family else " (no other family") +
         (", over 12 weeks in arrears)" if arrears_over_12_weeks else ")") + ": {}", pct, limit),
    )


# --- one deduction's request: amount or percent, capped at what is left of its goal ------------------------------

def requested_amount(d: Deduction, base: Decimal, base_label: str) -> tuple[Decimal, tuple]:
    """The amount a deduction asks for this period: its fixed amount, or its percent of `base` (gross wages for
    elections and loans, disposable earnings for garnishments), stopped at the balance left of its goal."""
    if d.percent is not None:
        amount = cents(base * d.percent)
        steps: tuple = (("{} of " + base_label + " {} = {}", Pct(d.percent), base, amount),)
    else:
        amount = cents(d.amount)
        steps = ()
    if d.goal_remaining is not None:
        left = cents(d.goal_remaining) if d.goal_remaining > 0 else ZERO
        if amount > left:
            steps += (("Balance left to collect {} (the goal is reached with this paycheck): {} instead of {}",
                       left, left, amount),)
            amount = left
        else:
            steps += (("Balance left to collect before this paycheck {}", left),)
    return amount, steps


# --- pre-tax deductions, with annual limits -------------------------------------------------------------------

class PretaxOutcome:
    """What the pre-tax deductions took. Internal to the engine, like earnings.EarningsTotals: a native class in the
    compiled build (built and read in C), read-only."""

    def __init__(self, lines: tuple[Line, ...], fit_exempt: Decimal, fica_exempt: Decimal,
                 by_treatment: dict[str, Decimal], deferred: Decimal, hsa: Decimal, fsa: Decimal,
                 wages_left: Decimal, dcfsa: Decimal = _Z, deemed_roth: tuple[Deduction, ...] = ()) -> None:
        self.lines: Final = lines
        self.fit_exempt: Final = fit_exempt        # taken out of income-tax wages
        self.fica_exempt: Final = fica_exempt      # out of social security, Medicare, FUTA, SUTA wages (cafeteria)
        self.by_treatment: Final = by_treatment    # code -> amount (state rules read it)
        self.deferred: Final = deferred            # traditional 401(k) deferrals this period
        self.hsa: Final = hsa
        self.fsa: Final = fsa
        self.wages_left: Final = wages_left        # wages less the pre-tax deductions
        self.dcfsa: Final = dcfsa
        self.deemed_roth: Final = deemed_roth      # Roth 401(k) for catch-ups that must be Roth (SECURE 2.0 s. 603)


def _no_figure(what: str, t: TaxTables):
    return DomainError(f"no {what} for tax year {t.year} in its limits data", code="unsupported_tax_year")


def _commuter_limit(d: Deduction, periods: int | None, t: TaxTables) -> tuple[Decimal, Decimal, tuple]:
    """(limit, used, steps) for a commuter deduction: the month's limit less what this month already took when
    `month_to_date` is given; otherwise the monthly limit spread over the pay periods (× 12 ÷ periods a year)."""
    kind = str(d.options.get("kind", "transit"))
    if kind not in COMMUTER_KINDS:
        raise DomainError(f"commuter kind must be one of {', '.join(COMMUTER_KINDS)}, not {kind!r}")
    monthly = t.transit_monthly if kind == "transit" else t.parking_monthly
    if monthly is None:
        raise _no_figure("qualified transportation (IRC 132(f)) limit", t)
    label = "Transit" if kind == "transit" else "Qualified parking"
    if "month_to_date" in d.options:
        return monthly, D(str(d.options["month_to_date"])), (
            (label + " monthly limit {} ({})", monthly, t.transportation_source),)
    if not periods:
        raise DomainError("the commuter limit needs the pay frequency or the month to date")
    limit = cap_cents(monthly * 12 / periods)
    return limit, _Z, ((label + " monthly limit {} × 12 ÷ {} pay periods = {} a paycheck ({})",
                        monthly, Num(periods), limit, t.transportation_source),)


def apply_pretax(deductions: tuple[Deduction, ...], wages: Decimal, ytd: YearToDate, birth_date: date | None,
                 t: TaxTables, prior_year_fica_wages: Decimal | None = None,
                 periods: int | None = None) -> PretaxOutcome:
    """401(k), Section 125 premiums, HSA, health FSA, dependent-care FSA and commuter benefits, in the order given,
    each at most its limit and together at most the wages of the period. A traditional 401(k) deferral of a worker
    whose catch-ups must be Roth stops at the 402(g) limit; the rest of it, up to the catch-up, comes back in
    `deemed_roth` for the post-tax step."""
    lines: list[Line] = []
    fit_exempt = fica_exempt = deferred = hsa_taken = fsa_taken = dcfsa_taken = _Z
    deemed: list[Deduction] = []
    commuter_taken: dict[str, Decimal] = {}
    by_treatment: dict[str, Decimal] = {}
    room_in_wages = wages
    for d in deductions:
        code = d.code
        treatment = PRETAX_TREATMENT.get(code)
        if treatment is None:
            raise DomainError(f"unknown pre-tax deduction {code!r}")
        requested, rsteps = requested_amount(d, wages, "gross wages")
        if code == "401k":
            limit, base, lsteps = within_415c(*deferral_limit(birth_date, t), ytd, t)
            used = ytd.deferrals_401k + deferred
            if limit > base and roth_catch_up_required(birth_date, prior_year_fica_wages, t):
                amount, steps = cap_to_limit(requested, used, base,
                                             lsteps + roth_catch_up_steps(prior_year_fica_wages, t),
                                             "Pre-tax elective deferrals (catch-ups excluded)")
                rest = requested - amount
                catch_room = limit - used - amount
                roth = rest if rest <= catch_room else (catch_room if catch_room > 0 else _Z)
                if roth > 0:
                    deemed.append(Deduction("roth_401k", roth, {"deemed_roth_catch_up": True}, ref=d.ref))
                    steps += (("{} of this deferral continues as a Roth catch-up (after tax)", roth),)
            else:
                amount, steps = cap_to_limit(requested, used, limit, lsteps, "Elective deferrals")
            deferred += amount
            steps = (("Traditional 401(k): exempt from federal income tax, subject to social security and "
                      "Medicare ({})", t.deferral_source),) + rsteps + steps
        elif code == "hsa":
            coverage = str(d.options.get("coverage", "family"))
            limit, lsteps = hsa_limit(birth_date, coverage, t, d.options.get("coverage_by_month"))
            amount, steps = cap_to_limit(requested, ytd.hsa + hsa_taken, limit, lsteps, "HSA contributions")
            hsa_taken += amount
            steps = (("HSA through a cafeteria plan: exempt from income tax, social security, Medicare and FUTA",),
                     ) + rsteps + steps
        elif code == "fsa":
            amount, steps = cap_to_limit(requested, ytd.fsa + fsa_taken, t.fsa_limit,
                                         (("Health FSA limit {} ({})", t.fsa_limit, t.fsa_source),),
                                         "Health FSA salary reductions")
            fsa_taken += amount
            steps = (("Health FSA through a cafeteria plan: exempt from income tax, social security, Medicare "
                      "and FUTA",),) + rsteps + steps
        elif code == "dcfsa":
            mfs = bool(d.options.get("married_filing_separately", False))
            dc_limit = t.dcfsa_limit_mfs if mfs else t.dcfsa_limit
            if dc_limit is None:
                raise _no_figure("dependent-care assistance (IRC 129) limit", t)
            amount, steps = cap_to_limit(requested, ytd.dcfsa + dcfsa_taken, dc_limit,
                                         (("Dependent-care FSA limit {}" + (" (married filing separately)"
                                           if mfs else "") + " ({})", dc_limit, t.dcfsa_source),),
                                         "Dependent-care FSA salary reductions")
            dcfsa_taken += amount
            steps = (("Dependent-care FSA (IRC 129) through a cafeteria plan: exempt from income tax, social "
                      "security, Medicare and FUTA",),) + rsteps + steps
        elif code == "commuter":
            limit, used, lsteps = _commuter_limit(d, periods, t)
            kind = str(d.options.get("kind", "transit"))
            amount, steps = cap_to_limit(requested, used + commuter_taken.get(kind, _Z), limit, lsteps,
                                         "Commuter benefits",
                                         "this month" if "month_to_date" in d.options else "this period")
            commuter_taken[kind] = commuter_taken.get(kind, _Z) + amount
            steps = (("Commuter benefit (IRC 132(f)): exempt from income tax, social security, Medicare and FUTA "
                      "within the monthly limit",),) + rsteps + steps
        else:
            amount = requested
            steps = rsteps + (("Section 125 premium {}: exempt from income tax, social security, Medicare and FUTA",
                               amount),)
        if amount > room_in_wages:
            steps += (("Reduced to the wages left this period: {}", room_in_wages),)
            amount = room_in_wages
        room_in_wages -= amount
        fit_exempt += amount
        if treatment[1]:
            fica_exempt += amount
        by_treatment[code] = by_treatment.get(code, _Z) + amount
        lines.append(make_line(code, amount, steps, None, d.ref))     # (code, amount, steps, state, ref)
    return PretaxOutcome(tuple(lines), fit_exempt, fica_exempt, by_treatment, deferred, hsa_taken, fsa_taken,
                         room_in_wages, dcfsa_taken, tuple(deemed))


# --- post-tax deductions: garnishments in priority order, then Roth 401(k), loans, other ----------------------

_POSTTAX_RANK = {"child_support": 0, "garnishment": 1, "student_loan": 1, "tax_levy": 1, "roth_401k": 2,
                 "529": 3, "loan": 3, "other": 3}


def posttax_order(deductions: tuple[Deduction, ...]) -> tuple[Deduction, ...]:
    """Support orders first, then the other garnishments and levies in the order given (the caller gives them in
    the order the orders were received), then Roth deferrals, then loans and other deductions (a stable sort)."""
    if len(deductions) < 2:
        return deductions
    return tuple(sorted(deductions, key=lambda d: _POSTTAX_RANK.get(d.code, 9)))


def apply_posttax(deductions: tuple[Deduction, ...], wages: Decimal, disposable: Decimal, available: Decimal,
                  deferred: Decimal, ytd: YearToDate, birth_date: date | None, periods: int,
                  t: TaxTables) -> tuple[tuple[Line, ...], Decimal]:
    """The post-tax deductions of one paycheck and the Roth deferrals among them.

    Several garnishments share the CCPA limits (15 U.S.C. 1673; DOL WHD Fact Sheet #30): support orders come
    first, within the support limit (50/55/60/65% of disposable earnings); ordinary garnishments (creditor
    orders, administrative student-loan and federal-debt garnishments) share the ordinary limit (the lesser of
    25% of disposable earnings and the excess over 30 × the federal minimum wage a week) less what support
    already took, so nothing when support takes 25% or more. A student-loan order is also at most 15% of
    disposable earnings. Tax levies are outside the CCPA (1673(b)(1)(C)): their amount comes from the levy
    notice. Every deduction stops where net pay would go below zero."""
    lines: list[Line] = []
    support_taken = ordinary_taken = roth = _Z
    ordinary_limit = None
    olsteps: tuple = ()
    for d in posttax_order(deductions):
        code = d.code
        if code in GARNISHMENT_CODES:
            requested, rsteps = requested_amount(d, disposable, "disposable earnings")
        else:
            requested, rsteps = requested_amount(d, wages, "gross wages")
        if code in SUPPORT_CODES:
            limit, lsteps = ccpa_support_limit(disposable, bool(d.options.get("supports_other_family", True)),
                                               bool(d.options.get("arrears_over_12_weeks", False)), t)
            amount, steps = cap_to_limit(requested, support_taken, limit, lsteps, "Support withheld", "this period")
            support_taken += amount
        elif code in ORDINARY_GARNISHMENT_CODES:
            if ordinary_limit is None:
                ordinary_limit, olsteps = ccpa_ordinary_limit(disposable, periods, t)
            limit = ordinary_limit - support_taken
            lsteps = olsteps + ((("Less support withheld this period {}: {}", support_taken,
                                  limit if limit > 0 else ZERO),) if support_taken else ())
            limit = limit if limit > 0 else ZERO
            amount, steps = cap_to_limit(requested, ordinary_taken, limit, lsteps, "Garnishments", "this period")
            if code == "student_loan":
                own = cap_cents(disposable * t.student_loan_percent)
                if amount > own:
                    steps += (("A student-loan or federal-debt garnishment is at most {} of disposable earnings: "
                               "{} ({})", t.student_loan_percent, own, t.student_loan_source),)
                    amount = own
            ordinary_taken += amount
        elif code == "tax_levy":
            amount, steps = requested, (("Tax levy {} as computed from the levy notice (exempt amount, IRS Pub "
                                         "1494); the CCPA limits do not apply to tax debts "
                                         "(15 U.S.C. 1673(b)(1)(C))", requested),)
        elif code == "roth_401k":
            limit, _, lsteps = within_415c(*deferral_limit(birth_date, t), ytd, t)
            amount, steps = cap_to_limit(requested, ytd.deferrals_401k + deferred + roth, limit, lsteps,
                                         "Elective deferrals (traditional + Roth)")
            roth += amount
            steps = (("Roth 401(k) catch-up (deemed Roth, SECURE 2.0 section 603): after tax, within the same "
                      "402(g) limit and catch-up",) if d.options.get("deemed_roth_catch_up") else
                     ("Roth 401(k): after tax, counts toward the same 402(g) limit",),) + steps
        elif code == "529":
            amount, steps = requested, (("529 education savings {}: after tax (no federal exclusion, IRC 529)",
                                         requested),)
        elif code == "loan":
            amount, steps = requested, (("Loan repayment {}", requested),)
        elif code == "other":
            amount, steps = requested, (("After-tax deduction {}", requested),)
        else:
            raise DomainError(f"unknown post-tax deduction {code!r}")
        steps = rsteps + steps
        if amount > available:
            steps += (("Reduced to {} so net pay does not go below zero", available if available > 0 else ZERO),)
            if code == "roth_401k":
                roth -= amount - (available if available > 0 else ZERO)
            amount = available if available > 0 else ZERO
        available -= amount
        lines.append(make_line(code, amount, steps, ref=d.ref))
    return tuple(lines), roth
