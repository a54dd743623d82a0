"""Portal pages: home (open tasks, next pay date, last net pay), paychecks with paystub PDF and explanation,
documents, engagements, and the W-4 page whose live preview is the payroll engine's quote."""
from __future__ import annotations

import subprocess
from datetime import date, timedelta

import sqlalchemy as sa

from backoffice.workers.models import Engagement, Worker
from backoffice.onboarding.models import SignedDocument
from backoffice.workers.profile import TaxProfile
from tests.functional.portal.conftest import field_errors
from tests.integration.onboarding.support import make_paycheck

PROFILE = {"first_name": "Lee", "last_name": "Park", "tin_type": "ssn", "tin": "123-45-6789",
           "birth_date": "1990-04-12", "address_line1": "1 Main St", "city": "Austin", "state": "TX",
           "postal_code": "73301"}


def _employee(invite_and_accept, **kw):
    # $52,000 a year paid every two weeks: $2,000.00 per paycheck (52,000 / 26).
    return invite_and_accept(type="leased_employee", work_state="TX", email="lee@example.com", first_name="Lee",
                             last_name="Park", pay_rate="52000", pay_unit="year", pay_frequency="biweekly", **kw)


def test_home_lists_the_open_onboarding_step_then_nothing_once_done(db, invite_and_accept):
    p = invite_and_accept()
    home = p.http.get("/portal/")
    assert home.status_code == 200
    assert b"Your profile (4 steps left)" in home.data
    assert p.step_url("profile").encode() in home.data
    assert b"No paychecks yet." in home.data


def test_paychecks_page_pdf_and_explanation(db, invite_and_accept, pdftotext, tmp_path):
    """Paycheck written as payroll posts it: gross $2,000.00; federal $150.00; social security 6.2% = $124.00;
    Medicare 1.45% = $29.00; net = 2,000.00 − 150.00 − 124.00 − 29.00 = $1,697.00."""
    p = _employee(invite_and_accept)
    assert p.post(p.step_url("profile"), PROFILE).status_code == 302
    worker = db.session.execute(sa.select(Worker)).scalar_one()
    eng = db.session.execute(sa.select(Engagement)).scalar_one()
    paycheck = make_paycheck(worker, eng, pay_date=date(2026, 11, 13), gross="2000.00", federal="150.00",
                             explanation=["Annualised wages: $2,000.00 x 26 = $52,000.00", "Amount to withhold"])
    home = p.http.get("/portal/")
    assert b"$1,697.00" in home.data and b"paid 2026-11-13" in home.data
    listing = p.http.get("/portal/paychecks")
    assert b"$2,000.00" in listing.data and b"$303.00" in listing.data and b"$1,697.00" in listing.data
    detail = p.http.get(f"/portal/paychecks/{paycheck.id}")
    assert detail.status_code == 200
    assert b"Annualised wages: $2,000.00 x 26 = $52,000.00" in detail.data
    assert b"Federal income tax" in detail.data
    pdf = p.http.get(f"/portal/paychecks/{paycheck.id}.pdf")
    assert pdf.mimetype == "application/pdf"
    path = tmp_path / "stub.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "1,697.00" in text and "Lee Park" in text


def test_next_pay_date_comes_from_the_pay_schedule(db, invite_and_accept):
    from payroll.services.schedules import create_schedule, upcoming

    p = _employee(invite_and_accept)
    schedule = create_schedule({"name": "Biweekly", "frequency": "biweekly", "anchor_start": "2026-01-05",
                                "pay_lag_days": 5})
    expected = [sp.pay_date for sp in upcoming(schedule, date.today(), 3) if sp.pay_date >= date.today()][0]
    assert date.today() <= expected <= date.today() + timedelta(days=14 + 7)  # biweekly: within one cycle + lag
    home = p.http.get("/portal/")
    assert expected.strftime("%b").encode() in home.data and str(expected.year).encode() in home.data


def test_w4_preview_follows_what_is_typed(db, invite_and_accept):
    """Pub 15-T (2026) Worksheet 1A, biweekly $2,000.00, single, Step 2 not checked:
    annual 2,000 × 26 = 52,000; less line 1g 8,600 → 43,400; Annual Percentage Method table (single, standard)
    row over 19,900: 1,240 + 12% × (43,400 − 19,900) = 4,060; ÷ 26 = 156.15.
    Step 4(c) $25 extra → 181.15. Step 3 credits $2,600 → 2,600 ÷ 26 = 100 less → 56.15.
    Texas has no income tax: state 0.00."""
    p = _employee(invite_and_accept)
    assert p.post(p.step_url("profile"), PROFILE).status_code == 302
    page = p.http.get(p.step_url("w4"))
    assert b'id="w4-preview"' in page.data and b"/portal/api/w4-preview" in page.data
    base = {"filing_status": "single", "step3_credits": "", "step4a_other_income": "", "step4b_deductions": "",
            "step4c_extra": ""}
    r = p.json("/portal/api/w4-preview", base).get_json()
    assert (r["gross"], r["federal_income_tax"], r["state_income_tax"]) == ("2000.00", "156.15", "0.00")
    assert any("43,400.00" in s for s in r["explanation"])
    assert p.json("/portal/api/w4-preview", {**base, "step4c_extra": "25"}).get_json()["federal_income_tax"] \
        == "181.15"
    assert p.json("/portal/api/w4-preview", {**base, "step3_credits": "2600"}).get_json()["federal_income_tax"] \
        == "56.15"


