"""State tax rules: each state's JSON data file for a tax year, parsed once into frozen objects with Decimal constants."""
from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, Mapping

from backoffice.dates import parse_date
from backoffice.errors import DomainError
from backoffice.geo import STATES
from backoffice.money import D

from ..tables import DATA_DIR as DATA_ROOT    # found by the package: a compiled module's __file__ is in build/engine/

FILING_STATUSES = ("single", "married", "head_of_household")
PRETAX_CODES = ("401k", "section125", "hsa", "fsa", "dcfsa", "commuter")


class UnsupportedState(DomainError):
    """Withholding for this state (or this state and year) is not covered yet: never a silent zero."""

    def __init__(self, message: str):
        super().__init__(message, code="unsupported_state")


def _dec(value: object, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"{where}: numbers in state data files are strings or integers, got {value!r}")
    return D(value)


def _by_status(raw: object, where: str) -> Mapping[str, Decimal]:
    """An amount that is the same for every filing status, or one per status."""
    if isinstance(raw, dict):
        missing = [s for s in FILING_STATUSES if s not in raw]
        if missing:
            raise ValueError(f"{where}: missing filing statuses {missing}")
        return {s: _dec(raw[s], f"{where}.{s}") for s in FILING_STATUSES}
    amount = _dec(raw, where)
    return {s: amount for s in FILING_STATUSES}


@dataclass(frozen=True)
class BracketTable:
    """Annual rate table: rows of (over, base tax, rate on the excess), as the publications print them."""

    overs: tuple[Decimal, ...]
    bases: tuple[Decimal, ...]
    rates: tuple[Decimal, ...]

    @classmethod
    def parse(cls, rows: list, where: str) -> "BracketTable":
        if not rows:
            raise ValueError(f"{where}: empty table")
        overs, bases, rates = [], [], []
        for i, row in enumerate(rows):
            over, base, rate = row
            overs.append(_dec(over, f"{where}[{i}].over"))
            bases.append(_dec(base, f"{where}[{i}].base"))
            rates.append(_dec(rate, f"{where}[{i}].rate"))
        if overs[0] != 0 or any(b <= a for a, b in zip(overs, overs[1:])):
            raise ValueError(f"{where}: rows must start at 0 and increase")
        return cls(tuple(overs), tuple(bases), tuple(rates))

    def row_for(self, taxable: Decimal) -> int:
        """Index of the row whose 'over' is the largest one below the taxable amount (0 for 0)."""
        return max(0, bisect_right(self.overs, taxable) - 1) if taxable > 0 else 0

    def tax(self, taxable: Decimal) -> tuple[Decimal, int]:
        i = self.row_for(taxable)
        return self.bases[i] + (taxable - self.overs[i]) * self.rates[i], i


@dataclass(frozen=True)
class Subtraction:
    """An annual amount subtracted before the rate applies: fixed, per status, or per certificate count."""

    label: str
    amounts: Mapping[str, Decimal]       # by filing status
    per: str | None = None               # certificate field counted (e.g. "allowances"); None = once


@dataclass(frozen=True)
class Program:
    """An employee- (or employer-) paid state program such as CA SDI, NY PFL, WA PFML."""

    code: str
    name: str
    rate: Decimal
    annual_wage_base: Decimal | None     # None: no wage cap
    weekly_max: Decimal | None           # NY SDI: $0.60 a week
    employer: bool
    excluded_pretax: frozenset[str]
    source: str
    exemption_field: str | None = None   # certificate flag that exempts the employee (e.g. WA Cares exemption)
    exemption_note: str = ""
    # the rate by the employer's size in the state, where the law sets it (Paid Leave Oregon: none under 25
    # employees): (at least this many employees, rate), ascending from 0; `rate` is the largest employer's.
    # `size_rule` says how the state counts. Empty: one rate for every employer.
    size_rates: tuple[tuple[int, Decimal], ...] = ()
    size_rule: str = ""


@dataclass(frozen=True)
class IncomeTax:
    method: str                          # none | flat | annual_table | elected_percentage | ca_method_b | ny_exact | ut_credit
                                         # | ut_period_credit | period_table | ma_circular_m (per period)
    rate: Decimal = D(0)
    subtractions: tuple[Subtraction, ...] = ()
    credits: tuple[Subtraction, ...] = ()
    tables: Mapping[str, BracketTable] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    supplemental_rate: Decimal | None = None
    supplemental_label: str = ""
    # a rate of its own for supplemental wages that are not bonuses (commissions): California's 6.6%; None = the
    # supplemental rate for all supplemental wages
    supplemental_rate_other: Decimal | None = None
    supplemental_other_label: str = ""
    exempt_pretax: frozenset[str] = frozenset()
    certificate_form: str = ""
    default_certificate: str = ""
    reason: str = ""                     # for method "none": why there is no tax
    pay_periods: frozenset[int] | None = None   # per-period methods: the payroll periods the publication prints


