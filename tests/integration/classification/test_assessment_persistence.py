"""Assessments persist the answers, the engine's full result and HR's sign-off; every save is audited."""
from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
import sqlalchemy as sa

from backoffice.audit import AuditLog
from backoffice.clock import clock
from backoffice.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from backoffice.classification.services import common, questionnaire
from backoffice.classification.models import Assessment
from tests.integration.classification.helpers import CONTRACTOR, LEASED, make_engagement, signed


def test_running_a_draft_stores_the_whole_result_and_the_rule_set_versions(db, make_user):
    """Pub 15-A 'Leased employees': the staffing firm is the employer of record, the worker an employee."""
    hr = make_user("hr")
    eng = make_engagement(type_="leased_employee")
    a = questionnaire.start_assessment(eng.id, user=hr, as_of_date="2026-03-02", answers=LEASED, today=clock().today())
    assert a.status == "draft" and a.result is None and a.prepared_role == "hr"
    questionnaire.run_assessment(a.id, user=hr)
    db.session.expire_all()
    row = db.session.get(Assessment, a.id)
    assert row.determination == "leased_employee"
    assert row.employer_party == "staffing_firm"
    assert row.result["employer"]["worksite"] == "client"
    assert {t["id"] for t in row.result["tests"]} >= {"irs_common_law", "irs_statutory_employee"}
    # every test's factors are stored with the answers behind them
    irs = next(t for t in row.result["tests"] if t["id"] == "irs_common_law")
    assert all("answers" in f and "finding" in f for f in irs["factors"])
    assert row.rule_set_versions["irs_common_law"] == irs["version"]
    assert row.answers["financial_control"]["paid_by"] == "staffing_firm"


def test_invalid_answers_name_every_bad_field_and_nothing_is_saved(db, make_user):
    hr = make_user("hr")
    eng = make_engagement()
    bad = {"behavioral_control": {"schedule_set_by": "the_moon", "supervision": "sometimes"},
           "relationship": {"colour": "blue"}}
    with pytest.raises(ValidationFailed) as exc:
        questionnaire.start_assessment(eng.id, user=hr, answers=bad, today=clock().today())
    fields = {i.field for i in exc.value.issues}
    assert fields == {"answers.behavioral_control.schedule_set_by", "answers.behavioral_control.supervision",
                      "answers.relationship.colour"}
    assert db.session.execute(sa.select(sa.func.count(Assessment.id))).scalar() == 0


def test_saving_new_answers_clears_the_result_so_a_stale_result_cannot_be_signed(db, make_user):
    hr = make_user("hr")
    eng = make_engagement()
    a = questionnaire.start_assessment(eng.id, user=hr, answers=CONTRACTOR, as_of_date="2026-03-02",
                                       today=clock().today())
    questionnaire.run_assessment(a.id, user=hr)
    questionnaire.save_answers(a.id, LEASED, user=hr)
    assert a.result is None and a.determination is None
    with pytest.raises(DomainError, match="run the assessment"):
        questionnaire.sign_off(a.id, user=hr)


def test_sign_off_copies_the_determination_supersedes_the_previous_and_is_audited(db, make_user):
    """Bill Plum (Pub 15-A, construction example 4) is a contractor; a later re-assessment replaces it."""
    hr = make_user("hr")
    eng = make_engagement()
    first = signed(eng, CONTRACTOR, hr)
    assert first.status == "signed_off" and first.signed_determination == "contractor"
    assert first.signed_off_by_id == hr.id and first.signed_off_at is not None
    assert eng.classification == "contractor"
    second = signed(eng, CONTRACTOR, hr, as_of=date(2026, 6, 1), note="yearly review")
    db.session.expire_all()
    assert db.session.get(Assessment, first.id).status == "superseded"
    assert db.session.get(Assessment, first.id).superseded_by_id == second.id
    assert second.sign_off_note == "yearly review"
    logs = [log for log in db.session.execute(sa.select(AuditLog).where(AuditLog.model == "classification"))
            .scalars() if log.record_id == str(first.id) or json.loads(log.changes).get("id") == {"after": first.id}]
    actions = [(log.action, json.loads(log.changes).get("status", {}).get("after")) for log in logs]
    assert {("create", "draft"), ("update", "signed_off"), ("update", "superseded")} <= set(actions)
    assert all(log.user_email == hr.email for log in logs)
    eng_log = db.session.execute(sa.select(AuditLog).where(AuditLog.model == "engagements",
                                                           AuditLog.record_id == str(eng.id),
                                                           AuditLog.action == "update")).scalars().first()
    assert json.loads(eng_log.changes)["classification"] == {"before": None, "after": "contractor"}


