"""HR's admin pages: the questionnaire form from the engine's schema, run, evidence, sign-off, re-checks, reclassify."""
from __future__ import annotations

import io
from datetime import date, timedelta

import sqlalchemy as sa

from backoffice.clock import clock
from backoffice.classification.models import Assessment, EvidenceAttachment, Recheck
from backoffice.workers.models import Engagement
from tests.conftest import csrf_token_from
from tests.integration.classification.helpers import CONTRACTOR, LEASED, make_engagement


def _form(answers: dict) -> dict:
    return {f"{g}.{k}": v for g, fields in answers.items() for k, v in fields.items()}


def test_hr_fills_the_generated_form_runs_attaches_evidence_and_signs_off(db, client_for, make_user):
    hr = make_user("hr")
    eng = make_engagement(type_="leased_employee")
    c = client_for(hr)
    page = c.get(f"/admin/classification/new?engagement_id={eng.id}")
    assert page.status_code == 200
    started = c.post("/admin/classification/new", data={"engagement_id": eng.id, "as_of_date": "2026-03-02",
                                                          "csrf_token": csrf_token_from(page.data)})
    assert started.status_code == 302
    a = db.session.execute(sa.select(Assessment)).scalar_one()
    form = c.get(f"/admin/classification/{a.id}/edit")
    html = form.data.decode()
    # every field of the engine's schema is on the form with its allowed values
    for name in ("behavioral_control.schedule_set_by", "financial_control.paid_by", "engagement.work_performed",
                 "state_specific.lab_2776_criteria.business_license"):
        assert f'name="{name}"' in html, name
    assert 'value="staffing_firm_placement"' in html
    token = csrf_token_from(form.data)
    bad = c.post(f"/admin/classification/{a.id}/edit", data={
        **_form(LEASED), "behavioral_control.supervision": "hourly", "engagement.arrangement": "robot",
        "as_of_date": "2026-03-02", "action": "run", "csrf_token": token})
    assert bad.status_code == 422
    assert b"2 answers to correct" in bad.data and b"&#39;robot&#39; is not one of" in bad.data
    assert db.session.get(Assessment, a.id).answers == {}  # nothing saved
    criteria = {"state_specific.lab_2776_criteria.business_license": "yes",
                "state_specific.lab_2776_criteria.written_contract": "no",
                "state_specific.lab_2776_criteria.advertises_to_public": ""}  # blank = not stated
    ran = c.post(f"/admin/classification/{a.id}/edit", data={**_form(LEASED), **criteria, "as_of_date": "2026-03-02",
                                                              "engagement.work_performed": "  Forklift driving ",
                                                              "action": "run", "csrf_token": token})
    assert ran.status_code == 302
    row = db.session.get(Assessment, a.id)
    assert row.determination == "leased_employee" and row.answers["financial_control"]["paid_by"] == "staffing_firm"
    assert row.answers["state_specific"] == {"lab_2776_criteria": {"business_license": True, "written_contract": False}}
    assert row.answers["engagement"]["work_performed"] == "Forklift driving"
    up = c.post(f"/admin/classification/{a.id}/evidence", content_type="multipart/form-data", data={
        "file": (io.BytesIO(b"timesheet export"), "hours.csv"), "answer_path": "behavioral_control.schedule_set_by",
        "description": "Client's shift plan", "csrf_token": token})
    assert up.status_code == 302
    assert db.session.execute(sa.select(EvidenceAttachment.filename)).scalar_one() == "hours.csv"
    detail = c.get(f"/admin/classification/{a.id}")
    assert b"sign-off-form" in detail.data and b"Client&#39;s shift plan" in detail.data
    signed = c.post(f"/admin/classification/{a.id}/sign-off", data={
        "determination": "leased_employee", "note": "placement at client", "csrf_token": csrf_token_from(detail.data)})
    assert signed.status_code == 302
    assert db.session.get(Assessment, a.id).status == "signed_off"
    assert db.session.get(Engagement, eng.id).classification == "leased_employee"
    listing = c.get("/admin/classification_assessments/")
    assert listing.status_code == 200 and b"signed_off" in listing.data


def test_a_client_approver_neither_fills_in_nor_opens_assessments(db, client_for, make_user):
    """Issue 9: approvers see what they need to approve time; classifying their workers is HR's."""
    hr = make_user("hr")
    mine = make_engagement()
    from backoffice.classification.services import questionnaire

    ours = questionnaire.start_assessment(mine.id, user=hr, today=clock().today())
    c = client_for(make_user("client_approver", client_id=mine.client_id))
    assert c.get("/admin/classification/new").status_code == 403
    token = csrf_token_from(c.get("/admin/engagements/").data)
    refused = c.post("/admin/classification/new", data={"engagement_id": mine.id, "as_of_date": "2026-03-02",
                                                         "csrf_token": token})
    assert refused.status_code == 403
    assert c.get(f"/admin/classification/{ours.id}").status_code == 403
    assert c.post(f"/admin/classification/{ours.id}/run", data={"csrf_token": token}).status_code == 403
    assert c.get(f"/admin/classification/{ours.id}/evidence-pack.pdf").status_code == 403
    assert db.session.execute(sa.select(sa.func.count(Assessment.id))).scalar() == 1


def test_open_rechecks_page_and_reclassification_from_the_assessment(db, client_for, make_user):
    from tests.factories import TimesheetFactory

    from backoffice.classification.services import questionnaire

    hr = make_user("hr")
    eng = make_engagement(type_="contractor", start=date(2026, 1, 5))
    a = questionnaire.start_assessment(eng.id, user=hr, answers=CONTRACTOR, as_of_date="2026-01-05",
                                       today=clock().today())
    questionnaire.run_assessment(a.id, user=hr)
    questionnaire.sign_off(a.id, user=hr)
    for i in range(13):  # 13 weeks of 5 x 7 h = 35 h (> 30)
        TimesheetFactory(engagement=eng, week_start=date(2026, 1, 5) + timedelta(weeks=i), hours=(7, 7, 7, 7, 7, 0, 0))
    c = client_for(hr)
    page = c.get("/admin/classification/")
    ran = c.post("/admin/classification/rechecks/run", data={"csrf_token": csrf_token_from(page.data)})
    assert ran.status_code == 302
    listing = c.get("/admin/classification/").data.decode()
    rc = db.session.execute(sa.select(Recheck)).scalar_one()
    assert f'id="recheck-{rc.id}"' in listing and "long hours" in listing
    # HR re-assesses: the facts now describe employment; signing resolves the re-check
    b = questionnaire.start_assessment(eng.id, user=hr, answers=LEASED, as_of_date="2026-04-06", today=clock().today())
    questionnaire.run_assessment(b.id, user=hr)
    questionnaire.sign_off(b.id, user=hr)
    assert db.session.get(Recheck, rc.id).status == "resolved"
    detail = c.get(f"/admin/classification/{b.id}")
    assert b"reclassify-form" in detail.data
    converted = c.post(f"/admin/classification/engagements/{eng.id}/reclassify", data={
        "assessment_id": b.id, "to_type": "leased_employee", "effective_date": "2026-04-13", "note": "",
        "csrf_token": csrf_token_from(detail.data)})
    assert converted.status_code == 302
    engagements = db.session.execute(sa.select(Engagement).order_by(Engagement.id)).scalars().all()
    assert [(e.type, e.status, e.start_date, e.end_date) for e in engagements] == [
        ("contractor", "ended", date(2026, 1, 5), date(2026, 4, 12)),
        ("leased_employee", "pending", date(2026, 4, 13), None)]
