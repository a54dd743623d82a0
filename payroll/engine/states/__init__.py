"""State payroll taxes: income-tax withholding, disability/family-leave programs, reciprocity and SUTA wage bases."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, Final
from collections.abc import Mapping

from backoffice.errors import Issue, ValidationFailed
from backoffice.geo import STATES
from backoffice.money import D, ZERO, fmt_pct, fmt_usd
from backoffice.periods import PayFrequency

from ..model import QUIET, Steps, quick_init
from ..hotpath import Replay, cents
from .income import income_tax_amount
from .inputs import Certificate, Wages, read_certificate
from .multistate import check_one_state_shares, compute_allocated, convenience_state, reciprocal_form
from .rules import (IncomeTax, Program, StateRules, UnsupportedState, applies_to, rules_at, suta_bases_for_year,
                    suta_new_employer_rates_for_year,
                    versions_for_year)

__all__ = [
    "StateContext", "StateTaxLine", "UnsupportedState", "compute_state_taxes", "state_lines",
    "supported_states", "suta_wage_base",
    "suta_new_employer_rate",
    "partially_supported_states", "states_computed_on",
]

WEEKS_PER_YEAR: Final = D(52)
ALL_PAY_PERIODS = frozenset(f.periods_per_year for f in PayFrequency)


@quick_init
@dataclass(frozen=True)
class StateContext:
    pay_date: date
    periods_per_year: int
    work_state: str
    residence_state: str
    gross: Decimal
    supplemental: Decimal
    pretax: Mapping[str, Decimal]
    ytd_gross: Decimal
    certificate: Mapping[str, object]
    federal_filing_status: str
    birth_date: date | None = None
    federal_income_tax: Decimal = ZERO    # this paycheck's federal withholding (AL, OR subtract it; MT, ... do not)
    # Several work states in one period: (state, hours or wages) pairs from the earnings lines (multistate.py)
    work_shares: tuple[tuple[str, Decimal], ...] = ()
    share_measure: str = "hours"
    # The employer location a remote worker is assigned to, and whether they work away from it for their own
    # convenience (NY and the other convenience-of-the-employer states tax that work: reciprocity.json)
    office_state: str = ""
    remote_for_convenience: bool = False
    # The pay period's first and last day: a state dating its tables by the period's start (Utah) or end (Ohio)
    # picks its version by it; None (a quote without it): by the pay date, refusing the dates only it decides
    period_start: date | None = None
    period_end: date | None = None
    # The part of `supplemental` that is not a bonus (commissions): a state with a rate of its own for it
    # (IncomeTax.supplemental_rate_other, California's 6.6%) withholds on it at that rate
    supplemental_other: Decimal = ZERO
    # The employer's size by state, where a program's rate depends on it (Program.size_rates): the number the
    # agency's state registration records; a state not in it pays the largest employer's rate, said in the line
    employer_size: Mapping[str, int] = field(default_factory=dict)

    @property
    def period(self) -> tuple[date | None, date | None]:
        return (self.period_start, self.period_end)


@quick_init
@dataclass(frozen=True)
class StateTaxLine:
    """One state tax line. `explanation` is its steps in words; from compute_state_taxes(ctx, explain=False) it is
    one deferred step instead, (state_line_explanation, ctx, index), which model.render_steps expands into the
    same words by computing the line again when someone reads it."""

    code: str
    state: str
    amount: Decimal
    explanation: tuple
    employer: bool = False
    wages: Decimal | None = None     # the wages the line was computed on (W-2 box 16, state wage reports)


class StateLine:
    """A state tax line as this module computes it, with StateTaxLine's fields: a plain class, so the compiled build
    makes it a native class, built by a C constructor and read in C (docs/compiled-engine.md, "Records"), where a
    StateTaxLine is a Python record (a Python `__init__` to build, a look-up through its class to read). It never
    leaves the engine: the paycheck reads its lines as these (state_lines); compute_state_taxes gives StateTaxLine
    records made from them. Read-only but for `explanation`, which state_lines sets once on a line it has just
    made (the deferred step)."""

    def __init__(self, code: str, state: str, amount: Decimal, explanation: tuple, employer: bool = False,
                 wages: Decimal | None = None) -> None:
        self.code: Final = code
        self.state: Final = state
        self.amount: Final = amount
        self.explanation = explanation
        self.employer: Final = employer
        self.wages: Final = wages


def _supported_ranges(tax_year: int) -> dict[str, tuple[tuple[date | None, date | None], ...]]:
    """state -> the pay-date ranges (first, last; None = open end) its income-tax rules cover, in order."""
    out = {}
    for state, versions in versions_for_year(tax_year).items():
        ranges = tuple((r.effective_from, r.effective_until) for r in versions
                       if r.unsupported is None and r.income_tax)
        if ranges:
            out[state] = ranges
    return out


def _every_pay_frequency(state: str, tax_year: int) -> bool:
    """False when some version works from per-period tables that omit a pay frequency (e.g. OH: no quarterly)."""
    return all(r.income_tax is None or r.income_tax.pay_periods is None or ALL_PAY_PERIODS <= r.income_tax.pay_periods
               for r in versions_for_year(tax_year)[state])


def _whole_year(ranges: tuple[tuple[date | None, date | None], ...]) -> bool:
    if ranges[0][0] is not None or ranges[-1][1] is not None:
        return False
    return all(a[1] is not None and b[0] is not None and (b[0] - a[1]).days == 1 for a, b in zip(ranges, ranges[1:]))


def supported_states(tax_year: int) -> frozenset[str]:
    """States whose income-tax withholding (and programs) this module computes for every pay date of the year.

    States whose tables change mid-year and are only partly in the data (see partially_supported_states) are
    left out, so a caller iterating over this set never meets UnsupportedState."""
    return frozenset(s for s, ranges in _supported_ranges(tax_year).items()
                     if _whole_year(ranges) and _every_pay_frequency(s, tax_year))


def partially_supported_states(tax_year: int) -> dict[str, tuple[tuple[date | None, date | None], ...]]:
    """States computed only in part: state -> the covered pay-date ranges (first, last), in order; None = open
    end. Pay dates outside them raise UnsupportedState, and so do pay frequencies a per-period publication
    prints no table for (a state covering the whole year but not every frequency is listed here too)."""
    return {s: ranges for s, ranges in _supported_ranges(tax_year).items()
            if not (_whole_year(ranges) and _every_pay_frequency(s, tax_year))}


def states_computed_on(pay_date: date, periods_per_year: int, period_start: date | None = None,
                       period_end: date | None = None) -> frozenset[str]:
    """States whose income-tax withholding computes for a paycheck of this pay date and pay frequency: the whole-year
    states, and a partly covered state when the version in force on the pay date covers the frequency (Ohio's 2025
    tables from October; Utah in June 2026 only with the period start, which decides its version). A run holds only
    workers outside this set (payroll/services/runs.py)."""
    out = set()
    for state, versions in versions_for_year(pay_date.year).items():
        rules = next((r for r in versions if applies_to(r, pay_date, (period_start, period_end))), None)
        if rules is None or rules.unsupported or rules.income_tax is None:
            continue
        periods = rules.income_tax.pay_periods
        if periods is not None and periods_per_year not in periods:
            continue
        out.add(state)
    return frozenset(out)


def suta_wage_base(state: str, tax_year: int) -> Decimal:
    """The state's SUTA taxable wage base for the year, from suta_wage_bases.json (which names each source)."""
    state = state.upper()
    entry = suta_bases_for_year(tax_year).get(state)
    if entry is None or entry[0] is None:
        raise UnsupportedState(f"the SUTA taxable wage base for {state} in {tax_year} is not confirmed yet")
    return entry[0]


