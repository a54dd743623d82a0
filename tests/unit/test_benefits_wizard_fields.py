"""The enrollment wizard's field names and typed percents: each refusal lands on the step that holds its field."""
from __future__ import annotations

import pytest

from benefits.wizard import as_fraction, percent_issue, step_of


@pytest.mark.parametrize("field, step", [
    ("dependents[0].birth_date", "dependents"),
    ("medical.coverage_tier", "tier"),
    ("medical.dependent_ids", "tier"),
    ("dental.plan_id", "plans"),
    ("vision.event", "plans"),
    ("401k.deferral_percent", "retirement"),
    ("hsa.plan_id", "accounts"),
    ("529.annual_amount", "accounts"),
    ("beneficiaries[1].share_percent", "beneficiaries"),
    ("review", "review"),
])
def test_each_refused_field_belongs_to_one_step(field, step):
    assert step_of(field) == step


@pytest.mark.parametrize("typed, fraction", [("6", "0.06"), ("6.5%", "0.065"), (" 100 ", "1"), ("", None)])
def test_a_percent_is_typed_as_people_write_it_and_handed_on_as_a_fraction(typed, fraction):
    assert percent_issue("f", typed) is None
    assert as_fraction(typed) == fraction


@pytest.mark.parametrize("typed, code", [("100.01", "over_100"), ("-1", "too_small"), ("six", "invalid_number"),
                                         ("NaN", "invalid_number")])
def test_a_bad_percent_is_named_with_its_reason(typed, code):
    issue = percent_issue("401k.deferral_percent", typed)
    assert (issue.field, issue.code) == ("401k.deferral_percent", code)
