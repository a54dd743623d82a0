"""Tax tables per tax year, read once from the JSON data files and turned into ready Decimal constants."""
from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from backoffice.errors import DomainError
from backoffice.money import D

from .model import Pct

# payroll/engine/data, found by the package, not by this file: compiled, this module is a file in build/engine/
DATA_DIR = Path(str(files("payroll.engine"))) / "data"


@dataclass(frozen=True, slots=True)
class Schedule:
    """One annual percentage-method schedule (Pub 15-T): rows of (A at least, C tentative amount, D rate)."""

    name: str
    starts: tuple[Decimal, ...]
    rows: tuple[tuple[Decimal, Decimal, Pct], ...]

    def row_for(self, wage: Decimal) -> tuple[int, tuple[Decimal, Decimal, Pct]]:
        i = bisect_right(self.starts, wage) - 1
        return i, self.rows[max(i, 0)]

    def upper(self, index: int) -> Decimal | None:
        """Column B of a row: where the next row starts (None for the last row)."""
        return self.starts[index + 1] if index + 1 < len(self.starts) else None


@dataclass(frozen=True, slots=True)
class TaxTables:
    """Every federal figure the engine needs for one tax year. Build with `tables_for(pay_date)`."""

    year: int
    withholding_source: str
    schedules: Mapping[tuple[str, str], Schedule]     # (standard|checkbox, single|married_jointly|head_of_household)
    line_1g_mfj: Decimal
    line_1g_other: Decimal
    allowance_2019: Decimal
    supplemental_source: str
    supplemental_rate: Pct
    supplemental_mandatory_rate: Pct
    supplemental_mandatory_threshold: Decimal
    backup_source: str
    backup_rate: Pct
    ss_source: str
    ss_employee_rate: Pct
    ss_employer_rate: Pct
    ss_wage_base: Decimal
    medicare_source: str
    medicare_employee_rate: Pct
    medicare_employer_rate: Pct
    addl_medicare_source: str
    addl_medicare_rate: Pct
    addl_medicare_threshold: Decimal
    futa_source: str
    futa_gross_rate: Pct
    futa_max_credit: Pct
    futa_net_rate: Pct
    futa_wage_base: Decimal
    futa_credit_reduction: Mapping[str, Pct]
    futa_credit_reduction_note: str
    futa_credit_reduction_provisional: bool
    deferral_source: str
    deferral_limit: Decimal
    catch_up_50: Decimal
    catch_up_60_63: Decimal
    hsa_source: str
    hsa_self_only: Decimal
    hsa_family: Decimal
    hsa_catch_up_55: Decimal
    fsa_source: str
    fsa_limit: Decimal
    ccpa_source: str
    ccpa_ordinary_percent: Pct
    ccpa_min_wage_multiple: Decimal
    federal_minimum_wage: Decimal
    support_percent_other_family: Pct
    support_percent_no_other_family: Pct
    support_arrears_add: Pct
    student_loan_percent: Pct
    student_loan_source: str
    # Benefits limits (issue 12). None where a year's data file does not give the figure: the engine then refuses
    # the deduction that needs it ("fail closed") instead of guessing.
    roth_catch_up_source: str = ""
    roth_catch_up_required: bool = False             # SECURE 2.0 section 603 in force for the year
    roth_catch_up_threshold: Decimal | None = None   # prior-year FICA wages from this employer over this amount
    annual_additions_source: str = ""
    annual_additions_limit: Decimal | None = None    # IRC 415(c)(1)(A)
    dcfsa_source: str = ""
    dcfsa_limit: Decimal | None = None               # IRC 129(a)(2)(A)
    dcfsa_limit_mfs: Decimal | None = None
    transportation_source: str = ""
    transit_monthly: Decimal | None = None           # IRC 132(f)(2)(A)
    parking_monthly: Decimal | None = None           # IRC 132(f)(2)(B)

    def schedule(self, kind: str, status: str) -> Schedule:
        return self.schedules[(kind, status)]


def _load(year: int, name: str) -> dict:
    path = DATA_DIR / str(year) / name
    if not path.exists():
        raise DomainError(f"no payroll tax tables for tax year {year} ({path.name} is missing)",
                          code="unsupported_tax_year")
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if data.get("tax_year") != year:
        raise DomainError(f"{path} says tax_year {data.get('tax_year')}, expected {year}")
    return data


def _benefit_limits(lim: dict) -> dict:
    """The benefits figures of limits.json (Roth catch-up, 415(c), dependent care, commuter) that the year gives."""
    out: dict = {}
    roth = lim.get("roth_catch_up_603")
    if roth is not None:
        out.update(roth_catch_up_source=roth["publication"], roth_catch_up_required=bool(roth["required"]),
                   roth_catch_up_threshold=D(roth["prior_year_fica_wages_over"]))
    add = lim.get("annual_additions_415c")
    if add is not None:
        out.update(annual_additions_source=add["publication"], annual_additions_limit=D(add["limit"]))
    dc = lim.get("dependent_care_129")
    if dc is not None:
        out.update(dcfsa_source=dc["publication"], dcfsa_limit=D(dc["limit"]),
                   dcfsa_limit_mfs=D(dc["married_filing_separately"]))
    tr = lim.get("qualified_transportation_132f")
    if tr is not None:
        out.update(transportation_source=tr["publication"], transit_monthly=D(tr["transit_monthly"]),
                   parking_monthly=D(tr["parking_monthly"]))
    return out