@dataclass(frozen=True)
class StateRules:
    state: str
    tax_year: int
    publication: str
    source_url: str
    unconfirmed: tuple[str, ...]
    unsupported: str | None              # set when the income-tax figures could not be confirmed
    income_tax: IncomeTax | None
    programs: tuple[Program, ...]
    reciprocity: Mapping[str, str]       # residence state -> the nonresidence form its residents file here
    resident_top_up: bool
    notes: tuple[str, ...]
    effective_from: date | None = None   # first pay date the figures apply to (mid-year table changes)
    effective_until: date | None = None  # last pay date they are known to apply to (tables replaced mid-year)
    # A state whose tables apply by the pay period's start (Utah's Pub 14: "pay periods beginning on or after June
    # 1") or end (Ohio: "payroll periods ending on or after"): dated_by "period_start" / "period_end" and the range
    # of those days the version covers (period_from / period_until). Given that day, the version is chosen by it;
    # without it, by the pay-date range above (effective_from/until).
    dated_by: str = "pay_date"
    period_from: date | None = None
    period_until: date | None = None
    # How far the figures are checked: "example" (the tests reproduce the state's own worked examples, listed in
    # `examples` with their pages), "formula" (no published example: hand calculations from the formula), or
    # "unconfirmed" (read from a secondary reproduction; see `unconfirmed`). `not_modelled`: what the engine
    # leaves out for this state (said, never silently zero).
    confidence: str = "unconfirmed"
    examples: tuple[str, ...] = ()
    not_modelled: tuple[str, ...] = ()


def _parse_subtractions(raw: list | None, where: str) -> tuple[Subtraction, ...]:
    out = []
    for i, s in enumerate(raw or ()):
        out.append(Subtraction(label=s["label"], amounts=_by_status(s["amount"], f"{where}[{i}].amount"),
                               per=s.get("per")))
    return tuple(out)


def _param_item(item: object, where: str) -> object:
    """A list entry in params: a row of numbers, a number, or a plain word (e.g. a filing status)."""
    if isinstance(item, list):
        return tuple(_dec(x, where) for x in item)
    if isinstance(item, str) and not item.replace(".", "", 1).isdigit():
        return item
    return _dec(item, where)


def _parse_income_tax(raw: dict, where: str) -> IncomeTax:
    method = raw["method"]
    tables = {}
    for status, rows in (raw.get("tables") or {}).items():
        tables[status] = BracketTable.parse(rows, f"{where}.tables.{status}")
    params: dict[str, Any] = {}
    for key, value in (raw.get("params") or {}).items():
        if key == "table_for_status":     # status -> the status whose table it uses (words, not numbers)
            params[key] = {str(k): str(v) for k, v in value.items()}
        elif isinstance(value, dict):
            params[key] = _by_status(value, f"{where}.params.{key}") if set(value) == set(FILING_STATUSES) else {
                k: _dec(v, f"{where}.params.{key}.{k}") for k, v in value.items()}
        elif isinstance(value, list):
            params[key] = tuple(_param_item(item, f"{where}.params.{key}") for item in value)
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            params[key] = _dec(value, f"{where}.params.{key}")
        else:
            params[key] = value
    pay_periods = None
    per_period = {"period_table": ["period_exemption"],
                  "ut_period_credit": [f"period_{n}_{s}" for n in ("base_allowance", "phase_out_threshold")
                                       for s in ("single", "married")],
                  "ma_circular_m": ["period_exemption_per", "period_exemption_base", "period_head_of_household",
                                    "period_no_tax_limit"]}.get(method)
    if per_period:
        keysets = [frozenset(params[name]) for name in per_period] + (
            [frozenset(tables)] if method == "period_table" else [])
        if len(set(keysets)) != 1:
            raise ValueError(f"{where}: per-period figures must list the same pay periods")
        pay_periods = frozenset(int(k) for k in keysets[0])
        if params.get("annualise_unprinted_periods"):
            if "1" not in keysets[0]:
                raise ValueError(f"{where}: annualise_unprinted_periods needs the annual figures (\"1\")")
            pay_periods = None     # other frequencies annualise the annual figures (Ohio's formula, MA TIR 80-3)
    elif method in ("status_period_table", "ks_k4_period") and not params.get("annualise_unprinted_periods"):
        pay_periods = frozenset(int(k.partition(":")[0]) for k in tables)   # tables keyed "<periods>:<status>"
    supplemental = raw.get("supplemental_rate")
    other = raw.get("supplemental_rate_other")
    exempt = frozenset(raw.get("exempt_pretax", ()))
    unknown = exempt - set(PRETAX_CODES)
    if unknown:
        raise ValueError(f"{where}.exempt_pretax: unknown codes {sorted(unknown)}")
    return IncomeTax(
        method=method,
        rate=_dec(raw.get("rate", 0), f"{where}.rate"),
        subtractions=_parse_subtractions(raw.get("subtractions"), f"{where}.subtractions"),
        credits=_parse_subtractions(raw.get("credits"), f"{where}.credits"),
        tables=tables,
        params=params,
        supplemental_rate=None if supplemental is None else _dec(supplemental, f"{where}.supplemental_rate"),
        supplemental_label=raw.get("supplemental_label", ""),
        supplemental_rate_other=None if other is None else _dec(other, f"{where}.supplemental_rate_other"),
        supplemental_other_label=raw.get("supplemental_other_label", ""),
        exempt_pretax=exempt,
        certificate_form=raw.get("certificate_form", ""),
        default_certificate=raw.get("default_certificate", ""),
        reason=raw.get("reason", ""),
        pay_periods=pay_periods,
    )


