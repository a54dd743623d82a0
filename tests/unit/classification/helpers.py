"""Small helpers for classification tests: build answers, run classify, pick tests and factors by id."""
from __future__ import annotations

from backoffice.classification.engine.classify import classify

AS_OF = "2026-11-22"


def answers(**groups: dict) -> dict:
    """Questionnaire answers from keyword groups (engagement=..., behavioral_control=..., ...)."""
    return {name: dict(values) for name, values in groups.items()}


def run(state: str, ans: dict, as_of: str = AS_OF) -> dict:
    return classify({"work_state": state, "as_of_date": as_of, "answers": ans})


def pick_test(out: dict, test_id: str) -> dict:
    found = [t for t in out["tests"] if t["id"] == test_id]
    assert len(found) == 1, f"{test_id} not in {[t['id'] for t in out['tests']]}"
    return found[0]


def factor_of(test: dict, factor_id: str) -> dict:
    found = [f for f in test["factors"] if f["id"] == factor_id]
    assert len(found) == 1, f"{factor_id} not in {[f['id'] for f in test['factors']]}"
    return found[0]
