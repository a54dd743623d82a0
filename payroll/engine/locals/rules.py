"""Local tax rules: each state's localities for a tax year (data/<year>/locals/<ST>.json), parsed once into frozen records."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from backoffice.dates import parse_date
from backoffice.errors import DomainError
from backoffice.geo import STATES
from backoffice.money import D

DATA_ROOT = Path(__file__).resolve().parent.parent / "data"

KINDS = ("local_income_tax", "local_services_tax", "school_district_tax", "transit_tax")
METHODS = ("flat", "pa_eit", "pa_lst", "oh_municipal", "mi_city", "oh_school_district", "period_table",
           "state_tax_surcharge", "county_rate", "annualized_exclusion", "monthly_head_tax")
MATCH_KEYS = ("cities", "psd_codes", "school_districts", "counties", "transit_districts", "whole_state")
APPLIES = ("residents", "nonresidents", "workers", "residents_and_nonresidents", "residents_or_workers")
# residents: who live there, wherever they work; nonresidents: who work there and live elsewhere; workers: who
# work there (the rate by residence when the data gives both); residents_and_nonresidents: residents at the
# resident rate, nonresidents working there at the nonresident rate; residents_or_workers: either, one rate.
CONFIDENCE_LEVELS = ("example", "formula", "unconfirmed")
PRETAX_CODES = ("401k", "section125", "hsa", "fsa", "dcfsa", "commuter")


class UnsupportedLocality(DomainError):
    """A locality the worker lives or works in levies a tax whose figures are not in the data: never a silent zero."""

    def __init__(self, message: str):
        super().__init__(message, code="unsupported_locality")


def _dec(value: object, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"{where}: numbers in local data files are strings or integers, got {value!r}")
    return D(value)


def norm(text: str | None) -> str:
    """A place name or code as the data compares it: upper case, single spaces, no dots."""
    return " ".join((text or "").replace(".", "").upper().split())


@dataclass(frozen=True)
class PeriodTable:
    """A per-payroll-period rate table: rows of (at least, subtract, rate, add), as NYS-50-T-NYC prints them."""

    overs: tuple[Decimal, ...]
    rates: tuple[Decimal, ...]
    adds: tuple[Decimal, ...]

    def row_for(self, net: Decimal) -> int:
        i = 0
        for j, over in enumerate(self.overs):
            if net >= over:
                i = j
        return i


@dataclass(frozen=True)
class SchoolDistrict:
    """One Ohio school district levying an income tax, as the Department's list prints it."""

    number: str                   # the 4-digit district number (IT 4, SD 100, The Finder)
    county: str
    name: str                     # the Department's name, its note of the levies' terms included
    rate: Decimal
    base: str                     # "traditional" or "earned_income"

    @property
    def short_name(self) -> str:
        """The name without the levies' note ("Danville LSD (1.25% expires 2034; ...)" -> "Danville LSD")."""
        return self.name.split(" (")[0].strip()


SD_BASES = ("traditional", "earned_income")


@dataclass(frozen=True)
class LocalRules:
    """One local tax of one locality for the pay dates it covers."""

    state: str
    tax_year: int
    code: str                     # short id ("NYC", "PA-510101", "OH-COLUMBUS", "OH-SD-2503")
    name: str
    kind: str                     # the paycheck line's code
    applies: str                  # who is taxed: residents, nonresidents working there, or both
    match: Mapping[str, frozenset[str]]
    method: str
    rates: Mapping[str, Decimal]  # "resident", "nonresident" (each optional)
    params: Mapping[str, Any]     # the data file's figures (Decimal), tables of them by key, words and flags
    exempt_pretax: frozenset[str]
    employer: bool
    publication: str
    source_url: str
    confidence: str
    examples: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    not_modelled: tuple[str, ...]
    unsupported: str | None
    effective_from: date | None = None
    effective_until: date | None = None
    tables: Mapping[str, PeriodTable] = field(default_factory=dict)   # "<periods>:<status>" -> table
    districts: Mapping[str, SchoolDistrict] = field(default_factory=dict)  # Ohio school districts by number

    def covers(self, pay_date: date) -> bool:
        return ((self.effective_from is None or pay_date >= self.effective_from)
                and (self.effective_until is None or pay_date <= self.effective_until))


