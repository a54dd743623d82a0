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


def test_the_demo_signs_one_contractor_whose_dol_investment_factor_is_derived_from_other_answers(db):
    """Issue 20, Build 2: the demo shows a "derived from …" factor. One signed contractor's intake has no investment
    answer (demo._without_investment); the DOL profile in force reads the investment factor from the business
    location, expenses and materials instead, and the result is still a contractor; the seeding output names it."""
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
    line = next(x for x in lines if "derived from" in x)
    row = db.session.get(Assessment, int(line.split("#", 1)[1].split(" ", 1)[0]))
    assert row.status == "signed_off" and row.determination == row.signed_determination == "contractor"
    assert "worker_investment" not in row.answers["financial_control"]
    dol = next(t for t in row.result["tests"] if t["id"] == "dol_flsa_economic_reality")
    investment = next(f for f in dol["factors"] if f.get("derived_from"))
    assert investment["id"] in ("investment", "investments")
    assert "financial_control.worker_investment" not in investment["derived_from"]
    assert investment["points_to"] == "independent_contractor"