def suta_new_employer_rate(state: str, tax_year: int) -> Decimal:
    """The SUTA rate a new (not yet experience-rated) employer pays in the state, from suta_wage_bases.json."""
    state = state.upper()
    rate = suta_new_employer_rates_for_year(tax_year).get(state, (None, ""))[0]
    if rate is None:
        raise UnsupportedState(f"the SUTA new-employer rate for {state} in {tax_year} is not confirmed yet")
    return rate


# (state, tax year) -> its rules, for states with one version a year in force on every pay date (nearly all):
# the answer of _rules below, whatever the pay date or period, so a run does not walk the checks once a paycheck
_WHOLE_YEAR_RULES: dict[tuple[str, int], StateRules] = {}


def _rules(state: str, tax_year: int, pay_date: date | None = None,
           period: tuple[date | None, date | None] = (None, None)) -> StateRules:
    hit = _WHOLE_YEAR_RULES.get((state, tax_year))
    if hit is not None:
        return hit
    if state not in STATES:
        raise UnsupportedState(f"{state!r} is not a US state or DC")
    versions = versions_for_year(tax_year).get(state, ())
    rules = versions[0] if versions else None
    if pay_date is not None and rules is not None and (
            len(versions) > 1 or rules.effective_from is not None or rules.effective_until is not None):
        rules = next((r for r in versions if applies_to(r, pay_date, period)), None)
        if rules is None:
            spans = "; ".join(f"{a.isoformat() if a else 'the start of the year'} to "
                              f"{b.isoformat() if b else 'the end of the year'}"
                              for a, b in _supported_ranges(tax_year).get(state, ())) or "no pay dates"
            field = versions[0].dated_by
            if field != "pay_date" and period[0 if field == "period_start" else 1] is None:
                raise UnsupportedState(
                    f"state income tax withholding for {state} is chosen by the pay period's "
                    f"{'start' if field == 'period_start' else 'end'} date "
                    f"({versions[0].publication.split(':')[0]}): for a pay date of {pay_date.isoformat()} the "
                    f"period may fall under either table, so give {field} (without it the {tax_year} "
                    f"data covers pay dates {spans})")
            raise UnsupportedState(f"state income tax withholding for {state} is not supported yet for a pay date "
                                   f"of {pay_date.isoformat()}: the {tax_year} data covers {spans} (the tables for "
                                   f"other pay dates are not in the data)")
    if rules is not None and rules.unsupported:
        raise UnsupportedState(f"state income tax withholding for {state} is not supported yet for "
                               f"{tax_year}: {rules.unsupported}")
    if rules is None or rules.income_tax is None:
        raise UnsupportedState(f"state income tax withholding for {state} is not supported yet "
                               f"(tax year {tax_year})")
    if len(versions) == 1 and rules.effective_from is None and rules.effective_until is None:
        _WHOLE_YEAR_RULES[(state, tax_year)] = rules
    return rules


