"""Fixtures for the classification pages: isolated clients per user, and a signed assessment with evidence."""
from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import isolated_client


@pytest.fixture
def client_for(app, db, login):
    def make(user):
        c = isolated_client(app)
        login(c, user)
        return c
    return make


@pytest.fixture
def two_workers(db, make_user):
    """Bill (signed contractor assessment with evidence, a review thread) and Ann (the same, her own)."""
    from backoffice.classification.services import questionnaire, reviews
    from backoffice.clock import clock
    from tests.integration.classification.helpers import CONTRACTOR, make_engagement

    hr = make_user("hr", name="Hanna HR")
    out = {"hr": hr}
    for key, name in (("bill", ("Bill", "Plum")), ("ann", ("Ann", "Elm"))):
        eng = make_engagement(name=name, email=f"{name[0].lower()}@example.com", start=date(2026, 1, 5))
        a = questionnaire.start_assessment(eng.id, user=hr, answers=CONTRACTOR, as_of_date="2026-03-02",
                                           today=clock().today())
        att = questionnaire.add_evidence(a.id, user=hr, filename=f"{key}-contract.pdf", content=f"contract {key}".encode(),
                               description="Project contract", answer_path="relationship.written_contract")
        questionnaire.run_assessment(a.id, user=hr)
        questionnaire.sign_off(a.id, user=hr, note=f"checked {key}")
        user = make_user("worker", worker_id=eng.worker_id, name=" ".join(name))
        review = reviews.request_review(a.id, user=user, comment=f"{key}: please look at my hours")
        draft = questionnaire.start_assessment(eng.id, user=hr, answers=CONTRACTOR, today=clock().today())
        out[key] = {"eng": eng, "a": a, "att": att, "user": user, "review": review, "draft": draft}
    return out
