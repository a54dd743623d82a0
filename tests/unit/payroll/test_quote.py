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
    utah = dict(WEEKLY_TX, work_state="UT", residence_state="UT", pay_date="2025-06-06")   # UT June: no period start
    with pytest.raises(UnsupportedState, match=r"^\[1\]: .*UT"):
        quote([dict(WEEKLY_TX, pay_date="2025-06-06"), utah])


def test_state_certificate_problems_are_named_by_request_path():
    import pytest

    from backoffice.errors import ValidationFailed
    ca = dict(WEEKLY_TX, work_state="CA", residence_state="CA",
              state_certificates={"CA": {"filing_status": "complicated", "allowances": "-1"}})
    with pytest.raises(ValidationFailed) as e:
        quote([WEEKLY_TX, ca, ca])
    fields = {i.field for i in e.value.issues}
    assert {"[1].state_certificates.CA.filing_status", "[2].state_certificates.CA.allowances"} <= fields


def _figures(out):
    """A quote's figures: everything but the explanation lines."""
    if isinstance(out, list):
        return [_figures(o) for o in out]
    return {k: ([{f: v for f, v in line.items() if f != "explanation"} for line in val] if isinstance(val, list)
                else val) for k, val in out.items()}


def test_explain_false_gives_the_same_figures_without_explanations():
    """The figures do not depend on the explanations: the same quotes with and without them (issue 18). Known
    figures kept: net 895.42 (test_one_object_in_one_object_out_with_hand_figures) and 760.00 for the
    contractor."""
    california = dict(WEEKLY_TX, work_state="CA", residence_state="CA", earnings=[
        {"code": "regular", "hours": "40", "rate": "31.25"}, {"code": "overtime", "hours": "6", "rate": "31.25"}],
        pretax_deductions=[{"code": "401k", "percent": "0.06"}])
    requests = [WEEKLY_TX, CONTRACTOR, california]
    explained = quote(requests)
    bare = quote([dict(r, explain=False) for r in requests])
    assert _figures(bare) == _figures(explained)
    assert (bare[0]["net"], bare[1]["net"]) == ("895.42", "760.00")
    for out in bare:
        for section in ("earnings", "employee_taxes", "employer_taxes", "deductions"):
            assert all("explanation" not in line for line in out[section])
    assert all("explanation" in line for line in explained[2]["employee_taxes"])
    # the command line's --no-explain overrides each request; a request's own false holds for one object too
    assert _figures(quote(requests, explain=False)) == _figures(explained)
    assert "explanation" not in quote(dict(WEEKLY_TX, explain=False))["employee_taxes"][0]
    assert "explanation" in quote(dict(WEEKLY_TX, explain=True))["employee_taxes"][0]


def test_explain_must_be_true_or_false():
    import pytest

    from backoffice.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        quote([WEEKLY_TX, dict(WEEKLY_TX, explain="no")])
    assert [(i.field, i.message) for i in exc.value.issues] == [("[1].explain", "must be true or false")]


def test_json_lines_one_result_per_line_refused_lines_in_place():
    """Lines 1 and 4 are quotes (net 895.42 and, with its number read as Decimal 1000.10 + 50 reimbursement, gross
    1050.10); line 2 is blank and skipped; line 3 names its bad field; line 5 is not JSON; line 6 is a list."""
    from payroll.engine.quote import quote_lines

    decimal_text = json.dumps(WEEKLY_TX).replace('"1000.00"', "1000.10")
    lines = [json.dumps(WEEKLY_TX), "", json.dumps(dict(WEEKLY_TX, worker_type="robot")), decimal_text,
             "{not json", "[1, 2]"]
    out = list(quote_lines(lines, explain=False))
    assert len(out) == 5
    assert out[0]["net"] == "895.42" and "explanation" not in out[0]["employee_taxes"][0]
    assert out[1]["line"] == 3 and out[1]["error"] == "validation_failed"
    assert [i["field"] for i in out[1]["issues"]] == ["worker_type"]
    assert out[2]["gross"] == "1050.10"
    assert (out[3]["line"], out[3]["error"]) == (5, "invalid_json")
    assert (out[4]["line"], out[4]["error"]) == (6, "validation_failed")