def _certificate_for(ctx: StateContext, state: str) -> Certificate:
    """The certificate for one state: a nested {"CA": {...}} entry when given, else the flat mapping."""
    raw = ctx.certificate
    if not raw:
        return read_certificate(state, raw)
    nested = raw.get(state)
    if isinstance(nested, Mapping):
        return read_certificate(state, nested)
    flat = {k: v for k, v in raw.items() if not (len(k) == 2 and k.isupper())}
    return read_certificate(state, flat)


_SOURCE_LINES: dict[int, str] = {}
_NO_TAX_STEPS: dict[int, tuple[str, ...]] = {}
_PROGRAM_HEADS: dict[int, tuple[str, str, str]] = {}


def _source(rules: StateRules) -> str:
    """The 'Source: ...' line, built once per state and year (rules objects live as long as the process)."""
    line = _SOURCE_LINES.get(id(rules))
    if line is None:
        line = _SOURCE_LINES[id(rules)] = f"Source: {rules.publication} ({rules.tax_year})."
    return line


def state_wages(tax: IncomeTax, gross: Decimal, supplemental: Decimal, pretax: Mapping[str, Decimal],
                ytd_gross: Decimal = ZERO, federal_income_tax: Decimal = ZERO,
                supplemental_other: Decimal = ZERO) -> Wages:
    excluded = ZERO
    if pretax:
        exempt = tax.exempt_pretax
        for code, amount in pretax.items():
            if code in exempt:
                excluded += amount
    regular = gross - supplemental - excluded
    supp = supplemental
    if regular < 0:          # pre-tax deductions larger than regular pay come out of the supplemental part
        supp = max(ZERO, supp + regular)
        regular = ZERO
    # what is left of the supplemental pay keeps its bonus part whole: an excess of pre-tax deductions comes out of
    # the non-bonus part (commissions) first, so the bonus rate is never applied to less than the bonus
    other = min(supp, max(ZERO, supplemental_other - (supplemental - supp)))
    return Wages(regular, supp, excluded, ytd_gross, federal_income_tax, other)


