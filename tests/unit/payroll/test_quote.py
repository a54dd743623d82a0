"""The paycheck quote answers in the shape it was asked, with amounts as two-decimal strings."""
from __future__ import annotations

import json
import re

from payroll.engine.quote import quote

WEEKLY_TX = {"pay_date": "2026-06-05", "pay_frequency": "weekly", "worker_type": "employee", "work_state": "TX",
             "residence_state": "TX", "earnings": [{"code": "salary", "amount": "1000.00"},
                                                    {"code": "reimbursement", "amount": "50"}],
             "w4": {"version": 2020, "filing_status": "single", "step2_checkbox": False}}
CONTRACTOR = {"pay_date": "2026-06-05", "pay_frequency": "weekly", "worker_type": "contractor",
              "earnings": [{"code": "regular", "hours": "10", "rate": "100"}], "tin_missing_or_flagged": True}
MONEY = re.compile(r"^\d+\.\d{2}$")


def test_one_object_in_one_object_out_with_hand_figures():
    """Same paycheck as test_simple_weekly_paycheck: FIT 78.08, SS 62.00, Medicare 14.50, net 895.42."""
    out = quote(WEEKLY_TX)
    assert isinstance(out, dict)
    taxes = {t["code"]: t["amount"] for t in out["employee_taxes"]}
    assert taxes == {"federal_income_tax": "78.08", "social_security": "62.00", "medicare": "14.50",
                     "additional_medicare": "0.00", "state_income_tax": "0.00"}   # TX: no wage income tax
    assert (out["gross"], out["net"]) == ("1050.00", "895.42")
    assert out["employee_taxes"][0]["explanation"][2] == "1a taxable wages this pay period: $1,000.00"
    json.dumps(out)   # plain JSON all the way down


def test_a_list_in_gives_a_list_out_in_order():
    """Contractor with a flagged TIN: 10 h × $100 = 1,000; 24% backup withholding 240.00; net 760.00."""
    out = quote([WEEKLY_TX, CONTRACTOR])
    assert isinstance(out, list) and len(out) == 2
    assert out[0]["net"] == "895.42"
    assert out[1]["employee_taxes"][0] == {
        "code": "backup_withholding", "amount": "240.00",
        "explanation": out[1]["employee_taxes"][0]["explanation"]}
    assert out[1]["net"] == "760.00"


def test_every_amount_is_a_two_decimal_string():
    out = quote(WEEKLY_TX)
    for key in ("gross", "net", "qualified_overtime_premium"):
        assert MONEY.match(out[key])
    for section in ("earnings", "employee_taxes", "employer_taxes", "deductions"):
        for line in out[section]:
            assert MONEY.match(line["amount"]) and isinstance(line["explanation"], list)
    assert all(MONEY.match(v) for v in out["ytd"].values())


def test_an_uncovered_state_in_a_list_names_the_item_and_keeps_the_error_class():
    import pytest

    from payroll.engine.states import UnsupportedState
    oregon = dict(WEEKLY_TX, work_state="OR", residence_state="OR")
    with pytest.raises(UnsupportedState, match=r"^\[1\]: .*OR"):
        quote([WEEKLY_TX, oregon])


def test_state_certificate_problems_are_named_by_request_path():
    import pytest

    from backoffice.errors import ValidationFailed
    ca = dict(WEEKLY_TX, work_state="CA", residence_state="CA",
              state_certificates={"CA": {"filing_status": "complicated", "allowances": "-1"}})
    with pytest.raises(ValidationFailed) as e:
        quote([WEEKLY_TX, ca, ca])
    fields = {i.field for i in e.value.issues}
    assert {"[1].state_certificates.CA.filing_status", "[2].state_certificates.CA.allowances"} <= fields
