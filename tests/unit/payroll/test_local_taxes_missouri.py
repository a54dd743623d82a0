"""Kansas City and St. Louis earnings taxes: 1% of residents' earnings and of nonresidents' earnings for work in the
city, for every 2026 pay date: the April 2021 renewal runs to December 31, 2026, and a rejected April 2026 renewal would
only start the reduction on January 1, 2027 (RSMo 92.115.3, 92.125(1))."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from payroll.engine.locals import LocalContext, Locality, compute_local_taxes

D = Decimal


def lines(home: Locality, work: Locality, pay_date: date, gross: str = "1500.00") -> dict[str, Decimal]:
    got = compute_local_taxes(LocalContext(pay_date=pay_date, periods_per_year=26, residence=home, work=work,
                                           gross=D(gross), pretax={"401k": D("100.00")}))
    return {line.locality: line.amount for line in got}


def test_a_kansas_city_resident_pays_one_percent_of_gross_wages():
    """1,500.00 x 1% = 15.00 (the 401(k) deferral is not excluded)."""
    kc = Locality("MO", city="Kansas City")
    assert lines(kc, kc, date(2025, 8, 15)) == {"MO-KANSAS-CITY": D("15.00")}


def test_a_nonresident_working_in_st_louis_pays_one_percent():
    """Lives in Clayton (no earnings tax), works in the City of St. Louis: 1,500.00 x 1% = 15.00."""
    assert lines(Locality("MO", city="Clayton"), Locality("MO", city="St. Louis"),
                 date(2026, 3, 6)) == {"MO-ST-LOUIS": D("15.00")}


def test_kansas_city_kansas_is_not_kansas_city_missouri():
    assert lines(Locality("KS", city="Kansas City"), Locality("KS", city="Kansas City"), date(2025, 8, 15)) == {}


def test_after_the_april_2026_renewal_vote_2026_pay_dates_stay_at_one_percent():
    """The April 2021 vote continued the tax for five years from January 1, 2022 (the ballot question of RSMo
    92.115.2), to December 31, 2026; had the April 7, 2026 vote failed, RSMo 92.115.3 starts the reduction on January 1,
    2027 (0.9%, 92.125(1)). So on 10 April and 18 December 2026: 1,500.00 x 1% = 15.00, as on 7 April."""
    kc = Locality("MO", city="Kansas City")
    assert lines(kc, kc, date(2026, 4, 7)) == {"MO-KANSAS-CITY": D("15.00")}
    assert lines(kc, kc, date(2026, 4, 10)) == {"MO-KANSAS-CITY": D("15.00")}
    assert lines(Locality("MO", city="Clayton"), Locality("MO", city="St. Louis"),
                 date(2026, 12, 18)) == {"MO-ST-LOUIS": D("15.00")}

