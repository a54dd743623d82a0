"""Bad answers: every bad field is named by its path in one ValidationFailed, nothing is classified."""
from __future__ import annotations

import pytest

from backoffice.errors import ValidationFailed
from backoffice.classification.engine.classify import classify


def issues_of(payload, **kw) -> dict[tuple, str]:
    with pytest.raises(ValidationFailed) as caught:
        classify(payload, **kw)
    return {(i.row, i.field): i.code for i in caught.value.issues}


def test_every_bad_field_is_named_not_just_the_first():
    found = issues_of({
        "work_state": "XX", "as_of_date": "2026-13-01", "colour": "blue",
        "answers": {
            "engagement": {"arrangement": "sometimes", "industry": 7, "favourite_food": "pie"},
            "behavioral_control": {"schedule_set_by": "the moon"},
            "vibes": {},
            "state_specific": {"prop22_conditions": {"no_set_dates_times_or_minimum_hours": "yes",
                                                     "free_lunch": True},
                               "lab_2776_criteria": ["not", "a", "map"], "as_of_date": "yesterday"},
        }})
    assert found == {
        (None, "work_state"): "invalid_choice",
        (None, "as_of_date"): "invalid_date",
        (None, "colour"): "unknown_field",
        (None, "answers.engagement.arrangement"): "invalid_choice",
        (None, "answers.engagement.industry"): "invalid_type",
        (None, "answers.engagement.favourite_food"): "unknown_field",
        (None, "answers.behavioral_control.schedule_set_by"): "invalid_choice",
        (None, "answers.vibes"): "unknown_field",
        (None, "answers.state_specific.prop22_conditions.no_set_dates_times_or_minimum_hours"): "invalid_type",
        (None, "answers.state_specific.prop22_conditions.free_lunch"): "unknown_field",
        (None, "answers.state_specific.lab_2776_criteria"): "invalid_type",
        (None, "answers.state_specific.as_of_date"): "invalid_date",
    }


def test_the_message_names_the_allowed_values():
    with pytest.raises(ValidationFailed) as caught:
        classify({"work_state": "CA", "as_of_date": "2026-11-22",
                  "answers": {"financial_control": {"worker_investment": "huge"}}})
    (issue,) = caught.value.issues
    assert issue.field == "answers.financial_control.worker_investment"
    assert issue.message == "'huge' is not one of: none, minor, significant, not_stated"
    assert caught.value.as_dict()["issues"][0]["field"] == issue.field


def test_a_list_is_checked_whole_and_each_issue_carries_its_row():
    found = issues_of([
        {"work_state": "CA", "as_of_date": "2026-11-22", "answers": {}},
        {"work_state": "NJ", "answers": {"relationship": {"duration": "forever"}}},
        "not an object",
    ])
    assert found == {(1, "as_of_date"): "required", (1, "answers.relationship.duration"): "invalid_choice",
                     (2, ""): "invalid_type"}


def test_missing_answers_and_groups_that_are_not_objects():
    assert issues_of({"work_state": "ca", "as_of_date": "2026-11-22"}) == {(None, "answers"): "required"}
    assert issues_of({"work_state": "CA", "as_of_date": "2026-11-22", "answers": {"engagement": "direct"}}) == {
        (None, "answers.engagement"): "invalid_type"}
    assert issues_of([]) == {(None, ""): "required"}


def test_conflicting_dates_are_reported():
    found = issues_of({"work_state": "CA", "as_of_date": "2026-11-22",
                       "answers": {"state_specific": {"as_of_date": "2026-01-01"}}})
    assert found == {(None, "answers.state_specific.as_of_date"): "conflict"}


def test_missing_fields_mean_not_stated_and_today_fills_a_missing_date():
    import datetime as dt
    out = classify({"work_state": "wa", "answers": {}}, today=dt.date(2026, 11, 22))
    assert out["as_of_date"] == "2026-11-22" and out["work_state"] == "WA"
    irs = next(t for t in out["tests"] if t["id"] == "irs_common_law")
    assert all(v == "not_stated" for f in irs["factors"] for v in f["answers"].values())
    assert irs["result"] == "inconclusive" and out["determination"] == "needs_review"
    assert out["employer"]["party"] == "undetermined"
