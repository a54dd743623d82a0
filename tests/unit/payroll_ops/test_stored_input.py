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
]


@pytest.mark.parametrize("obj", CASES)
def test_fast_reader_equals_validating_parser(obj):
    assert input_from_json(obj) == to_engine_input(obj)