def _income_line(ctx: StateContext, rules: StateRules, cert: Certificate, lead: list[str],
                 quiet: bool = False) -> StateLine:
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    if tax.method == "none":
        words = _NO_TAX_STEPS.get(id(rules))
        if words is None:
            words = _NO_TAX_STEPS[id(rules)] = (f"{rules.state} has no state income tax on wages: {tax.reason}",
                                                _source(rules))
        return StateLine("state_income_tax", rules.state, ZERO, (*lead, *words) if lead else words)
    c: dict[str, Any] = ctx.__dict__    # each field read once from the record's __dict__ (_compute says why)
    steps: Steps = QUIET if quiet else list(lead)
    if tax.params.get("status_from_federal_w4"):
        status = "married" if c["federal_filing_status"] == "married_jointly" else "single"
        cert = replace(cert, filing_status=status, given=True)
        if steps is not QUIET:
            steps.append(f"{rules.state} uses the federal Form W-4: filing status {ctx.federal_filing_status} -> "
                         f"{status} schedule.")
    if not cert.given and tax.method != "elected_percentage":   # that method says it itself
        if steps is not QUIET:
            steps.append(f"No {tax.certificate_form} on file: {tax.default_certificate}")
    pretax: Mapping[str, Decimal] = c["pretax"]
    wages = state_wages(tax, c["gross"], c["supplemental"], pretax, c["ytd_gross"], c["federal_income_tax"],
                        c["supplemental_other"])
    if pretax and steps is not QUIET:
        excluded = [code for code, a in pretax.items() if a and code in tax.exempt_pretax]
        taxed = [code for code, a in pretax.items() if a and code not in tax.exempt_pretax]
        if excluded:
            if steps is not QUIET:
                steps.append(f"Pre-tax deductions excluded from {rules.state} wages ({', '.join(sorted(excluded))}): "
                             f"{fmt_usd(wages.excluded)}")
        if taxed:
            if steps is not QUIET:
                steps.append(f"Not excluded for {rules.state} income tax: {', '.join(sorted(taxed))}")
    amount = income_tax_amount(rules, cert, wages, c["periods_per_year"], steps)
    if steps is QUIET:
        return StateLine("state_income_tax", rules.state, amount, (), False, wages.regular + wages.supplemental)
    steps.extend(rules.notes)
    steps.append(_source(rules))
    return StateLine("state_income_tax", rules.state, amount, tuple(steps), False, wages.regular + wages.supplemental)


