"""Sick-leave accrual by jurisdiction, worked by hand from the statute or agency page cited in each docstring."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from backoffice.errors import DomainError, ValidationFailed
from backoffice.leave.engine import AccrualInput, accrue, applicable, jurisdictions_for, load_laws

D = Decimal


def week(start: date, *daily: str) -> tuple[tuple[date, Decimal], ...]:
    """Hours on consecutive days from `start`."""
    return tuple((start + timedelta(days=i), D(h)) for i, h in enumerate(daily))


def inp(jurisdiction, hours, *, size=30, hire=date(2026, 1, 5), year=date(2026, 1, 1), balance="0",
        accrued="0", used="0"):
    return AccrualInput(jurisdiction=jurisdiction, employer_size=size, hire_date=hire, policy_year_start=year,
                        balance_before=D(balance), accrued_this_year_before=D(accrued),
                        used_this_year_before=D(used), hours=hours)


# ------------------------------------------------------------------------------------------------ California

def test_california_accrues_one_hour_per_thirty_over_three_runs():
    """Lab. Code §246(b)(1): 1 h per 30 h. Run 1: 5 × 8 = 40 h → 40/30 = 1.3333 h. Run 2: 45 h → 1.5 h, balance
    1.3333 + 1.5 = 2.8333. Run 3: 30 h → 1 h, balance 3.8333."""
    first = accrue(inp("CA", week(date(2026, 1, 5), "8", "8", "8", "8", "8")))
    assert (first.accrued, first.balance) == (D("1.3333"), D("1.3333"))
    second = accrue(inp("CA", week(date(2026, 1, 12), "9", "9", "9", "9", "9"), balance=first.balance,
                        accrued=first.accrued_this_year))
    assert (second.accrued, second.balance) == (D("1.5"), D("2.8333"))
    third = accrue(inp("CA", week(date(2026, 1, 19), "10", "10", "10"), balance=second.balance,
                       accrued=second.accrued_this_year))
    assert (third.accrued, third.balance, third.accrued_this_year) == (D("1"), D("3.8333"), D("3.8333"))
    assert not third.capped
    assert "Lab. Code §246(b)(1)" in third.explanation[0]


def test_california_waits_until_the_ninetieth_day_of_employment():
    """Lab. Code §246(c): use from the 90th day of employment. Hired Monday January 5, 2026 (day 1): day 90 is
    January 5 + 89 days = April 4, 2026 (26 days left in January + 28 + 31 = 85 → March 31; + 4 = April 4)."""
    result = accrue(inp("CA", week(date(2026, 1, 5), "8")))
    assert result.usable_from == date(2026, 4, 4)
    assert any("April 4, 2026" in line and "§246(c)" in line for line in result.explanation)


def test_california_stops_accrual_at_the_eighty_hour_balance_cap():
    """SB 616's §246(b): total accrual may be capped at 80 h. Balance 79.5; 30 h would earn 1 h, but only 0.5 h of
    room is left: accrued 0.5, balance 80, capped."""
    result = accrue(inp("CA", week(date(2026, 6, 1), "10", "10", "10"), hire=date(2024, 3, 1),
                        balance="79.5", accrued="12"))
    assert (result.accrued, result.balance, result.capped) == (D("0.5"), D("80"), True)
    assert any("cap of 80 hours on the balance" in line for line in result.explanation)


def test_california_limits_use_to_forty_hours_a_year_after_sb_616_and_twenty_four_before():
    """§246(d): the employer may limit use to 40 h (from 2024-01-01, SB 616) — 24 h under the 2015 text. Balance
    50 with 30 used this year: 40 − 30 = 10 usable in 2026; in 2023 the same standing gives 0 (24 − 30 < 0)."""
    now = accrue(inp("CA", (), hire=date(2024, 1, 2), balance="50", used="30"))
    assert now.usable_this_year == D("10")
    then = accrue(inp("CA", (), hire=date(2021, 1, 4), year=date(2023, 1, 1), balance="40", used="30"))
    assert then.law_version == "2015-07-01" and then.usable_this_year == D("0")


def test_california_hours_across_new_year_2024_use_each_version_and_restart_the_year_count():
    """2015 text: balance cap 48 h. Balance 47.9 on December 28, 2023; 9 h → 0.3 h, room 0.1 → 0.1 (capped). On
    January 2, 2024 SB 616's cap is 80 and a new calendar policy year starts: 9 h → 0.3. Accrued 0.4, balance
    48.3, this year's count 0.3."""
    result = accrue(inp("CA", ((date(2023, 12, 28), D("9")), (date(2024, 1, 2), D("9"))), hire=date(2020, 5, 1),
                        year=date(2023, 1, 1), balance="47.9", accrued="20"))
    assert (result.accrued, result.balance, result.accrued_this_year) == (D("0.4"), D("48.3"), D("0.3"))
    assert result.capped and result.law_version == "2024-01-01"


