"""401(k) and account rules that are not one paycheck's arithmetic: catch-up entitlement and the Roth catch-up rule,
415(c) room, match formulas and the year-end true-up, vesting, automatic enrollment with escalation, the HSA limit
with a coverage change during the year. Pure: figures come from the year's TaxTables and the plan-rules data file."""
from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache
from typing import Iterable, Sequence

from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.money import ZERO, D, round_cents
from backoffice.periods import age_at_year_end

from .model import Num, Pct
from .tables import DATA_DIR, TaxTables

_CENT = Decimal("0.01")
HSA_COVERAGES = ("self_only", "family", "none")


@lru_cache(maxsize=1)
def plan_rules() -> dict:
    """The statutory plan-design data (vesting schedules, safe-harbor match formulas, IRC 414A bounds)."""
    with (DATA_DIR / "retirement_plan_rules.json").open(encoding="utf-8") as fh:
        return json.load(fh)


# --- catch-ups: who is entitled, and whether they must be Roth ---------------------------------------------------

def catch_up_amount(birth_date: date | None, t: TaxTables) -> Decimal:
    """The catch-up a worker may defer on top of the 402(g) limit, by age attained by 31 December (IRC 414(v)(2)(B)
    "attained age 50 before the close of the taxable year": a December birthday counts for the whole year):
    ages 60-63 the SECURE 2.0 section 109 amount, 50 and over the regular one, otherwise none."""
    if birth_date is None:
        return ZERO
    age = age_at_year_end(birth_date, t.year)
    if 60 <= age <= 63:
        return t.catch_up_60_63
    if age >= 50:
        return t.catch_up_50
    return ZERO


def roth_catch_up_required(birth_date: date | None, prior_year_fica_wages: Decimal | None,
                           t: TaxTables) -> bool:
    """SECURE 2.0 section 603 (IRC 414(v)(7)): from 2026, a catch-up-eligible worker whose prior-year FICA wages
    from this employer exceeded the threshold makes catch-ups only as Roth. Unknown wages (None) count as over
    the threshold: a Roth catch-up is always allowed, a pre-tax one for a worker over it disqualifies the plan."""
    if not t.roth_catch_up_required or catch_up_amount(birth_date, t) == 0:
        return False
    if t.roth_catch_up_threshold is None:
        raise DomainError(f"no Roth catch-up wage threshold for {t.year}", code="unsupported_tax_year")
    return prior_year_fica_wages is None or prior_year_fica_wages > t.roth_catch_up_threshold


def roth_catch_up_steps(prior_year_fica_wages: Decimal | None, t: TaxTables) -> tuple:
    """Why the catch-up is Roth (built only when it applies)."""
    if prior_year_fica_wages is None:
        why = ("Prior-year FICA wages from this employer not known: treated as over {}", t.roth_catch_up_threshold)
    else:
        why = ("Prior-year FICA wages from this employer {} are over {}", prior_year_fica_wages,
               t.roth_catch_up_threshold)
    return (why, ("Catch-ups past the 402(g) limit {} must be Roth: the plan deems them Roth and continues them as "
                  "Roth deferrals after tax ({})", t.deferral_limit, t.roth_catch_up_source))


# --- 415(c): annual additions ----------------------------------------------------------------------------------

def annual_additions_deferrals(deferrals: Decimal, birth_date: date | None, t: TaxTables) -> Decimal:
    """The part of the year's elective deferrals (traditional + Roth) that counts toward 415(c): deferrals past
    the 402(g) limit are catch-ups for a catch-up-eligible worker, and catch-ups are not annual additions
    (IRC 414(v)(3)(A))."""
    if catch_up_amount(birth_date, t) and deferrals > t.deferral_limit:
        return t.deferral_limit
    return deferrals


def annual_additions_room(deferrals: Decimal, employer_401k: Decimal, birth_date: date | None,
                          t: TaxTables) -> Decimal:
    """What employer contributions may still add this year: the 415(c) limit less the deferrals that count
    and the employer contributions already made (never below zero)."""
    if t.annual_additions_limit is None:
        raise DomainError(f"no 415(c) annual additions limit for {t.year}", code="unsupported_tax_year")
    room = t.annual_additions_limit - annual_additions_deferrals(deferrals, birth_date, t) - employer_401k
    return room if room > 0 else ZERO


# --- match formulas and the year-end true-up -------------------------------------------------------------------

MatchTiers = tuple[tuple[Decimal, Decimal], ...]     # (share of pay, match rate), applied in turn