def _program_line(ctx: StateContext, rules: StateRules, program: Program, quiet: bool = False) -> StateLine:
    heads = _PROGRAM_HEADS.get(id(program))
    if heads is None:
        heads = _PROGRAM_HEADS[id(program)] = (f"{program.name}: {fmt_pct(program.rate)} of wages",
                                               fmt_pct(program.rate), f"Source: {program.source}")
    head, pct, source = heads
    rate = program.rate
    size = None
    if program.size_rates:
        size = ctx.employer_size.get(rules.state)
        if size is not None:
            rate = next(r for n, r in reversed(program.size_rates) if size >= n)
    if program.exemption_field:
        own = ctx.certificate.get(rules.state)
        flags = own if isinstance(own, Mapping) else ctx.certificate
        if flags.get(program.exemption_field) is True:     # a yes/no claim (inputs._FLAG_FIELDS): never "false"
            return StateLine(program.code, rules.state, ZERO,
                             (head, f"Exempt: {program.exemption_note}", source), program.employer)
    c: dict[str, Any] = ctx.__dict__    # as _income_line
    gross: Decimal = c["gross"]
    pretax: Mapping[str, Decimal] = c["pretax"]
    excluded = ZERO
    if program.excluded_pretax and pretax:
        excluded = sum((a for code, a in pretax.items() if code in program.excluded_pretax), ZERO)
    wages = gross - excluded if gross > excluded else ZERO
    steps = QUIET if quiet else [head]
    if program.size_rates and steps is not QUIET:
        pct = fmt_pct(rate)
        steps.append(_size_step(program, rules.state, size, rate))
    if excluded:
        if steps is not QUIET:
            steps.append(f"Wages {fmt_usd(gross)} less excluded pre-tax deductions {fmt_usd(excluded)} = {fmt_usd(wages)}")
    if program.annual_wage_base is not None:
        ytd = ctx.ytd_gross if ctx.ytd_gross > 0 else ZERO
        room = program.annual_wage_base - ytd
        if room < 0:
            room = ZERO
        if wages > room:
            if steps is not QUIET:
                steps.append(f"Only {fmt_usd(room)} of this pay is below the {fmt_usd(program.annual_wage_base)} "
                             f"annual wage base (year to date before this pay: {fmt_usd(ytd)})")
            wages = room
    amount = wages * rate
    if steps is not QUIET:
        steps.append(f"{fmt_usd(wages)} x {pct} = {fmt_usd(amount)}")
    if program.weekly_max is not None:
        cap = program.weekly_max * WEEKS_PER_YEAR / D(ctx.periods_per_year)
        if amount > cap:
            if steps is not QUIET:
                steps.append(f"Capped at {fmt_usd(program.weekly_max)} a week: {fmt_usd(program.weekly_max)} x 52 / "
                             f"{ctx.periods_per_year} = {fmt_usd(cap)} this period")
            amount = cap
    if steps is QUIET:
        return StateLine(program.code, rules.state, cents(amount), (), program.employer, wages)
    steps.append(source)
    return StateLine(program.code, rules.state, cents(amount), tuple(steps), program.employer, wages)


def _size_step(program: Program, state: str, size: int | None, rate: Decimal) -> str:
    """The words for the rate a program charges an employer of `size` employees in the state (None: not recorded)."""
    if size is None:
        return (f"Employer size in {state} not recorded (the agency's {state} registration): the rate of an employer "
                f"of {program.size_rates[-1][0]} or more, {fmt_pct(rate)}")
    return f"Employer of {size} employees in {state} ({program.size_rule}): {fmt_pct(rate)}"


def _claimed_form(ctx: StateContext, work_state: str, home_state: str) -> str | None:
    """The reciprocal exemption form for this pair when the worker's work-state certificate claims it."""
    work = _rules(work_state, ctx.pay_date.year, ctx.pay_date, ctx.period)
    form = reciprocal_form(work_state, home_state, ctx.pay_date.year, work.reciprocity)
    return form if form is not None and _certificate_for(ctx, work_state).reciprocity else None


def _unclaimed_form(ctx: StateContext, work_state: str, home_state: str) -> str | None:
    """The reciprocal exemption form for this pair when the states have an agreement the certificate does not claim."""
    work = _rules(work_state, ctx.pay_date.year, ctx.pay_date, ctx.period)
    form = reciprocal_form(work_state, home_state, ctx.pay_date.year, work.reciprocity)
    return form if form is not None and not _certificate_for(ctx, work_state).reciprocity else None


