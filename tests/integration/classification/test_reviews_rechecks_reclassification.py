"""Review threads, re-checks raised from timesheets / paychecks / new answers, and reclassification both ways."""
from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.audit import AuditLog
from backoffice.clock import clock
from backoffice.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from backoffice.classification.services import common, questionnaire, rechecks, reclassification, reviews
from backoffice.classification.models import Recheck, Reclassification, ReviewRequest
from backoffice.workers.models import Engagement
from tests.integration.classification.helpers import CONTRACTOR, LEASED, make_engagement, signed


# ------------------------------------------------------------------ reviews
def test_the_worker_asks_for_a_review_and_hr_answers_in_the_same_thread(db, make_user):
    hr = make_user("hr", name="Hanna HR")
    eng = make_engagement()
    a = signed(eng, CONTRACTOR, hr)
    worker = make_user("worker", worker_id=eng.worker_id, name="Bill Plum")
    review = reviews.request_review(a.id, user=worker, comment="The client sets my hours now.")
    assert review.status == "open" and review.worker_id == eng.worker_id
    again = reviews.request_review(a.id, user=worker, comment="Also they give me a uniform.")
    assert again.id == review.id  # one open thread per assessment
    reviews.post_message(review.id, user=hr, body="Thanks, we will re-assess next week.")
    assert review.status == "answered"
    reviews.post_message(review.id, user=worker, body="OK")
    assert review.status == "open"
    reviews.post_message(review.id, user=hr, body="Re-assessed; see the new assessment.", close=True)
    assert review.status == "closed" and review.closed_by_id == hr.id
    assert [(m.author_role, m.author_name) for m in review.messages] == [
        ("worker", "Bill Plum"), ("worker", "Bill Plum"), ("hr", "Hanna HR"), ("worker", "Bill Plum"),
        ("hr", "Hanna HR")]
    with pytest.raises(DomainError, match="closed"):
        reviews.post_message(review.id, user=worker, body="one more thing")


def test_review_requests_need_a_comment_and_stay_within_the_workers_own_records(db, make_user):
    hr = make_user("hr")
    mine = signed(make_engagement(), CONTRACTOR, hr)
    theirs = signed(make_engagement(email="ann@example.com", name=("Ann", "Other")), CONTRACTOR, hr)
    draft = questionnaire.start_assessment(mine.engagement_id, user=hr, today=clock().today())
    worker = make_user("worker", worker_id=mine.worker_id)
    with pytest.raises(ValidationFailed) as exc:
        reviews.request_review(mine.id, user=worker, comment="   ")
    assert exc.value.issues[0].field == "comment"
    for other in (theirs.id, draft.id):
        with pytest.raises(NotFound):
            reviews.request_review(other, user=worker, comment="why?")
    with pytest.raises(PermissionDenied):
        reviews.request_review(mine.id, user=hr, comment="HR cannot open a worker's review")
    assert db.session.execute(sa.select(sa.func.count(ReviewRequest.id))).scalar() == 0


# ------------------------------------------------------------------ re-checks
def _timesheet(eng, week_start, hours_per_day, status="approved"):
    from tests.factories import TimesheetFactory

    h = Decimal(hours_per_day)
    return TimesheetFactory.build(engagement=eng, week_start=week_start, status=status, hours=(h, h, h, h, h, 0, 0))


def test_thirteen_approved_weeks_over_thirty_hours_raise_one_long_hours_recheck(db, make_user):
    """Policy (rules/rechecks.json): more than 30 hours in each of 13 consecutive weeks.

    13 weeks x 5 days x 6.25 h = 31.25 h a week (> 30). A 14th week only submitted (not approved) is ignored,
    and a week of exactly 30 h would break the run."""
    hr = make_user("hr")
    eng = make_engagement(start=date(2026, 1, 5))
    signed(eng, CONTRACTOR, hr, as_of=date(2026, 1, 5))
    monday = date(2026, 1, 5)
    for i in range(13):
        db.session.add(_timesheet(eng, monday + timedelta(weeks=i), "6.25"))
    db.session.add(_timesheet(eng, monday + timedelta(weeks=13), "8", status="submitted"))
    db.session.commit()
    raised = rechecks.raise_rechecks(eng.id, today=date(2026, 4, 10))
    assert [r.code for r in raised] == ["long_hours"]
    assert raised[0].since == monday and raised[0].facts["weeks"] == 13
    assert "more than 30 hours" in raised[0].explanation
    assert rechecks.raise_rechecks(eng.id, today=date(2026, 4, 10)) == []  # raised once per signed assessment