def test_updating_the_w4_after_onboarding_adds_a_profile_and_a_signed_copy(db, invite_and_accept):
    p = _employee(invite_and_accept)
    assert p.post(p.step_url("profile"), PROFILE).status_code == 302
    assert p.post(p.step_url("w4"), {"filing_status": "single", "signed_name": "Lee Park"}).status_code == 302
    page = p.http.get("/portal/w4")
    assert page.status_code == 200 and b'id="w4-form"' in page.data
    r = p.post("/portal/w4", {"filing_status": "head_of_household", "step4c_extra": "40", "signed_name": "Lee Park"})
    assert r.status_code == 302
    latest = db.session.execute(sa.select(TaxProfile).order_by(TaxProfile.id.desc())).scalars().first()
    assert (latest.filing_status, str(latest.step4c_extra)) == ("head_of_household", "40.00")
    kinds = db.session.execute(sa.select(SignedDocument.kind).where(SignedDocument.kind == "w4")).scalars().all()
    assert len(kinds) == 2
    r = p.post("/portal/w4", {"filing_status": "single", "step4c_extra": "-40", "signed_name": ""})
    assert r.status_code == 422
    assert field_errors(r.data) == {"step4c_extra": "must be at least 0 (got -40)",
                                    "signed_name": "type your full legal name to sign"}


def test_engagements_page_shows_type_and_classification(db, invite_and_accept):
    p = invite_and_accept()
    eng = db.session.execute(sa.select(Engagement)).scalar_one()
    eng.classification = "contractor"
    db.session.commit()
    page = p.http.get("/portal/engagements")
    assert b"Acme Robotics" in page.data and b"Independent contractor" in page.data
    assert f'id="engagement-{eng.id}"'.encode() in page.data


def test_profile_contact_update_and_manual_bank_account(db, invite_and_accept):
    p = invite_and_accept()
    r = p.post("/portal/profile", {"phone": "512-555-0100", "address_line1": "5 Oak Ave", "city": "Dallas",
                                   "state": "TX", "postal_code": "75201"})
    assert r.status_code == 302
    assert db.session.execute(sa.select(Worker.city)).scalar_one() == "Dallas"
    r = p.post("/portal/profile", {"state": "XX", "city": "Dallas", "address_line1": "5 Oak Ave"})
    assert r.status_code == 422 and "state" in field_errors(r.data)
    r = p.post("/portal/bank-accounts", {"routing_number": "011401534", "account_number": "12345678",
                                         "split_kind": "remainder"})
    assert r.status_code == 422  # 0+7+1+12+0+1+15+21+4 = 61: not a multiple of 10
    assert field_errors(r.data)["routing_number"].startswith("routing number check digit is wrong")
    r = p.post("/portal/bank-accounts", {"routing_number": "011401533", "account_number": "12345678",
                                         "split_kind": "remainder"})
    assert r.status_code == 302
    page = p.http.get("/portal/profile")
    assert b"*****5678" in page.data or b"5678" in page.data
    assert b"12345678" not in page.data  # never the whole account number


def test_signed_copies_are_pdfs_with_the_right_content_and_hash(db, invite_and_accept, pdftotext, tmp_path):
    import hashlib

    p = _employee(invite_and_accept)
    assert p.post(p.step_url("profile"), PROFILE).status_code == 302
    assert p.post(p.step_url("w4"), {"filing_status": "head_of_household", "step4c_extra": "12.34",
                                     "signed_name": "Lee Park"}).status_code == 302
    assert p.post(p.step_url("i9"), {"citizenship": "citizen", "attest": "1",
                                     "signed_name": "Lee Park"}).status_code == 302
    home = p.http.get("/portal/")
    # Start Monday 2026-12-07 → documents checked by Thursday 2026-12-10.
    assert b"Thursday December 10, 2026" in home.data
    docs = db.session.execute(sa.select(SignedDocument).order_by(SignedDocument.id)).scalars().all()
    assert [d.kind for d in docs] == ["w4", "i9_section1"]
    for doc in docs:
        r = p.http.get(f"/portal/documents/{doc.id}.pdf")
        assert r.status_code == 200 and hashlib.sha256(r.data).hexdigest() == doc.sha256
        path = tmp_path / f"{doc.kind}.pdf"
        path.write_bytes(r.data)
        text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert "Lee Park" in text
        if doc.kind == "w4":
            assert "Head of household" in text and "$12.34" in text
        else:
            assert "A citizen of the United States" in text and "***-**-6789" in text
            assert "123-45-6789" not in text


def test_the_profile_page_shows_where_local_taxes_are_figured(db, invite_and_accept):
    p = invite_and_accept()
    w = db.session.execute(sa.select(Worker)).scalar_one()
    w.city, w.state, w.psd_code = "Philadelphia", "PA", "510101"
    db.session.commit()
    page = p.http.get("/portal/profile")
    assert page.status_code == 200
    assert b"Where your local taxes are figured" in page.data and b"Home: Philadelphia, PA PSD 510101, PA" in page.data