def test_a_law_worked_out_once_explains_every_later_worker_as_a_law_built_afresh_does():
    """What accrue keeps of a held law (its rate, caps and fixed sentences, per normal day) gives the same result,
    explanation included, as the same law built afresh from a given mapping — for the second and third worker as
    for the first. The inputs of the new-year case above: 0.1 h (capped at 48) + 0.3 h = 0.4 h; and a 10-hour
    day under SB 616 (cap 100 h, Lab. Code §246(b)): balance 95, 30 h ÷ 30 = 1 h → 96."""
    across = inp("CA", ((date(2023, 12, 28), D("9")), (date(2024, 1, 2), D("9"))), hire=date(2020, 5, 1),
                 year=date(2023, 1, 1), balance="47.9", accrued="20")
    long_day = replace(across, hours=week(date(2026, 6, 1), "10", "10", "10"), policy_year_start=date(2026, 1, 1),
                       balance_before=D("95"), accrued_this_year_before=D("0"), day_hours=D("10"))
    for _ in range(3):
        held, afresh = accrue(across), accrue(across, laws=load_laws())
        assert held == afresh and (held.accrued, held.balance) == (D("0.4"), D("48.3"))
        held, afresh = accrue(long_day), accrue(long_day, laws=load_laws())
        assert held == afresh and (held.accrued, held.balance, held.capped) == (D("1"), D("96"), False)
    assert "From January 2, 2024 the version of 2024-01-01 applies" in " ".join(accrue(across).explanation)


# ------------------------------------------------------------------------------------------------ Washington

def test_washington_accrues_one_hour_per_forty_hours_including_overtime():
    """RCW 49.46.210(1)(a); L&I's own examples: 20 h a week for two weeks earns 1 h; 60 h a week for two weeks
    (overtime included) earns 120/40 = 3 h."""
    part_time = accrue(inp("WA", week(date(2026, 3, 2), "4", "4", "4", "4", "4") +
                           week(date(2026, 3, 9), "4", "4", "4", "4", "4"), hire=date(2026, 3, 2)))
    assert part_time.accrued == D("1")
    overtime = accrue(inp("WA", week(date(2026, 3, 2), "12", "12", "12", "12", "12") +
                          week(date(2026, 3, 9), "12", "12", "12", "12", "12"), hire=date(2026, 3, 2)))
    assert overtime.accrued == D("3")


def test_washington_has_no_yearly_accrual_cap():
    """L&I: 'There is no cap on the amount of paid sick leave hours an employee can accrue within your accrual
    year.' 100 h already accrued this year; 400 more hours worked earn 400/40 = 10 h, uncapped: balance 45 → 55."""
    days = tuple((date(2026, 9, 1) + timedelta(days=i), D("10")) for i in range(40))
    result = accrue(inp("WA", days, hire=date(2020, 1, 6), balance="45", accrued="100"))
    assert (result.accrued, result.balance, result.capped) == (D("10"), D("55"), False)


def test_washington_usable_from_the_ninetieth_calendar_day_after_hire():
    """RCW 49.46.210(1)(d): the 90th calendar day after commencement. Hired March 2, 2026: + 90 days = May 31, 2026
    (29 days to March 31, 30 in April = 59, 31 in May = 90)."""
    assert accrue(inp("WA", week(date(2026, 3, 2), "8"), hire=date(2026, 3, 2))).usable_from == date(2026, 5, 31)


# --------------------------------------------------------------------------------------- New York, by size

@pytest.mark.parametrize("size, accrued_before, expected, capped, paid, tier", [
    (3, "39", "1", True, False, "0-4 employees"),
    (50, "39", "1", True, True, "5-99 employees"),
    (50, "10", "2", False, True, "5-99 employees"),
    (150, "39", "2", False, True, "100+ employees"),
    (150, "55", "1", True, True, "100+ employees"),
])
def test_new_york_caps_a_years_accrual_by_employer_size(size, accrued_before, expected, capped, paid, tier):
    """Labor Law §196-b(1)(a)-(c): 0-4 employees, 40 h unpaid; 5-99, 40 h paid; 100+, 56 h paid; accrual 1 per 30
    (§196-b(3)). 60 h worked earn 2 h; with 39 accrued the 40-hour cap leaves 1; with 55 the 56-hour cap leaves 1."""
    days = week(date(2026, 5, 4), "12", "12", "12", "12", "12")
    result = accrue(inp("NY", days, size=size, hire=date(2025, 1, 6), accrued=accrued_before,
                        balance=accrued_before))
    assert (result.accrued, result.capped, result.paid, result.tier) == (D(expected), capped, paid, tier)
    assert result.usable_from == date(2025, 1, 6)        # no waiting period in §196-b


