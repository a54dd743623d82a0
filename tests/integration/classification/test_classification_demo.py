"""The demo's classification (issue 11 point 7): signed assessments made by the real services, with the engine's
reasoning, for most engagements; a few the tests cannot decide; one re-check finding; a worker's review."""
from __future__ import annotations

import random
from datetime import date

import sqlalchemy as sa


def test_the_demo_signs_most_engagements_leaves_a_few_for_review_and_finds_one_recheck(db):
    from backoffice.classification import demo
    from backoffice.classification.models import Assessment, Recheck, RecheckRun, ReviewRequest
    from backoffice.security.access import sync_permissions
    from backoffice.uow import transaction
    from backoffice.workers.demo import _seed_agency
    from backoffice.workers.models import Engagement

    today = date(2026, 11, 22)
    with transaction():
        sync_permissions()
    _seed_agency(random.Random(42), 60, today)
    lines = demo.seed(random.Random(1), today)
    engagements = db.session.execute(sa.select(Engagement)).scalars().all()
    assessments = db.session.execute(sa.select(Assessment)).scalars().all()
    signed = {a.engagement_id: a for a in assessments if a.status == "signed_off"}
    drafts = [a for a in assessments if a.status == "draft"]

    assert len(signed) >= 0.75 * len(engagements) and len(signed) < len(engagements)
    assert {e.type for e in engagements if e.id in signed} == {"leased_employee", "contractor"}
    for e in engagements:                                   # the engagement says what was signed, and only that
        assert e.classification == (signed[e.id].signed_determination if e.id in signed else None)
    for a in signed.values():                               # the engine's reasoning, test by test
        assert a.signed_determination == a.determination == a.engagement.type
        assert a.result["tests"] and all(t["factors"] for t in a.result["tests"]) and a.signed_off_by_id
    undecided = [a for a in drafts if a.determination == "needs_review"]
    assert 1 <= len(undecided) <= 4 and all(a.engagement_id not in signed for a in undecided)
    (finding,) = db.session.execute(sa.select(Recheck)).scalars().all()
    assert finding.code == "client_sets_schedule" and finding.assessment_id == signed[finding.engagement_id].id
    (run,) = db.session.execute(sa.select(RecheckRun)).scalars().all()
    assert (run.trigger, run.schedule_day, run.raised) == ("schedule", today, 1)
    (review,) = db.session.execute(sa.select(ReviewRequest)).scalars().all()
    assert review.status == "open" and review.messages[0].author_role == "worker"
    assert lines[0].startswith(f"classification: {len(signed)} engagements signed off")
    assert demo.seed(random.Random(1), today) == []         # seeded once
