"""Paid sick leave laws as dated data, and the pure accrual engine: what a worker earns, may carry, may use and
gets back, under the law of the place the hours were worked (no Flask, database or clock: `today` is passed in)."""
from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Final, Iterable, Mapping

from backoffice.dates import long_date, parse_date
from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.money import D

# by the package, not next to __file__: compiled, this module's file is in build/engine/ (docs/compiled-engine.md)
DATA_DIR = Path(str(files("backoffice.leave"))) / "data"
LAWS_DIR = DATA_DIR / "laws"
ZERO_HOURS: Final = Decimal("0")    # Final: compiled, a C static instead of a module-dict lookup at each read
PLACES: Final = Decimal("0.0001")   # hours of leave are kept to four places (1 per 30 of 8 h = 0.2667)
FMLA_HOURS = Decimal("1250")        # 29 CFR 825.110(a)(2)
FMLA_EMPLOYEES = 50                 # 29 CFR 825.110(a)(3)


def hours(value: Decimal) -> Decimal:
    """Leave hours rounded half-up to four places (the one rounding for leave)."""
    return value.quantize(PLACES, ROUND_HALF_UP)      # positional: the same call, faster than rounding=...


def show(value: Decimal | None) -> str:
    """Hours for a sentence: 1.3333, 40, 0.5 (no trailing zeros, no exponent)."""
    if value is None:
        return "none"
    text = format(value.normalize(), "f")
    return text


def hours_text(value: Decimal) -> str:
    """'1 hour', '1.5 hours', '0 hours'."""
    return f"{show(value)} hour" if value == 1 else f"{show(value)} hours"


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, or the month's last day when it has fewer days."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --------------------------------------------------------------------------------------------------- the law


@dataclass(frozen=True)
class Law:
    """One jurisdiction's sick-leave law on a date, for one employer-size tier: every figure with its source."""

    jurisdiction: str
    name: str
    kind: str                          # state, city or county
    state: str                         # the state it sits in
    version: str
    basis: str
    effective_from: date
    effective_to: date | None
    tier: str                          # the employer-size tier's label ("all employers" when the law has none)
    min_employees: int
    max_employees: int | None
    paid: bool                         # False: the law requires unpaid (job-protected) leave only
    accrual_hours: Decimal             # earned ...
    per_hours_worked: Decimal          # ... per this many hours worked
    exempt_weekly_hours: Decimal | None  # hours a week an exempt employee is deemed to work (None: law is silent)
    usable_after_days: int             # usable from hire date + this many days
    annual_accrual_cap: Decimal | None  # hours earned per policy year at most
    annual_usage_cap: Decimal | None   # hours used per policy year the employer may limit to
    balance_cap: Decimal | None        # hours held at any time at most
    carryover_cap: Decimal | None      # hours carried into the next year at most (None: all, up to the balance cap)
    front_load_hours: Decimal | None   # hours an employer may grant at the start of the year instead (None: no rule)
    front_load_carryover_required: bool
    min_increment_max: Decimal | None  # the largest minimum increment an employer may require
    paid_at_separation: bool
    rehire_window_months: int | None   # a rehire within this many months gets the balance back
    rehire_window_days: int | None     # ... or within this many days (Nevada's 90, Maryland's 37 weeks)
    supersedes: tuple[str, ...]        # jurisdictions whose law this one replaces where both would apply
    confidence: str                    # high / medium / low: how sure the transcription is
    sources: tuple[tuple[str, str], ...]
    uncertain: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]
    urls: tuple[str, ...]
    cap_days: tuple[tuple[str, int], ...] = ()   # "40 hours or 5 days": field -> days (the larger figure binds)
    eligibility_days: int | None = None          # days worked needed for entitlement (CA: 30) ...
    eligibility_hours: Decimal | None = None     # ... or hours worked (Chicago, Cook County: 80) ...
    eligibility_within_days: int | None = None   # ... within this many days (CA: of the hire; Chicago: any 120)
    eligibility_window: str = "from_hire"        # from_hire: counted from the hire date; rolling: any such window
    accrual_after_hours: Decimal | None = None   # accrual starts only after this many hours worked (NE: 80)
    documentation_after_days: int | None = None  # documentation may be asked for more than this many workdays
    documentation_forbidden: bool = False        # the law forbids asking for documentation (CT, IL, Cook County)
    # normal day (None: not given) -> _Terms: what `accrue` reads of this law, the same for every worker. A field, not
    # a cached_property: compiled, Law is a native class (no __dict__), where a cached_property is computed afresh
    # at every read.
    _terms: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def rate(self) -> Decimal:
        """Hours earned per hour worked (read once per law and normal day, by _Terms.of)."""
        return self.accrual_hours / self.per_hours_worked

    def source(self, name: str) -> str:
        """The citation for one figure (its field name), or the law's name when the data gives none."""
        return dict(self.sources).get(name, self.basis)

    def usable_from(self, hire_date: date) -> date:
        return hire_date + timedelta(days=self.usable_after_days)

    def rate_text(self) -> str:
        return f"{show(self.accrual_hours)} hour per {show(self.per_hours_worked)} hours worked"

    def cap(self, name: str, day_hours: Decimal | None = None) -> Decimal | None:
        """A cap in hours: the law's hours figure, or where the law says "N hours or M days" (California's "40
        hours or five days") the days figure at the worker's normal day when that is more."""
        value = getattr(self, name) if name != "front_load" else self.front_load_hours
        days = dict(self.cap_days).get(name)
        if value is None or days is None or not day_hours:
            return value
        return max(value, day_hours * days)


_DECIMAL_FIELDS = ("exempt_weekly_hours", "annual_accrual_cap", "annual_usage_cap", "balance_cap", "carryover_cap",
                   "min_increment_max")
