"""Colorado occupational privilege taxes (a fixed amount for each calendar month in which the employee earns at least
the city's threshold for work there, employee and employer parts) and Birmingham's 1% occupational tax, each its own
paycheck line naming the city."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backoffice.errors import ValidationFailed
from payroll.engine.locals import LocalContext, Locality, compute_local_taxes, localities_for_year
from payroll.engine.locals.report import local_coverage_json
from payroll.engine.quote import quote

D = Decimal
MARCH = date(2026, 3, 6)


def lines(work: str, gross: str, month_wages: str | None = None, mtd: dict | None = None, state: str = "CO",
          periods: int = 52, home: Locality | None = None) -> dict[str, Decimal]:
    ctx = LocalContext(pay_date=MARCH, periods_per_year=periods, residence=home, work=Locality(state, work),
                       gross=D(gross), month_wages=None if month_wages is None else D(month_wages),
                       mtd_local={k: D(v) for k, v in (mtd or {}).items()})
    return {line.locality: line.amount for line in compute_local_taxes(ctx)}


def test_denver_takes_5_75_from_the_employee_and_4_00_from_the_employer_once_the_month_reaches_500():
    """Denver OPT (City's OPT page): employee $5.75 and business $4.00 for a month with at least $500 of pay.
    Weekly $300: first paycheck of March ($0 earlier): 300 < 500, nothing; second ($300 earlier): 600 >= 500, both
    taken; third ($600 earlier, $5.75 / $4.00 already taken): nothing more."""
    assert lines("Denver", "300", "0") == {"CO-DENVER-OPT": D("0.00"), "CO-DENVER-OPT-ER": D("0.00")}
    assert lines("Denver", "300", "300") == {"CO-DENVER-OPT": D("5.75"), "CO-DENVER-OPT-ER": D("4.00")}
    assert lines("Denver", "300", "600", {"CO-DENVER-OPT": "5.75", "CO-DENVER-OPT-ER": "4.00"}) == {
        "CO-DENVER-OPT": D("0.00"), "CO-DENVER-OPT-ER": D("0.00")}


def test_exactly_500_in_the_month_is_taxed_in_denver_and_exactly_750_is_not_in_glendale():
    """Denver: 'at least $500'; Glendale: 'more than $750' ($5 / $5)."""
    assert lines("Denver", "500")["CO-DENVER-OPT"] == D("5.75")
    assert lines("Glendale", "750") == {"CO-GLENDALE-OPT": D("0.00"), "CO-GLENDALE-OPT-ER": D("0.00")}
    assert lines("Glendale", "750.01") == {"CO-GLENDALE-OPT": D("5.00"), "CO-GLENDALE-OPT-ER": D("5.00")}


def test_greenwood_village_and_sheridan_take_their_monthly_amounts():
    """Greenwood Village $2 / $2 from $250 in the month; Sheridan $3 / $3 from $500. A monthly payroll of $2,000."""
    assert lines("Greenwood Village", "2000", periods=12) == {"CO-GREENWOOD-VILLAGE-OPT": D("2.00"),
                                                              "CO-GREENWOOD-VILLAGE-OPT-ER": D("2.00")}
    assert lines("Sheridan", "2000", periods=12) == {"CO-SHERIDAN-OPT": D("3.00"), "CO-SHERIDAN-OPT-ER": D("3.00")}


def test_the_employer_part_is_an_employer_line_and_a_denver_home_with_work_elsewhere_owes_nothing():
    ctx = LocalContext(pay_date=MARCH, periods_per_year=52, residence=None, work=Locality("CO", "Denver"),
                       gross=D("1000"))
    by_code = {line.locality: line for line in compute_local_taxes(ctx)}
    assert by_code["CO-DENVER-OPT-ER"].employer and not by_code["CO-DENVER-OPT"].employer
    assert by_code["CO-DENVER-OPT"].name == "Denver"
    assert "Wages paid earlier in March 2026 not stated" in " ".join(by_code["CO-DENVER-OPT"].explanation)
    assert lines("Boulder", "1000", home=Locality("CO", "Denver")) == {}


def test_aurora_levies_no_occupational_privilege_tax_since_its_repeal_on_1_january_2025():
    """Aurora's Ordinance 2022-77 repealed the $2 / $2 OPT from 1 January 2025 (the City Council's January 2023
    final reading; the Council kept the repeal in November 2024)."""
    assert lines("Aurora", "2000", periods=12) == {}
    assert not any("AURORA" in r.match.get("cities", ()) for r in localities_for_year(2025))


def test_birmingham_takes_one_percent_of_gross_wages_for_work_in_the_city():
    """Biweekly $2,000.00 x 1% = $20.00 (Occupational Tax Code, Ordinance 97-184: 1% of gross salaries, wages,
    commissions); a Birmingham resident working in Hoover owes none."""
    assert lines("Birmingham", "2000", state="AL", periods=26) == {"AL-BIRMINGHAM": D("20.00")}
    assert lines("Hoover", "2000", state="AL", periods=26, home=Locality("AL", "Birmingham")) == {}


def _quote(**over):
    obj = {"pay_date": "2026-03-06", "pay_frequency": "weekly", "worker_type": "employee", "work_state": "CO",
           "residence_state": "CO", "earnings": [{"code": "regular", "hours": "12", "rate": "25.00"}],
           "w4": {"version": 2020, "filing_status": "single"},
           "work_locality": {"state": "CO", "city": "Denver"}}
    obj.update(over)
    return quote(obj)


def _local(result: dict, section: str = "employee_taxes") -> dict[str, str]:
    return {t["locality"]: t["amount"] for t in result[section] if t.get("locality")}


def test_the_quote_takes_the_months_wages_and_the_head_taxes_already_taken():
    """12 h x $25 = $300 weekly in Denver: with $300 paid earlier in March the month reaches $600: $5.75 (employee)
    and $4.00 (employer); with them already taken, $0.00."""
    assert _local(_quote(month_wages="300")) == {"CO-DENVER-OPT": "5.75"}
    assert _local(_quote(month_wages="300"), "employer_taxes") == {"CO-DENVER-OPT-ER": "4.00"}
    assert _local(_quote(month_wages="600", mtd_local_taxes={"CO-DENVER-OPT": "5.75"})) == {"CO-DENVER-OPT": "0.00"}
    with pytest.raises(ValidationFailed) as err:
        _quote(month_wages=12.5, mtd_local_taxes=[])
    assert {i.field for i in err.value.issues} == {"month_wages", "mtd_local_taxes"}


def test_the_listing_shows_the_new_localities_and_no_longer_calls_colorado_missing():
    listing = local_coverage_json(2026)
    codes = {row["code"] for row in listing["localities"]}
    assert {"CO-DENVER-OPT", "CO-DENVER-OPT-ER", "CO-GREENWOOD-VILLAGE-OPT", "CO-SHERIDAN-OPT", "CO-GLENDALE-OPT",
            "AL-BIRMINGHAM"} <= codes
    assert [row["state"] for row in listing["not_in_data"]].count("CO") == 0


@pytest.mark.parametrize("weekly, expected", [("600.00", "12.00"), ("1000.00", "20.00"), ("1440.00", "28.80"),
                                              ("1920.00", "38.40")])
def test_bowling_green_reproduces_the_citys_own_table_at_2_percent(weekly, expected):
    """bgky.org, 'Occupational Taxes: Increase' (2.0% from 1 January 2024): the City's table of weekly withholdings."""
    assert lines("Bowling Green", weekly, state="KY") == {"KY-BOWLING-GREEN": D(expected)}


