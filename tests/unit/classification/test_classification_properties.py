"""Invariants over random valid questionnaires, and the published JSON Schemas."""
from __future__ import annotations

import jsonschema
from hypothesis import HealthCheck, given, settings, strategies as st

from backoffice.classification.engine.classify import CLASSIFY_INPUT_SCHEMA, CLASSIFY_OUTPUT_SCHEMA, classify
from backoffice.classification.engine.questionnaire import SCHEMA

RESULTS = {"employee", "independent_contractor", "statutory_employee", "inconclusive"}
ENUM_FIELDS = [(g, f, vals) for g, fields in SCHEMA.items() for f, vals in fields.items() if vals is not None]


@st.composite
def questionnaires(draw):
    ans: dict = {}
    for group, name, vals in ENUM_FIELDS:
        if draw(st.booleans()):
            ans.setdefault(group, {})[name] = draw(st.sampled_from(vals))
    return ans


payloads = st.builds(lambda state, ans, day: {"work_state": state, "as_of_date": day, "answers": ans},
                     st.sampled_from(["CA", "MA", "NJ", "IL", "TX", "NY"]), questionnaires(),
                     st.sampled_from(["2024-06-01", "2025-05-01", "2026-11-22"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payloads)
def test_outputs_are_well_formed_and_consistent_with_the_decisive_tests(payload):
    out = classify(payload)
    jsonschema.validate(payload, CLASSIFY_INPUT_SCHEMA)
    jsonschema.validate(out, CLASSIFY_OUTPUT_SCHEMA)
    decisive = [t for t in out["tests"] if t["role"] == "decisive"]
    results = {t["result"] for t in decisive}
    assert all(t["result"] in RESULTS for t in out["tests"])
    if out["determination"] == "contractor":
        assert results == {"independent_contractor"} and out["employer"]["party"] == "none"
    if out["determination"] == "leased_employee":
        assert results & {"employee", "statutory_employee"}
    if out["determination"] == "needs_review":
        assert "inconclusive" in results and not results & {"employee", "statutory_employee"}
        assert out["risk"] == "high"
    # Every factor shows the answers behind it, exactly as given (or not_stated).
    for t in out["tests"]:
        for f in t["factors"]:
            for path, value in f["answers"].items():
                group, _, name = path.partition(".")
                if isinstance(value, str) and "." not in name:
                    assert value == payload["answers"].get(group, {}).get(name, "not_stated")
    # One test per id, and the versions listed are the versions used.
    ids = [t["id"] for t in out["tests"]]
    assert len(ids) == len(set(ids))
    assert set(out["rule_set_versions"].values()) == {t["version"] for t in out["tests"]}


@settings(max_examples=60, deadline=None)
@given(payloads)
def test_abc_any_failed_prong_makes_an_employee(payload):
    """Every ABC test: one prong pointing to employee is enough ('all three must be proven')."""
    for t in classify(payload)["tests"]:
        if t["id"] in ("ca_abc", "ma_abc", "nj_abc", "il_abc_unemployment", "il_iwpca", "il_eca_construction"):
            if any(f["counts"] and f["points_to"] == "employee" for f in t["factors"]):
                assert t["result"] == "employee"


@settings(max_examples=30, deadline=None)
@given(st.lists(payloads, min_size=1, max_size=4))
def test_a_list_is_answered_item_by_item_in_the_same_order(items):
    assert classify(items) == [classify(i) for i in items]


def test_input_schema_enumerates_the_reference_values():
    one = CLASSIFY_INPUT_SCHEMA["oneOf"][0]
    props = one["properties"]["answers"]["properties"]
    assert props["behavioral_control"]["properties"]["schedule_set_by"]["enum"] == [
        "hiring_entity", "worker", "negotiated", "end_customer", "not_stated"]
    assert set(props) == {"engagement", "behavioral_control", "financial_control", "relationship",
                          "independent_business", "state_specific"}
