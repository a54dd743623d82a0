"""Ohio school district income tax from the Department's January 2026 list (data/2026/locals/OH.json, OH-SD) and
its 2025 list (data/2025/locals/OH.json): the lists themselves, and withholding by the Department's formula with hand
calculations in the docstrings."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payroll.engine.locals import LocalContext, Locality, UnsupportedLocality, compute_local_taxes, localities_for_year

D = Decimal
PAY = date(2026, 3, 6)
COLUMBUS_WORK = Locality("OH", city="Columbus")


def _sd_rule(year: int = 2026):
    return next(r for r in localities_for_year(year) if r.code == "OH-SD")


def _lines(home: Locality, *, gross: str = "1000.00", periods: int = 52, pretax: dict | None = None,
           cert: dict | None = None, state_certs: dict | None = None, pay_date: date = PAY):
    return compute_local_taxes(LocalContext(
        pay_date=pay_date, periods_per_year=periods, residence=home, work=COLUMBUS_WORK, gross=D(gross),
        pretax={k: D(v) for k, v in (pretax or {}).items()}, certificate=cert or {},
        state_certificates=state_certs or {}))


def _sd(lines):
    return [(x.locality, x.name, x.amount, x.wages) for x in lines if x.code == "school_district_tax"]


def test_the_list_holds_the_214_districts_and_68_earned_income_ones_its_footnote_counts():
    """The Department's January 2026 list: 214 taxing districts, 68 of them on the earned-income base; every rate
    a multiple of 0.25% (ORC 5748.02)."""
    districts = _sd_rule().districts
    assert len(districts) == 214
    assert sum(1 for d in districts.values() if d.base == "earned_income") == 68
    assert all((d.rate / D("0.0025")) % 1 == 0 for d in districts.values())


def test_the_fairfield_county_districts_agree_with_the_county_auditors_page():
    """Fairfield County Auditor, '2023 School District Income Tax Rates' (an independent source): 2301 Amanda-
    Clearcreek 2% earned income, 2302 Berne Union 2% earned income, 2303 Bloom-Carroll 1.25%, 2304 Fairfield Union
    2%, 2305 Lancaster 1.5% earned income, 2306 Liberty Union-Thurston 1.75%, 2307 Pickerington 1%, 2502 Canal
    Winchester 0.75%, 4510 Southwest Licking 0.75%, 6503 Teays Valley 1.5% earned income."""
    d = _sd_rule().districts
    got = {n: (str(d[n].rate), d[n].base) for n in ("2301", "2302", "2303", "2304", "2305", "2306", "2307", "2502",
                                                    "4510", "6503")}
    assert got == {"2301": ("0.0200", "earned_income"), "2302": ("0.0200", "earned_income"),
                   "2303": ("0.0125", "traditional"), "2304": ("0.0200", "traditional"),
                   "2305": ("0.0150", "earned_income"), "2306": ("0.0175", "traditional"),
                   "2307": ("0.0100", "traditional"), "2502": ("0.0075", "traditional"),
                   "4510": ("0.0075", "traditional"), "6503": ("0.0150", "earned_income")}


def test_a_traditional_district_withholds_on_wages_less_the_weekly_exemption_figure():
    """Canal Winchester LSD (2502), 0.75%, traditional; weekly $1,000.00, IT 4 with 2 exemptions (the state
    certificate's count): $1,000.00 - 2 x $12.50 = $975.00; x 0.75% = $7.3125 -> $7.31."""
    lines = _lines(Locality("OH", city="Columbus", school_district="2502"), state_certs={"OH": {"allowances": 2}})
    assert _sd(lines) == [("OH-SD-2502", "Canal Winchester LSD SD 2502", D("7.31"), D("1000.00"))]


def test_an_earned_income_district_takes_no_exemptions_but_excludes_the_401k_deferral():
    """Westerville CSD (2514), 0.75%, earned income; biweekly $2,000.00 with $100.00 401(k): federal taxable wages
    $1,900.00, no exemption deduction (3 claimed, ignored): $1,900.00 x 0.75% = $14.25."""
    lines = _lines(Locality("OH", city="Westerville", school_district="2514"), gross="2000.00", periods=26,
                   pretax={"401k": "100"}, cert={"school_district_exemptions": 3})
    assert _sd(lines) == [("OH-SD-2514", "Westerville CSD SD 2514", D("14.25"), D("1900.00"))]


def test_a_semimonthly_payroll_uses_the_printed_27_08_exemption():
    """Fairfield Union LSD (2304), 2.00%, traditional; semimonthly $3,000.00, 6 exemptions: the computer formula's
    $27.08 a period x 6 = $162.48 (not $650 x 6 / 24 = $162.50): $2,837.52 x 2% = $56.7504 -> $56.75 (the unrounded
    proration would give $2,837.50 x 2% = $56.75 too; the step names the printed figure)."""
    lines = _lines(Locality("OH", city="Lancaster", school_district="2304"), gross="3000.00", periods=24,
                   cert={"school_district_exemptions": 6})
    line = next(x for x in lines if x.code == "school_district_tax")
    assert line.amount == D("56.75")
    assert any("6 Ohio exemption(s) x $27.08 a period" in s and "$162.48" in s for s in line.explanation)
    assert any("Fairfield Union LSD (1.00% expires 2036; 1.00% CPT)" in s for s in line.explanation)


def test_a_quarterly_payroll_prorates_650_exactly():
    """Bexley CSD (2501), 0.75%, traditional; quarterly $12,000.00, 1 exemption: $650 / 4 = $162.50;
    $11,837.50 x 0.75% = $88.78125 -> $88.78."""
    lines = _lines(Locality("OH", city="Bexley", school_district="2501"), gross="12000.00", periods=4,
                   cert={"school_district_exemptions": 1})
    assert _sd(lines) == [("OH-SD-2501", "Bexley CSD SD 2501", D("88.78"), D("12000.00"))]


def test_a_district_without_an_income_tax_is_set_none_and_withholds_nothing():
    assert _sd(_lines(Locality("OH", city="Columbus", school_district="NONE"))) == []


def test_a_district_number_not_on_the_list_is_refused_not_zeroed():
    with pytest.raises(UnsupportedLocality, match="Ohio school district 2599: not among the districts"):
        _lines(Locality("OH", city="Columbus", school_district="2599"))


def test_the_2025_list_holds_210_districts_and_64_earned_income_ones():
    """The Department's 2025 list (data/2025/locals/OH.json): the 212 districts of January 2024 less the two that
    expired on 31 December 2024 (Alexander 0501, Clinton-Massie 1402) = 210; with the 2026 changes (six new, all on
    the earned-income base; East Palestine and Edon-Northwest, both earned income, ended) it gives January 2026's
    214 and 68 (210 - 2 + 6, 64 - 2 + 6)."""
    districts = _sd_rule(2025).districts
    assert len(districts) == 210
    assert sum(1 for d in districts.values() if d.base == "earned_income") == 64
    assert {"0501", "1402", "2514", "3204", "8303"}.isdisjoint(districts)
    assert (str(districts["4202"].rate), str(districts["5903"].rate)) == ("0.0175", "0.0075")   # its 2025 changes
    assert all((d.rate / D("0.0025")) % 1 == 0 for d in districts.values())


def test_a_2025_pay_date_uses_the_2025_rate():
    """Canal Winchester LSD (2502), 0.75%, traditional, on both lists; weekly $1,000.00 paid 6 June 2025, IT 4 with
    2 exemptions: $1,000.00 - 2 x $12.50 = $975.00; x 0.75% = $7.3125 -> $7.31. Coldwater EVSD (5402) levied 0.50%
    in 2025 (1.00% from 2026): the same week, IT 4 with 2 exemptions, $975.00 x 0.50% = $4.875 -> $4.88."""
    june = date(2025, 6, 6)
    lines = _lines(Locality("OH", city="Columbus", school_district="2502"), state_certs={"OH": {"allowances": 2}},
                   pay_date=june)
    assert _sd(lines) == [("OH-SD-2502", "Canal Winchester LSD SD 2502", D("7.31"), D("1000.00"))]
    lines = _lines(Locality("OH", city="Columbus", school_district="5402"), state_certs={"OH": {"allowances": 2}},
                   pay_date=june)
    assert _sd(lines) == [("OH-SD-5402", "Coldwater EVSD SD 5402", D("4.88"), D("1000.00"))]


def test_a_district_that_levied_only_in_2025_computes_in_2025_and_is_refused_in_2026():
    """East Palestine CSD (1505), 0.50%, earned income, on the 2025 list only: biweekly $2,000.00 in 2025, no
    exemption deduction: $2,000.00 x 0.50% = $10.00; in 2026 it is not on the list (refused by name, never zero)."""
    lines = _lines(Locality("OH", city="Columbus", school_district="1505"), gross="2000.00", periods=26,
                   pay_date=date(2025, 11, 7))
    assert _sd(lines) == [("OH-SD-1505", "East Palestine CSD SD 1505", D("10.00"), D("2000.00"))]
    with pytest.raises(UnsupportedLocality, match="Ohio school district 1505: not among the districts"):
        _lines(Locality("OH", city="Columbus", school_district="1505"), gross="2000.00", periods=26)


def test_a_district_that_levies_from_2026_is_refused_on_a_2025_pay_date():
    """Westerville CSD (2514) levies from 2026 only: a 2025 pay date for its resident is refused by name (the
    worker must be set NONE for 2025), never computed at the 2026 rate."""
    with pytest.raises(UnsupportedLocality, match="Ohio school district 2514: not among the districts"):
        _lines(Locality("OH", city="Westerville", school_district="2514"), pay_date=date(2025, 6, 6))


def test_the_school_district_line_says_its_source_and_confidence():
    line = next(x for x in _lines(Locality("OH", city="Columbus", school_district="2101"))
                if x.code == "school_district_tax")
    assert line.explanation[0] == ("Big Walnut LSD (Delaware County), SD 2101 school district income tax, "
                                   "traditional base: 0.75%")
    assert line.explanation[-1].startswith("Source: Ohio Department of Taxation: 'School Districts With an Income Tax")
    assert line.explanation[-1].endswith("(unconfirmed).")


@settings(max_examples=60, deadline=None)
@given(a=st.integers(0, 1_000_000), b=st.integers(0, 1_000_000), exemptions=st.integers(0, 6),
       district=st.sampled_from(["2101", "2304", "2514", "3122", "7711", "8708"]))
def test_school_district_withholding_never_decreases_as_wages_rise(a, b, exemptions, district):
    """A flat rate on wages less a fixed exemption: more wages (in cents) never withhold less."""
    low, high = sorted((a, b))
    home = Locality("OH", city="Columbus", school_district=district)

    def sd(cents: int) -> Decimal:
        lines = _lines(home, gross=str(D(cents) / 100), cert={"school_district_exemptions": exemptions})
        return next(x.amount for x in lines if x.code == "school_district_tax")
    assert sd(low) <= sd(high)