def _asks_top_up(home_state: str, pay_date: date, period: tuple[date | None, date | None] = (None, None)) -> bool:
    home = rules_at(home_state, pay_date.year, pay_date, period)
    return bool(home is not None and home.unsupported is None and home.income_tax is not None
                and home.income_tax.method != "none" and home.resident_top_up)


def state_line_explanation(ctx: StateContext, index: int) -> tuple[str, ...]:
    """The words of line `index` of compute_state_taxes(ctx, explain=False) (hotpath.Replay)."""
    return _REPLAY.words(ctx, index)


def compute_state_taxes(ctx: StateContext, explain: bool = True) -> list[StateTaxLine]:
    """Every state tax line for one paycheck: work-state (or reciprocal residence-state) income tax, any
    resident top-up, and the work state's disability / family-leave programs.

    explain=False computes the figures only and gives each line one deferred step (state_line_explanation)
    in place of its words: a payroll run or a quote without explanations never formats them."""
    return [StateTaxLine(x.code, x.state, x.amount, x.explanation, x.employer, x.wages)
            for x in state_lines(ctx, explain)]


def state_lines(ctx: StateContext, explain: bool) -> list[StateLine]:
    """compute_state_taxes(ctx, explain) as the engine's own StateLine records (the paycheck reads these)."""
    c: dict[str, Any] = ctx.__dict__    # as _compute
    if c["periods_per_year"] < 1:
        raise ValidationFailed([Issue("periods_per_year", "must be 1 or more")])
    work_shares: tuple[tuple[str, Decimal], ...] = c["work_shares"]
    if explain or (work_shares and len({s.upper() for s, m in work_shares if m}) > 1):
        return _compute(ctx, False)     # several work states (multistate.py): always in words, as it was
    lines = _compute(ctx, True)
    for i, line in enumerate(lines):
        # each line is new, made by this call and seen by no one yet: set its deferred step in place
        line.explanation = ((state_line_explanation, ctx, i),)
    return lines


_REPLAY: Final = Replay(compute_state_taxes)   # the words of its lines computed with explain=False