def _parse_program(raw: dict, where: str) -> Program:
    base = raw.get("annual_wage_base")
    weekly = raw.get("weekly_max")
    return Program(
        code=raw["code"], name=raw["name"], rate=_dec(raw["rate"], f"{where}.rate"),
        annual_wage_base=None if base is None else _dec(base, f"{where}.annual_wage_base"),
        weekly_max=None if weekly is None else _dec(weekly, f"{where}.weekly_max"),
        employer=bool(raw.get("employer", False)),
        excluded_pretax=frozenset(raw.get("excluded_pretax", ())),
        source=raw["source"],
        exemption_field=raw.get("exemption_field"),
        exemption_note=raw.get("exemption_note", ""),
        size_rates=_size_rates(raw, where),
        size_rule=raw.get("size_rule", ""),
    )


def _size_rates(raw: dict, where: str) -> tuple[tuple[int, Decimal], ...]:
    """A program's `rate_by_employer_size`: [[at least N employees, rate], ...] from 0 up, the last at `rate`."""
    rows = raw.get("rate_by_employer_size")
    if not rows:
        return ()
    out = tuple((int(n), _dec(r, f"{where}.rate_by_employer_size")) for n, r in rows)
    sizes = [n for n, _ in out]
    if sizes[0] != 0 or sizes != sorted(set(sizes)) or out[-1][1] != _dec(raw["rate"], f"{where}.rate"):
        raise ValueError(f"{where}.rate_by_employer_size: rows start at 0 employees, ascend, and the last is `rate`")
    if not raw.get("size_rule"):
        raise ValueError(f"{where}: a rate by employer size names its size_rule (how the state counts)")
    return out


def parse_state(raw: dict, where: str) -> StateRules:
    state = raw["state"]
    if state not in STATES:
        raise ValueError(f"{where}: unknown state {state!r}")
    income = raw.get("income_tax")
    return StateRules(
        state=state,
        tax_year=int(raw["tax_year"]),
        publication=raw["publication"],
        source_url=raw["source_url"],
        unconfirmed=tuple(raw.get("unconfirmed", ())),
        unsupported=raw.get("unsupported"),
        income_tax=None if income is None else _parse_income_tax(income, f"{where}.income_tax"),
        programs=tuple(_parse_program(p, f"{where}.programs[{i}]") for i, p in enumerate(raw.get("programs", ()))),
        reciprocity=dict(raw.get("reciprocity", {})),
        resident_top_up=bool(raw.get("resident_top_up", False)),
        notes=tuple(raw.get("notes", ())),
        effective_from=parse_date(raw["effective_from"]) if raw.get("effective_from") else None,
        effective_until=parse_date(raw["effective_until"]) if raw.get("effective_until") else None,
        dated_by=_dated_by(raw.get("dated_by", "pay_date"), where),
        period_from=parse_date(raw["period_from"]) if raw.get("period_from") else None,
        period_until=parse_date(raw["period_until"]) if raw.get("period_until") else None,
        confidence=_confidence(raw.get("confidence", "unconfirmed"), where),
        examples=tuple(raw.get("examples", ())),
        not_modelled=tuple(raw.get("not_modelled", ())),
    )


CONFIDENCE_LEVELS = ("example", "formula", "unconfirmed")
DATED_BY = ("pay_date", "period_start", "period_end")


def _dated_by(value: object, where: str) -> str:
    if value not in DATED_BY:
        raise ValueError(f"{where}: dated_by must be one of {DATED_BY}, got {value!r}")
    return str(value)


def _confidence(value: object, where: str) -> str:
    if value not in CONFIDENCE_LEVELS:
        raise ValueError(f"{where}: confidence must be one of {CONFIDENCE_LEVELS}, got {value!r}")
    return str(value)


VERSION_MARK = "@"   # "UT@2026-07-01.json": a later version of UT's rules within the same tax year