def _params(raw: Mapping[str, object], where: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in raw.items():
        if isinstance(value, dict):
            out[key] = {str(k): (_dec(v, f"{where}.{key}.{k}") if not isinstance(v, bool) else v)
                        for k, v in value.items()}
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            out[key] = _dec(value, f"{where}.{key}") if _numeric(value) else value
        else:
            out[key] = value
    return out


def _numeric(value: object) -> bool:
    if isinstance(value, int):
        return True
    text = str(value)
    return text.replace(".", "", 1).replace("-", "", 1).isdigit()


def _tables(raw: Mapping[str, list], where: str) -> dict[str, PeriodTable]:
    out = {}
    for key, rows in raw.items():
        overs, rates, adds = [], [], []
        for i, (over, rate, add) in enumerate(rows):
            overs.append(_dec(over, f"{where}.{key}[{i}]"))
            rates.append(_dec(rate, f"{where}.{key}[{i}]"))
            adds.append(_dec(add, f"{where}.{key}[{i}]"))
        if overs[0] != 0 or any(b <= a for a, b in zip(overs, overs[1:])):
            raise ValueError(f"{where}.{key}: rows must start at 0 and increase")
        out[key] = PeriodTable(tuple(overs), tuple(rates), tuple(adds))
    return out


def _districts(raw: list, where: str) -> dict[str, SchoolDistrict]:
    """Rows of [number, county, name, rate, base] (the Ohio Department of Taxation's school district list)."""
    out: dict[str, SchoolDistrict] = {}
    for i, row in enumerate(raw):
        number, county, name, rate, base = row
        number = str(number)
        if not (len(number) == 4 and number.isdigit()) or number in out:
            raise ValueError(f"{where}[{i}]: district number {number!r} must be 4 digits and listed once")
        if base not in SD_BASES:
            raise ValueError(f"{where}[{i}]: base must be one of {SD_BASES}")
        value = _dec(rate, f"{where}[{i}].rate")
        if not (ZERO_RATE < value < 1) or (value / D("0.0025")) % 1:
            raise ValueError(f"{where}[{i}]: rate {rate} must be a multiple of 0.25% (ORC 5748.02)")
        out[number] = SchoolDistrict(number, str(county), str(name), value, base)
    return out


ZERO_RATE = D(0)


def parse_locality(raw: Mapping[str, object], state: str, tax_year: int, where: str) -> LocalRules:
    kind, method, applies = raw["kind"], raw["method"], raw.get("applies", "residents_and_nonresidents")
    if kind not in KINDS:
        raise ValueError(f"{where}: kind must be one of {KINDS}")
    if method not in METHODS:
        raise ValueError(f"{where}: method must be one of {METHODS}")
    if applies not in APPLIES:
        raise ValueError(f"{where}: applies must be one of {APPLIES}")
    match = raw.get("match") or {}
    if not match or set(match) - set(MATCH_KEYS):
        raise ValueError(f"{where}: match needs one of {MATCH_KEYS}")
    confidence = raw.get("confidence", "unconfirmed")
    if confidence not in CONFIDENCE_LEVELS:
        raise ValueError(f"{where}: confidence must be one of {CONFIDENCE_LEVELS}")
    exempt = frozenset(raw.get("exempt_pretax", ()))
    if exempt - set(PRETAX_CODES):
        raise ValueError(f"{where}.exempt_pretax: unknown codes {sorted(exempt - set(PRETAX_CODES))}")
    for key in ("publication", "source_url"):
        if not raw.get(key):
            raise ValueError(f"{where}: every locality names its {key}")
    if method == "monthly_head_tax" and not {"monthly_amount", "monthly_wage_threshold"} <= set(raw.get("params") or {}):
        raise ValueError(f"{where}: a monthly head tax names params.monthly_amount and params.monthly_wage_threshold")
    districts = _districts(raw.get("districts") or [], f"{where}.districts")
    if districts:   # a list of districts is matched by their numbers
        match = {**match, "school_districts": sorted(set(match.get("school_districts") or []) | set(districts))}
    return LocalRules(
        state=state, tax_year=tax_year, code=str(raw["code"]), name=str(raw["name"]), kind=kind, applies=applies,
        match={k: frozenset(norm(str(v)) for v in (vals if isinstance(vals, list) else [vals]))
               for k, vals in match.items()},
        method=method,
        rates={k: _dec(v, f"{where}.rates.{k}") for k, v in (raw.get("rates") or {}).items()},
        params=_params(raw.get("params") or {}, f"{where}.params"),
        exempt_pretax=exempt, employer=bool(raw.get("employer", False)),
        publication=str(raw["publication"]), source_url=str(raw["source_url"]), confidence=confidence,
        examples=tuple(raw.get("examples", ())), unconfirmed=tuple(raw.get("unconfirmed", ())),
        not_modelled=tuple(raw.get("not_modelled", ())), unsupported=raw.get("unsupported"),
        effective_from=parse_date(raw["effective_from"]) if raw.get("effective_from") else None,
        effective_until=parse_date(raw["effective_until"]) if raw.get("effective_until") else None,
        tables=_tables(raw.get("tables") or {}, f"{where}.tables"), districts=districts,
    )


@lru_cache(maxsize=None)
def localities_for_year(tax_year: int) -> tuple[LocalRules, ...]:
    """Every local tax in the year's data files, in file order; a code's versions must not overlap in dates."""
    folder = DATA_ROOT / str(tax_year) / "locals"
    out: list[LocalRules] = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            raw = json.loads(path.read_text(encoding="utf-8"))
            state = raw["state"]
            if state not in STATES or path.stem != state or int(raw["tax_year"]) != tax_year:
                raise ValueError(f"{path}: state/tax_year do not match the file's place")
            for i, entry in enumerate(raw["localities"]):
                out.append(parse_locality(entry, state, tax_year, f"{path.name}.localities[{i}]"))
    by_code: dict[str, list[LocalRules]] = {}
    for r in out:
        by_code.setdefault(r.code, []).append(r)
    for code, versions in by_code.items():
        versions.sort(key=lambda r: r.effective_from or date.min)
        for a, b in zip(versions, versions[1:]):
            if a.effective_until is None or b.effective_from is None or b.effective_from <= a.effective_until:
                raise ValueError(f"{code} {tax_year}: versions overlap")
    return tuple(out)
