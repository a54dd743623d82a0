"""Work state vs residence state: reciprocity, resident top-up, uncovered states named in the error."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice.errors import ValidationFailed
from payroll.engine.states import UnsupportedState

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, lines
except ImportError:
    from test_state_helpers import ctx, explanation, lines

D = Decimal


def test_pa_work_in_resident_withholds_indiana_under_reciprocity():
    """PA-IN reciprocal agreement (REV-420): no PA tax; IN tax instead, 78,000 x 2.95% / 26 = 88.50.
    PA's employee UC contribution follows the PA work: 3,000 x 0.07% = 2.10."""
    c = ctx("PA", residence="IN", certificate={"PA": {"reciprocity": True}})
    assert lines(c) == {("state_income_tax", "PA"): D("0.00"), ("state_income_tax", "IN"): D("88.50"),
                        ("state_unemployment_employee", "PA"): D("2.10")}
    assert "REV-420" in explanation(c)


def test_in_work_pa_resident_withholds_pennsylvania():
    """IN-PA reciprocity (WH-47): PA tax 3,000 x 3.07% = 92.10, IN 0."""
    assert lines(ctx("IN", residence="PA", certificate={"IN": {"reciprocity": True}})) == {("state_income_tax", "IN"): D("0.00"),
                                                ("state_income_tax", "PA"): D("92.10")}


def test_ky_work_in_resident():
    """KY-IN reciprocity (42A809): IN tax 88.50 instead of KY."""
    assert lines(ctx("KY", residence="IN", certificate={"KY": {"reciprocity": True}})) == {("state_income_tax", "KY"): D("0.00"),
                                                ("state_income_tax", "IN"): D("88.50")}


def test_reciprocity_declined_withholds_for_the_work_state():
    """Without the nonresidence certificate (reciprocity: false) PA withholds 92.10; IN asks no top-up.
    PA UC employee 2.10 as above."""
    c = ctx("PA", residence="IN", certificate={"PA": {"reciprocity": False}})
    assert lines(c) == {("state_income_tax", "PA"): D("92.10"), ("state_unemployment_employee", "PA"): D("2.10")}


def test_pennsylvania_work_new_jersey_resident_withholds_new_jersey_instead():
    """PA-NJ reciprocity (REV-420 on file: the PA certificate claims it): PA 0.00, NJ withholds as at home. NJ-WT, biweekly 3,000,
    no NJ-W4 (table A, no allowance): table A biweekly rows (annual / 26): over 2,885 ($75,000 / 26 = 2,884.62 ->
    2,885) base 112.69 ($2,930 / 26) at 7%: 112.69 + 115.00 x 7% = 112.69 + 8.05 = 120.74.
    PA UC 0.07% x 3,000 = 2.10 follows the PA work."""
    assert lines(ctx("PA", residence="NJ", certificate={"PA": {"reciprocity": True}})) == {("state_income_tax", "PA"): D("0.00"),
                                                ("state_income_tax", "NJ"): D("120.74"),
                                                ("state_unemployment_employee", "PA"): D("2.10")}


def test_texas_work_california_resident_gets_full_california_top_up():
    """CA requires withholding on residents' out-of-state wages less the other state's tax: TX 0, so CA 134.06
    (the single biweekly 3,000 Method B case). CA SDI is not due on Texas work."""
    c = ctx("TX", residence="CA")
    assert lines(c) == {("state_income_tax", "TX"): D("0.00"), ("state_income_tax", "CA"): D("134.06")}
    assert "top-up" in explanation(c, state="CA")


def test_arizona_work_california_resident_top_up_is_the_difference():
    """AZ default 2.0% x 3,000 = 60.00; CA 134.06 - 60.00 = 74.06."""
    assert lines(ctx("AZ", residence="CA")) == {("state_income_tax", "AZ"): D("60.00"),
                                                ("state_income_tax", "CA"): D("74.06")}


def test_new_york_resident_working_in_california():
    """CA withholds 134.06 (+ SDI 39.00); NY resident amount 140.28 (NYS-50-T-NYS per period) - 134.06 = 6.22 top-up."""
    assert lines(ctx("CA", residence="NY")) == {("state_income_tax", "CA"): D("134.06"),
                                                ("state_income_tax", "NY"): D("6.22"),
                                                ("state_disability", "CA"): D("39.00")}


def test_no_top_up_when_work_state_tax_is_higher():
    """NY 140.28 >= CA 134.06: CA top-up 0.00 (line kept, explained). NY SDI/PFL follow the NY work."""
    got = lines(ctx("NY", residence="CA"))
    assert got[("state_income_tax", "NY")] == D("140.28") and got[("state_income_tax", "CA")] == D("0.00")