_TIER_FIELDS = {"paid", "accrual", "exempt_weekly_hours", "usable_after_days", "annual_accrual_cap",
                "annual_usage_cap", "balance_cap", "carryover_cap", "front_load", "min_increment_max",
                "paid_at_separation", "rehire_window_months", "rehire_window_days", "sources", "uncertain", "notes",
                "confidence", "cap_days", "eligibility", "accrual_after_hours", "documentation"}


def _opt(value) -> Decimal | None:
    return None if value is None else D(value)


@lru_cache(maxsize=4)
def _read(directory: str) -> tuple[dict, ...]:
    files = sorted(Path(directory).glob("*.json"))
    return tuple(json.loads(p.read_text(encoding="utf-8")) for p in files)


def load_laws(directory: Path | str | None = None) -> dict[str, dict]:
    """Every jurisdiction's law file (data/laws/<CODE>.json), by jurisdiction code: name, kind, state, urls and
    the dated versions, each with its employer-size tiers. Read once per process."""
    records = _read(str(directory or LAWS_DIR))
    return {r["jurisdiction"]: r for r in records}


def _build(record: dict, version: dict, tier: dict | None) -> Law:
    merged = dict(version)
    if tier:
        merged.update({k: v for k, v in tier.items() if k in _TIER_FIELDS})
        merged["sources"] = {**version.get("sources", {}), **tier.get("sources", {})}
        merged["uncertain"] = {**version.get("uncertain", {}), **tier.get("uncertain", {})}
        merged["notes"] = list(version.get("notes", ())) + list(tier.get("notes", ()))
    front = merged.get("front_load") or {}
    elig = merged.get("eligibility") or {}
    docs = merged.get("documentation") or {}
    to = merged.get("effective_to")
    return Law(
        jurisdiction=record["jurisdiction"], name=record["name"], kind=record["kind"], state=record["state"],
        version=merged["version"], basis=merged.get("basis", record["name"]),
        effective_from=parse_date(merged["effective_from"]), effective_to=parse_date(to) if to else None,
        tier=(tier or {}).get("label", "all employers"),
        min_employees=int((tier or {}).get("min_employees", 0)),
        max_employees=(tier or {}).get("max_employees"),
        paid=bool(merged.get("paid", True)),
        accrual_hours=D(merged["accrual"]["hours"]), per_hours_worked=D(merged["accrual"]["per_hours_worked"]),
        usable_after_days=int(merged.get("usable_after_days") or 0),
        front_load_hours=_opt(front.get("hours")),
        front_load_carryover_required=bool(front.get("carryover_required", False)),
        paid_at_separation=bool(merged.get("paid_at_separation", False)),
        rehire_window_months=merged.get("rehire_window_months"),
        rehire_window_days=merged.get("rehire_window_days"),
        supersedes=tuple(record.get("supersedes", ())),
        confidence=merged.get("confidence", "medium"),
        sources=tuple(sorted(merged.get("sources", {}).items())),
        uncertain=tuple(sorted(merged.get("uncertain", {}).items())),
        notes=tuple(merged.get("notes", ())),
        urls=tuple(record.get("urls", ())),
        cap_days=tuple(sorted((k, int(v)) for k, v in (merged.get("cap_days") or {}).items())),
        eligibility_days=elig.get("days_worked"), eligibility_hours=_opt(elig.get("hours_worked")),
        eligibility_within_days=elig.get("within_days"), eligibility_window=elig.get("window", "from_hire"),
        accrual_after_hours=_opt(merged.get("accrual_after_hours")),
        documentation_after_days=docs.get("after_workdays"),
        documentation_forbidden=bool(docs.get("forbidden", False)),
        **{name: _opt(merged.get(name)) for name in _DECIMAL_FIELDS},
    )


def _in_force(version: dict, on: date) -> bool:
    start = parse_date(version["effective_from"])
    end = version.get("effective_to")
    return start <= on and (end is None or on <= parse_date(end))


def _tier_fits(tier: dict, employer_size: int) -> bool:
    top = tier.get("max_employees")
    return tier.get("min_employees", 0) <= employer_size and (top is None or employer_size <= top)


def applicable(jurisdiction: str, on: date, employer_size: int, laws: Mapping[str, dict] | None = None,
               net_income: Decimal | None = None) -> Law:
    """The law of `jurisdiction` in force on `on` for an employer of `employer_size` employees.

    Refuses (DomainError) an unknown jurisdiction, a date no version covers, or a size no tier covers — never a
    silent zero."""
    code = (jurisdiction or "").strip().upper()
    if laws is None:                   # the held data: searched once per (jurisdiction, day, size) per process
        vi, ti = _held(jurisdiction, on, employer_size)
        if ti is None or net_income is None:
            return _built(code, vi, ti, False)
        above = load_laws()[code]["versions"][vi]["tiers"][ti].get("paid_if_net_income_over")
        return _built(code, vi, ti, above is not None and net_income > D(above))
    record = _record(jurisdiction, laws)
    vi, ti = _find(record, on, employer_size)
    version = record["versions"][vi]
    if ti is None:
        return _build(record, version, None)
    tier = version["tiers"][ti]
    above = tier.get("paid_if_net_income_over")
    return _tier_law(record, version, tier, above is not None and net_income is not None and net_income > D(above))


def _record(jurisdiction: str, laws: Mapping[str, dict]) -> dict:
    """The law's record of a jurisdiction; refuses one no law is held for."""
    record = laws.get((jurisdiction or "").strip().upper())
    if record is None:
        raise DomainError(f"no sick-leave law is held for {jurisdiction!r} (see `backoffice leave policies`)",
                          code="unknown_jurisdiction")
    return record


