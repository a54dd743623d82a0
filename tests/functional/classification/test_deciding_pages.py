"""Issue 20 in the pages: HR is asked exactly the questions that would decide a review; the worker sees them, the
threshold step and the derived factors, and can answer those questions in the review request."""
from __future__ import annotations

import re
import subprocess

import sqlalchemy as sa

from backoffice.classification.models import Assessment, ReviewMessage
from tests.conftest import csrf_token_from
from tests.integration.classification.helpers import make_engagement

# Pub 15-A, Automobile Industry, Example 1 (Donna Lee) without the methods answer: IRS 4 of the 5 factors it
# needs, so "needs review"; who decides the methods settles it either way (see test_classification_depth.py).
LEE_WITHOUT_METHODS = {
    "engagement": {"work_location": "hiring_entity_premises"},
    "behavioral_control": {"schedule_set_by": "hiring_entity", "reporting_required": "yes"},
    "relationship": {"employee_benefits": "yes", "exclusivity": "exclusive_in_practice"},
}
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _start(hr, eng, answers):
    from backoffice.classification.services import questionnaire
    from backoffice.clock import clock

    return questionnaire.start_assessment(eng.id, user=hr, as_of_date="2026-03-02", answers=answers,
                                          today=clock().today())


def test_hr_is_asked_only_the_deciding_question_and_saving_keeps_the_other_answers(db, client_for, make_user):
    hr = make_user("hr")
    a = _start(hr, make_engagement(), LEE_WITHOUT_METHODS)
    c = client_for(hr)
    page = c.get(f"/admin/classification/{a.id}/edit").data.decode()
    assert 'id="deciding-questions"' in page and "Who decides how the work is done?" in page
    assert page.count("would decide this") == 1
    only = c.get(f"/admin/classification/{a.id}/edit?deciding=1")
    html = only.data.decode()
    form = html.split('id="questionnaire"', 1)[1].split("</form>", 1)[0]
    selects = re.findall(r'<select class="form-control[^"]*" id="([^"]+)"', form)
    assert selects == ["behavioral_control.methods_controlled_by"]
    hidden = dict(HIDDEN.findall(html))
    assert hidden["behavioral_control.schedule_set_by"] == "hiring_entity"
    assert hidden["relationship.exclusivity"] == "exclusive_in_practice"
    ran = c.post(f"/admin/classification/{a.id}/edit?deciding=1", data={
        **hidden, "behavioral_control.methods_controlled_by": "hiring_entity", "as_of_date": "2026-03-02",
        "action": "run", "csrf_token": csrf_token_from(only.data)})
    assert ran.status_code == 302
    row = db.session.get(Assessment, a.id)
    assert row.answers["behavioral_control"]["schedule_set_by"] == "hiring_entity"
    assert row.answers["relationship"]["employee_benefits"] == "yes"
    assert row.determination == "leased_employee" and row.result["deciding_questions"] is None


def test_the_draft_result_page_links_to_the_deciding_questions(db, client_for, make_user):
    from backoffice.classification.services import questionnaire

    hr = make_user("hr")
    a = _start(hr, make_engagement(), LEE_WITHOUT_METHODS)
    questionnaire.run_assessment(a.id, user=hr)
    html = client_for(hr).get(f"/admin/classification/{a.id}").data.decode()
    assert 'id="answer-deciding"' in html and "Answer the 1 question that would decide it" in html
    assert f"/admin/classification/{a.id}/edit?deciding=1" in html


def test_the_result_shows_the_threshold_step_and_derived_factors(db, client_for, make_user, pdftotext, tmp_path):
    """Sebago (the taxicab garage): Massachusetts' step 1 is not met; in Texas the DOL control factor is derived
    from who sets the rate (29 CFR 795.110(b)(4))."""
    from backoffice.classification.services import questionnaire

    hr = make_user("hr")
    garage = _start(hr, make_engagement(state="MA", name=("Gus", "Garage")),
                    {"engagement": {"worker_serves_hiring_entity": "no_only_serves_the_worker"}})
    questionnaire.run_assessment(garage.id, user=hr)
    html = client_for(hr).get(f"/admin/classification/{garage.id}").data.decode()
    assert 'id="threshold-ma_abc"' in html and "Not met" in html and "Sebago" in html
    rate = _start(hr, make_engagement(name=("Rita", "Rate"), email="rita@example.com"),
                  {"financial_control": {"pay_rate_set_by": "hiring_entity"}})
    questionnaire.run_assessment(rate.id, user=hr)
    html = client_for(hr).get(f"/admin/classification/{rate.id}").data.decode()
    assert "derived</span> from “Who sets the rate of pay?”" in html and "795.110(b)(4)" in html
    # The evidence pack (PDF) carries the same: the threshold step and the derivation.
    words = []
    for row in (garage, rate):
        pdf = tmp_path / f"pack-{row.id}.pdf"
        pdf.write_bytes(client_for(hr).get(f"/admin/classification/{row.id}/evidence-pack.pdf").data)
        words.append(" ".join(subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True,
                                             text=True).stdout.split()))
    assert "Step 1, threshold (not met)" in words[0]
    assert "derived from" in words[1] and "795.110(b)(4)" in words[1]  # table cells wrap, so two checks


