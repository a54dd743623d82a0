"""The onboarding wizard over HTTP: every step for a contractor and a leased employee, ending on the board."""
from __future__ import annotations

import hashlib

import sqlalchemy as sa

from backoffice.workers.models import Engagement, Worker
from backoffice.onboarding.models import I9Record, OnboardingCase, SignedDocument
from backoffice.workers.profile import BankAccount, TaxProfile, W9Form
from tests.functional.portal.conftest import field_errors

PROFILE = {"first_name": "Dana", "last_name": "Reyes", "tin_type": "ssn", "tin": "123-45-6789",
           "birth_date": "1990-04-12", "address_line1": "1 Main St", "city": "Austin", "state": "TX",
           "postal_code": "73301"}


def test_a_contractor_completes_every_step(db, invite_and_accept, fake_plaid):
    p = invite_and_accept()
    assert p.http.get("/portal/onboarding/").headers["Location"].endswith(p.step_url("profile"))

    r = p.post(p.step_url("profile"), PROFILE)
    assert r.status_code == 302 and r.headers["Location"].endswith(p.step_url("w9"))
    worker = db.session.execute(sa.select(Worker)).scalar_one()
    assert (worker.tin_last4, worker.birth_date.isoformat(), worker.city) == ("6789", "1990-04-12", "Austin")

    r = p.post(p.step_url("w9"), {"legal_name": "Dana Reyes", "entity_type": "individual", "tin_type": "ssn",
                                  "tin": "123-45-6789", "certified": "1", "signed_name": "Dana Reyes"})
    assert r.status_code == 302, field_errors(r.data)
    w9 = db.session.execute(sa.select(W9Form)).scalar_one()
    assert (w9.tin_last4, w9.backup_withholding, w9.certified) == ("6789", False, True)

    # Bank linking through the fake Plaid: the browser's Link hands a public token to the exchange endpoint.
    assert p.json("/portal/api/plaid/link-token", {}).get_json()["link_token"].startswith("link-sandbox-")
    r = p.json("/portal/api/plaid/exchange", {"public_token": fake_plaid.make_public_token("ins_109509"),
                                              "institution_name": "First Gingham Credit Union",
                                              "split_kind": "remainder"})
    assert r.status_code == 200, r.data
    assert r.get_json()["account"].endswith("4321")
    acct = db.session.execute(sa.select(BankAccount)).scalar_one()
    assert (acct.routing_number, acct.account_number, acct.source) == ("322271627", "987654321", "plaid")
    r = p.post(p.step_url("direct_deposit"), {})
    assert r.status_code == 302 and r.headers["Location"].endswith(p.step_url("agreement"))

    page = p.http.get(p.step_url("agreement"))
    pdf = p.http.get(f"/portal/onboarding/{p.case_id}/agreement.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    # the page shows it in an <iframe>: our own pages may frame it, no other site may (the page itself: nobody)
    assert "frame-ancestors 'self'" in pdf.headers["Content-Security-Policy"]
    assert pdf.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    sha = hashlib.sha256(pdf.data).hexdigest()
    assert sha.encode() in page.data  # the page shows the fingerprint of the exact bytes it serves
    r = p.post(p.step_url("agreement"), {"agree": "1", "signed_name": "Dana Reyes", "document_sha256": sha})
    assert r.status_code == 302 and r.headers["Location"].endswith("/portal/")

    doc = db.session.execute(sa.select(SignedDocument).where(
        SignedDocument.kind == "contractor_agreement")).scalar_one()
    assert (doc.status, doc.signed_name, doc.sha256, doc.signed_ip) == ("signed", "Dana Reyes", sha, "127.0.0.1")
    assert hashlib.sha256(doc.pdf).hexdigest() == sha and doc.signed_at is not None
    case = db.session.execute(sa.select(OnboardingCase)).scalar_one()
    assert case.status == "completed" and all(s.status == "done" for s in case.steps)
    assert db.session.execute(sa.select(Engagement.status)).scalar_one() == "active"
    # The documents page lists the agreement and the W-9 copy, both downloadable as PDF.
    docs = p.http.get("/portal/documents")
    assert b"Independent Contractor Agreement" in docs.data and b"Form W-9" in docs.data


def test_a_leased_employee_in_california_fills_w4_de4_and_i9(db, invite_and_accept):
    p = invite_and_accept(type="leased_employee", work_state="CA", email="lee@example.com", first_name="Lee",
                          last_name="Park", pay_rate="52000", pay_unit="year")
    r = p.post(p.step_url("profile"), {**PROFILE, "first_name": "Lee", "last_name": "Park", "tin": "219-09-9998",
                                       "city": "Oakland", "state": "CA", "postal_code": "94607"})
    assert r.status_code == 302, field_errors(r.data)
    r = p.post(p.step_url("w4"), {"filing_status": "single", "step3_credits": "0", "step4a_other_income": "",
                                  "step4b_deductions": "", "step4c_extra": "25", "signed_name": "Lee Park"})
    assert r.status_code == 302, field_errors(r.data)
    page = p.http.get(p.step_url("state_certificate"))
    assert b"DE 4" in page.data
    r = p.post(p.step_url("state_certificate"), {"filing_status": "married", "allowances": "2",
                                                 "additional_allowances": "0", "additional": "10",
                                                 "signed_name": "Lee Park"})
    assert r.status_code == 302, field_errors(r.data)
    profile = db.session.execute(sa.select(TaxProfile).order_by(TaxProfile.id.desc())).scalars().first()
    assert str(profile.step4c_extra) == "25.00"
    assert profile.state_certificate == {"CA": {"filing_status": "married", "allowances": 2,
                                                "additional_allowances": 0, "additional": "10.00",
                                                "exempt": False}}
    r = p.post(p.step_url("i9"), {"citizenship": "citizen", "attest": "1", "signed_name": "Lee Park"})
    assert r.status_code == 302, field_errors(r.data)
    i9 = db.session.execute(sa.select(I9Record)).scalar_one()
    # Start Monday 2026-12-07 → section 2 due Thursday 2026-12-10 (three business days, USCIS M-274 3.0).
    assert (i9.start_date.isoformat(), i9.section2_due.isoformat()) == ("2026-12-07", "2026-12-10")
    r = p.post(f"/portal/onboarding/{p.case_id}/direct_deposit/manual",
               {"bank_name": "Credit Union", "routing_number": "011401533", "account_number": "000123456789",
                "account_type": "checking", "split_kind": "remainder"})
    assert r.status_code == 302
    r = p.post(f"/portal/onboarding/{p.case_id}/direct_deposit/manual",
               {"routing_number": "021000021", "account_number": "55550001", "account_type": "savings",
                "split_kind": "percent", "split_percent": "20"})
    assert r.status_code == 302
    assert p.post(p.step_url("direct_deposit"), {}).status_code == 302
    assert p.http.get(p.step_url("agreement")).status_code == 200
    assert db.session.execute(sa.select(OnboardingCase.current_step)).scalar_one() == "agreement"