def _find(record: dict, on: date, employer_size: int) -> tuple[int, int | None]:
    """(version, tier) of a law's record in force on `on` for the size (tier None: the version has no tiers)."""
    versions = [i for i, v in enumerate(record["versions"]) if _in_force(v, on)]
    if not versions:
        raise DomainError(f"{record['name']}: no version is in force on {on.isoformat()}", code="not_in_force")
    vi = versions[-1]
    version = record["versions"][vi]
    tiers = version.get("tiers") or []
    if not tiers:
        return vi, None
    fitting = [i for i, t in enumerate(tiers) if _tier_fits(t, employer_size)]
    if not fitting:
        raise DomainError(f"{record['name']} ({version['version']}) covers no employer of {employer_size} "
                          f"employees", code="not_covered")
    return vi, fitting[0]


@lru_cache(maxsize=4096)
def _held(jurisdiction: str, on: date, employer_size: int) -> tuple[int, int | None]:
    """`_find` in the held data (a refusal is not cached: it is raised again on the next call)."""
    return _find(_record(jurisdiction, load_laws()), on, employer_size)


def _tier_law(record: dict, version: dict, tier: dict, rich: bool) -> Law:
    if rich:
        # New York's smallest employers owe paid leave when their net income was above $1 million (§196-b(1)(a))
        above = tier["paid_if_net_income_over"]
        tier = {**tier, "paid": True, "label": f"{tier['label']}, net income over ${int(D(above)):,}",
                "uncertain": {}}
    return _build(record, version, tier)


@lru_cache(maxsize=1024)
def _built(code: str, vi: int, ti: int | None, rich: bool) -> Law:
    """The held data's Law for (jurisdiction, version, tier), built once per process (a Law is immutable)."""
    record = load_laws()[code]
    version = record["versions"][vi]
    if ti is None:
        return _build(record, version, None)
    return _tier_law(record, version, version["tiers"][ti], rich)


def every_law(laws: Mapping[str, dict] | None = None) -> list[Law]:
    """Every version of every law held, one Law per employer-size tier, by jurisdiction then date."""
    laws = load_laws() if laws is None else laws
    return [_build(laws[code], v, t) for code in sorted(laws) for v in laws[code]["versions"]
            for t in (v.get("tiers") or [None])]


def jurisdictions_for(state: str, city: str = "", county: str = "",
                      laws: Mapping[str, dict] | None = None) -> tuple[str, ...]:
    """The sick-leave jurisdictions for hours worked at a place: the local law where the data holds one for the
    city or county (it supersedes the state's where its file says so), else the state's. Empty when none."""
    laws = load_laws() if laws is None else laws
    state = (state or "").strip().upper()
    local = []
    for code, record in laws.items():
        if record["kind"] == "state" or record.get("state") != state:
            continue
        places = [p.casefold() for p in record.get("places", ())]
        if (city and city.strip().casefold() in places) or (county and county.strip().casefold() in places):
            local.append(code)
    superseded = {s for code in local for s in laws[code].get("supersedes", ())}
    codes = sorted(local)
    if state in laws and state not in superseded:
        codes.insert(0, state)
    return tuple(codes)


# ----------------------------------------------------------------------------------------------- accrual


@dataclass(frozen=True)
class AccrualInput:
    """Hours worked in one jurisdiction (one run, or several), with the worker's standing before them."""

    jurisdiction: str
    employer_size: int
    hire_date: date
    policy_year_start: date           # the first day of the policy year the hours (start in)
    balance_before: Decimal
    accrued_this_year_before: Decimal
    used_this_year_before: Decimal
    hours: tuple[tuple[date, Decimal], ...]
    # optional: the worker's normal day (for "N hours or M days" caps), a front-loaded policy (the year's hours were
    # granted at its start: hours worked earn none), the employer's net income (New York's small-employer test),
    # and the hours worked in this jurisdiction since the hire date before these (eligibility thresholds; None: not
    # known, so a days/hours-worked threshold is not checked and the explanation says so — () means none)
    day_hours: Decimal | None = None
    front_loaded: bool = False
    employer_net_income: Decimal | None = None
    worked_before: tuple[tuple[date, Decimal], ...] | None = None


@dataclass(frozen=True)
class AccrualResult:
    jurisdiction: str
    law_version: str
    tier: str
    hours_worked: Decimal
    accrued: Decimal                   # earned from these hours
    balance: Decimal                   # after
    accrued_this_year: Decimal         # after (of the policy year the last hours fall in)
    capped: bool                       # a cap stopped some accrual
    usable_from: date                  # after any waiting period
    usable_this_year: Decimal          # of the balance, what the usage cap still lets the worker use this year
    paid: bool                         # False: the law gives unpaid leave only (e.g. NY's smallest employers)
    explanation: tuple[str, ...]
    eligible: bool = True              # False: the law's hours/days-worked threshold is not met yet
    eligible_from: date | None = None  # the day the threshold was met (None: no threshold, or not met)


def _year_of(day: date, start: date) -> int:
    """Which policy year (0 = the one starting on `start`) `day` falls in."""
    n = 0
    while day >= add_months(start, 12 * (n + 1)):
        n += 1
    return n


