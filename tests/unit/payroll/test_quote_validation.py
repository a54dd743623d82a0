"""The paycheck-quote JSON layer refuses bad input naming every bad field by its path."""
from __future__ import annotations

import pytest

from backoffice.errors import ValidationFailed
from payroll.engine.quote import quote
from payroll.engine.quote_input import parse_input
from payroll.engine.quote_schema import QUOTE_INPUT_SCHEMA, QUOTE_OUTPUT_SCHEMA


def good(**over):
    obj = {"pay_date": "2026-03-06", "pay_frequency": "biweekly", "worker_type": "employee",
           "work_state": "TX", "residence_state": "TX",
           "earnings": [{"code": "regular", "hours": "80", "rate": "25.00"}],
           "w4": {"version": 2020, "filing_status": "single"}}
    obj.update(over)
    return obj


def fields(exc: ValidationFailed) -> set[str]:
    return {i.field for i in exc.issues}


def test_a_good_object_parses():
    inp, issues = parse_input(good())
    assert issues == []
    assert inp.earnings[0].hours == 80 and inp.w4.filing_status == "single"


def test_every_bad_field_is_named_not_just_the_first():
    bad = good(pay_frequency="fortnightly", earnings=[
        {"code": "regular", "hours": "80", "rate": "25"},
        {"code": "overtime", "hours": "abc", "rate": "37.5"},
        {"code": "bonus"},
        {"code": "tips", "amount": "5"},
    ], w4={"version": 2020, "filing_status": "married", "step3_credits": -5},
        pretax_deductions=[{"code": "401k", "amount": 12.5}], ytd={"gross": "x", "bogus": "1"})
    with pytest.raises(ValidationFailed) as e:
        quote(bad)
    assert fields(e.value) == {"pay_frequency", "earnings[1].hours", "earnings[2].amount", "earnings[3].code",
                               "w4.filing_status", "w4.step3_credits", "pretax_deductions[0].amount",
                               "ytd.gross", "ytd.bogus"}


def test_list_input_names_the_item_index():
    with pytest.raises(ValidationFailed) as e:
        quote([good(), good(), good(w4={"version": 2020, "filing_status": "widowed"}),
               good(pay_date="2026-02-30")])
    assert fields(e.value) == {"[2].w4.filing_status", "[3].pay_date"}


def test_missing_required_fields():
    with pytest.raises(ValidationFailed) as e:
        quote({"earnings": []})
    assert fields(e.value) == {"pay_date", "pay_frequency", "worker_type", "earnings"}


def test_unsupported_tax_year_and_w4_version():
    with pytest.raises(ValidationFailed) as e:
        quote(good(pay_date="2031-01-02", w4={"version": 2018}))
    assert fields(e.value) == {"pay_date", "w4.version"}


def test_contractor_rules():
    """A contractor has no W-4, no pre-tax deductions and no Roth deferral; an employee has no backup flag."""
    with pytest.raises(ValidationFailed) as e:
        quote(good(worker_type="contractor", pretax_deductions=[{"code": "401k", "amount": "10"}],
                   posttax_deductions=[{"code": "roth_401k", "amount": "10"}]))
    assert fields(e.value) == {"w4", "pretax_deductions", "posttax_deductions[0].code"}
    with pytest.raises(ValidationFailed) as e:
        quote(good(tin_missing_or_flagged=True))
    assert fields(e.value) == {"tin_missing_or_flagged"}


def test_floats_are_refused_with_a_hint():
    with pytest.raises(ValidationFailed) as e:
        quote(good(earnings=[{"code": "salary", "amount": 1000.5}]))
    assert "strings" in e.value.issues[0].message


def test_schemas_are_json_schema_dicts_for_openapi():
    assert QUOTE_INPUT_SCHEMA["oneOf"][0]["required"] == ["pay_date", "pay_frequency", "worker_type", "earnings"]
    assert QUOTE_INPUT_SCHEMA["oneOf"][1]["type"] == "array"
    assert set(QUOTE_OUTPUT_SCHEMA["oneOf"][0]["required"]) >= {"gross", "employee_taxes", "employer_taxes",
                                                                "deductions", "net"}
