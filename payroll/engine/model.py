"""Inputs and results of the payroll engine: frozen records, money as Decimal, explanations rendered on demand."""
from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Mapping, MutableSequence, NamedTuple, Union

from backoffice.money import ZERO, fmt_pct, fmt_usd
from backoffice.periods import PayFrequency

# --- explanation steps -------------------------------------------------------------------------------------------
# A step is (template, arg, arg, ...). Money args are Decimals (shown as $1,234.56), Pct args are rates (shown as
# 22%), anything else is shown with str(). Rendering is deferred to the moment someone reads `Line.explanation`:
# the engine builds the steps (cheap tuples) and the words are only produced for the paychecks a person looks at.


class Pct(Decimal):
    """A rate shown as a percentage in explanations (0.062 -> 6.2%)."""

    __slots__ = ()


class Num(Decimal):
    """A plain number shown without a currency sign (hours, units, periods)."""

    __slots__ = ()


def _show(arg: object) -> str:
    if isinstance(arg, Pct):
        return fmt_pct(arg)
    if isinstance(arg, Num):
        return f"{arg.normalize():f}" if arg == arg.to_integral_value() else f"{arg:f}"
    if isinstance(arg, Decimal):
        return fmt_usd(arg)
    return str(arg)


def render_step(step: tuple | str) -> str:
    """One explanation step to plain English: the template with its figures filled in (a str is already text)."""
    if isinstance(step, str):
        return step
    template = step[0]
    if len(step) == 1:
        return template
    return template.format(*[_show(a) for a in step[1:]])


def render_steps(steps) -> tuple[str, ...]:
    """All steps to text; a step whose first element is a function expands into the steps it returns."""
    out = []
    for step in steps:
        if type(step) is tuple and callable(step[0]):
            out.extend(render_step(s) for s in step[0](*step[1:]))
        else:
            out.append(render_step(step))
    return tuple(out)


