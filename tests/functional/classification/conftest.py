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
    from backoffice.workers import assessment_services as svc
    from tests.integration.classification.helpers import CONTRACTOR, make_engagement

    hr = make_user("hr", name="Hanna HR")
    out = {"hr": hr}
    for key, name in (("bill", ("Bill", "Plum")), ("ann", ("Ann", "Elm"))):
        eng = make_engagement(name=name, email=f"{name[0].lower()}@example.com", start=date(2026, 1, 5))
        a = svc.start_assessment(eng.id, user=hr, answers=CONTRACTOR, as_of_date="2026-03-02")
        att = svc.add_evidence(a.id, user=hr, filename=f"{key}-contract.pdf", content=f"contract {key}".encode(),
                               description="Project contract", answer_path="relationship.written_contract")
        svc.run_assessment(a.id, user=hr)
        svc.sign_off(a.id, user=hr, note=f"checked {key}")
        user = make_user("worker", worker_id=eng.worker_id, name=" ".join(name))
        review = svc.request_review(a.id, user=user, comment=f"{key}: please look at my hours")
        draft = svc.start_assessment(eng.id, user=hr, answers=CONTRACTOR)
        out[key] = {"eng": eng, "a": a, "att": att, "user": user, "review": review, "draft": draft}
    return out