def test_a_signed_assessment_is_frozen(db, make_user):
    hr = make_user("hr")
    a = signed(make_engagement(), CONTRACTOR, hr)
    for call in (lambda: questionnaire.save_answers(a.id, LEASED, user=hr), lambda: questionnaire.run_assessment(a.id, user=hr),
                 lambda: questionnaire.add_evidence(a.id, user=hr, filename="x.pdf", content=b"x"),
                 lambda: questionnaire.sign_off(a.id, user=hr)):
        with pytest.raises(DomainError, match="signed off"):
            call()


@pytest.mark.parametrize("engine, chosen, note, allowed", [
    ("contractor", "contractor", "", True),
    ("leased_employee", "leased_employee", "", True),
    ("leased_employee", "contractor", "client insists", False),  # never against an employee finding
    ("contractor", "leased_employee", "", False),  # a different answer needs a reason
    ("contractor", "leased_employee", "we treat all roofers as W-2", True),
    ("needs_review", "needs_review", "x", False),  # an undecided result cannot be signed as such
    ("needs_review", "contractor", "", False),
    ("needs_review", "contractor", "contract reviewed by counsel", True),
])
def test_which_determinations_hr_may_sign(engine, chosen, note, allowed):
    assert (questionnaire._signable(engine, chosen, note) is None) is allowed


def test_only_hr_fills_in_runs_and_signs_off_questionnaires(db, make_user):
    """Issue 9: a client approver (and a worker) neither fills in, runs, adds evidence to nor reads one."""
    hr = make_user("hr")
    eng = make_engagement()
    approver = make_user("client_approver", client_id=eng.client_id)
    with pytest.raises(PermissionDenied):
        questionnaire.start_assessment(eng.id, user=approver, answers=CONTRACTOR, as_of_date="2026-03-02",
                                       today=clock().today())
    a = questionnaire.start_assessment(eng.id, user=hr, answers=CONTRACTOR, as_of_date="2026-03-02",
                                       today=clock().today())
    assert a.prepared_role == "hr"
    att = questionnaire.add_evidence(a.id, user=hr, filename="C:\\docs\\contract.pdf", content=b"%PDF-1.4 contract",
                                     description="Signed project contract",
                                     answer_path="relationship.written_contract")
    assert att.filename == "contract.pdf" and att.uploaded_role == "hr"
    assert att.sha256 == hashlib.sha256(b"%PDF-1.4 contract").hexdigest()
    with pytest.raises((PermissionDenied, NotFound)):
        questionnaire.run_assessment(a.id, user=approver)
    with pytest.raises((PermissionDenied, NotFound)):
        questionnaire.add_evidence(a.id, user=approver, filename="x.pdf", content=b"x", description="x",
                                   answer_path="relationship.written_contract")
    with pytest.raises((PermissionDenied, NotFound)):
        common.get_assessment(a.id, approver)
    questionnaire.run_assessment(a.id, user=hr)
    with pytest.raises((PermissionDenied, NotFound)):
        questionnaire.sign_off(a.id, user=approver)
    questionnaire.sign_off(a.id, user=hr)
    worker = make_user("worker", worker_id=eng.worker_id)
    with pytest.raises(PermissionDenied):
        questionnaire.start_assessment(eng.id, user=worker, today=clock().today())

def test_evidence_problems_are_all_named(db, make_user):
    hr = make_user("hr")
    a = questionnaire.start_assessment(make_engagement().id, user=hr, today=clock().today())
    with pytest.raises(ValidationFailed) as exc:
        questionnaire.add_evidence(a.id, user=hr, filename="", content=b"", answer_path="relationship.colour",
                         description="x" * 501)
    assert {(i.field, i.code) for i in exc.value.issues} == {
        ("file", "required"), ("answer_path", "invalid_choice"), ("description", "too_long")}
