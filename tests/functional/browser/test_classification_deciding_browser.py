"""In Chromium, on a phone (issue 20): HR opens a draft that needs review, sees the one question that would decide
it, taps "Ask only these questions", answers it and runs the tests; the result is decided and the other answers
were kept. The worker's portal page shows the threshold step of a Massachusetts assessment, a factor marked
"derived from …" and the question that would decide an undecided one, without sideways scrolling."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.functional.browser.test_onboarding_browser import CHROMIUM_ARGS, live_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]     # the live server thread reads what the test commits

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# Pub 15-A, Automobile Industry, Example 1 (Donna Lee) without the methods answer (see test_classification_depth).
LEE_WITHOUT_METHODS = {
    "engagement": {"work_location": "hiring_entity_premises"},
    "behavioral_control": {"schedule_set_by": "hiring_entity", "reporting_required": "yes"},
    "relationship": {"employee_benefits": "yes", "exclusivity": "exclusive_in_practice"},
}


def _login(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def test_hr_on_a_phone_answers_only_the_deciding_question_and_the_worker_sees_the_threshold_step(
        app, db, make_user, chromium_path, live_server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    from backoffice.classification.models import Assessment
    from backoffice.classification.services import questionnaire
    from backoffice.clock import clock
    from tests.integration.classification.helpers import make_engagement

    hr = make_user("hr", email="hr.classify@example.com")
    eng = make_engagement()
    draft = questionnaire.start_assessment(eng.id, user=hr, as_of_date="2026-03-02", answers=LEE_WITHOUT_METHODS,
                                           today=clock().today())
    garage_eng = make_engagement(state="MA", name=("Gus", "Garage"), email="gus@example.com")
    garage = questionnaire.start_assessment(garage_eng.id, user=hr, as_of_date="2026-03-02", today=clock().today(),
                                            answers={"engagement": {
                                                "worker_serves_hiring_entity": "no_only_serves_the_worker"}})
    questionnaire.run_assessment(garage.id, user=hr)
    questionnaire.sign_off(garage.id, user=hr, determination="contractor", note="garage only; Sebago")
    worker = make_user("worker", email="gus.worker@example.com", worker_id=garage_eng.worker_id)
    db.session.commit()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(**PHONE).new_page()
            phone.set_default_timeout(20_000)
            _login(phone, live_server, hr.email)
            phone.goto(f"{live_server}/admin/classification/{draft.id}/edit")
            box = phone.locator("#deciding-questions")
            expect(box).to_contain_text("Who decides how the work is done?")
            phone.click("#only-deciding")
            expect(phone.locator("#questionnaire select.form-control")).to_have_count(1)
            phone.screenshot(path=str(tmp_path / "hr-deciding.png"), full_page=True)
            _no_sideways_scroll(phone)
            phone.select_option("select[name='behavioral_control.methods_controlled_by']", "hiring_entity")
            phone.click("button[value=run]")
            expect(phone.locator("#summary")).to_contain_text("leased employee")

            worker_page = browser.new_context(**PHONE).new_page()
            worker_page.set_default_timeout(20_000)
            _login(worker_page, live_server, worker.email)
            worker_page.goto(f"{live_server}/portal/classification/assessments/{garage.id}")
            step = worker_page.locator("#threshold-ma_abc")
            expect(step).to_contain_text("Not met")
            expect(step).to_contain_text("Sebago")
            worker_page.screenshot(path=str(tmp_path / "worker-threshold.png"), full_page=True)
            _no_sideways_scroll(worker_page)
        finally:
            browser.close()

    db.session.expire_all()
    row = db.session.get(Assessment, draft.id)
    assert row.determination == "leased_employee"
    assert row.answers["behavioral_control"]["schedule_set_by"] == "hiring_entity"
    assert row.answers["relationship"]["exclusivity"] == "exclusive_in_practice"


# Pub 15-A (2020), Building 5, p. 9 (Vera Elm), printed facts only (see test_classification_irs_examples.py).
VERA_PRINTED = {
    "engagement": {"industry": "construction"},
    "financial_control": {"pay_basis": "flat_fee_per_project", "pay_rate_set_by": "worker",
                          "profit_or_loss_opportunity": "managerial_skill_or_investment"},
    "relationship": {"exclusivity": "non_exclusive", "duration": "short_fixed_term"},
    "independent_business": {"other_clients": "yes", "advertises_or_markets": "yes"},
}


def test_the_worker_on_a_phone_sees_a_derived_factor_marked_and_answers_the_deciding_question(
        app, db, make_user, chromium_path, live_server, tmp_path):  # noqa: F811
    """Vera Elm as printed is a contractor, Fact Sheet #13's control factor derived from her setting the price and
    advertising: the worker's page marks it "derived" with 29 CFR 795.110(b)(4). HR signed a second assessment
    without her estimate while it needed review: her review form asks who sets the rate of pay, and her answer
    reaches HR in the request. Both pages fit a 390-pixel screen."""
    from playwright.sync_api import expect, sync_playwright

    from backoffice.classification.models import ReviewMessage
    from backoffice.classification.services import questionnaire
    from backoffice.clock import clock
    from tests.integration.classification.helpers import make_engagement

    hr = make_user("hr", email="hr.vera@example.com")
    eng = make_engagement(name=("Vera", "Elm"), email="vera.elm@example.com")
    rows = []
    for answers in (VERA_PRINTED, {**VERA_PRINTED, "financial_control": {
            k: v for k, v in VERA_PRINTED["financial_control"].items() if k != "pay_rate_set_by"}}):
        row = questionnaire.start_assessment(eng.id, user=hr, as_of_date="2026-03-02", answers=answers,
                                             today=clock().today())
        questionnaire.run_assessment(row.id, user=hr)
        questionnaire.sign_off(row.id, user=hr, determination="contractor", note="Pub 15-A, Building 5")
        rows.append(row)
    worker = make_user("worker", email="vera.worker@example.com", worker_id=eng.worker_id)
    db.session.commit()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(**PHONE).new_page()
            page.set_default_timeout(20_000)
            _login(page, live_server, worker.email)
            page.goto(f"{live_server}/portal/classification/assessments/{rows[0].id}")
            derived = page.locator("#test-dol_flsa_economic_reality .derived")
            expect(derived.first).to_contain_text("Who sets the rate of pay?")
            expect(derived.first).to_contain_text("795.110(b)(4)")
            _no_sideways_scroll(page)
            page.goto(f"{live_server}/portal/classification/assessments/{rows[1].id}")
            expect(page.locator("#deciding-questions")).to_contain_text("Who sets the rate of pay?")
            page.select_option("select[name='deciding.financial_control.pay_rate_set_by']", "worker")
            page.screenshot(path=str(tmp_path / "worker-deciding.png"), full_page=True)
            _no_sideways_scroll(page)
            page.click("#review button[type=submit]")
            expect(page).to_have_url(re.compile(r"/portal/classification/reviews/\d+$"))
        finally:
            browser.close()

    db.session.expire_all()
    body = db.session.execute(sa.select(ReviewMessage.body)).scalar_one()
    assert "Who sets the rate of pay?" in body and "the worker" in body