def test_twelve_weeks_or_a_thirty_hour_week_raise_nothing(db, make_user):
    hr = make_user("hr")
    eng = make_engagement(start=date(2026, 1, 5))
    signed(eng, CONTRACTOR, hr, as_of=date(2026, 1, 5))
    monday = date(2026, 1, 5)
    for i in range(13):
        db.session.add(_timesheet(eng, monday + timedelta(weeks=i), "6" if i == 6 else "7"))  # week 7: 30 h
    db.session.commit()
    assert rechecks.raise_rechecks(eng.id, today=date(2026, 4, 10)) == []


def _earning(paycheck, eng, amount):
    from payroll.models import PaycheckLine

    return PaycheckLine(paycheck_id=paycheck.id, kind="earning", code="regular", amount=amount,
                        engagement_id=eng.id, client_id=eng.client_id)


def _paycheck(eng, run, gross, **over):
    from payroll.models import Paycheck

    over = {"engagement_id": eng.id, "client_id": eng.client_id, **over}
    return Paycheck(run_id=run.id, worker_id=eng.worker_id, **over,
                    worker_type="contractor", work_state=eng.work_state, period_start=run.period_start,
                    period_end=run.period_end, pay_date=run.pay_date, tax_year=run.pay_date.year, gross=gross,
                    employee_taxes=Decimal(0), employer_taxes=Decimal(0), deductions=Decimal(0), net=gross)


def test_one_client_paying_over_eighty_percent_of_a_contractors_income_raises_a_recheck(db, make_user):
    """Acme pays 8,500.00 of 10,000.00 = 85% (> 80%); a draft run's paycheck is not income yet."""
    from payroll.models import PayrollRun

    hr = make_user("hr")
    eng = make_engagement(name=("Bill", "Plum"))
    other = svc_engagement_with_other_client(eng)
    signed(eng, CONTRACTOR, hr)
    paid = PayrollRun(frequency="biweekly", period_start=date(2026, 3, 1), period_end=date(2026, 3, 14),
                      pay_date=date(2026, 3, 20), state="paid")
    draft = PayrollRun(frequency="biweekly", period_start=date(2026, 3, 15), period_end=date(2026, 3, 28),
                       pay_date=date(2026, 4, 3), state="draft")
    db.session.add_all([paid, draft])
    db.session.flush()
    # one contractor payment per person and run; its earning lines name the client each part was earned at
    one = _paycheck(eng, paid, Decimal("10000.00"), client_id=None, engagement_id=None)
    late = _paycheck(other, draft, Decimal("9000.00"))
    db.session.add_all([one, late])
    db.session.flush()
    db.session.add_all([_earning(one, eng, Decimal("8500.00")), _earning(one, other, Decimal("1500.00")),
                        _earning(late, other, Decimal("9000.00"))])
    db.session.commit()
    raised = rechecks.raise_rechecks(eng.id, today=date(2026, 4, 10))
    assert [r.code for r in raised] == ["dominant_client"]
    assert raised[0].facts["share"] == "0.8500"
    assert "85.0%" in raised[0].explanation


def svc_engagement_with_other_client(eng):
    from backoffice.workers.services import create_client, create_engagement

    client = create_client({"name": "Other Co"})
    return create_engagement({"worker_id": eng.worker_id, "client_id": client.id, "type": "contractor",
                              "work_state": "TX", "pay_rate": "40", "start_date": "2026-01-05"})


def test_new_answers_saying_the_client_sets_the_schedule_raise_a_recheck(db, make_user):
    hr = make_user("hr")
    eng = make_engagement()
    signed(eng, CONTRACTOR, hr, as_of=date(2026, 3, 2))  # the worker sets the schedule
    assert rechecks.raise_rechecks(eng.id, today=date(2026, 5, 1)) == []
    answers = json.loads(json.dumps(CONTRACTOR))
    answers["behavioral_control"]["schedule_set_by"] = "hiring_entity"
    draft = questionnaire.start_assessment(eng.id, user=hr, answers=answers, as_of_date="2026-04-20",
                                           today=clock().today())
    questionnaire.run_assessment(draft.id, user=hr)
    raised = rechecks.raise_rechecks(eng.id, today=date(2026, 5, 1))
    assert [(r.code, r.since) for r in raised] == [("client_sets_schedule", date(2026, 4, 20))]
    # signing the new assessment resolves the open re-check
    questionnaire.sign_off(draft.id, user=hr, determination="leased_employee" if draft.determination != "contractor"
                 else None, note="client now sets hours")
    assert db.session.get(Recheck, raised[0].id).status == "resolved"


def test_leased_employees_are_not_rechecked(db, make_user):
    hr = make_user("hr")
    eng = make_engagement(type_="leased_employee")
    signed(eng, LEASED, hr)
    for i in range(14):
        db.session.add(_timesheet(eng, date(2026, 1, 5) + timedelta(weeks=i), "9"))
    db.session.commit()
    assert rechecks.run_rechecks(today=date(2026, 5, 1)) == 0