@lru_cache(maxsize=None)
def load_tables(year: int) -> TaxTables:
    """Read and check one tax year's data files (cached: read once per process)."""
    fed = _load(year, "federal.json")
    ff = _load(year, "fica_futa.json")
    lim = _load(year, "limits.json")
    schedules = {}
    for kind, by_status in fed["percentage_tables"].items():
        if kind == "note":
            continue
        for status, rows in by_status.items():
            parsed = tuple((D(a), D(c), Pct(d)) for a, c, d in rows)
            starts = tuple(r[0] for r in parsed)
            if list(starts) != sorted(starts) or starts[0] != 0:
                raise DomainError(f"{year} {kind}/{status} schedule rows are not in order from 0")
            schedules[(kind, status)] = Schedule(f"{kind}/{status}", starts, parsed)
    ws = fed["worksheet_1a"]
    sup = fed["supplemental"]
    ss, med, addl, futa = ff["social_security"], ff["medicare"], ff["additional_medicare"], ff["futa"]
    g, hsa, fsa, ccpa = lim["elective_deferrals_402g"], lim["hsa"], lim["health_fsa"], lim["ccpa_garnishment"]
    gross_rate, credit = Pct(futa["gross_rate"]), Pct(futa["max_credit"])
    return TaxTables(
        year=year,
        withholding_source=fed["publication"],
        schedules=MappingProxyType(schedules),
        line_1g_mfj=D(ws["line_1g"]["married_jointly"]),
        line_1g_other=D(ws["line_1g"]["other"]),
        allowance_2019=D(ws["line_1k_allowance"]),
        supplemental_source=sup["publication"],
        supplemental_rate=Pct(sup["flat_rate"]),
        supplemental_mandatory_rate=Pct(sup["mandatory_rate"]),
        supplemental_mandatory_threshold=D(sup["mandatory_threshold"]),
        backup_source=fed["backup_withholding"]["publication"],
        backup_rate=Pct(fed["backup_withholding"]["rate"]),
        ss_source=ss["publication"],
        ss_employee_rate=Pct(ss["employee_rate"]),
        ss_employer_rate=Pct(ss["employer_rate"]),
        ss_wage_base=D(ss["wage_base"]),
        medicare_source=med["publication"],
        medicare_employee_rate=Pct(med["employee_rate"]),
        medicare_employer_rate=Pct(med["employer_rate"]),
        addl_medicare_source=addl["publication"],
        addl_medicare_rate=Pct(addl["rate"]),
        addl_medicare_threshold=D(addl["threshold"]),
        futa_source=futa["publication"],
        futa_gross_rate=gross_rate,
        futa_max_credit=credit,
        futa_net_rate=Pct(gross_rate - credit),
        futa_wage_base=D(futa["wage_base"]),
        futa_credit_reduction=MappingProxyType({k: Pct(v) for k, v in futa["credit_reduction"].items()}),
        futa_credit_reduction_note=futa["credit_reduction_note"],
        futa_credit_reduction_provisional=bool(ff.get("credit_reduction_provisional", False)),
        deferral_source=g["publication"],
        deferral_limit=D(g["limit"]),
        catch_up_50=D(g["catch_up_50"]),
        catch_up_60_63=D(g["catch_up_60_63"]),
        hsa_source=hsa["publication"],
        hsa_self_only=D(hsa["self_only"]),
        hsa_family=D(hsa["family"]),
        hsa_catch_up_55=D(hsa["catch_up_55"]),
        fsa_source=fsa["publication"],
        fsa_limit=D(fsa["limit"]),
        ccpa_source=ccpa["publication"],
        ccpa_ordinary_percent=Pct(ccpa["ordinary_percent"]),
        ccpa_min_wage_multiple=D(ccpa["minimum_wage_multiple"]),
        federal_minimum_wage=D(ccpa["federal_minimum_wage"]),
        support_percent_other_family=Pct(ccpa["support_percent"]["supports_other_family"]),
        support_percent_no_other_family=Pct(ccpa["support_percent"]["no_other_family"]),
        support_arrears_add=Pct(ccpa["support_percent"]["arrears_add"]),
        student_loan_percent=Pct(ccpa["student_loan_percent"]),
        student_loan_source=ccpa["student_loan_publication"],
        **_benefit_limits(lim),
    )


@lru_cache(maxsize=1)
def supported_tax_years() -> tuple[int, ...]:
    """The years with federal tables on disk (read once: every quote's pay date is checked against them)."""
    return tuple(sorted(int(p.name) for p in DATA_DIR.iterdir()
                        if p.is_dir() and p.name.isdigit() and (p / "federal.json").exists()))


def tables_for(pay_date: date) -> TaxTables:
    """The tables for the tax year of a pay date (wages are taxed in the year they are paid)."""
    return load_tables(pay_date.year)
