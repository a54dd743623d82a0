"""New Jersey (NJ-WT): rate tables A-E per payroll period, NJ-W4 allowances, TDI / FLI / UI worker contributions."""
from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.errors import ValidationFailed

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal


def nj(periods, gross, supplemental="0", year=2026, pretax=None, ytd="0", **cert):
    return ctx("NJ", year=year, periods=periods, gross=gross, supplemental=supplemental, pretax=pretax, ytd=ytd,
               certificate={"NJ": cert} if cert else {})


CASES = [
    ("no-nj-w4-weekly-table-a", nj(52, "1000"), "29.38",
     "table A weekly row over 769 (40,000/52) base 15.29 (795/52): 15.29 + 6.1% x 231 = 29.381"),
    ("married-defaults-to-table-b", nj(26, "3000", filing_status="married", allowances=2), "64.40",
     "3,000 - 2 x 38.40 = 2,923.20; table B biweekly row over 2,692 (70,000/26) base 55.38 (1,440/26): "
     "55.38 + 3.9% x 231.20 = 64.3968"),
    ("rate-table-c-chosen-on-line-3", nj(24, "5000", rate_table="c"), "197.92",
     "table C semimonthly row over 2,500 (60,000/24) base 57.92 (1,390/24): 57.92 + 5.6% x 2,500 = 197.92"),
    ("monthly-high-earner", nj(12, "100000"), "8815.04",
     "table A monthly row over 83,333 (1,000,000/12) base 6,848.33 (82,180/12): 6,848.33 + 11.8% x 16,667"),
    ("low-earner", nj(52, "300"), "4.50", "300 x 1.5% = 4.50"),
    ("bonus-with-regular-pay", nj(52, "1500", supplemental="500"), "60.41",
     "NJ-WT: rate on the combined payment: 1,500 in row over 1,442 (75,000/52) base 56.35 (2,930/52): "
     "56.35 + 7% x 58 = 60.41 (29.38 regular + 31.03 on the bonus)"),
    ("additional-withholding", nj(52, "1000", additional="10"), "39.38", "29.38 + 10"),
    ("exempt", nj(52, "1000", exempt=True), "0.00", "exempt on NJ-W4"),
    ("401k-is-excluded", nj(52, "1000", pretax={"401k": "100"}), "23.28",
     "900 in row over 769: 15.29 + 6.1% x 131 = 23.281"),
    ("hsa-is-not-excluded", nj(52, "1000", pretax={"hsa": "100"}), "29.38", "New Jersey taxes HSA deferrals"),
]


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("case_id, context, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_new_jersey_tables_in_force_since_october_2020(case_id, context, expected, hand, year):
    """The same tables apply in 2025 and 2026."""
    from dataclasses import replace
    from datetime import date
    assert income_tax(replace(context, pay_date=date(year, 3, 6))) == D(expected), hand


def test_an_unknown_rate_table_is_refused_naming_the_field():
    with pytest.raises(ValidationFailed) as e:
        income_tax(nj(52, "1000", rate_table="F"))
    assert [i.field for i in e.value.issues] == ["certificate.NJ.rate_table"]


def test_2025_worker_contributions():
    """Weekly 1,000: UI + workforce 0.425% = 4.25; TDI 0.23% = 2.30; FLI 0.33% = 3.30."""
    got = lines(nj(52, "1000", year=2025))
    assert (got[("state_unemployment_employee", "NJ")], got[("state_disability", "NJ")],
            got[("state_family_leave", "NJ")]) == (D("4.25"), D("2.30"), D("3.30"))


def test_2026_unemployment_contribution_stops_at_the_wage_base():
    """44,800 wage base: 44,500 paid earlier, so 300 x 0.425% = 1.275 -> 1.28. TDI/FLI have their own 171,100
    worker base, still far off: the whole 1,000 counts, TDI 0.19% = 1.90, FLI 0.23% = 2.30."""
    got = lines(nj(52, "1000", ytd="44500"))
    assert got[("state_unemployment_employee", "NJ")] == D("1.28")
    assert (got[("state_disability", "NJ")], got[("state_family_leave", "NJ")]) == (D("1.90"), D("2.30"))


def test_2026_tdi_and_fli_stop_at_the_171100_worker_base():
    """Risk Strategies' table of NJDOL's 2026 rates (30 Oct 2025): TDI 0.19% and FLI 0.23% of the first 171,100
    (maxima 325.09 and 393.53). Weekly 1,000 with 170,600 paid earlier: only 500 counts, TDI 0.95, FLI 1.15;
    a year's pay of 200,000 in one payment reaches exactly the printed maxima."""
    got = lines(nj(52, "1000", ytd="170600"))
    assert (got[("state_disability", "NJ")], got[("state_family_leave", "NJ")]) == (D("0.95"), D("1.15"))
    got = lines(nj(1, "200000"))
    assert (got[("state_disability", "NJ")], got[("state_family_leave", "NJ")]) == (D("325.09"), D("393.53"))


def test_new_jersey_resident_working_in_arizona_gets_the_difference():
    """NJ withholds on its residents' out-of-state wages less the other state's withholding (NJ-WT): biweekly
    3,000, table A: 120.74 (see the PA case in test_state_reciprocity); AZ default 2.0% = 60.00; NJ 60.74."""
    assert lines(ctx("AZ", residence="NJ")) == {("state_income_tax", "AZ"): D("60.00"),
                                                ("state_income_tax", "NJ"): D("60.74")}


def test_new_jersey_work_pennsylvania_resident_withholds_pennsylvania_with_nj_165():
    """NJ-PA reciprocity: with NJ-165 on file (the NJ certificate claims it) no NJ income tax; PA 3.07% x 3,000 =
    92.10 instead. The NJ worker contributions follow the NJ work: 2026 UI + workforce 0.425% x 3,000 = 12.75;
    TDI 0.19% x 3,000 = 5.70; FLI 0.23% x 3,000 = 6.90."""
    assert lines(ctx("NJ", residence="PA", certificate={"NJ": {"reciprocity": True}})) == {
        ("state_income_tax", "NJ"): D("0.00"),
                                                ("state_income_tax", "PA"): D("92.10"),
                                                ("state_unemployment_employee", "NJ"): D("12.75"),
                                                ("state_disability", "NJ"): D("5.70"),
                                                ("state_family_leave", "NJ"): D("6.90")}


def test_explanation_names_the_table():
    assert "rate table C chosen on NJ-W4" in explanation(nj(24, "5000", rate_table="C"))