def test_new_york_city_follows_the_city_law_and_caps_carryover_at_the_tier():
    """NYC ESSTA §20-913(b): 1 h per 30 h. 100+ employees: up to 56 h a year. Brooklyn hours go to NYC, not NY."""
    assert jurisdictions_for("NY", "Brooklyn") == ("NYC",)
    assert jurisdictions_for("NY", "Buffalo") == ("NY",)
    result = accrue(inp("NYC", week(date(2026, 2, 2), "7.5", "7.5", "7.5", "7.5"), size=120))
    assert (result.accrued, result.tier) == (D("1"), "100+ employees")
    assert applicable("NYC", date(2026, 2, 2), 120).carryover_cap == D("56")


# ---------------------------------------------------------------------------------------------- Colorado

def test_colorado_caps_a_years_accrual_at_48_but_not_the_carried_balance():
    """C.R.S. 8-13.3-403: 1 h per 30 h, up to 48 h a year; up to 48 h carry over. Carried 48 (balance 48, nothing
    accrued this year): 90 h earn 3 h, balance 51, not capped. With 47 accrued this year: 60 h would earn 2, the cap
    leaves 1."""
    days = week(date(2026, 2, 2), "10", "10", "10", "10", "10", "10", "10", "10", "10")
    carried = accrue(inp("CO", days, hire=date(2023, 4, 3), balance="48"))
    assert (carried.accrued, carried.balance, carried.capped) == (D("3"), D("51"), False)
    near = accrue(inp("CO", days[:6], hire=date(2023, 4, 3), balance="47", accrued="47"))
    assert (near.accrued, near.balance, near.capped) == (D("1"), D("48"), True)


def test_colorado_leave_is_usable_as_it_accrues():
    """C.R.S. 8-13.3-403(2)(a): no waiting period: usable from the hire date."""
    assert accrue(inp("CO", week(date(2026, 1, 5), "8"))).usable_from == date(2026, 1, 5)


# ------------------------------------------------------------------------------- Illinois, Chicago, Seattle

def test_illinois_accrues_one_per_forty_and_waits_ninety_days():
    """820 ILCS 192/15: 1 h per 40 h; use after 90 days of employment. 50 h → 1.25 h. Hired January 5, 2026:
    + 90 days = April 5, 2026."""
    result = accrue(inp("IL", week(date(2026, 1, 5), "10", "10", "10", "10", "10")))
    assert (result.accrued, result.usable_from) == (D("1.25"), date(2026, 4, 5))


def test_chicago_hours_accrue_under_the_city_ordinance_at_one_per_thirty_five():
    """MCC 6-130-030: 1 h of paid sick leave per 35 h worked, usable from the 30th calendar day. The State Act
    yields to it (820 ILCS 192). 70 h → 2 h; hired January 5, 2026 + 30 = February 4, 2026."""
    assert jurisdictions_for("IL", "Chicago") == ("CHICAGO",)
    assert jurisdictions_for("IL", "Naperville") == ("IL",)
    result = accrue(inp("CHICAGO", week(date(2026, 1, 5), "10", "10", "10", "10", "10", "10", "10")))
    assert (result.accrued, result.usable_from) == (D("2"), date(2026, 2, 4))


@pytest.mark.parametrize("ftes, expected, carry", [(20, "2.25", "40"), (120, "2.25", "56"), (300, "3", "72")])
def test_seattle_tiers_set_the_rate_and_the_carryover(ftes, expected, carry):
    """SMC 14.16.020(B), Seattle rule SHRR 70-100: Tier 1 (< 50 FTEs) and Tier 2 (50-249) 1 h per 40 h, carryover 40 /
    56; Tier 3 (250+) 1 h per 30 h, carryover 72. 90 h → 2.25 h (per 40) or 3 h (per 30)."""
    days = week(date(2026, 6, 1), "10", "10", "10", "10", "10", "10", "10", "10", "10")
    result = accrue(inp("SEATTLE", days, size=ftes, hire=date(2025, 6, 2)))
    assert result.accrued == D(expected)
    assert applicable("SEATTLE", date(2026, 6, 1), ftes).carryover_cap == D(carry)