@dataclass(frozen=True)
class _Terms:
    """What `accrue` reads of one law for one normal day (`day_hours`): its rate, caps and the sentences that are
    the same for every worker, worked out once per law and normal day (Law._terms) instead of once per worker."""

    rate: Decimal
    annual_cap: Decimal | None
    balance_cap: Decimal | None
    usage_cap: Decimal | None
    heading: str                       # the explanation's first line: the law, its version, tier and rate
    per: str                           # " worked × 1/30 = "
    capped: dict                       # cap's field -> the sentence saying accrual stopped at it
    usable: str                        # "Usable as it accrues …", or what follows the date of a waiting period
    unchecked: tuple[str, ...]         # the thresholds not checked when the history is not given
    usage: str                         # the usage cap's sentence up to the figures of the worker's year
    tail: tuple[str, ...]              # unpaid leave only; the transcription's confidence

    @staticmethod
    def of(law: Law, day_hours: Decimal | None) -> _Terms:
        terms = law._terms.get(day_hours)
        if terms is None:
            usage_cap = law.cap("annual_usage_cap", day_hours)
            capped = {}
            for which, what in (("annual_accrual_cap", "a policy year's accrual"), ("balance_cap", "the balance")):
                cap = law.cap(which, day_hours)
                capped[which] = (f"Accrual stopped at the cap of {show(cap)} hours on {what} ({law.source(which)}"
                                 f"{_days_text(law, which, day_hours)}).")
            tail = []
            if not law.paid:
                tail.append(f"For this employer size the law gives unpaid leave only ({law.source('paid')}).")
            if law.confidence != "high" or law.uncertain:
                tail.append(f"Transcription confidence: {law.confidence}"
                            + (f"; not confirmed: {', '.join(k for k, _ in law.uncertain)}." if law.uncertain
                               else "."))
            terms = law._terms[day_hours] = _Terms(
                rate=law.rate, annual_cap=law.cap("annual_accrual_cap", day_hours),
                balance_cap=law.cap("balance_cap", day_hours), usage_cap=usage_cap,
                heading=f"{law.name}, version of {law.version} ({law.tier}): {law.rate_text()} "
                        f"({law.source('accrual')}).",
                per=f" worked × {show(law.accrual_hours)}/{show(law.per_hours_worked)} = ",
                capped=capped,
                usable=(f", {law.usable_after_days} days after the hire date ({law.source('usable_after_days')})."
                        if law.usable_after_days else "Usable as it accrues (no waiting period)."),
                unchecked=_threshold_unchecked(law),
                usage="" if usage_cap is None else (
                    f"Use may be limited to {show(usage_cap)} hours a policy year ({law.source('annual_usage_cap')}"
                    f"{_days_text(law, 'annual_usage_cap', day_hours)}); "),
                tail=tuple(tail))
        return terms


def accrue(inp: AccrualInput, laws: Mapping[str, dict] | None = None) -> AccrualResult:
    """Leave earned by hours worked, under the law in force on each day worked, stopped by the annual accrual cap
    and the balance cap. Hours in a later policy year start that year's count at zero (the carryover on the
    anniversary is `year_end`'s, which the caller applies). Refuses hours before the hire date or the policy year."""
    issues = _input_issues(inp)
    if issues:
        raise ValidationFailed(issues)
    days = sorted(inp.hours, key=lambda pair: pair[0])
    first_day = days[0][0] if days else inp.policy_year_start
    law = applicable(inp.jurisdiction, first_day, inp.employer_size, laws, inp.employer_net_income)
    day_hours, front_loaded = inp.day_hours, inp.front_loaded
    terms = _Terms.of(law, day_hours)
    balance, this_year, year = inp.balance_before, inp.accrued_this_year_before, 0
    known = inp.worked_before is not None                # the history is given: thresholds can be counted
    before = sum((h for _, h in inp.worked_before or ()), ZERO_HOURS)     # hours since hire, for a start threshold
    worked = earned_exact = waited_hours = ZERO_HOURS
    capped_by: list[str] = []
    lines: list[str] = [terms.heading]
    rate, annual_cap, balance_cap = terms.rate, terms.annual_cap, terms.balance_cap
    start_after = law.accrual_after_hours if known else None
    law_from, law_to = law.effective_from, law.effective_to
    next_year = add_months(inp.policy_year_start, 12)     # days before it are in year 0: no walk over the years
    for day, worked_today in days:
        if day < law_from or (law_to is not None and day > law_to):
            law = applicable(inp.jurisdiction, day, inp.employer_size, laws, inp.employer_net_income)
            lines.append(f"From {long_date(day)} the version of {law.version} applies: {law.rate_text()}.")
            terms = _Terms.of(law, day_hours)
            rate, annual_cap, balance_cap = terms.rate, terms.annual_cap, terms.balance_cap
            start_after = law.accrual_after_hours if known else None
            law_from, law_to = law.effective_from, law.effective_to
        if day >= next_year:
            y = _year_of(day, inp.policy_year_start)
            if y != year:
                year, this_year = y, ZERO_HOURS
                lines.append(f"{long_date(day)} starts a new policy year: its accrual count starts at 0 "
                             f"(carryover on the anniversary is applied separately).")
        worked += worked_today
        counted = worked_today
        if start_after is not None:
            if before < start_after:
                counted = max(before + worked_today - start_after, ZERO_HOURS)
                waited_hours += worked_today - counted
            before += worked_today
        if front_loaded:
            counted = ZERO_HOURS
        allowed = gain = counted * rate
        # the caps in this order (a policy year's accrual, then the balance), each from the standing before the day
        room_year = None if annual_cap is None else max(annual_cap - this_year, ZERO_HOURS)
        room_balance = None if balance_cap is None else max(balance_cap - balance, ZERO_HOURS)
        if room_year is not None and room_year < gain:
            allowed = min(allowed, room_year)
            if "annual_accrual_cap" not in capped_by:
                capped_by.append("annual_accrual_cap")
        if room_balance is not None and room_balance < gain:
            allowed = min(allowed, room_balance)
            if "balance_cap" not in capped_by:
                capped_by.append("balance_cap")
        earned_exact += allowed
        balance += allowed
        this_year += allowed
    accrued = hours(earned_exact)
    balance = hours(inp.balance_before + accrued)
    this_year = hours(this_year)
    if front_loaded:
        lines.append(f"The policy front-loads the year's leave (granted at the start of the policy year, "
                     f"{law.source('front_load')}): the {hours_text(worked)} worked earn nothing more; balance "
                     f"{show(balance)}.")
    else:
        if waited_hours:
            lines.append(f"Accrual starts after {show(law.accrual_after_hours)} hours worked "
                         f"({law.source('accrual_after_hours')}): {hours_text(waited_hours)} of these count toward "
                         f"that start and earn nothing.")
        counted = worked - waited_hours
        lines.append(f"{hours_text(counted)}{terms.per}{hours_text(hours(counted * rate))}; accrued {show(accrued)}, "
                     f"balance {show(inp.balance_before)} → {show(balance)}.")
    lines.extend(terms.capped[which] for which in capped_by)
    usable_from = law.usable_from(inp.hire_date)
    lines.append(f"Usable from {long_date(usable_from)}{terms.usable}" if law.usable_after_days else terms.usable)
    if inp.worked_before is not None:
        elig = eligibility(law, inp.hire_date, tuple(inp.worked_before) + tuple(days))
        lines.extend(elig.explanation)
        eligible, met_on = elig.eligible, elig.met_on
        if met_on is not None and met_on > usable_from:
            usable_from = met_on
    else:
        lines.extend(terms.unchecked)
        eligible, met_on = True, None
    used = inp.used_this_year_before if year == 0 else ZERO_HOURS
    usable_year = balance
    usage_cap = terms.usage_cap
    if usage_cap is not None:
        usable_year = max(min(balance, usage_cap - used), ZERO_HOURS)
        lines.append(f"{terms.usage}{show(used)} used so far, {show(usable_year)} usable.")
    lines.extend(terms.tail)
    return AccrualResult(
        jurisdiction=law.jurisdiction, law_version=law.version, tier=law.tier, hours_worked=worked,
        accrued=accrued, balance=balance, accrued_this_year=this_year, capped=bool(capped_by),
        usable_from=usable_from, usable_this_year=hours(usable_year), paid=law.paid, explanation=tuple(lines),
        eligible=eligible, eligible_from=met_on)


