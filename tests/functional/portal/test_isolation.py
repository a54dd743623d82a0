"""Isolation: a worker reaches only their own records — every portal URL tried with another worker's ids is 404.

Each case is also tried with the worker's own id (answering 200/302), so a route that 404s for everyone
cannot pass."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from backoffice.clock import clock
from backoffice.onboarding.services import agreements, invitations, wizard
from backoffice import extensions
from backoffice.onboarding.models import OnboardingCase, SignedDocument
from backoffice.workers.profile import BankAccount
from tests.conftest import csrf_token_from
from tests.functional.portal.conftest import isolated_client
from tests.integration.onboarding.support import invite_data, make_paycheck

PROFILE = {"tin_type": "ssn", "birth_date": "1988-02-03", "address_line1": "9 Elm St", "city": "Austin",
           "state": "TX", "postal_code": "73301"}


def _onboard(app, acme, mailbox, email, first, last, tin, routing, account) -> dict:
    """A leased employee in Texas taken through profile, W-4, I-9 and a deposit account (agreement left open)."""
    result = invitations.invite_worker(invite_data(acme.id, email=email, first_name=first, last_name=last,
                                           type="leased_employee", work_state="TX", pay_rate="30", pay_unit="hour"),
                               config=app.config, base_url="http://localhost", now=clock().now())
    token = mailbox.last_link().rsplit("/", 1)[1]
    user = invitations.accept_invitation(token, "a-long-password-1", "a-long-password-1", now=clock().now())
    case = result.case
    wizard.save_profile(case, {**PROFILE, "first_name": first, "last_name": last, "tin": tin}, today=clock().today())
    wizard.save_w4(case, {"filing_status": "single", "signed_name": f"{first} {last}"}, today=clock().today())
    wizard.save_i9_section1(case, {"citizenship": "citizen", "attest": "1", "signed_name": f"{first} {last}"},
                            today=clock().today())
    acct = wizard.add_manual_account(case, {"routing_number": routing, "account_number": account,
                                         "split_kind": "remainder"})
    wizard.finish_direct_deposit(case)
    draft = agreements.agreement_draft(case)
    paycheck = make_paycheck(case.worker, case.engagement, pay_date=date(2026, 11, 13), gross="2000.00",
                             federal="150.00", explanation=[f"Federal steps for {first}"])
    doc = extensions.db.session.execute(sa.select(SignedDocument).where(
        SignedDocument.worker_id == case.worker_id, SignedDocument.status == "signed")).scalars().first()
    return {"user": user, "case_id": case.id, "engagement_id": case.engagement_id, "account_id": acct.id,
            "paycheck_id": paycheck.id, "document_id": doc.id, "draft_id": draft.id, "name": f"{first} {last}"}


@pytest.fixture
def two_workers(app, db, portal_config, mailbox, acme):
    a = _onboard(app, acme, mailbox, "ana@example.com", "Ana", "Lopez", "123-45-6789", "011401533", "11112222")
    b = _onboard(app, acme, mailbox, "ben@example.com", "Ben", "Okafor", "234-56-7890", "021000021", "99998888")
    return a, b


def _signed_in(app, login, user):
    http = isolated_client(app)
    login(http, user, "a-long-password-1")
    return http


GETS = [
    "/portal/documents/{document_id}.pdf",
    "/portal/paychecks/{paycheck_id}.pdf",
    "/portal/paychecks/{paycheck_id}",
    "/portal/onboarding/{case_id}/agreement",
    "/portal/onboarding/{case_id}/profile",
    "/portal/onboarding/{case_id}/agreement.pdf",
    "/portal/onboarding/{case_id}/status",
]
POSTS = [
    ("/portal/bank-accounts/{account_id}/remove", {}),
    ("/portal/onboarding/{case_id}/agreement", {"agree": "1", "signed_name": "x", "document_sha256": "x"}),
    ("/portal/onboarding/{case_id}/profile", {"first_name": "Mallory"}),
    ("/portal/onboarding/{case_id}/direct_deposit/manual",
     {"routing_number": "011401533", "account_number": "123123123", "split_kind": "percent", "split_percent": "10"}),
]


@pytest.mark.parametrize("template", GETS)
def test_every_page_and_download_with_another_workers_id_is_404(app, db, login, two_workers, template):
    a, b = two_workers
    http = _signed_in(app, login, a["user"])
    assert http.get(template.format(**a)).status_code == 200  # own record: found
    assert http.get(template.format(**b)).status_code == 404


@pytest.mark.parametrize("template,data", POSTS)
def test_every_form_posted_with_another_workers_id_is_404_and_changes_nothing(app, db, login, two_workers,
                                                                             template, data):
    a, b = two_workers
    http = _signed_in(app, login, a["user"])
    token = csrf_token_from(http.get("/portal/").data)
    before = _snapshot(db, b)
    assert http.post(template.format(**b), data={**data, "csrf_token": token}).status_code == 404
    assert _snapshot(db, b) == before


def _snapshot(db, w) -> tuple:
    accounts = db.session.execute(sa.select(BankAccount.id, BankAccount.status).where(
        BankAccount.worker_id == db.session.get(OnboardingCase, w["case_id"]).worker_id)
        .order_by(BankAccount.id)).all()
    case = db.session.get(OnboardingCase, w["case_id"])
    db.session.refresh(case)
    return (tuple(accounts), case.status, case.current_step, case.worker.first_name,
            db.session.get(SignedDocument, w["draft_id"]).status)


def test_own_bank_account_can_be_removed(app, db, login, two_workers):
    a, _ = two_workers
    http = _signed_in(app, login, a["user"])
    token = csrf_token_from(http.get("/portal/").data)
    assert http.post(f"/portal/bank-accounts/{a['account_id']}/remove", data={"csrf_token": token}).status_code == 302
    assert db.session.get(BankAccount, a["account_id"]).status == "closed"


def test_the_w4_preview_refuses_another_workers_engagement(app, db, login, two_workers):
    a, b = two_workers
    http = _signed_in(app, login, a["user"])
    token = csrf_token_from(http.get("/portal/").data)
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    own = http.post("/portal/api/w4-preview", json={"engagement_id": a["engagement_id"]}, headers=headers)
    assert own.status_code == 200
    other = http.post("/portal/api/w4-preview", json={"engagement_id": b["engagement_id"]}, headers=headers)
    assert other.status_code == 404


@pytest.mark.parametrize("path", ["/portal/", "/portal/paychecks", "/portal/documents", "/portal/engagements",
                                  "/portal/profile", "/portal/w4"])
def test_list_pages_show_only_the_workers_own_records(app, db, login, two_workers, path):
    a, b = two_workers
    http = _signed_in(app, login, a["user"])
    page = http.get(path)
    assert page.status_code == 200
    # the page's own CSRF token (in its meta tag and the sign-out form) is random base64 and once held "Ben"
    # (fresh-clone CI, 2026-12-05): the other worker's name and account must not be in the rest of the page
    shown = page.data.replace(csrf_token_from(page.data).encode(), b"")
    assert b"Ben" not in shown and b"Okafor" not in shown and b"8888" not in shown
    if path == "/portal/paychecks":
        assert f'data-paycheck="{a["paycheck_id"]}"'.encode() in page.data
        assert f'data-paycheck="{b["paycheck_id"]}"'.encode() not in page.data


def test_staff_are_refused_and_visitors_sent_to_sign_in(app, db, make_user, login):
    hr = make_user("hr")
    http = isolated_client(app)
    assert http.get("/portal/").status_code == 302
    assert "/login" in http.get("/portal/documents").headers["Location"]
    login(http, hr)
    assert http.get("/portal/").status_code == 403
