"""State withholding certificates in the wizard and the portal: any state's form rendered from onboarding's data
(NJ-W4 with its rate table, MD MW507 with its county), every bad field named, signed, stored for the engine, a PDF
copy read back, and the what-if of the state withholding before and after."""
from __future__ import annotations

import subprocess

import sqlalchemy as sa

from backoffice.onboarding.models import SignedDocument
from backoffice.workers.profile import TaxProfile
from tests.functional.portal.conftest import field_errors

W4 = {"filing_status": "single", "step3_credits": "0", "step4a_other_income": "", "step4b_deductions": "",
      "step4c_extra": ""}


def _to_state_step(p, *, first: str, last: str, tin: str, city: str, state: str, postal: str):
    r = p.post(p.step_url("profile"), {"first_name": first, "last_name": last, "tin_type": "ssn", "tin": tin,
                                       "birth_date": "1990-04-12", "address_line1": "1 Main St", "city": city,
                                       "state": state, "postal_code": postal})
    assert r.status_code == 302, field_errors(r.data)
    r = p.post(p.step_url("w4"), {**W4, "signed_name": f"{first} {last}"})
    assert r.status_code == 302 and r.headers["Location"].endswith(p.step_url("state_certificate"))


def _pdf_text(pdftotext, pdf: bytes) -> str:
    return subprocess.run([pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_a_worker_in_new_jersey_living_in_pennsylvania_files_the_nj_w4_with_its_rate_table(db, invite_and_accept,
                                                                                          pdftotext):
    p = invite_and_accept(type="leased_employee", work_state="NJ", email="nia@example.com", first_name="Nia",
                          last_name="Cole", pay_rate="52000", pay_unit="year")
    _to_state_step(p, first="Nia", last="Cole", tin="219-09-9998", city="Yardley", state="PA", postal="19067")
    page = p.http.get(p.step_url("state_certificate"))
    assert b"NJ-W4" in page.data and b'name="rate_table"' in page.data and b'name="reciprocity"' in page.data
    # Bad input: a rate table letter the NJ-W4 does not print, a count that is not a number, no signature.
    r = p.post(p.step_url("state_certificate"), {"filing_status": "married", "rate_table": "F", "allowances": "two",
                                                 "additional": "-5"})
    assert r.status_code == 422
    errors = field_errors(r.data)
    assert set(errors) == {"rate_table", "allowances", "additional", "signed_name"}, errors
    assert "not one of the options" in errors["rate_table"]
    r = p.post(p.step_url("state_certificate"), {"filing_status": "married", "rate_table": "B", "allowances": "2",
                                                 "additional": "15", "reciprocity": "1", "signed_name": "Nia Cole"})
    assert r.status_code == 302, field_errors(r.data)
    profile = db.session.execute(sa.select(TaxProfile).order_by(TaxProfile.id.desc())).scalars().first()
    assert profile.state_certificate == {"NJ": {"filing_status": "married", "rate_table": "B", "allowances": 2,
                                                "additional": "15.00", "exempt": False, "reciprocity": True}}
    doc = db.session.execute(sa.select(SignedDocument).where(SignedDocument.kind == "state_certificate")).scalar_one()
    text = _pdf_text(pdftotext, doc.pdf)
    assert "NJ NJ-W4" in text and "NJ-W4 (1-21)" in text
    assert "Wage chart rate table" in text and "Married/Civil union couple joint" in text and "$15.00" in text
    assert "Nia Cole" in text


def test_a_worker_in_maryland_files_the_mw507_with_the_county(db, invite_and_accept, pdftotext):
    p = invite_and_accept(type="leased_employee", work_state="MD", email="max@example.com", first_name="Max",
                          last_name="Oduya", pay_rate="52000", pay_unit="year")
    _to_state_step(p, first="Max", last="Oduya", tin="219-09-9997", city="Bethesda", state="MD", postal="20814")
    page = p.http.get(p.step_url("state_certificate"))
    assert b"MW507" in page.data and b"Prince George&#39;s" in page.data
    r = p.post(p.step_url("state_certificate"), {"filing_status": "single", "county": "ATLANTIS", "allowances": "1",
                                                 "signed_name": "Max Oduya"})
    assert r.status_code == 422 and set(field_errors(r.data)) == {"county"}
    r = p.post(p.step_url("state_certificate"), {"filing_status": "single", "county": "MONTGOMERY",
                                                 "allowances": "1", "signed_name": "Max Oduya"})
    assert r.status_code == 302, field_errors(r.data)
    profile = db.session.execute(sa.select(TaxProfile).order_by(TaxProfile.id.desc())).scalars().first()
    assert profile.state_certificate["MD"] == {"filing_status": "single", "allowances": 1, "additional": "0.00",
                                              "county": "MONTGOMERY", "exempt": False, "reciprocity": False}
    doc = db.session.execute(sa.select(SignedDocument).where(SignedDocument.kind == "state_certificate")).scalar_one()
    text = _pdf_text(pdftotext, doc.pdf)
    assert "MD MW507" in text and "County of residence" in text and "Montgomery" in text


def test_the_portal_state_page_previews_and_saves_a_new_mi_w4(db, invite_and_accept):
    """Form 446 (2026): 4.25% after $5,900 a year per exemption. Biweekly $2,000 (52,000 a year): no exemption,
    52,000 x 4.25% / 26 = $85.00; 2 exemptions, (52,000 - 11,800) x 4.25% / 26 = 1,708.50 / 26 = $65.71."""
    p = invite_and_accept(type="leased_employee", work_state="MI", email="mo@example.com", first_name="Mo",
                          last_name="Hale", pay_rate="52000", pay_unit="year")
    _to_state_step(p, first="Mo", last="Hale", tin="219-09-9996", city="Lansing", state="MI", postal="48933")
    r = p.json("/portal/api/state-certificate-preview", {"allowances": "2", "gross": "2000.00"})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["state"], body["before"], body["after"], body["difference"]) == ("MI", "85.00", "65.71", "-19.29")
    bad = p.json("/portal/api/state-certificate-preview", {"allowances": "-1", "gross": "2000.00"})
    assert bad.status_code == 422 and [i["field"] for i in bad.get_json()["issues"]] == ["allowances"]
    # The portal page (after onboarding, or any time): the MI-W4, saved with a PDF copy, then the what-if starts
    # from the form on file.
    page = p.http.get("/portal/state-certificate")
    assert page.status_code == 200 and b"MI-W4" in page.data and b"You have no MI-W4 on file" in page.data
    r = p.post("/portal/state-certificate", {"allowances": "2", "signed_name": "Mo Hale"})
    assert r.status_code == 302, field_errors(r.data)
    profile = db.session.execute(sa.select(TaxProfile).order_by(TaxProfile.id.desc())).scalars().first()
    assert profile.state_certificate["MI"]["allowances"] == 2
    again = p.json("/portal/api/state-certificate-preview", {"allowances": "0", "gross": "2000.00"}).get_json()
    assert (again["before"], again["after"]) == ("65.71", "85.00")
    assert b"Your MI-W4 on file" in p.http.get("/portal/state-certificate").data
    r = p.post("/portal/state-certificate", {"allowances": "x", "signed_name": ""})
    assert r.status_code == 422 and set(field_errors(r.data)) == {"allowances", "signed_name"}
    # A state with no form of the worker's: not found, not another state's page.
    assert p.http.get("/portal/state-certificate?state=TX").status_code == 404


def test_hr_sees_and_corrects_the_nj_w4_on_the_case_page_with_an_audit_entry(app, db, portal_config, mailbox, acme,
                                                                            make_user, login):
    from backoffice.audit import AuditLog
    from backoffice.clock import clock
    from backoffice.onboarding.services import invitations, wizard
    from tests.conftest import csrf_token_from
    from tests.functional.portal.conftest import isolated_client
    from tests.integration.onboarding.support import invite_data

    result = invitations.invite_worker(invite_data(acme.id, type="leased_employee", work_state="NJ"),
                                       config=app.config, base_url="http://localhost", now=clock().now())
    case = result.case
    wizard.save_profile(case, {"first_name": "Dana", "last_name": "Reyes", "tin": "123-45-6789",
                               "birth_date": "1980-01-01", "address_line1": "1 A St", "city": "Yardley",
                               "state": "PA", "postal_code": "19067"}, today=clock().today())
    wizard.save_w4(case, {"filing_status": "single", "signed_name": "Dana Reyes"}, today=clock().today())
    wizard.save_state_certificate(case, {"filing_status": "single", "rate_table": "A", "allowances": "0",
                                         "signed_name": "Dana Reyes"}, today=clock().today())
    hr = make_user("hr")
    http = isolated_client(app)
    login(http, hr)
    url = f"/admin/onboarding/case/{case.id}"
    page = http.get(url)
    assert page.status_code == 200 and b'data-state="NJ"' in page.data and b"NJ NJ-W4" in page.data
    assert b"3. Wage chart rate table" in page.data and b'id="cert-form"' in page.data
    # A paper NJ-W4 received: married, rate table B, 2 allowances. A typo first: the field named, nothing saved.
    r = http.post(f"{url}/state-certificate", data={"csrf_token": csrf_token_from(page.data),
                                                    "filing_status": "married", "rate_table": "G",
                                                    "allowances": "2", "signed_name": "Dana Reyes"})
    assert r.status_code == 422 and b"is not one of the options" in r.data
    r = http.post(f"{url}/state-certificate", data={"csrf_token": csrf_token_from(page.data),
                                                    "filing_status": "married", "rate_table": "B",
                                                    "allowances": "2", "signed_name": "Dana Reyes"})
    assert r.status_code == 302
    latest = db.session.execute(sa.select(TaxProfile).order_by(TaxProfile.id.desc())).scalars().first()
    assert latest.state_certificate["NJ"] == {"filing_status": "married", "rate_table": "B", "allowances": 2,
                                              "additional": "0.00", "exempt": False, "reciprocity": False}
    entry = db.session.execute(sa.select(AuditLog).where(AuditLog.model == "worker", AuditLog.action == "create",
                                                         AuditLog.record_id == str(latest.id))).scalar_one()
    assert entry.user_id == hr.id
    assert b"Married/Civil union couple joint" in http.get(url).data


def test_the_portal_mo_w4_page_offers_line_3_and_the_engine_withholds_that_amount(db, invite_and_accept):
    """MO W-4 line 3 (reduced withholding): 'Enter the amount to be withheld instead of the standard calculation.'
    Biweekly $2,000, single, 2026: 52,000 - 16,100 = 35,900; over 9,436: 263 + 4.7% x 26,464 (1,243.808) =
    1,506.808 / 26 = 57.95 -> $58.00 (rounded to the dollar); with line 3 of 30.00: $30.00."""
    p = invite_and_accept(type="leased_employee", work_state="MO", email="line3@example.com", first_name="Lee",
                          last_name="Byrd", pay_rate="52000", pay_unit="year")
    _to_state_step(p, first="Lee", last="Byrd", tin="219-09-9997", city="Columbia", state="MO", postal="65201")
    page = p.http.get("/portal/state-certificate")
    assert page.status_code == 200 and b"3. Reduced withholding" in page.data
    r = p.json("/portal/api/state-certificate-preview", {"filing_status": "single", "fixed_withholding": "30.00",
                                                         "gross": "2000.00"})
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["before"], r.get_json()["after"]) == ("58.00", "30.00")
    r = p.post("/portal/state-certificate", {"filing_status": "single", "fixed_withholding": "30.00",
                                             "signed_name": "Lee Byrd"})
    assert r.status_code == 302, field_errors(r.data)
    profile = db.session.execute(sa.select(TaxProfile).order_by(TaxProfile.id.desc())).scalars().first()
    assert profile.state_certificate["MO"]["fixed_withholding"] == "30.00"
