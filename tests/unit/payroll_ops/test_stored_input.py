"""The hot-path reader of stored engine inputs gives exactly what the validating quote parser gives."""
from __future__ import annotations

import pytest

from payroll.services.paycheck_inputs import input_from_json, to_engine_input

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