def quick_init(cls):
    """A frozen dataclass (without slots) given an `__init__` that stores all its fields in one step.

    The `__init__` a frozen dataclass generates sets each field with `object.__setattr__`, one call a field: a
    paycheck makes about ten lines, two year-to-date records, a result and the state records, some 130 fields,
    and that was a quarter of the engine's time. This one stores each field straight into the new instance's
    `__dict__` (an item store, not an attribute call; a third quicker than building a dict and setting `__dict__`
    to it, and the instances share their key table): the same signature, defaults and default factories, and
    everything else stays the dataclass's own (equality, hash, repr, `dataclasses.replace`, `fields`, and
    `FrozenInstanceError` on any later assignment)."""
    if "__slots__" in cls.__dict__ or not cls.__dataclass_params__.frozen or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: quick_init is for frozen dataclasses without slots or __post_init__")
    namespace: dict = {"_MISSING": MISSING}
    params, items = [], []
    for f in fields(cls):
        if not f.init or f.kw_only or f.name in ("self", "_qi_d"):
            raise TypeError(f"{cls.__name__}.{f.name}: quick_init takes plain positional-or-keyword fields")
        if f.default is not MISSING:
            namespace[f"_d_{f.name}"] = f.default
            params.append(f"{f.name}=_d_{f.name}")
            items.append(f"    _qi_d[{f.name!r}] = {f.name}\n")
        elif f.default_factory is not MISSING:
            namespace[f"_f_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            items.append(f"    _qi_d[{f.name!r}] = _f_{f.name}() if {f.name} is _MISSING else {f.name}\n")
        else:
            params.append(f.name)
            items.append(f"    _qi_d[{f.name!r}] = {f.name}\n")
    source = f"def __init__(self, {', '.join(params)}):\n    _qi_d = self.__dict__\n" + "".join(items)
    exec(source, namespace)          # noqa: S102  # nosec B102 - built from the dataclass's own field names, as dataclasses does
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init
    return cls


class _Quiet(list):
    """A steps list that keeps nothing: the state and local tax code, given it, computes the figures only (each text
    step is also guarded by `if steps is not QUIET`, so its words are not even formatted); the words come back on
    demand by computing the same line again with a real list (payroll/engine/states: deferred explanations)."""

    __slots__ = ()

    def append(self, item) -> None:
        pass

    def extend(self, items) -> None:
        pass

    def insert(self, index, item) -> None:
        pass


# A steps list as the state and local code takes it: a real list, or QUIET. Typed as a MutableSequence, not a list,
# so the compiled build (docs/compiled-engine.md) calls the object's own append (QUIET's keeps nothing) rather than
# the list's.
Steps = MutableSequence[str]
QUIET: Steps = _Quiet()


class Line(NamedTuple):
    """One line of a paycheck (earning, tax or deduction) with the steps that produced it.

    A named tuple, not a dataclass: a paycheck makes about ten and a run keeps a chunk's worth until they are
    written, so it is built by one C call and is as compact as a tuple (immutable, compared field by field)."""

    code: str
    amount: Decimal
    steps: tuple = ()
    state: str | None = None      # two-letter code for state lines, None for federal/other lines
    ref: str | None = None        # deduction and contribution lines: the caller's id of the source ("wd:12")
    locality: str | None = None   # local tax lines: the locality's code in data/<year>/locals ("NYC", "PA-510101")

    @property
    def explanation(self) -> tuple[str, ...]:
        return render_steps(self.steps)

    def as_dict(self, explain: bool = True) -> dict:
        """The line as JSON; without `explain` its figures only (the steps are not rendered at all)."""
        d = {"code": self.code, "amount": str(self.amount)}
        if explain:
            d["explanation"] = list(self.explanation)
        if self.state is not None:
            d["state"] = self.state
        if self.ref is not None:
            d["ref"] = self.ref
        if self.locality is not None:
            d["locality"] = self.locality
        return d


# --- inputs ------------------------------------------------------------------------------------------------------

FILING_STATUSES = ("single", "married_jointly", "head_of_household")
MARITAL_STATUSES = ("single", "married", "married_single_rate")


@quick_init
@dataclass(frozen=True)
class W4:
    """Form W-4 2020 or later. Step 3, 4(a), 4(b) are annual amounts; Step 4(c) is per pay period."""

    filing_status: str = "single"
    step2_checkbox: bool = False
    step3_credits: Decimal = ZERO
    step4a_other_income: Decimal = ZERO
    step4b_deductions: Decimal = ZERO
    step4c_extra: Decimal = ZERO
    exempt: bool = False

    @property
    def version(self) -> int:
        return 2020

    @property
    def federal_filing_status(self) -> str:
        return self.filing_status


@quick_init
@dataclass(frozen=True)
class W4Legacy:
    """Form W-4 2019 or earlier: marital status, allowances, additional amount per pay period."""

    marital_status: str = "single"
    allowances: int = 0
    additional: Decimal = ZERO
    exempt: bool = False

    @property
    def version(self) -> int:
        return 2019

    @property
    def federal_filing_status(self) -> str:
        return "married_jointly" if self.marital_status == "married" else "single"


AnyW4 = Union[W4, W4Legacy]

# Premium codes come from the workweek engine (payroll/engine/workweek.py): the straight time is already paid on the
# regular/piece lines, the premium line is the extra half (or whole) of the week's regular rate. Regular wages.
PREMIUM_CODES = frozenset({"overtime_premium", "double_time_premium"})
MAKEUP_CODES = frozenset({"min_wage_makeup"})
REGULAR_CODES = frozenset({"regular", "overtime", "double_time", "salary", "piece"}) | PREMIUM_CODES | MAKEUP_CODES
SUPPLEMENTAL_CODES = frozenset({"bonus", "commission"})
# Supplemental wages that are not bonuses: a state may withhold on them at a rate of its own (California: 6.6% on
# commissions and other supplemental wages, 10.23% on bonuses and stock options - R&TC 18663, DE 44).
NON_BONUS_SUPPLEMENTAL_CODES = frozenset({"commission"})
NONTAXABLE_CODES = frozenset({"reimbursement"})
EARNING_CODES = REGULAR_CODES | SUPPLEMENTAL_CODES | NONTAXABLE_CODES
HOURLY_CODES = frozenset({"regular", "overtime", "double_time"})


@quick_init
@dataclass(frozen=True)
class Earning:
    """One earning: hourly {code, hours, rate}, piece {units, rate}, or an amount (salary, bonus, commission,
    reimbursement). For overtime, `regular_rate` (if given) is the FLSA regular rate used for the qualified
    overtime premium; otherwise the premium is one third of the overtime rate (the 0.5x part of 1.5x).
    overtime_premium / double_time_premium {amount, hours, regular_rate, qualified_premium}: the workweek engine's
    premium lines, whose FLSA part (`qualified_premium`) is the qualified overtime premium; min_wage_makeup
    {amount, hours}: regular wages."""

    code: str
    amount: Decimal | None = None
    hours: Decimal | None = None
    rate: Decimal | None = None
    units: Decimal | None = None
    regular_rate: Decimal | None = None
    qualified_premium: Decimal | None = None


# Deduction codes and their tax treatment: (exempt from federal income tax, exempt from FICA/FUTA/SUTA).
PRETAX_TREATMENT: Mapping[str, tuple[bool, bool]] = MappingProxyType({
    "401k": (True, False),        # traditional 401(k): IRC 402(g) deferral, FICA still applies (3121(v)(1)(A))
    "section125": (True, True),   # cafeteria-plan premiums (IRC 125)
    "hsa": (True, True),          # HSA through a cafeteria plan (IRC 125, 223)
    "fsa": (True, True),          # health FSA (IRC 125(i))
    "dcfsa": (True, True),        # dependent-care FSA (IRC 129; 3121(a)(18), 3306(b)(13)), within the 129 limit
    "commuter": (True, True),     # transit and parking (IRC 132(f); 3121(a)(20)), within the monthly limits
})
# Garnishments (orders the employer must honour), in the order the CCPA treats them: support orders first.
SUPPORT_CODES = frozenset({"child_support"})
ORDINARY_GARNISHMENT_CODES = frozenset({"garnishment", "student_loan"})   # share the CCPA 25% limit
GARNISHMENT_CODES = SUPPORT_CODES | ORDINARY_GARNISHMENT_CODES | {"tax_levy"}
# "529": a qualified tuition program (IRC 529) by payroll deduction is after tax: there is no federal exclusion.
POSTTAX_CODES = frozenset({"roth_401k", "529", "loan", "other"}) | GARNISHMENT_CODES
CONTRACTOR_POSTTAX_CODES = POSTTAX_CODES - {"roth_401k"}
# Employer lines, not wages: 401(k) match (IRC 402(a), 3121(a)(5)(A)), employer HSA (IRC 106(d)), employer-paid
# health coverage (IRC 106(a)). An employer contribution to a worker's 529 account is taxable wages (there is no
# exclusion): it is not an employer-contribution code; pay it as an earning.
EMPLOYER_CONTRIBUTION_CODES = ("401k_match", "hsa_employer", "health_employer")
COMMUTER_KINDS = ("transit", "parking")


@quick_init
@dataclass(frozen=True)
class Deduction:
    """A deduction requested for this period: a fixed `amount`, or `percent` (a fraction, 0.06 = 6%) of gross
    wages (elections, loans) or of disposable earnings (garnishments). `goal_remaining` (the part of a loan or
    order's total still to collect) caps it. `ref` is the caller's id, carried onto the line.
    Options: hsa {"coverage": "self_only"|"family"}; dcfsa {"married_filing_separately": bool};
    commuter {"kind": "transit"|"parking", "month_to_date": the pre-tax amount taken earlier in this calendar
    month (without it the monthly limit is spread over the pay periods: × 12 ÷ periods per year)};
    hsa may also say {"coverage_by_month": 12 of "self_only"|"family"|"none", January first} for a coverage change
    during the year (IRC 223(b)(2): the sum over months of 1/12 of the limit for the coverage on the month's first
    day);
    child_support {"supports_other_family": bool, "arrears_over_12_weeks": bool}."""

    code: str
    amount: Decimal = ZERO
    options: Mapping[str, object] = field(default_factory=dict)
    percent: Decimal | None = None
    goal_remaining: Decimal | None = None
    ref: str | None = None


@quick_init
@dataclass(frozen=True)
class EmployerContribution:
    """What the employer pays on top of wages: `401k_match` by a `match` formula ((share of pay, match rate) tiers
    applied in turn to the deferral taken this period, e.g. ((0.03, 1), (0.02, 0.5)) = 100% of the first 3% +
    50% of the next 2%), or a fixed `amount`, or `percent` of gross wages; `hsa_employer` (shares the HSA limit
    with the employee's own contributions; options {"coverage": ...}); `health_employer` (employer-paid health
    coverage, IRC 106). The match stops where the year's 415(c) annual additions would be exceeded."""

    code: str
    amount: Decimal = ZERO
    percent: Decimal | None = None
    match: tuple[tuple[Decimal, Decimal], ...] = ()
    options: Mapping[str, object] = field(default_factory=dict)
    ref: str | None = None


@quick_init
@dataclass(frozen=True)
class YearToDate:
    """Figures for the calendar year before this paycheck (or after it, in a result).
    gross is gross wages (non-taxable reimbursements excluded: they are paid but are not wages);
    social_security_wages, futa_wages and suta_wages are the taxable (capped) wages."""

    gross: Decimal = ZERO
    federal_wages: Decimal = ZERO
    social_security_wages: Decimal = ZERO
    medicare_wages: Decimal = ZERO
    futa_wages: Decimal = ZERO
    suta_wages: Decimal = ZERO
    deferrals_401k: Decimal = ZERO          # traditional + Roth elective deferrals (402(g))
    hsa: Decimal = ZERO                     # employee (cafeteria) and employer HSA contributions: one IRC 223 limit
    fsa: Decimal = ZERO
    supplemental: Decimal = ZERO
    qualified_overtime_premium: Decimal = ZERO
    dcfsa: Decimal = ZERO                   # dependent-care FSA (IRC 129 limit)
    employer_401k: Decimal = ZERO           # employer 401(k) contributions (415(c) annual additions)


@quick_init
@dataclass(frozen=True)
class PaycheckInput:
    """One pay period of one worker."""

    pay_date: date
    pay_frequency: PayFrequency
    worker_type: str = "employee"                      # "employee" | "contractor"
    work_state: str = ""
    residence_state: str = ""
    birth_date: date | None = None
    earnings: tuple[Earning, ...] = ()
    w4: AnyW4 | None = None                            # None for an employee -> Single, no adjustments (Pub 15-T)
    state_certificates: Mapping[str, Mapping[str, object]] = field(default_factory=dict)   # by state code
    pretax_deductions: tuple[Deduction, ...] = ()
    posttax_deductions: tuple[Deduction, ...] = ()
    employer_contributions: tuple[EmployerContribution, ...] = ()
    ytd: YearToDate = field(default_factory=YearToDate)
    suta_rate: Decimal | None = None                   # the agency's SUI rate in the work state (None: not computed)
    tin_missing_or_flagged: bool = False               # contractors: backup withholding applies
    aggregate_supplemental: bool = False               # withhold on bonus/commission by the aggregate method
    # SECURE 2.0 section 603: last year's FICA wages (W-2 box 3) from this employer; None = not known (a
    # catch-up-eligible worker's catch-ups are then made Roth, the safe side; 0 = no wages here last year)
    prior_year_fica_wages: Decimal | None = None
    # Several work states in one period: (state, hours or wages) each, from the earnings lines; the states split
    # the wages by them (payroll/engine/states/multistate.py). Empty: all wages are earned in work_state.
    work_shares: tuple[tuple[str, Decimal], ...] = ()
    share_measure: str = "hours"                       # "hours" | "wages": what work_shares counts
    office_state: str = ""                             # the employer location a remote worker is assigned to
    remote_for_convenience: bool = False               # works away from it by choice (convenience-of-employer rule)
    # local taxes (payroll/engine/locals): where the worker lives and works (None: not stated, no local tax is
    # computed), the local certificate fields (DW-4 exemptions, LST exemption, Ohio IT 4 school district
    # exemptions, ...) and the local tax withheld so far this year by locality code (the LST's $52 a year)
    residence_locality: object | None = None
    work_locality: object | None = None
    local_certificate: Mapping[str, object] = field(default_factory=dict)
    ytd_local_taxes: Mapping[str, Decimal] = field(default_factory=dict)
    # the pay period's first and last day (None: not stated). A state that dates its tables by the period's start
    # (Utah, Pub 14: "pay periods beginning on or after June 1") picks its version by period_start.
    period_start: date | None = None
    period_end: date | None = None
    # this calendar month before this paycheck, from this employer (monthly head taxes, e.g. Denver's OPT): the
    # wages paid (None: not stated, taken as none) and the head taxes taken, by locality code
    month_wages: Decimal | None = None
    mtd_local_taxes: Mapping[str, Decimal] = field(default_factory=dict)
    # Several work sites in one period: (site Locality, hours or wages) each; the local taxes that follow the place
    # of work split the wages by them (locals.compute_site_local_taxes), work_locality being the main site. Empty:
    # all wages are earned at work_locality.
    work_sites: tuple[tuple[object, Decimal], ...] = ()
    site_measure: str = "hours"                        # "hours" | "wages": what work_sites counts
    # the employer's number of employees by state, where a state program's rate depends on it (Paid Leave Oregon:
    # no employer part under 25); a state not given pays the largest employer's rate
    employer_size: Mapping[str, int] = field(default_factory=dict)


_NO_STATE_WAGES: Mapping[tuple[str, str], Decimal] = MappingProxyType({})


@quick_init
@dataclass(frozen=True)
class PaycheckResult:
    """The paycheck: every line with its explanation, the taxable wages per tax, and the updated year to date."""

    gross: Decimal
    earnings: tuple[Line, ...]
    employee_taxes: tuple[Line, ...]
    employer_taxes: tuple[Line, ...]
    deductions: tuple[Line, ...]
    net: Decimal
    taxable_wages: Mapping[str, Decimal]               # by tax code: the wage base each tax was computed on
    ytd: YearToDate                                    # year to date including this paycheck
    qualified_overtime_premium: Decimal                # this period; W-2 box 12 code TT accumulates it
    tax_year: int = 0
    employer_contributions: tuple[Line, ...] = ()      # paid by the employer on top of wages, not taxable wages here
    # the wages each state line was computed on, by (code, state): income tax after the state's own pre-tax
    # exclusions, programs up to their wage base (W-2 box 16, the state wage reports)
    state_wages: Mapping[tuple[str, str], Decimal] = field(default_factory=lambda: _NO_STATE_WAGES)
    # the wages each local line was computed on, by (code, locality code) (W-2 box 18), and each locality's name
    # (box 20) with the worker's residence and work localities as stated (the paystub says them)
    local_wages: Mapping[tuple[str, str], Decimal] = field(default_factory=lambda: _NO_STATE_WAGES)
    local_names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    localities: tuple[str, str] | None = None           # (residence, work) descriptions, when stated

    @property
    def employee_tax_total(self) -> Decimal:
        return sum((t.amount for t in self.employee_taxes), ZERO)

    @property
    def deduction_total(self) -> Decimal:
        return sum((d.amount for d in self.deductions), ZERO)

    @property
    def employer_contribution_total(self) -> Decimal:
        return sum((c.amount for c in self.employer_contributions), ZERO)
