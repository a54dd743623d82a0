"""The demo shows issue 20 to a newcomer: one draft from a short intake call names the one unanswered question that
would decide it, and the seeding output says where to find it."""
from __future__ import annotations

import random
from datetime import date

import sqlalchemy as sa


def test_the_demo_leaves_one_short_intake_draft_whose_deciding_question_is_named(db):
    from backoffice.classification import demo
    from backoffice.classification.models import Assessment
    from backoffice.security.access import sync_permissions
    from backoffice.uow import transaction
    from backoffice.workers.demo import _seed_agency

    today = date(2026, 11, 22)
    with transaction():
        sync_permissions()
    _seed_agency(random.Random(42), 60, today)
    lines = demo.seed(random.Random(1), today)
    drafts = db.session.execute(sa.select(Assessment).where(Assessment.status == "draft",
                                                            Assessment.determination == "needs_review")).scalars()
    named = [a.result["deciding_questions"] for a in drafts if a.result["deciding_questions"]]
    # The sparse intake (demo.SPARSE_INTAKE_FIELDS) leaves the methods unanswered: either answer gives a contractor.
    assert [d["fields"] for d in named] == [["behavioral_control.methods_controlled_by"]]
    assert {o["determination"] for o in named[0]["outcomes"]} == {"contractor"}
    assert any("asks only what would decide it: behavioral_control.methods_controlled_by" in x for x in lines)