def _threshold_unchecked(law: Law) -> tuple[str, ...]:
    """The sentence for a law with a days/hours threshold when the input gives no history (worked_before)."""
    out = []
    if law.eligibility_days is not None or law.eligibility_hours is not None:
        need = (f"{law.eligibility_days} days" if law.eligibility_days is not None
                else f"{show(law.eligibility_hours)} hours")
        out.append(f"Use needs {need} worked ({law.source('eligibility')}): not checked here — give worked_before "
                   f"(the days worked since the hire date) to check it.")
    if law.accrual_after_hours is not None:
        out.append(f"Accrual starts after {show(law.accrual_after_hours)} hours worked "
                   f"({law.source('accrual_after_hours')}): not applied here — give worked_before to apply it.")
    return tuple(out)


def _days_text(law: Law, name: str, day_hours: Decimal | None) -> str:
    days = dict(law.cap_days).get(name)
    if days is None:
        return ""
    figure = getattr(law, name) if name != "front_load" else law.front_load_hours
    if not day_hours:
        return f"; the {days}-day figure binds for a worker whose day is longer than 8 hours: give day_hours"
    return f"; the larger of {show(figure)} hours and {days} days × {show(day_hours)} hours"


@dataclass(frozen=True)
class Eligibility:
    eligible: bool                    # the threshold is met (True where the law has none)
    met_on: date | None               # the day it was met (None: no threshold, or not met)
    explanation: tuple[str, ...]


def eligibility(law: Law, hire_date: date, worked: Iterable[tuple[date, Decimal]]) -> Eligibility:
    """The law's threshold of days or hours worked before a worker is entitled to use the leave (accrual runs from
    the hire date regardless): California's 30 days worked within a year of the hire (Lab. Code §246(a)(1)),
    Chicago's and Cook County's 80 hours within any 120 days. `worked` is every day worked in the jurisdiction
    since the hire date (date, hours), in any order."""
    if law.eligibility_days is None and law.eligibility_hours is None:
        return Eligibility(True, None, ())
    days = sorted((d, h) for d, h in worked if h > 0)
    window = law.eligibility_within_days
    source = law.source("eligibility")
    met_on = None
    if law.eligibility_days is not None:
        need = law.eligibility_days
        counted = sorted({d for d, _ in days if window is None or d < hire_date + timedelta(days=window)})
        if len(counted) >= need:
            met_on = counted[need - 1]
        what = f"{need} days worked" + (f" within {window} days of the hire date" if window else "")
        have = f"{len(counted)} days worked so far"
    else:
        need_h: Decimal = law.eligibility_hours  # type: ignore[assignment]  # not None: the first line returns
        total, start = ZERO_HOURS, 0
        for i, (d, h) in enumerate(days):
            total += h
            if window is not None and law.eligibility_window == "rolling":
                while days[start][0] <= d - timedelta(days=window):
                    total -= days[start][1]
                    start += 1
            if total >= need_h:
                met_on = d
                break
        what = f"{show(need_h)} hours worked" + (f" within {window} days" if window else "")
        have = f"{show(sum((h for _, h in days), ZERO_HOURS))} hours worked so far"
    if met_on is not None:
        return Eligibility(True, met_on, (f"Entitled once {what} ({source}): met on {long_date(met_on)}.",))
    return Eligibility(False, None, (f"Not yet entitled to use it: {what} are needed ({source}); {have}.",))


def _input_issues(inp: AccrualInput) -> list[Issue]:
    issues = []
    if inp.employer_size < 0:
        issues.append(Issue("employer_size", "must be zero or more", "too_small"))
    for name in ("balance_before", "accrued_this_year_before", "used_this_year_before"):
        if getattr(inp, name) < 0:
            issues.append(Issue(name, "must be zero or more hours", "too_small"))
    for i, (day, worked) in enumerate(inp.hours):
        if worked < 0 or worked > 24:
            issues.append(Issue(f"hours[{i}].hours", "must be between 0 and 24 hours a day", "out_of_range"))
        if day < inp.hire_date:
            issues.append(Issue(f"hours[{i}].date", f"{day.isoformat()} is before the hire date", "before_hire"))
        elif day < inp.policy_year_start:
            issues.append(Issue(f"hours[{i}].date", f"{day.isoformat()} is before policy_year_start "
                                                    f"(an earlier policy year: accrue it separately)",
                                "before_policy_year"))
    return issues