def _compute(ctx: StateContext, quiet: bool) -> list[StateLine]:
    # Each field read once, from the record's __dict__, where quick_init stores it: a dict lookup in C where an
    # attribute read of a Python record from compiled code looks the name up through the class first (as
    # paycheck._employee reads its input; _income_line and _program_line do the same)
    c: dict[str, Any] = ctx.__dict__
    pay_date: date = c["pay_date"]
    work_shares: tuple[tuple[str, Decimal], ...] = c["work_shares"]
    period = (c["period_start"], c["period_end"])         # ctx.period
    year = pay_date.year
    given_home: str = c["residence_state"]
    if given_home and given_home.upper() not in STATES and given_home.upper() != c["work_state"].upper():
        # the work state is checked by _rules (UnsupportedState, the same home included); a home that is no state
        # would only drop reciprocity and the resident's top-up without a word
        raise ValidationFailed([Issue("residence_state", f"{given_home!r} is not a US state or DC")])
    certificates: Mapping[str, object] = c["certificate"]
    if certificates:
        # a certificate filed under a code that is no state ("NK" for NJ) would be ignored without a word
        unknown = [k for k in certificates if len(k) == 2 and k.isupper() and k not in STATES]
        if unknown:
            raise ValidationFailed([Issue(f"certificate.{k}", f"{k!r} is not a US state or DC") for k in unknown])
    if work_shares and len({s.upper() for s, m in work_shares if m}) > 1:
        return [StateLine(x.code, x.state, x.amount, x.explanation, x.employer, x.wages)
                for x in compute_allocated(ctx, compute_state_taxes, work_shares,
                                           lambda w, h: _claimed_form(ctx, w, h),
                                           lambda h: _asks_top_up(h, pay_date, period), c["share_measure"],
                                           lambda w, h: _unclaimed_form(ctx, w, h))]
    if work_shares:
        check_one_state_shares(work_shares, c["work_state"])
    work_state: str = c["work_state"].upper()
    home_state: str = c["residence_state"].upper()
    office_state: str = c["office_state"]
    convenience = convenience_state(office_state.upper(), work_state, home_state, c["remote_for_convenience"],
                                    year)
    convenience_note = []
    if convenience is not None:
        convenience_note = [f"Works remotely in {work_state} for their own convenience for an employer location in "
                            f"{convenience.state}: {convenience.state}'s convenience-of-the-employer rule treats the "
                            f"work as done in {convenience.state} ({convenience.source})."]
        work_state = convenience.state
    work = _rules(work_state, year, pay_date, period)
    lines: list[StateLine] = []

    form = reciprocal_form(work_state, home_state, year, work.reciprocity) if home_state != work_state else None
    if form is not None:
        work_cert = _certificate_for(ctx, work_state)
        if work_cert.reciprocity:
            home = _rules(home_state, year, pay_date, period)
            home_cert = _certificate_for(ctx, home_state)
            lead = convenience_note + [f"Works in {work_state}, lives in {home_state}: the two states have a reciprocal agreement, "
                    f"so with {form} on file no {work_state} income tax is withheld and {home_state} tax is "
                    f"withheld instead."]
            lines.append(StateLine("state_income_tax", work_state, ZERO, tuple(lead + [_source(work)])))
            lines.append(_income_line(ctx, home, home_cert, lead, quiet))
            lines.extend(_program_line(ctx, work, p, quiet) for p in work.programs)
            return lines

    work_cert = _certificate_for(ctx, work_state)
    lead = list(convenience_note)
    if home_state != work_state:
        lead.append(f"Works in {work_state}, lives in {home_state}: {work_state} (the work state) withholds.")
        if form is not None:
            lead.append(f"{work_state} and {home_state} have a reciprocal agreement, but no claim of it is on file: "
                        f"with {form} (the {work_state} certificate's reciprocity claim) {work_state} would "
                        f"withhold nothing and {home_state} would withhold instead.")
    work_line = _income_line(ctx, work, work_cert, lead, quiet)
    lines.append(work_line)

    if home_state != work_state:
        resident = rules_at(home_state, year, pay_date, period)
        if resident is not None and resident.unsupported is None and resident.income_tax is not None \
                and resident.income_tax.method != "none" and resident.resident_top_up:
            home_cert = _certificate_for(ctx, home_state)
            steps = QUIET if quiet else [f"{home_state} requires withholding on its residents' wages earned in "
                                         f"another state, less the other state's withholding."]
            home_line = _income_line(ctx, resident, home_cert, [], quiet)
            top_up = max(ZERO, home_line.amount - work_line.amount)
            if steps is not QUIET:
                steps.append(f"{home_state} withholding computed as if worked at home: {fmt_usd(home_line.amount)}")
            steps.extend("  " + s for s in home_line.explanation)
            if steps is not QUIET:
                steps.append(f"Less {work_state} withholding {fmt_usd(work_line.amount)}: top-up {fmt_usd(top_up)}")
            lines.append(StateLine("state_income_tax", home_state, top_up, tuple(steps)))
        else:
            if resident is None or resident.unsupported is not None or resident.income_tax is None:
                note = (f"Residence state {home_state} is not covered yet: no {home_state} resident withholding is "
                        f"computed (the employee may owe {home_state} tax on the return).")
            elif resident.income_tax.method == "none":
                note = f"Residence state {home_state} has no income tax on wages."
            else:
                note = (f"Residence state {home_state}: no resident withholding is modelled for wages earned in "
                        f"{work_state}; the employee settles {home_state} tax (with credit for {work_state} tax) "
                        f"on the return.")
            lines[-1] = StateLine(work_line.code, work_line.state, work_line.amount,
                                  work_line.explanation + (note,), work_line.employer)
    for program in work.programs:
        lines.append(_program_line(ctx, work, program, quiet))
    return lines