def test_the_worker_answers_the_deciding_question_in_a_review_request(db, client_for, make_user):
    from backoffice.classification.services import questionnaire

    hr = make_user("hr")
    eng = make_engagement()
    a = _start(hr, eng, LEE_WITHOUT_METHODS)
    questionnaire.run_assessment(a.id, user=hr)
    questionnaire.sign_off(a.id, user=hr, determination="leased_employee", note="treated as W-2 pending facts")
    worker = client_for(make_user("worker", worker_id=eng.worker_id))
    page = worker.get(f"/portal/classification/assessments/{a.id}")
    html = page.data.decode()
    assert 'id="deciding-questions"' in html and 'name="deciding.behavioral_control.methods_controlled_by"' in html
    sent = worker.post(f"/portal/classification/assessments/{a.id}/review", data={
        "comment": "", "deciding.behavioral_control.methods_controlled_by": "hiring_entity",
        "deciding.relationship.duration": "single_project",  # not a deciding question: ignored
        "csrf_token": csrf_token_from(page.data)})
    assert sent.status_code == 302
    body = db.session.execute(sa.select(ReviewMessage.body)).scalar_one()
    assert "Who decides how the work is done? the business (hiring entity)" in body
    assert "How long" not in body


# Pub 15-A (2020), Building and Construction Industry, Example 5, p. 9 (Vera Elm): only the printed facts.
VERA_PRINTED = {
    "engagement": {"industry": "construction"},
    "financial_control": {"pay_basis": "flat_fee_per_project", "pay_rate_set_by": "worker",
                          "profit_or_loss_opportunity": "managerial_skill_or_investment"},
    "relationship": {"exclusivity": "non_exclusive", "duration": "short_fixed_term"},
    "independent_business": {"other_clients": "yes", "advertises_or_markets": "yes"},
}


def test_the_worker_sees_derived_factors_marked_and_the_question_that_would_decide_an_undecided_one(
        db, client_for, make_user):
    """The worker's own portal page (not only HR's) marks a factor read from other answers "derived from …" with
    the DOL text it reads, and for an assessment HR signed while it needed review it shows the deciding question
    and asks it in the review form. Vera Elm as printed: Fact Sheet #13's control factor is derived from who set
    the price and the advertising (29 CFR 795.110(b)(4)); without her estimate the engine names who sets the rate
    of pay as the question that decides it (see test_classification_irs_examples.py)."""
    from backoffice.classification.services import questionnaire

    hr = make_user("hr")
    decided_eng = make_engagement(name=("Vera", "Elm"), email="vera.elm@example.com")
    decided = _start(hr, decided_eng, VERA_PRINTED)
    questionnaire.run_assessment(decided.id, user=hr)
    questionnaire.sign_off(decided.id, user=hr, determination="contractor", note="Pub 15-A, Building 5")
    worker = client_for(make_user("worker", worker_id=decided_eng.worker_id))
    html = worker.get(f"/portal/classification/assessments/{decided.id}").data.decode()
    assert "derived</span> from “Who sets the rate of pay?”" in html and "795.110(b)(4)" in html
    assert 'id="deciding-questions"' not in html

    no_estimate = {**VERA_PRINTED, "financial_control": {
        k: v for k, v in VERA_PRINTED["financial_control"].items() if k != "pay_rate_set_by"}}
    open_eng = make_engagement(name=("Val", "Elm"), email="val.elm@example.com")
    undecided = _start(hr, open_eng, no_estimate)
    questionnaire.run_assessment(undecided.id, user=hr)
    assert db.session.get(Assessment, undecided.id).determination == "needs_review"
    questionnaire.sign_off(undecided.id, user=hr, determination="contractor", note="pending her estimate")
    other = client_for(make_user("worker", worker_id=open_eng.worker_id))
    html = other.get(f"/portal/classification/assessments/{undecided.id}").data.decode()
    box = html.split('id="deciding-questions"', 1)[1].split("</div>", 1)[0]
    assert "Who sets the rate of pay?" in box
    assert 'name="deciding.financial_control.pay_rate_set_by"' in html
    # Another worker's assessment is not theirs to see.
    assert other.get(f"/portal/classification/assessments/{decided.id}").status_code == 404