# ------------------------------------------------------------------------------------- year end, separation


@dataclass(frozen=True)
class YearEnd:
    carried: Decimal
    forfeited: Decimal
    balance: Decimal
    explanation: tuple[str, ...]


def year_end(law: Law, balance: Decimal, front_loaded: bool = False,
             carryover_cap: Decimal | None = None) -> YearEnd:
    """The balance carried over the policy year's anniversary: all of it, up to the law's carryover cap and balance
    cap (or a more generous cap the policy sets: `carryover_cap`); a front-loaded grant need not carry over where
    the law says so. The rest is forfeited."""
    lines = []
    if front_loaded and law.front_load_hours is not None and not law.front_load_carryover_required:
        lines.append(f"The year's leave was front-loaded, so no carryover is required ({law.source('front_load')}); "
                     f"{show(balance)} hours lapse.")
        return YearEnd(ZERO_HOURS, balance, ZERO_HOURS, tuple(lines))
    carried = balance
    cap = law.carryover_cap if carryover_cap is None else max(carryover_cap, law.carryover_cap or carryover_cap)
    if cap is not None and carried > cap:
        carried = cap
        lines.append(f"Carryover is capped at {show(cap)} hours ({law.source('carryover_cap')}).")
    if law.balance_cap is not None and carried > law.balance_cap:
        carried = law.balance_cap
        lines.append(f"The balance may be capped at {show(law.balance_cap)} hours ({law.source('balance_cap')}).")
    if carried == balance:
        lines.append(f"All {show(balance)} hours carry over ({law.source('carryover_cap')}).")
    forfeited = balance - carried
    if forfeited:
        lines.append(f"{show(carried)} hours carry over; {show(forfeited)} hours are forfeited.")
    return YearEnd(carried, forfeited, carried, tuple(lines))


@dataclass(frozen=True)
class Separation:
    payout_hours: Decimal
    forfeited_hours: Decimal
    explanation: tuple[str, ...]


def separation(law: Law, balance: Decimal) -> Separation:
    """At separation: the balance paid out where the law requires it, else set aside (forfeited unless a rehire
    within the law's window restores it)."""
    if law.paid_at_separation:
        return Separation(balance, ZERO_HOURS, (f"{show(balance)} hours are paid out at separation "
                                                f"({law.source('paid_at_separation')}).",))
    lines = [f"Unused leave is not paid at separation ({law.source('paid_at_separation')}); {show(balance)} hours "
             f"are set aside."]
    if law.rehire_window_months or law.rehire_window_days:
        lines.append(f"They are restored on a rehire within {_window_text(law)} "
                     f"({law.source('rehire_window_months' if law.rehire_window_months else 'rehire_window_days')}).")
    return Separation(ZERO_HOURS, balance, tuple(lines))


def _window_text(law: Law) -> str:
    return (f"{law.rehire_window_months} months" if law.rehire_window_months
            else f"{law.rehire_window_days} days")


@dataclass(frozen=True)
class Rehire:
    restored: Decimal
    within_window: bool
    window_ends: date | None
    explanation: tuple[str, ...]
    usable_from: date | None = None    # given the first hire date: the wait already served counts within the window


def rehire(law: Law, balance_at_separation: Decimal, separated_on: date, rehired_on: date,
           hired_on: date | None = None) -> Rehire:
    """A rehire within the law's window gets the balance set aside at separation back (nothing after it). Given the
    first hire date, `usable_from` counts the waiting period already served before separation (within the window; a
    new wait after it) — California's reading of a rehire within a year (Lab. Code §246 and the Labor
    Commissioner's FAQ), and most laws' (American Payroll Institute, "Paid Sick Leave Requirements Related to
    Rehired Employees", 2020)."""
    if rehired_on < separated_on:
        raise ValidationFailed([Issue("rehired_on", "is before the separation date", "before_separation")])
    if hired_on is not None and hired_on > separated_on:
        raise ValidationFailed([Issue("hired_on", "is after the separation date", "after_separation")])
    if not (law.rehire_window_months or law.rehire_window_days):
        return Rehire(ZERO_HOURS, False, None, ("The law restores no balance on rehire.",),
                      _fresh_wait(law, rehired_on, hired_on))
    field_name = "rehire_window_months" if law.rehire_window_months else "rehire_window_days"
    ends = (add_months(separated_on, law.rehire_window_months) if law.rehire_window_months
            else separated_on + timedelta(days=law.rehire_window_days))  # type: ignore[arg-type]  # set: see above
    if rehired_on <= ends:
        lines = [f"Rehired on {long_date(rehired_on)}, within {_window_text(law)} of separation "
                 f"(by {long_date(ends)}): {show(balance_at_separation)} hours are restored "
                 f"({law.source(field_name)})."]
        usable_from = None
        if hired_on is not None:
            served = (separated_on - hired_on).days
            left = max(law.usable_after_days - served, 0)
            usable_from = rehired_on + timedelta(days=left)
            lines.append(f"{served} days of the {law.usable_after_days}-day wait were served before separation: "
                         f"usable from {long_date(usable_from)}.")
        return Rehire(balance_at_separation, True, ends, tuple(lines), usable_from)
    return Rehire(ZERO_HOURS, False, ends,
                  (f"Rehired on {long_date(rehired_on)}, after the window ended on {long_date(ends)}: nothing is "
                   f"restored ({law.source(field_name)}).",), _fresh_wait(law, rehired_on, hired_on))


def _fresh_wait(law: Law, rehired_on: date, hired_on: date | None) -> date | None:
    """Outside any window a rehire is a new hire: the whole wait again (None when the caller gave no hire date)."""
    return None if hired_on is None else law.usable_from(rehired_on)


