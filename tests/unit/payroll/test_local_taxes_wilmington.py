"""Wilmington, Delaware: the City Wage Tax, 1.25% of residents' earned income wherever earned and of nonresidents'
wages for work in the city (the City's Earned Income Tax page)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from payroll.engine.locals import LocalContext, Locality, compute_local_taxes

D = Decimal


def wilmington(home: Locality, work: Locality, pretax: dict | None = None) -> dict[str, Decimal]:
    got = compute_local_taxes(LocalContext(pay_date=date(2026, 5, 15), periods_per_year=24, residence=home,
                                           work=work, gross=D("2400.00"),
                                           pretax={k: D(v) for k, v in (pretax or {}).items()}))
    return {line.locality: line.amount for line in got}


def test_a_nonresident_working_in_wilmington_pays_1_25_percent_less_section_125():
    """Lives in Newark, DE; works in Wilmington; semimonthly 2,400.00 with 150.00 of Section 125 premiums and
    200.00 of 401(k): (2,400.00 - 150.00) x 1.25% = 28.125 -> 28.13 (the 401(k) deferral stays taxed)."""
    assert wilmington(Locality("DE", city="Newark"), Locality("DE", city="Wilmington"),
                      {"section125": "150.00", "401k": "200.00"}) == {"DE-WILMINGTON": D("28.13")}


def test_a_resident_working_outside_the_city_still_pays():
    """2,400.00 x 1.25% = 30.00."""
    assert wilmington(Locality("DE", city="Wilmington"), Locality("DE", city="Dover")) == {"DE-WILMINGTON": D("30.00")}


def test_wilmington_north_carolina_is_not_wilmington_delaware():
    assert wilmington(Locality("NC", city="Wilmington"), Locality("NC", city="Wilmington")) == {}