def test_daviess_county_takes_one_percent_of_wages_for_work_in_the_county():
    """Daviess County Code 110.17: 1% from 2022. Biweekly $2,000.00 x 1% = $20.00, for a work site in the county."""
    ctx = LocalContext(pay_date=MARCH, periods_per_year=26, residence=None,
                       work=Locality("KY", "Owensboro", county="Daviess"), gross=D("2000"))
    assert {line.locality: line.amount for line in compute_local_taxes(ctx)} == {"KY-DAVIESS-COUNTY": D("20.00")}


@pytest.mark.parametrize("city, code", [("Scottsville", "KY-SCOTTSVILLE"), ("Nortonville", "KY-NORTONVILLE")])
def test_scottsville_and_nortonville_take_one_and_a_half_percent_of_wages_for_work_in_the_city(city, code):
    """Scottsville Ord. 745-08 and Nortonville Code 110.03(A)(1): 1.5% of all wages for work in the city, residents and
    nonresidents alike. Weekly $833.33 x 1.5% = $12.49995 -> $12.50; a Lexington resident working there pays the same."""
    assert lines(city, "833.33", state="KY") == {code: D("12.50")}
    assert lines(city, "833.33", state="KY", home=Locality("KY", "Lexington")) == {code: D("12.50")}


def test_scottsville_is_also_computed_for_a_2025_pay_date():
    """The 2008 ordinance's 1.5% holds in 2025 too: biweekly $1,500.00 x 1.5% = $22.50."""
    ctx = LocalContext(pay_date=date(2025, 5, 9), periods_per_year=26, residence=None,
                       work=Locality("KY", "Scottsville"), gross=D("1500"))
    assert {line.locality: line.amount for line in compute_local_taxes(ctx)} == {"KY-SCOTTSVILLE": D("22.50")}


@pytest.mark.parametrize("city, code, expected", [
    ("Richmond", "KY-RICHMOND", "20.00"),        # 2%:    1,000.00 x 2%    = 20.00
    ("Munfordville", "KY-MUNFORDVILLE", "7.50"),  # 0.75%: 1,000.00 x 0.75% = 7.50
    ("Warsaw", "KY-WARSAW", "10.00"),             # 1%:    1,000.00 x 1%    = 10.00
    ("La Grange", "KY-LA-GRANGE", "10.00"),       # 1%:    1,000.00 x 1%    = 10.00
    ("LaGrange", "KY-LA-GRANGE", "10.00"),        # the city's name as often written
])
def test_kentucky_cities_take_their_ordinances_flat_rate_of_wages_for_work_in_the_city(city, code, expected):
    """Richmond (2%), Munfordville Ord. 002-08 (.0075), Warsaw Code 114.03 (1.0%), La Grange Code 118.02 (1%): each
    a share of all wages for work in the city, residents and nonresidents alike. Weekly $1,000.00."""
    assert lines(city, "1000.00", state="KY") == {code: D(expected)}


def test_a_richmond_in_another_state_is_not_taxed_as_richmond_kentucky():
    """The match is by state and city: a Richmond, Virginia work site gets no Kentucky line."""
    assert "KY-RICHMOND" not in lines("Richmond", "1000.00", state="VA")