def match_formula(name: str) -> MatchTiers:
    """A named formula of the plan-rules data ("safe_harbor_basic" = 100% of the first 3% + 50% of the next 2%)."""
    formulas = plan_rules()["match_formulas"]["formulas"]
    if name not in formulas:
        raise DomainError(f"unknown match formula {name!r}; known: {', '.join(sorted(formulas))}")
    return tuple((D(share), D(rate)) for share, rate in formulas[name])


def check_match_tiers(tiers: Sequence[tuple[Decimal, Decimal]], field: str = "match") -> MatchTiers:
    """Tiers as data, checked: each share of pay and rate a fraction in (0, 1]; the shares together at most 100%."""
    issues = []
    out = []
    for i, (share, rate) in enumerate(tiers):
        share, rate = D(share), D(rate)
        if not (0 < share <= 1):
            issues.append(Issue(f"{field}[{i}].share", "is a fraction of pay: more than 0, at most 1 (0.03 is 3%)"))
        if not (0 < rate <= 1):
            issues.append(Issue(f"{field}[{i}].rate", "is a fraction: more than 0, at most 1 (0.5 is 50%)"))
        out.append((share, rate))
    if not issues and sum((s for s, _ in out), ZERO) > 1:
        issues.append(Issue(field, "the tiers' shares of pay add up to more than 100%"))
    if issues:
        raise ValidationFailed(issues)
    return tuple(out)


def match_on(pay: Decimal, deferrals: Decimal, tiers: MatchTiers) -> Decimal:
    """The match a formula gives on `deferrals` out of `pay`: each tier matches, at its rate, the part of the
    deferrals within its share of pay, in turn."""
    left = deferrals
    total = ZERO
    for share, rate in tiers:
        band = round_cents(pay * share)
        on = left if left < band else band
        total += round_cents(on * rate)
        left -= on
        if left <= 0:
            break
    return total


def true_up(year_pay: Decimal, deferrals: Decimal, match_paid: Decimal, tiers: MatchTiers,
            room_415c: Decimal | None = None) -> Decimal:
    """The year-end true-up: the match the formula gives on the whole year's pay and deferrals, less the match
    already paid per paycheck (never negative: a match paid is not taken back here), and at most the 415(c)
    room left when given. A worker who front-loads deferrals (stopped at 402(g) in October) is matched as if
    the deferrals had been spread over the year."""
    due = match_on(year_pay, deferrals, tiers) - match_paid
    if due <= 0:
        return ZERO
    if room_415c is not None and due > room_415c:
        return room_415c
    return due


# --- vesting -----------------------------------------------------------------------------------------------------

VestingRows = tuple[tuple[int, Decimal], ...]        # (completed years of service at least, vested fraction)


def vesting_schedule(name: str) -> VestingRows:
    """A named schedule of the plan-rules data: immediate, cliff_2, cliff_3, graded_6."""
    schedules = plan_rules()["vesting_schedules"]["schedules"]
    if name not in schedules:
        raise DomainError(f"unknown vesting schedule {name!r}; known: {', '.join(sorted(schedules))}")
    return tuple((int(y), D(f)) for y, f in schedules[name])


def check_vesting_schedule(rows: Sequence[tuple[int, Decimal]], field: str = "vesting") -> VestingRows:
    """A schedule as data, checked: years from 0 up, fractions in [0, 1] never falling, 100% at the end, and at
    least as fast as one of the statutory minimums for employer contributions (IRC 411(a)(2)(B): 3-year cliff or
    2-to-6-year graded)."""
    rows = tuple((int(y), D(f)) for y, f in rows)
    issues = []
    if not rows or rows[0][0] != 0:
        issues.append(Issue(field, "must start at 0 years of service"))
    for i in range(1, len(rows)):
        if rows[i][0] <= rows[i - 1][0] or rows[i][1] < rows[i - 1][1]:
            issues.append(Issue(f"{field}[{i}]", "years must increase and the vested share must not fall"))
    if any(not (0 <= f <= 1) for _, f in rows):
        issues.append(Issue(field, "vested shares are fractions from 0 to 1"))
    if rows and rows[-1][1] != 1:
        issues.append(Issue(field, "must reach 100%"))
    if not issues:
        def slower_than(minimum: VestingRows) -> bool:
            return any(vested_percent(rows, D(n)) < vested_percent(minimum, D(n)) for n in range(0, 8))
        if slower_than(vesting_schedule("cliff_3")) and slower_than(vesting_schedule("graded_6")):
            issues.append(Issue(field, "vests more slowly than both the 3-year cliff and the 2-to-6-year graded "
                                       "schedule allowed by IRC 411(a)(2)(B)"))
    if issues:
        raise ValidationFailed(issues)
    return rows