@lru_cache(maxsize=None)
def versions_for_year(tax_year: int) -> Mapping[str, tuple[StateRules, ...]]:
    """Every state data file of a tax year, parsed once: state -> its versions in date order.

    Most states have one file (XX.json). A state whose tables change during the year also has dated files
    (XX@YYYY-MM-DD.json, the date being the version's effective_from); versions may leave gaps (pay dates no
    publication covers) but never overlap."""
    folder = DATA_ROOT / str(tax_year) / "states"
    found: dict[str, list[StateRules]] = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            raw = json.loads(path.read_text(encoding="utf-8"))
            rules = parse_state(raw, str(path.name))
            state, _, start = path.stem.partition(VERSION_MARK)
            if rules.state != state or rules.tax_year != tax_year:
                raise ValueError(f"{path}: state/tax_year do not match the file's place")
            if start and (rules.effective_from is None or rules.effective_from.isoformat() != start):
                raise ValueError(f"{path}: a dated version must have effective_from {start}")
            found.setdefault(state, []).append(rules)
    out: dict[str, tuple[StateRules, ...]] = {}
    for state, versions in found.items():
        versions.sort(key=lambda r: r.effective_from or date.min)
        for a, b in zip(versions, versions[1:]):
            if a.effective_until is None or b.effective_from is None or b.effective_from <= a.effective_until:
                raise ValueError(f"{state} {tax_year}: rule versions overlap ({a.effective_until} / {b.effective_from})")
            if a.dated_by != b.dated_by:
                raise ValueError(f"{state} {tax_year}: every version of a year is dated the same way")
            if a.dated_by != "pay_date" and (a.period_until is None or b.period_from is None
                                             or b.period_from <= a.period_until):
                raise ValueError(f"{state} {tax_year}: the versions' {a.dated_by.replace('_', ' ')}s overlap "
                                 f"({a.period_until} / {b.period_from})")
        out[state] = tuple(versions)
    return out


@lru_cache(maxsize=None)
def rules_for_year(tax_year: int) -> Mapping[str, StateRules]:
    """The first (earliest) version of every state's rules for a tax year (see versions_for_year)."""
    return {state: versions[0] for state, versions in versions_for_year(tax_year).items()}


def covers(rules: StateRules, pay_date: date) -> bool:
    return ((rules.effective_from is None or pay_date >= rules.effective_from)
            and (rules.effective_until is None or pay_date <= rules.effective_until))


def applies_to(rules: StateRules, pay_date: date, period: tuple[date | None, date | None] = (None, None)) -> bool:
    """Whether this version governs a paycheck: by the pay period's start or end where the state dates its tables
    so and that day is known (period = (start, end)), else by the pay date (covers)."""
    day = {"period_start": period[0], "period_end": period[1]}.get(rules.dated_by)
    if day is not None:
        return ((rules.period_from is None or day >= rules.period_from)
                and (rules.period_until is None or day <= rules.period_until))
    return covers(rules, pay_date)


def rules_at(state: str, tax_year: int, pay_date: date,
             period: tuple[date | None, date | None] = (None, None)) -> StateRules | None:
    """The version of a state's rules that applies to a paycheck (its pay date, and its period's start or end where
    the state dates by it), or None when no version covers it."""
    for rules in versions_for_year(tax_year).get(state, ()):
        if applies_to(rules, pay_date, period):
            return rules
    return None


@lru_cache(maxsize=None)
def _suta_file(tax_year: int) -> tuple[str, Mapping[str, dict]]:
    """(file name, state -> entry) of the year's suta_wage_bases.json, read once; ("", {}) without a file."""
    path = DATA_ROOT / str(tax_year) / "suta_wage_bases.json"
    if not path.is_file():
        return "", {}
    return path.name, json.loads(path.read_text(encoding="utf-8"))["wage_bases"]


@lru_cache(maxsize=None)
def suta_bases_for_year(tax_year: int) -> Mapping[str, tuple[Decimal | None, str]]:
    """state -> (taxable wage base or None when not confirmed, source) from suta_wage_bases.json."""
    name, entries = _suta_file(tax_year)
    return {state: (None if entry.get("amount") is None else _dec(entry["amount"], f"{name}.{state}"),
                    entry.get("source", "")) for state, entry in entries.items()}


@lru_cache(maxsize=None)
def suta_new_employer_rates_for_year(tax_year: int) -> Mapping[str, tuple[Decimal | None, str]]:
    """state -> (new-employer SUTA rate or None when not confirmed, source) from suta_wage_bases.json."""
    name, entries = _suta_file(tax_year)
    return {state: (None, "") if entry.get("new_employer_rate") is None else (
        _dec(entry["new_employer_rate"]["rate"], f"{name}.{state}.new_employer_rate"),
        entry["new_employer_rate"]["source"]) for state, entry in entries.items()}