def test_a_worker_with_hours_in_two_cities_accrues_under_both():
    """The same worker, one week: 30 h in Manhattan (NYC ESSTA §20-913(b), 1 per 30 → 1 h) and 40 h in Seattle
    (SHRR 70-100, Tier 2, 1 per 40 → 1 h). Each place's hours accrue under its own law; neither counts the other's hours."""
    nyc_code, = jurisdictions_for("NY", "Manhattan")
    sea_code, = jurisdictions_for("WA", "Seattle")
    nyc = accrue(inp(nyc_code, week(date(2026, 4, 6), "10", "10", "10"), size=120))
    sea = accrue(inp(sea_code, week(date(2026, 4, 9), "10", "10", "10", "10"), size=120))
    assert (nyc.jurisdiction, nyc.accrued) == ("NYC", D("1"))
    assert (sea.jurisdiction, sea.accrued) == ("SEATTLE", D("1"))


# -------------------------------------------------------------------------------------------- refusals

def test_an_unknown_jurisdiction_is_refused_not_zero():
    with pytest.raises(DomainError) as err:
        accrue(inp("ZZ", week(date(2026, 1, 5), "8")))
    assert err.value.code == "unknown_jurisdiction"


def test_a_date_before_the_law_is_refused():
    """Colorado's held version starts 2022-01-01."""
    with pytest.raises(DomainError) as err:
        applicable("CO", date(2021, 6, 1), 20)
    assert err.value.code == "not_in_force"


def test_hours_before_the_hire_date_or_the_policy_year_are_refused_field_by_field():
    with pytest.raises(ValidationFailed) as err:
        accrue(inp("CA", ((date(2026, 1, 2), D("8")), (date(2025, 12, 31), D("30"))), hire=date(2025, 12, 31)))
    assert [(i.field, i.code) for i in err.value.issues] == [
        ("hours[1].hours", "out_of_range"), ("hours[1].date", "before_policy_year")]


def test_every_law_file_names_a_source_for_every_figure_it_gives():
    """Rule 9: every figure from a law lives in a data file naming its source."""
    for code, record in load_laws().items():
        assert record["urls"], code
        for version in record["versions"]:
            sources = version["sources"]
            for key in ("accrual", "usable_after_days", "carryover_cap", "paid_at_separation"):
                assert key in sources, (code, version["version"], key)
            assert version["confidence"] in {"high", "medium", "low"}


FIGURES = {"paid", "accrual", "cap_days", "eligibility", "accrual_after_hours", "documentation",
           "exempt_weekly_hours", "usable_after_days", "annual_accrual_cap", "annual_usage_cap",
           "balance_cap", "carryover_cap", "front_load", "min_increment_max", "paid_at_separation",
           "rehire_window_months", "rehire_window_days"}


def test_each_law_files_tiers_cover_every_size_once_from_their_first():
    """A size picks exactly one tier: tiers sorted by their lowest size leave no gap and overlap none (a law that
    starts above zero, like Nevada's 50, refuses the smaller sizes by name instead)."""
    for code, record in load_laws().items():
        for version in record["versions"]:
            tiers = sorted(version.get("tiers") or [], key=lambda t: t["min_employees"])
            for lower, upper in zip(tiers, tiers[1:]):
                assert lower["max_employees"] is not None and upper["min_employees"] == lower["max_employees"] + 1, \
                    (code, version["version"], lower["label"], upper["label"])
            if tiers:
                assert tiers[-1]["max_employees"] is None, (code, version["version"])


def test_versions_of_a_law_do_not_overlap_and_local_laws_name_their_places():
    """One version in force on any date; a city or county law names the places it covers and supersedes only laws
    that are held."""
    laws = load_laws()
    for code, record in laws.items():
        versions = sorted(record["versions"], key=lambda v: v["effective_from"])
        for earlier, later in zip(versions, versions[1:]):
            assert earlier["effective_to"] is not None and earlier["effective_to"] < later["effective_from"], code
        if record["kind"] != "state":
            assert record.get("places"), code
        assert set(record.get("supersedes", ())) <= set(laws), code
        for version in record["versions"]:
            assert set(version["sources"]) <= FIGURES | {"tiers"}, (code, set(version["sources"]) - FIGURES)
