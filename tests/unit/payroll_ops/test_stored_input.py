"""The hot-path reader of stored engine inputs gives exactly what the validating quote parser gives."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payroll.services.paycheck_inputs import EngagementPay, RunFigures, engine_input, input_from_json, to_engine_input

CASES = [
    {"pay_date": "2026-11-13", "pay_frequency": "weekly", "worker_type": "employee", "work_state": "CA",
     "residence_state": "CA", "birth_date": "1985-05-05",
     "earnings": [{"code": "regular", "hours": "40", "rate": "25.0000"},
                  {"code": "overtime", "hours": "5.00", "rate": "37.500000", "regular_rate": "25.0000"},
                  {"code": "bonus", "amount": "60.00"}],
     "w4": {"version": 2020, "filing_status": "married_jointly", "step2_checkbox": True, "step3_credits": "2000.00",
            "step4a_other_income": "0.00", "step4b_deductions": "0.00", "step4c_extra": "15.00", "exempt": False},
     "state_certificates": {"ca": {"allowances": 2}}, "ytd": {"gross": "50000.00", "social_security_wages": "50000.00"},
     "suta_rate": "0.034000"},
    {"pay_date": "2026-11-13", "pay_frequency": "biweekly", "worker_type": "employee", "work_state": "TX",
     "residence_state": "TX", "earnings": [{"code": "salary", "amount": "2000.00"}],
     "w4": {"version": 2019, "marital_status": "married", "allowances": 3, "additional": "10.00"}},
    {"pay_date": "2026-11-13", "pay_frequency": "weekly", "worker_type": "contractor", "work_state": "TX",
     "earnings": [{"code": "piece", "units": "3.5000", "rate": "400.0000"}], "tin_missing_or_flagged": True},
    # deductions and employer contributions as payroll.services.deductions.deductions_for gives them
    {"pay_date": "2026-11-13", "pay_frequency": "weekly", "worker_type": "employee", "work_state": "TX",
     "residence_state": "TX", "earnings": [{"code": "salary", "amount": "1000.00"}],
     "prior_year_fica_wages": "160000.00",
     "pretax_deductions": [{"code": "401k", "percent": "0.060000", "ref": "wd:1"},
                           {"code": "hsa", "amount": "50.00", "ref": "wd:2", "options": {"coverage": "self_only"}}],
     "posttax_deductions": [{"code": "child_support", "amount": "150.00", "ref": "wd:3",
                             "options": {"supports_other_family": True, "arrears_over_12_weeks": False}},
                            {"code": "loan", "amount": "100.00", "goal_remaining": "35.50", "ref": "wd:4"}],
     "employer_contributions": [{"code": "401k_match", "ref": "ec:1",
                                 "match": [{"up_to_percent": "0.030000", "match_percent": "1.000000"}]},
                                {"code": "hsa_employer", "amount": "25.00", "ref": "ec:2",
                                 "options": {"coverage": "self_only"}}]},
    {"pay_date": "2026-11-13", "pay_frequency": "weekly", "worker_type": "contractor", "work_state": "TX",
     "earnings": [{"code": "salary", "amount": "900.00"}],
     "posttax_deductions": [{"code": "loan", "percent": "0.1", "goal_remaining": "40.00", "ref": "wd:9"}]},
    # a paycheck earned in two states (payroll.services.paycheck_inputs.work_shares) and a remote worker
    {"pay_date": "2026-11-13", "pay_frequency": "biweekly", "worker_type": "employee", "work_state": "PA",
     "residence_state": "PA", "earnings": [{"code": "regular", "hours": "40", "rate": "75.0000"}],
     "work_shares": [{"state": "IL", "hours": "16.00"}, {"state": "PA", "hours": "24.00"}]},
    {"pay_date": "2026-11-13", "pay_frequency": "biweekly", "worker_type": "employee", "work_state": "NJ",
     "residence_state": "NJ", "earnings": [{"code": "salary", "amount": "3000.00"}],
     "work_shares": [{"state": "NY", "wages": "300.00"}, {"state": "NJ", "wages": "2700.00"}],
     "office_state": "NY", "remote_for_convenience": True},
]


@pytest.mark.parametrize("obj", CASES)
def test_fast_reader_equals_validating_parser(obj):
    assert input_from_json(obj) == to_engine_input(obj)


# --- the property: whatever engine_input builds, the fast reader gives what the validating parser gives ------------

_ZERO_W4 = {"step3_credits": Decimal("0.00"), "step4a_other_income": Decimal("0.00"),
            "step4b_deductions": Decimal("0.00"), "step4c_extra": Decimal("0.00")}
_cents = st.decimals(min_value=0, max_value=50_000, places=2)
_hours = st.decimals(min_value=Decimal("0.25"), max_value=80, places=2)
_rates = st.decimals(min_value=Decimal("7.25"), max_value=400, places=4)
_earnings = st.lists(st.one_of(
    st.builds(lambda h, r: {"code": "regular", "hours": str(h), "rate": str(r)}, _hours, _rates),
    st.builds(lambda a: {"code": "salary", "amount": str(a)}, _cents),
    st.builds(lambda a: {"code": "bonus", "amount": str(a)}, _cents),
    st.builds(lambda u, r: {"code": "piece", "units": str(u), "rate": str(r)}, _hours, _rates),
    st.builds(lambda h, r: {"code": "overtime_premium", "amount": str((h * r / 2).quantize(Decimal("0.01"))),
                            "hours": str(h), "regular_rate": str(r),
                            "qualified_premium": str((h * r / 2).quantize(Decimal("0.01")))}, _hours, _rates)),
    min_size=1, max_size=4)
_profiles = st.one_of(
    st.none(),
    st.builds(lambda status, step2, extra, certs: SimpleNamespace(
        w4_version=2020, filing_status=status, step2_checkbox=step2, exempt=False, allowances=0,
        state_certificate=certs, **{**_ZERO_W4, "step4c_extra": extra}),
        st.sampled_from(["single", "married_jointly", "head_of_household"]), st.booleans(), _cents,
        st.sampled_from([None, {"ca": {"allowances": 2}}])),
    st.builds(lambda status, allowances, additional: SimpleNamespace(
        w4_version=2019, filing_status=status, allowances=allowances, additional=additional, exempt=False,
        state_certificate=None), st.sampled_from(["single", "married"]), st.integers(0, 9), _cents))


@settings(max_examples=150, deadline=None)
@given(pay_date=st.dates(min_value=date(2026, 1, 15), max_value=date(2026, 12, 31)),
       frequency=st.sampled_from(["weekly", "biweekly", "semimonthly", "monthly"]),
       employee=st.booleans(), state=st.sampled_from(["CA", "NY", "PA", "TX", "CO", "OH"]),
       birth=st.one_of(st.none(), st.dates(min_value=date(1950, 1, 1), max_value=date(2005, 12, 31))),
       earnings=_earnings, profile=_profiles,
       ytd=st.dictionaries(st.sampled_from(["gross", "federal_wages", "social_security_wages", "medicare_wages"]),
                           _cents, max_size=4),
       suta=st.one_of(st.none(), st.decimals(min_value=0, max_value=Decimal("0.1"), places=6)),
       flagged=st.booleans())
def test_what_engine_input_builds_reads_back_as_the_validating_parser_reads_it(
        pay_date, frequency, employee, state, birth, earnings, profile, ytd, suta, flagged):
    """The run computes from input_from_json(obj) of exactly the JSON it stores (obj): for any input engine_input
    builds (dates, frequency, earnings, W-4 of either version, year to date, SUTA rate, localities, a contractor's
    TIN flag), that reader gives the same PaycheckInput as the quote's validating parser."""
    run = RunFigures(1, "regular", frequency, pay_date, pay_date - timedelta(days=13), pay_date - timedelta(days=5),
                     None)
    eng = SimpleNamespace(type="leased_employee" if employee else "contractor", work_state=state, office_state=None,
                          remote_for_convenience=False, work_city="", client_city="Denver", client_state="CO",
                          work_county="", work_psd_code="", work_transit_district="")
    worker = SimpleNamespace(birth_date=birth, state=state, tin_last4="" if flagged else "1234", tin_flagged=False,
                             city="Austin", municipality="", county="", psd_code="", school_district="",
                             local_certificate=None)
    pay = EngagementPay(earnings=earnings, labels=[e["code"] for e in earnings], sources=[(1, 1)] * len(earnings))
    obj = engine_input(run, eng, worker, profile, None, pay, ytd, suta)
    assert input_from_json(obj) == to_engine_input(obj)