# ------------------------------------------------------------------ reclassification
def test_contractor_to_leased_employee_converts_the_engagement_and_opens_w4_and_i9(db, make_user):
    hr = make_user("hr")
    eng = make_engagement(type_="contractor", start=date(2026, 1, 5))
    a = signed(eng, LEASED, hr, as_of=date(2026, 3, 2))  # the tests now find an employee
    rec = reclassification.reclassify(eng.id, user=hr, to_type="leased_employee", effective_date="2026-03-16",
                         note="client directs the work")
    db.session.expire_all()
    old = db.session.get(Engagement, eng.id)
    new = db.session.get(Engagement, rec.to_engagement_id)
    assert (old.type, old.status, old.end_date) == ("contractor", "ended", date(2026, 3, 15))
    assert (new.type, new.status, new.start_date, new.classification) == (
        "leased_employee", "pending", date(2026, 3, 16), "leased_employee")
    assert (new.worker_id, new.client_id, new.pay_rate, new.title) == (old.worker_id, old.client_id,
                                                                        Decimal("55.0000"), "Roofer")
    assert rec.assessment_id == a.id and rec.from_type == "contractor"
    steps = [f["step"] for f in rec.follow_ups if f["kind"] == "onboarding_step"]
    assert steps[0] == "w4" and steps[-1] == "i9"  # TX has no state certificate
    from backoffice.onboarding.models import OnboardingCase

    case = db.session.execute(sa.select(OnboardingCase).where(OnboardingCase.engagement_id == new.id)).scalar_one()
    assert [s.step for s in case.steps] == ["w4", "i9"] and case.current_step == "w4"
    assert [x.id for x in common.history(new.id)] == [a.id]  # the history follows the conversion
    audited = {(log.model, log.action) for log in db.session.execute(sa.select(AuditLog)).scalars()}
    assert {("engagements", "update"), ("engagements", "create"), ("classification_reclassification", "create"),
            ("onboarding", "create")} <= audited


def test_leased_employee_to_contractor_records_a_cobra_event(db, make_user):
    from benefits.models import LifeEvent

    hr = make_user("hr")
    eng = make_engagement(type_="leased_employee", start=date(2026, 1, 5))
    signed(eng, CONTRACTOR, hr, as_of=date(2026, 3, 2))
    rec = reclassification.reclassify(eng.id, user=hr, to_type="contractor", effective_date=date(2026, 4, 1))
    event = db.session.execute(sa.select(LifeEvent)).scalar_one()
    assert (event.kind, event.event_date, event.status, event.worker_id, event.engagement_id) == (
        "cobra_qualifying_event", date(2026, 4, 1), "open", eng.worker_id, eng.id)
    assert {"kind": "cobra_event", "life_event_id": event.id, "status": "opened"} in rec.follow_ups
    assert [f["step"] for f in rec.follow_ups if f["kind"] == "onboarding_step"] == ["w9"]
    assert db.session.get(Engagement, rec.to_engagement_id).status == "active"


def test_reclassification_needs_a_matching_signed_assessment_and_a_date_after_the_start(db, make_user):
    hr = make_user("hr")
    eng = make_engagement(type_="contractor", start=date(2026, 1, 5))
    signed(eng, CONTRACTOR, hr)  # signed as a contractor: no basis to convert
    with pytest.raises(ValidationFailed) as exc:
        reclassification.reclassify(eng.id, user=hr, to_type="leased_employee", effective_date="2026-01-05")
    assert {(i.field, i.code) for i in exc.value.issues} == {("effective_date", "before_start"),
                                                            ("to_type", "not_signed")}
    with pytest.raises(ValidationFailed) as exc:
        reclassification.reclassify(eng.id, user=hr, to_type="contractor", effective_date="someday")
    assert {i.field for i in exc.value.issues} == {"to_type", "effective_date"}
    assert db.session.execute(sa.select(sa.func.count(Engagement.id))).scalar() == 1
    assert db.session.execute(sa.select(sa.func.count(Reclassification.id))).scalar() == 0


def test_a_failure_half_way_leaves_nothing_behind(db, make_user, monkeypatch):
    """All in one transaction: if opening the follow-ups fails, the old engagement is not ended either."""
    hr = make_user("hr")
    eng = make_engagement(type_="contractor", start=date(2026, 1, 5))
    signed(eng, LEASED, hr)

    def boom(*a, **k):
        raise RuntimeError("onboarding unavailable")

    from backoffice.classification.services import reclassification as assessment_reclassification
    monkeypatch.setattr(assessment_reclassification, "_open_onboarding", boom)
    with pytest.raises(RuntimeError):
        reclassification.reclassify(eng.id, user=hr, to_type="leased_employee", effective_date="2026-03-16")
    db.session.expire_all()
    assert db.session.get(Engagement, eng.id).status == "active"
    assert db.session.execute(sa.select(sa.func.count(Engagement.id))).scalar() == 1
