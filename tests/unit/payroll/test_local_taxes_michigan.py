"""Michigan's 24 cities with an income tax (Treasury's list): each city's resident and nonresident rate and its own
exemption amount, so a worker living or working in any of them has a city line, and one living and working in a
city without an income tax has none."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payroll.engine.locals import LocalContext, Locality, compute_local_taxes, localities_for_year

D = Decimal
PAY = date(2026, 3, 6)
TREASURY_LIST = {"Albion", "Battle Creek", "Benton Harbor", "Big Rapids", "Detroit", "East Lansing", "Flint",
                 "Grand Rapids", "Grayling", "Hamtramck", "Highland Park", "Hudson", "Ionia", "Jackson", "Lansing",
                 "Lapeer", "Muskegon", "Muskegon Heights", "Pontiac", "Port Huron", "Portland", "Saginaw",
                 "Springfield", "Walker"}


def city_lines(home: str, work: str, *, gross: str = "2000.00", periods: int = 26, exemptions: int | None = None,
               pay_date: date = PAY) -> dict[str, Decimal]:
    cert = {} if exemptions is None else {"city_exemptions": exemptions}
    lines = compute_local_taxes(LocalContext(pay_date=pay_date, periods_per_year=periods,
                                             residence=Locality("MI", city=home), work=Locality("MI", city=work),
                                             gross=D(gross), certificate=cert))
    return {line.locality: line.amount for line in lines}


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_data_holds_every_city_on_treasurys_list_and_no_other(year):
    names = {r.name for r in localities_for_year(year) if r.state == "MI" and r.kind == "local_income_tax"}
    assert names == TREASURY_LIST


def test_grand_rapids_resident_biweekly_with_two_exemptions():
    """1.5% resident, $600 per exemption: 2 x 600 / 26 = 46.15; 2,000.00 - 46.15 = 1,953.85 x 1.5% = 29.30775
    -> 29.31."""
    assert city_lines("Grand Rapids", "Grand Rapids", exemptions=2) == {"MI-GRAND-RAPIDS": D("29.31")}


def test_lansing_nonresident_working_in_lansing_pays_half_a_percent():
    """Lives in Okemos (no city income tax), works in Lansing, 1 exemption: 600 / 26 = 23.08; 1,976.92 x 0.5% =
    9.8846 -> 9.88."""
    assert city_lines("Okemos", "Lansing", exemptions=1) == {"MI-LANSING": D("9.88")}


def test_saginaw_uses_its_own_750_dollar_exemption_weekly():
    """Saginaw 1.5%, $750 per exemption: weekly 1,000.00, 3 exemptions: 3 x 750 / 52 = 43.27; 956.73 x 1.5% =
    14.35095 -> 14.35 (with Detroit's $600 it would be 1,000 - 34.62 = 965.38 x 1.5% = 14.48)."""
    assert city_lines("Saginaw", "Saginaw", gross="1000.00", periods=52, exemptions=3) == {"MI-SAGINAW": D("14.35")}


def test_grayling_exemption_is_3000_dollars():
    """Grayling 1%, $3,000 per exemption: monthly 2,500.00, 1 exemption: 3,000 / 12 = 250.00; 2,250.00 x 1% =
    22.50."""
    assert city_lines("Grayling", "Grayling", gross="2500.00", periods=12, exemptions=1) == {"MI-GRAYLING": D("22.50")}


def test_highland_park_resident_working_in_detroit_withholds_the_difference_for_highland_park():
    """MCL 141.651(1)(a)(ii): the residence city withholds its resident rate less the rate the work city levies on
    the same wages. No certificate (no exemptions), biweekly 2,000: Detroit nonresident 1.2% = 24.00; Highland Park
    2% - 1.2% = 0.8% = 16.00 (together the 2% a Highland Park resident owes)."""
    assert city_lines("Highland Park", "Detroit") == {"MI-HIGHLAND-PARK": D("16.00"), "MI-DETROIT": D("24.00")}


def test_a_resident_of_a_1_percent_city_working_in_detroit_owes_its_city_nothing_more():
    """Lansing 1% less Detroit's 1.2% is below zero: Lansing 0.00, Detroit 24.00."""
    assert city_lines("Lansing", "Detroit") == {"MI-LANSING": D("0.00"), "MI-DETROIT": D("24.00")}


def test_a_detroit_resident_working_in_grand_rapids():
    """Detroit 2.4% less Grand Rapids' 0.75% = 1.65%, 2 exemptions at Detroit's $600: 2,000 - 46.15 = 1,953.85 x
    1.65% = 32.238525 -> 32.24; Grand Rapids nonresident 0.75% with its own $600 x 2: 1,953.85 x 0.75% = 14.6538...
    -> 14.65."""
    assert city_lines("Detroit", "Grand Rapids", exemptions=2) == {"MI-DETROIT": D("32.24"),
                                                                     "MI-GRAND-RAPIDS": D("14.65")}


def test_east_lansing_and_benton_harbor_added_since_2018():
    """East Lansing from 2019, $600: 1 exemption, biweekly 2,000: 1,976.92 x 1% = 19.7692 -> 19.77. Benton Harbor
    from 2018, $750: 750 / 26 = 28.85; 1,971.15 x 1% = 19.7115 -> 19.71."""
    assert city_lines("East Lansing", "East Lansing", exemptions=1) == {"MI-EAST-LANSING": D("19.77")}
    assert city_lines("Benton Harbor", "Benton Harbor", exemptions=1) == {"MI-BENTON-HARBOR": D("19.71")}


def test_a_city_without_an_income_tax_has_no_line():
    """Ann Arbor and Southfield levy none (not on Treasury's list)."""
    assert city_lines("Ann Arbor", "Southfield") == {}


def test_2025_rates_are_the_same():
    """Flint 1% resident, no certificate, biweekly 2,000 on 2025-06-13: 20.00."""
    assert city_lines("Flint", "Flint", pay_date=date(2025, 6, 13)) == {"MI-FLINT": D("20.00")}