def deemed_hours(law: Law, workweeks: int, normal_weekly_hours: Decimal | None = None) -> Decimal | None:
    """Hours an exempt employee is deemed to work for accrual: the law's weekly figure (40) for each workweek, or the
    normal workweek when shorter; None where the law makes no such assumption (send the hours worked)."""
    if law.exempt_weekly_hours is None:
        return None
    weekly = law.exempt_weekly_hours if normal_weekly_hours is None else min(law.exempt_weekly_hours,
                                                                             normal_weekly_hours)
    return weekly * workweeks


# ------------------------------------------------------------------------------------------------ using it


@dataclass(frozen=True)
class Use:
    allowed: bool
    charged: Decimal                   # hours taken from the balance (raised to the minimum increment)
    issues: tuple[Issue, ...]
    explanation: tuple[str, ...]


def usable(law: Law, balance: Decimal, requested_hours: Decimal, *, used_this_year: Decimal = ZERO_HOURS,
           on: date | None = None, hire_date: date | None = None, min_increment: Decimal | None = None,
           allow_advance: bool = False, day_hours: Decimal | None = None,
           worked: Iterable[tuple[date, Decimal]] | None = None) -> Use:
    """Whether a request for leave can be granted: after the waiting period, within the year's usage cap and the
    balance (unless the policy allows advances), charged in at least the minimum increment the employer sets
    (`min_increment`, at most the law's; default the law's own maximum)."""
    issues: list[Issue] = []
    lines: list[str] = []
    if requested_hours <= 0:
        issues.append(Issue("hours", "must be more than zero", "too_small"))
        return Use(False, ZERO_HOURS, tuple(issues), ("Nothing requested.",))
    increment = law.min_increment_max if min_increment is None else min_increment
    if law.min_increment_max is not None and increment is not None and increment > law.min_increment_max:
        increment = law.min_increment_max
        lines.append(f"The employer's minimum increment is limited to {show(law.min_increment_max)} hours "
                     f"({law.source('min_increment_max')}).")
    charged = requested_hours
    if increment is not None and requested_hours < increment:
        charged = increment
        lines.append(f"{show(requested_hours)} hours requested; the minimum increment is {show(increment)} hours "
                     f"({law.source('min_increment_max')}), so {show(charged)} hours are charged.")
    if on is not None and hire_date is not None and on < law.usable_from(hire_date):
        issues.append(Issue("date", f"leave is usable from {law.usable_from(hire_date).isoformat()} "
                                    f"({law.source('usable_after_days')})", "waiting_period"))
    if worked is not None and hire_date is not None:
        elig = eligibility(law, hire_date, worked)
        if not elig.eligible or (on is not None and elig.met_on is not None and on < elig.met_on):
            issues.append(Issue("date", " ".join(elig.explanation) or "the law's threshold is not met",
                                "not_eligible"))
    usage_cap = law.cap("annual_usage_cap", day_hours)
    if usage_cap is not None and used_this_year + charged > usage_cap:
        left = max(usage_cap - used_this_year, ZERO_HOURS)
        issues.append(Issue("hours", f"only {show(left)} hours are left of the {show(usage_cap)}-hour "
                                     f"yearly use limit ({law.source('annual_usage_cap')}"
                                     f"{_days_text(law, 'annual_usage_cap', day_hours)})", "usage_cap"))
    if charged > balance and not allow_advance:
        issues.append(Issue("hours", f"the balance is {show(balance)} hours", "insufficient_balance"))
    elif charged > balance:
        lines.append(f"The policy allows an advance: the balance goes to {show(balance - charged)} hours.")
    if not issues:
        lines.append(f"{show(charged)} hours granted; balance {show(balance)} → {show(balance - charged)}.")
    return Use(not issues, charged, tuple(issues), tuple(lines))


# ------------------------------------------------------------------------------------------------- FMLA


@dataclass(frozen=True)
class FmlaEligibility:
    eligible: bool
    months_employed: int
    hours_12_months: Decimal
    employees_within_75_miles: int
    explanation: tuple[str, ...]


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and end != date(end.year, end.month, calendar.monthrange(end.year, end.month)[1]):
        months -= 1
    return max(months, 0)


def fmla_eligible(hire_date: date, on: date, hours_12_months: Decimal | Iterable[tuple[str, Decimal]],
                  employees_within_75_miles: int) -> FmlaEligibility:
    """FMLA eligibility on the day leave starts (29 CFR 825.110(a)): employed 12 months, 1,250 hours of service in
    the 12 months before, at a worksite with 50 employees within 75 miles. Hours may come as one figure or as
    (source, hours) pairs — a leased worker's hours from every client count, the agency being the employer."""
    if isinstance(hours_12_months, Decimal):
        parts: list[tuple[str, Decimal]] = [("hours of service", hours_12_months)]
    else:
        parts = [(str(label), D(h)) for label, h in hours_12_months]
    total = sum((h for _, h in parts), ZERO_HOURS)
    months = _months_between(hire_date, on)
    lines = []
    if len(parts) > 1:
        lines.append("Hours of service in the 12 months before the leave: "
                     + " + ".join(f"{show(h)} ({label})" for label, h in parts) + f" = {show(total)}.")
    tests = [
        (months >= 12, f"employed {months} months since {long_date(hire_date)} (12 needed, 29 CFR 825.110(a)(1), "
                       f"(b))"),
        (total >= FMLA_HOURS, f"{show(total)} hours of service in the 12 months before {long_date(on)} "
                              f"(1,250 needed, 29 CFR 825.110(a)(2), (c))"),
        (employees_within_75_miles >= FMLA_EMPLOYEES,
         f"{employees_within_75_miles} employees within 75 miles of the worksite (50 needed, "
         f"29 CFR 825.110(a)(3), 825.111)"),
    ]
    for ok, text in tests:
        lines.append(("Met: " if ok else "Not met: ") + text + ".")
    eligible = all(ok for ok, _ in tests)
    lines.append("Eligible for FMLA leave." if eligible else "Not eligible for FMLA leave.")
    return FmlaEligibility(eligible, months, total, employees_within_75_miles, tuple(lines))