def test_uncovered_residence_without_reciprocity_is_explained_not_an_error():
    """UT on a June 2025 pay date is refused without the period start (Utah dates its tables by the period's start):
    a CA worker living in UT keeps exactly the CA withholding, explained. (Oregon 2025 was the example until its
    tables were added in session 23.)"""
    june = date(2025, 6, 13)
    c = ctx("CA", residence="UT", year=2025, pay_date=june)
    assert lines(c)[("state_income_tax", "CA")] == lines(ctx("CA", year=2025, pay_date=june))[("state_income_tax", "CA")]
    assert "Residence state UT is not covered" in explanation(c)


@pytest.mark.parametrize("state, pay_date", [("UT", date(2025, 6, 13)), ("OH", date(2025, 9, 26))])
def test_uncovered_work_state_raises_naming_it(state, pay_date):
    """UT: a June 2025 pay date without the period start; OH: a quarterly payroll before 1 October 2025 (the July
    2024 annual formula was not read)."""
    with pytest.raises(UnsupportedState, match=state):
        lines(ctx(state, year=2025, pay_date=pay_date, periods=4 if state == "OH" else 26))


def test_year_without_data_raises():
    with pytest.raises(UnsupportedState, match="CA"):
        lines(ctx("CA", year=2024))


def test_not_a_state():
    with pytest.raises(UnsupportedState, match="ZZ"):
        lines(ctx("ZZ"))


def test_every_bad_certificate_field_is_named():
    with pytest.raises(ValidationFailed) as err:
        lines(ctx("CA", certificate={"CA": {"filing_status": "widow", "allowances": "-1", "additional": "abc"}}))
    assert {i.field for i in err.value.issues} == {"certificate.CA.filing_status", "certificate.CA.allowances",
                                                   "certificate.CA.additional"}


def test_flat_certificate_mapping_is_accepted_too():
    """A certificate given without the state-code nesting applies to the work state: married 3 / 1 monthly 5,000
    in CA -> 24.85 (see the California tests)."""
    c = ctx("CA", periods=12, gross="5000",
            certificate={"filing_status": "married", "allowances": 3, "additional_allowances": 1})
    assert lines(c)[("state_income_tax", "CA")] == D("24.85")


_pay = st.decimals(min_value=D("0"), max_value=D("40000"), places=2)


@settings(max_examples=80, deadline=None)
@given(gross=_pay, periods=st.sampled_from([12, 24, 26, 52]))
def test_resident_top_up_makes_up_exactly_the_home_state_amount(gross, periods):
    """Living in CA and working in TX or AZ: work-state tax + CA top-up = max(work-state tax, CA tax as if at home)."""
    home = lines(ctx("CA", gross=str(gross), periods=periods))[("state_income_tax", "CA")]
    for work in ("TX", "AZ"):
        got = lines(ctx(work, residence="CA", gross=str(gross), periods=periods))
        work_tax = got[("state_income_tax", work)]
        assert work_tax + got[("state_income_tax", "CA")] == max(work_tax, home)


def test_periods_must_be_positive():
    with pytest.raises(ValidationFailed) as err:
        lines(ctx("CA", periods=0))
    assert err.value.issues[0].field == "periods_per_year"


@pytest.mark.parametrize("work, home, says", [
    ("NY", "PA", "no resident withholding is modelled"),
    ("CA", "TX", "has no income tax on wages"),
])
def test_residence_state_without_top_up_is_explained(work, home, says):
    assert says in explanation(ctx(work, residence=home))
    assert ("state_income_tax", home) not in lines(ctx(work, residence=home))


def test_reciprocity_not_claimed_is_withheld_for_the_work_state_and_says_how_to_claim():
    """NJ work, PA resident, no NJ certificate claiming the exemption: the exemption applies only when claimed
    (NJ-165), so NJ withholds as for any worker: NJ-WT table A biweekly 3,000 = 120.74 (as the PA-work NJ-resident
    case above); PA asks no withholding on its residents' wages earned elsewhere. NJ UI + workforce 0.425% x 3,000
    = 12.75; 2026 TDI 0.19% x 3,000 = 5.70; FLI 0.23% x 3,000 = 6.90. The explanation says the employee could
    file NJ-165."""
    c = ctx("NJ", residence="PA")
    assert lines(c) == {("state_income_tax", "NJ"): D("120.74"), ("state_unemployment_employee", "NJ"): D("12.75"),
                        ("state_disability", "NJ"): D("5.70"), ("state_family_leave", "NJ"): D("6.90")}
    text = explanation(c, state="NJ")
    assert "no claim of it is on file" in text and "NJ-165" in text


def test_a_flat_certificate_without_the_claim_does_not_exempt():
    """An NJ-W4 with allowances but no reciprocity claim: NJ still withholds (not 0.00)."""
    c = ctx("NJ", residence="PA", certificate={"NJ": {"allowances": 0}})
    assert lines(c)[("state_income_tax", "NJ")] == D("120.74")