def vested_percent(schedule: VestingRows | str, service_years: Decimal | int) -> Decimal:
    """The vested fraction of employer contributions after `service_years` completed years (1 = 100%): the last
    row the service reaches. Elective deferrals and safe-harbor contributions are always fully vested; this is for
    the match and other employer money."""
    rows = vesting_schedule(schedule) if isinstance(schedule, str) else schedule
    vested = ZERO
    for years, fraction in rows:
        if service_years >= years:
            vested = fraction
        else:
            break
    return vested


def years_of_service(periods: Iterable[tuple[date, date | None]], on: date) -> int:
    """Completed years of service on `on` by the elapsed-time method (Treas. Reg. 1.410(a)-7): the engagements
    with every client, overlaps counted once, totalled in days; 365 days make a year. An open engagement runs to
    `on`. (The 12-month service-spanning rule for short breaks is not applied.)"""
    spans = sorted((s, min(e or on, on)) for s, e in periods if s <= on)
    days = 0
    cur_start = cur_end = None
    for s, e in spans:
        if cur_end is None or s > cur_end:
            if cur_end is not None:
                days += (cur_end - cur_start).days + 1
            cur_start, cur_end = s, e
        elif e > cur_end:
            cur_end = e
    if cur_end is not None:
        days += (cur_end - cur_start).days + 1
    return days // 365


# --- automatic enrollment with escalation (SECURE 2.0 section 101, IRC 414A) ------------------------------------

def auto_enroll_percent(start_date: date, on: date, initial: Decimal, step: Decimal, cap: Decimal) -> Decimal:
    """The deferral percent (a fraction) of an automatically enrolled worker on `on`: `initial` from
    `start_date`, plus `step` on each anniversary of it, at most `cap`. IRC 414A(b)(3): initial 3% to 10%,
    increased by at least 1 point a year until at least 10%, never above 15%. Refuses a design outside those."""
    rules = plan_rules()["automatic_enrollment_414a"]
    issues = []
    if not (D(rules["initial_min"]) <= initial <= D(rules["initial_max"])):
        issues.append(Issue("initial", f"must be from {Pct(rules['initial_min']) * 100:f}% to "
                                       f"{Pct(rules['initial_max']) * 100:f}% (IRC 414A(b)(3)(A))"))
    if not (D(rules["cap_min"]) <= cap <= D(rules["cap_max"])):
        issues.append(Issue("cap", "must be from 10% to 15% (IRC 414A(b)(3)(B))"))
    if step < D(rules["step"]) and initial < cap:
        issues.append(Issue("step", "must be at least 1 point a year (IRC 414A(b)(3)(B))"))
    if issues:
        raise ValidationFailed(issues)
    if on < start_date:
        raise DomainError(f"{on} is before the automatic enrollment started on {start_date}")
    years = on.year - start_date.year - ((on.month, on.day) < (start_date.month, start_date.day))
    percent = initial + step * years
    return cap if percent > cap else percent


# --- HSA with coverage changing during the year (IRC 223(b)(2)) ------------------------------------------------

def hsa_prorated_limit(coverage_by_month: Sequence[str], birth_date: date | None,
                       t: TaxTables) -> tuple[Decimal, tuple]:
    """The year's HSA limit when coverage changes: the sum over the 12 months of 1/12 of the limit for the
    coverage on the first day of each month (self_only, family or none), the age-55 catch-up likewise for the
    months covered (IRC 223(b)(3)), cut down to the cent. The last-month rule (223(b)(8): eligible on 1
    December counts as eligible all year, with a testing period) is not applied."""
    if len(coverage_by_month) != 12 or any(c not in HSA_COVERAGES for c in coverage_by_month):
        raise ValidationFailed([Issue("coverage_by_month", "give 12 months, January first, each one of "
                                      + ", ".join(HSA_COVERAGES))])
    catch_up = t.hsa_catch_up_55 if birth_date is not None and age_at_year_end(birth_date, t.year) >= 55 else ZERO
    self_months = sum(1 for c in coverage_by_month if c == "self_only")
    family_months = sum(1 for c in coverage_by_month if c == "family")
    covered = self_months + family_months
    total = (t.hsa_self_only * self_months + t.hsa_family * family_months + catch_up * covered) / 12
    limit = total.quantize(_CENT, rounding=ROUND_DOWN)
    steps: tuple = (("HSA limit by month (IRC 223(b)(2)): {} months self-only × {} ÷ 12 + {} months family × {} ÷ 12"
                     + (" + {} months × age 55+ catch-up {} ÷ 12" if catch_up else "") + " = {} ({})",
                     Num(self_months), t.hsa_self_only, Num(family_months), t.hsa_family,
                     *((Num(covered), catch_up) if catch_up else ()), limit, t.hsa_source),)
    return limit, steps