# ------------------------------------------------------------------------------------- front-loading, documentation


@dataclass(frozen=True)
class FrontLoad:
    hours: Decimal
    carryover_required: bool
    explanation: tuple[str, ...]


def front_load(law: Law, day_hours: Decimal | None = None) -> FrontLoad:
    """The hours a front-loading policy grants at the start of each policy year instead of accruing (California 40
    hours or five days, Colorado 48, …), and whether the law still requires the balance to carry over. Refuses a
    law with no front-loading rule (DomainError): the policy must accrue there."""
    grant = law.cap("front_load", day_hours)
    if grant is None:
        raise DomainError(f"{law.name} ({law.version}) has no front-loading rule held: the policy must accrue",
                          code="no_front_load")
    lines = [f"{hours_text(grant)} granted at the start of the policy year instead of accruing "
             f"({law.source('front_load')}{_days_text(law, 'front_load', day_hours)})."]
    lines.append("The unused balance still carries over (the law requires it)." if law.front_load_carryover_required
                 else "No carryover is required: the unused balance lapses when the next grant is made.")
    return FrontLoad(grant, law.front_load_carryover_required, tuple(lines))


def workdays(start: date, end: date) -> int:
    """Monday-to-Friday days from `start` to `end`, both counted (a request's consecutive workdays)."""
    return sum(1 for i in range((end - start).days + 1) if (start + timedelta(days=i)).weekday() < 5)


@dataclass(frozen=True)
class Documentation:
    required: bool
    explanation: tuple[str, ...]


def documentation(law: Law | None, start: date, end: date, policy_after_days: int | None) -> Documentation:
    """Whether a request must come with documentation (a note from a provider, or the worker's statement): only when
    the employer's policy asks for it (`policy_after_days`: absences of more than that many workdays), never where
    the law forbids asking (Connecticut, Illinois, Cook County), and never for fewer days than the law allows it
    (e.g. more than 3 consecutive workdays in San Francisco and Colorado, more than 2 in Philadelphia)."""
    n = workdays(start, end)
    if policy_after_days is None:
        return Documentation(False, ())
    if law is not None and law.documentation_forbidden:
        return Documentation(False, (f"No documentation may be asked for ({law.source('documentation')}).",))
    threshold = policy_after_days
    lines = []
    if law is not None and law.documentation_after_days is not None and law.documentation_after_days > threshold:
        threshold = law.documentation_after_days
        lines.append(f"The law allows documentation only for more than {threshold} consecutive workdays "
                     f"({law.source('documentation')}).")
    if n > threshold:
        lines.append(f"{n} workdays ({start.isoformat()} to {end.isoformat()}) is more than {threshold}: "
                     f"documentation is required (a provider's note or the worker's statement of the reason).")
        return Documentation(True, tuple(lines))
    lines.append(f"{n} workdays: no documentation needed (more than {threshold} would need it).")
    return Documentation(False, tuple(lines))


# ------------------------------------------------------------------------------------- state family leave

FAMILY_LEAVE_FILE = DATA_DIR / "family_leave.json"


@lru_cache(maxsize=1)
def family_leave_programs() -> dict[str, dict]:
    """The state family-leave programs' job-protection rules (data/family_leave.json), by program code."""
    return json.loads(FAMILY_LEAVE_FILE.read_text(encoding="utf-8"))["programs"]


@dataclass(frozen=True)
class JobProtection:
    protected: bool | None             # None: the program has no rule held (HR states it)
    explanation: tuple[str, ...]


def job_protection(program: str, *, employer_size: int, days_employed: int, hours_12_months: Decimal,
                   days_worked_12_months: int = 0) -> JobProtection:
    """Whether a leave under a state program is job-protected, from the program's rule and the worker's figures:
    some programs protect the job themselves (NY PFL after 26 weeks or 175 days worked; WA PFML at employers of 50+
    after 12 months and 1,250 hours; MA PFML; CO FAMLI after 180 days), others only pay benefits and the job is
    protected by a companion law (CA PFL by the CFRA: employers of 5+, 12 months, 1,250 hours; NJ FLI by the NJ
    FLA: employers of 30+, 12 months, 1,000 hours)."""
    rule = family_leave_programs().get(program)
    if rule is None:
        return JobProtection(None, (f"No job-protection rule is held for {program!r}: HR states it.",))
    tests = []
    if rule.get("min_employer_size") is not None:
        n = rule["min_employer_size"]
        tests.append((employer_size >= n, f"the employer has {employer_size} employees ({n} needed)"))
    alternatives = []
    if rule.get("min_days_employed") is not None:
        alternatives.append((days_employed >= rule["min_days_employed"],
                             f"employed {days_employed} days ({rule['min_days_employed']} needed)"))
    if rule.get("min_days_worked") is not None:
        alternatives.append((days_worked_12_months >= rule["min_days_worked"],
                             f"{days_worked_12_months} days worked ({rule['min_days_worked']} needed)"))
    if alternatives:
        ok = any(a for a, _ in alternatives)
        tests.append((ok, " or ".join(t for _, t in alternatives)))
    if rule.get("min_hours_12_months") is not None:
        h = D(rule["min_hours_12_months"])
        tests.append((hours_12_months >= h, f"{show(hours_12_months)} hours in the 12 months before "
                                            f"({show(h)} needed)"))
    protected = all(ok for ok, _ in tests)
    lines = [f"{rule['name']}: {rule['rule']} ({rule['source']})."]
    for ok, text in tests:
        lines.append(("Met: " if ok else "Not met: ") + text + ".")
    lines.append("The job is protected." if protected else "The job is not protected under this rule.")
    if rule.get("uncertain"):
        lines.append(f"Not confirmed: {rule['uncertain']}")
    return JobProtection(protected, tuple(lines))
