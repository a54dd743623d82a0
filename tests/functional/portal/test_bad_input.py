"""Bad input: each refused with a clear message on its field, and nothing saved.

Independent facts used here:
- SSNs with area number 000, 666 or 900-999 are never issued (SSA, "Social Security Number Randomization",
  2011); EIN prefixes 00 and 07 are not assigned by any IRS campus (IRS, "How EINs are assigned").
- ABA routing check digit: 3·d1 + 7·d2 + d3 + 3·d4 + 7·d5 + d6 + 3·d7 + 7·d8 + d9 ≡ 0 (mod 10).
  011401533 → 0+7+1+12+0+1+15+21+3 = 60 ✓; 011401534 → 61 ✗ (only the last digit differs).
- Form W-4 (2020+) Steps 3, 4(a), 4(b), 4(c) are dollar amounts a worker enters; none can be negative.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from backoffice.clock import clock
from backoffice.db import utcnow
from backoffice.security.models import User
from backoffice.workers.models import Worker
from backoffice.onboarding.services import invitations
from backoffice.onboarding.models import Invitation, OnboardingCase, OnboardingStep, SignedDocument
from backoffice.workers.profile import BankAccount, TaxProfile, W9Form
from tests.conftest import csrf_token_from
from tests.functional.portal.conftest import field_errors, isolated_client
from tests.integration.onboarding.support import invite_data

PROFILE = {"first_name": "Dana", "last_name": "Reyes", "tin_type": "ssn", "tin": "123-45-6789",
           "birth_date": "1990-04-12", "address_line1": "1 Main St", "city": "Austin", "state": "TX",
           "postal_code": "73301"}


def _step_status(db, step: str) -> str:
    return db.session.execute(sa.select(OnboardingStep.status).where(OnboardingStep.step == step)).scalar_one()


def _invited(app, acme, mailbox, **kw) -> str:
    invitations.invite_worker(invite_data(acme.id, **kw), config=app.config, base_url="http://localhost",
                              now=clock().now())
    return "/" + mailbox.last_link().split("/", 3)[3]


def test_an_expired_link_says_so_and_creates_no_account(app, db, portal_config, mailbox, acme):
    path = _invited(app, acme, mailbox)
    inv = db.session.execute(sa.select(Invitation)).scalar_one()
    inv.expires_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    http = isolated_client(app)
    page = http.get(path)
    assert page.status_code == 410
    assert b'id="link-error"' in page.data and b"This invitation link expired on" in page.data
    assert b"Ask HR to send you a new one" in page.data
    token = csrf_token_from(http.get("/login").data)
    resp = http.post(path, data={"password": "a-long-password-1", "password_confirm": "a-long-password-1",
                                 "csrf_token": token})
    assert resp.status_code == 410
    assert db.session.execute(sa.select(sa.func.count(User.id))).scalar() == 0
    assert db.session.execute(sa.select(Invitation.accepted_at)).scalar_one() is None


def test_a_reused_link_is_refused_and_the_password_is_unchanged(app, db, invite_and_accept, mailbox):
    invite_and_accept()
    path = "/" + mailbox.last_link().split("/", 3)[3]
    http = isolated_client(app)
    page = http.get(path)
    assert page.status_code == 410 and b"This invitation link has already been used" in page.data
    resp = http.post(path, data={"password": "attacker-password-9", "password_confirm": "attacker-password-9",
                                 "csrf_token": csrf_token_from(http.get("/login").data)})
    assert resp.status_code == 410, resp.data[:300]
    user = db.session.execute(sa.select(User)).scalar_one()
    assert user.check_password("a-long-password-1") and not user.check_password("attacker-password-9")


def test_a_mistyped_password_is_shown_on_its_field(app, db, portal_config, mailbox, acme):
    path = _invited(app, acme, mailbox)
    http = isolated_client(app)
    page = http.get(path)
    resp = http.post(path, data={"password": "a-long-password-1", "password_confirm": "a-long-password-2",
                                 "csrf_token": csrf_token_from(page.data)})
    assert resp.status_code == 422
    assert field_errors(resp.data) == {"password_confirm": "does not match the password"}
    assert db.session.execute(sa.select(sa.func.count(User.id))).scalar() == 0


@pytest.mark.parametrize("tin", ["000-12-3456", "666-12-3456", "912-34-5678", "078-05-1120"])
def test_an_ssn_that_fails_its_check_is_refused_on_the_field(db, invite_and_accept, tin):
    p = invite_and_accept()
    r = p.post(p.step_url("profile"), {**PROFILE, "tin": tin})
    assert r.status_code == 422
    errors = field_errors(r.data)
    assert list(errors) == ["tin"] and errors["tin"].startswith("is not a valid SSN")
    assert b"nothing was saved" in r.data
    worker = db.session.execute(sa.select(Worker)).scalar_one()
    assert worker.tin is None and worker.birth_date is None and worker.city == ""
    assert _step_status(db, "profile") == "pending"


def test_a_w9_ein_with_an_unassigned_prefix_is_refused_and_no_w9_saved(db, invite_and_accept):
    p = invite_and_accept()
    assert p.post(p.step_url("profile"), PROFILE).status_code == 302
    r = p.post(p.step_url("w9"), {"legal_name": "Dana Reyes", "business_name": "Reyes Engineering LLC",
                                  "entity_type": "llc_s", "tin_type": "ein", "tin": "07-1234567",
                                  "certified": "1", "signed_name": "Dana Reyes"})
    assert r.status_code == 422
    assert field_errors(r.data)["tin"].startswith("is not a valid EIN")
    assert db.session.execute(sa.select(sa.func.count(W9Form.id))).scalar() == 0
    assert db.session.execute(sa.select(sa.func.count(SignedDocument.id))).scalar() == 0
    worker = db.session.execute(sa.select(Worker)).scalar_one()
    assert (worker.tin_type, worker.tin_last4) == ("ssn", "6789")  # the profile's SSN is untouched
    assert _step_status(db, "w9") == "pending"


def test_a_w9_without_a_tin_is_saved_with_backup_withholding_flagged(db, invite_and_accept):
    p = invite_and_accept()
    assert p.post(p.step_url("profile"), PROFILE).status_code == 302
    r = p.post(p.step_url("w9"), {"legal_name": "Dana Reyes", "entity_type": "individual", "tin_type": "ssn",
                                  "tin": "", "certified": "1", "signed_name": "Dana Reyes"})
    assert r.status_code == 302
    assert db.session.execute(sa.select(W9Form.backup_withholding)).scalar_one() is True
    summary = db.session.execute(sa.select(OnboardingStep.summary).where(OnboardingStep.step == "w9")).scalar_one()
    assert summary["backup_withholding"] is True


def test_every_bad_w9_field_is_named_at_once(db, invite_and_accept):
    p = invite_and_accept()
    assert p.post(p.step_url("profile"), PROFILE).status_code == 302
    r = p.post(p.step_url("w9"), {"legal_name": "", "entity_type": "", "tin_type": "ssn", "tin": "666-00-1234"})
    assert r.status_code == 422
    assert set(field_errors(r.data)) == {"legal_name", "entity_type", "tin", "certified", "signed_name"}


def test_a_routing_number_with_a_bad_check_digit_is_refused_on_the_field(db, invite_and_accept):
    p = invite_and_accept()
    assert p.post(p.step_url("profile"), PROFILE).status_code == 302
    assert p.post(p.step_url("w9"), {"legal_name": "Dana Reyes", "entity_type": "individual", "tin_type": "ssn",
                                     "tin": "123-45-6789", "certified": "1",
                                     "signed_name": "Dana Reyes"}).status_code == 302
    r = p.post(f"/portal/onboarding/{p.case_id}/direct_deposit/manual",
               {"routing_number": "011401534", "account_number": "000123456789", "account_type": "checking",
                "split_kind": "remainder"})
    assert r.status_code == 422
    assert field_errors(r.data) == {
        "routing_number": "routing number check digit is wrong (not a valid ABA routing number)"}
    assert b"000123456789" not in r.data  # the account number is not echoed back
    assert db.session.execute(sa.select(sa.func.count(BankAccount.id))).scalar() == 0
    # Continuing without an account is refused too.
    r = p.post(p.step_url("direct_deposit"), {})
    assert r.status_code == 422 and b"add at least one account" in r.data
    assert _step_status(db, "direct_deposit") == "pending"


def test_a_w4_with_negative_amounts_names_each_field_and_saves_nothing(db, invite_and_accept):
    p = invite_and_accept(type="leased_employee", work_state="TX", email="lee@example.com", first_name="Lee",
                          last_name="Park")
    assert p.post(p.step_url("profile"), {**PROFILE, "first_name": "Lee", "last_name": "Park"}).status_code == 302
    r = p.post(p.step_url("w4"), {"filing_status": "single", "step3_credits": "-2000", "step4a_other_income": "0",
                                  "step4b_deductions": "-1.50", "step4c_extra": "-25", "signed_name": "Lee Park"})
    assert r.status_code == 422
    errors = field_errors(r.data)
    assert errors == {"step3_credits": "must be at least 0 (got -2000)",
                      "step4b_deductions": "must be at least 0 (got -1.50)",
                      "step4c_extra": "must be at least 0 (got -25)"}
    assert db.session.execute(sa.select(sa.func.count(TaxProfile.id))).scalar() == 0
    assert db.session.execute(sa.select(sa.func.count(SignedDocument.id))).scalar() == 0
    assert _step_status(db, "w4") == "pending"
    # The live preview refuses the same input, naming the same fields.
    r = p.json("/portal/api/w4-preview", {"filing_status": "single", "step3_credits": "-2000",
                                          "step4c_extra": "-25"})
    assert r.status_code == 422
    assert {i["field"] for i in r.get_json()["issues"]} == {"step3_credits", "step4c_extra"}


def test_steps_cannot_be_skipped(db, invite_and_accept):
    p = invite_and_accept()
    r = p.post(p.step_url("agreement"), {"agree": "1", "signed_name": "Dana Reyes", "document_sha256": "x"})
    assert r.status_code == 302 and r.headers["Location"].endswith(p.step_url("profile"))
    assert db.session.execute(sa.select(OnboardingCase.current_step)).scalar_one() == "profile"


def test_signing_with_a_different_name_or_a_stale_document_is_refused(db, invite_and_accept, fake_plaid):
    p = invite_and_accept()
    assert p.post(p.step_url("profile"), PROFILE).status_code == 302
    assert p.post(p.step_url("w9"), {"legal_name": "Dana Reyes", "entity_type": "individual", "tin_type": "ssn",
                                     "tin": "123-45-6789", "certified": "1",
                                     "signed_name": "Dana Reyes"}).status_code == 302
    assert p.post(f"/portal/onboarding/{p.case_id}/direct_deposit/manual",
                  {"routing_number": "011401533", "account_number": "000123456789",
                   "split_kind": "remainder"}).status_code == 302
    assert p.post(p.step_url("direct_deposit"), {}).status_code == 302
    p.http.get(p.step_url("agreement"))
    r = p.post(p.step_url("agreement"), {"agree": "", "signed_name": "Someone Else", "document_sha256": "0" * 64})
    assert r.status_code == 422
    assert set(field_errors(r.data)) == {"agree", "signed_name", "document_sha256"}
    assert db.session.execute(sa.select(SignedDocument.status).where(
        SignedDocument.kind == "contractor_agreement")).scalar_one() == "draft"


def test_a_state_certificate_with_bad_lines_names_each_and_saves_nothing(db, invite_and_accept):
    p = invite_and_accept(type="leased_employee", work_state="NY", email="ny@example.com", first_name="Noa",
                          last_name="Young")
    assert p.post(p.step_url("profile"), {**PROFILE, "first_name": "Noa", "last_name": "Young"}).status_code == 302
    assert p.post(p.step_url("w4"), {"filing_status": "single", "signed_name": "Noa Young"}).status_code == 302
    page = p.http.get(p.step_url("state_certificate"))
    assert b"IT-2104" in page.data
    r = p.post(p.step_url("state_certificate"), {"filing_status": "divorced", "allowances": "two",
                                                 "additional": "-10", "signed_name": "Noa Young"})
    assert r.status_code == 422
    assert field_errors(r.data) == {"filing_status": "'divorced' is not one of the options",
                                    "allowances": "must be a whole number, 0 or more",
                                    "additional": "must be an amount of 0 or more"}
    assert db.session.execute(sa.select(sa.func.count(TaxProfile.id))).scalar() == 1  # only the W-4's
    assert _step_status(db, "state_certificate") == "pending"


def test_an_employee_cannot_give_an_ein_and_a_child_cannot_be_onboarded(db, invite_and_accept):
    p = invite_and_accept(type="leased_employee", work_state="TX", email="e@example.com")
    r = p.post(p.step_url("profile"), {**PROFILE, "tin_type": "ein", "tin": "12-3456789",
                                       "birth_date": "2020-01-01", "postal_code": "7330"})
    assert r.status_code == 422
    errors = field_errors(r.data)
    assert errors["tin_type"].startswith("an employee gives a Social Security number")
    assert errors["birth_date"] == "you must be at least 14 years old to work here"
    assert errors["postal_code"].startswith("must be a ZIP code")
    assert db.session.execute(sa.select(Worker.tin)).scalar_one() is None
