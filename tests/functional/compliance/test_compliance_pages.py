"""The compliance pages over HTTP: a worker's tax forms in the portal (their own copy as PDF; another's is a 404),
consent to electronic delivery and the copies e-mailed; GET /api/v1/tax-forms; the dashboard and the filing page
for each role (lifecycle buttons with CSRF, exports with full TINs for compliance and admin only)."""
from __future__ import annotations

import json
import subprocess
from datetime import date

import pytest

from backoffice.extensions import db as _db
from compliance import copy_services, registry, services as svc
from compliance.models import DeliveryConsent, Filing, FilingCopy
from tests.conftest import csrf_token_from, isolated_client
from tests.factories import AgencyFactory, ClientFactory, WorkerFactory
from tests.integration.compliance.support import toy_efw2, toy_json, toy_pdf, toy_spec

FIGURES: dict = {}


@pytest.fixture
def w2_toy(db, monkeypatch, app):
    """A toy W-2 under the real code: two employees, a pdf export that honours {"worker_id": id}, a JSON export
    and an EFW2 export that prints full TINs."""
    registry.specs()
    AgencyFactory()
    monkeypatch.setitem(registry._SPECS, "941", toy_spec("941", quarterly=True))
    monkeypatch.setitem(registry._SPECS, "w2", toy_spec(
        "w2", worker_list="employees", figures=FIGURES,
        exports={"pdf": toy_pdf, "json": toy_json, "efw2": toy_efw2}))
    a, b = WorkerFactory(payroll_ready=True), WorkerFactory(payroll_ready=True)
    FIGURES.clear()
    FIGURES[(2025, 0)] = {"employees": [
        {"worker_id": a.id, "name": "A", "tin_last4": "1111", "box1": "50000.00", "box2": "5000.00"},
        {"worker_id": b.id, "name": "B", "tin_last4": "2222", "box1": "60000.00", "box2": "6000.00"}],
        "totals": {"box1": "110000.00", "box2": "11000.00"}}
    sent = []
    monkeypatch.setitem(app.extensions, "mail_sender", lambda cfg, to, subject, body: sent.append((to, subject)))
    return a, b, sent


def _final_w2():
    r = svc.build_year(2025, ["w2"])[0]
    svc.review(r.filing_id)
    return svc.finalize(r.filing_id)


def test_making_a_w2_final_cuts_each_workers_copy_and_emails_those_who_consented(w2_toy):
    """A consented, B did not: finalizing cuts two copies (each the worker's own entry), A's is e-mailed, B's is
    paper; cutting again adds none."""
    a, b, sent = w2_toy
    copy_services.give_consent(a.id, None, "10.0.0.1")
    f = _final_w2()
    copies = {c.worker_id: c for c in _db.session.query(FilingCopy).filter_by(filing_id=f.id)}
    assert set(copies) == {a.id, b.id}
    assert copies[a.id].content["box1"] == "50000.00" and copies[a.id].form == "w2"
    assert (copies[a.id].delivery, copies[a.id].delivered_at is not None) == ("email", True)
    assert (copies[b.id].delivery, copies[b.id].delivered_at) == ("paper", None)
    assert sent == [(a.email, "Your 2025 Form W-2 is ready")]
    assert copy_services.cut_copies(f.id) == 0


def test_the_portal_lists_my_tax_forms_gives_my_pdf_and_404s_anothers(w2_toy, make_user, login, app):
    a, b, _sent = w2_toy
    f = _final_w2()
    mine = _db.session.query(FilingCopy).filter_by(filing_id=f.id, worker_id=a.id).one()
    theirs = _db.session.query(FilingCopy).filter_by(filing_id=f.id, worker_id=b.id).one()
    c = isolated_client(app)
    login(c, make_user("worker", worker_id=a.id))
    page = c.get("/portal/tax-forms")
    assert page.status_code == 200 and b"Form W-2" in page.data and b"2025" in page.data
    assert f'/portal/tax-forms/{mine.id}.pdf'.encode() in page.data and f'/portal/tax-forms/{theirs.id}.pdf'.encode() not in page.data
    pdf = c.get(f"/portal/tax-forms/{mine.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert json.loads(pdf.data[len(b"%PDF-toy "):]) == [mine.content]          # only my entry
    assert c.get(f"/portal/tax-forms/{theirs.id}.pdf").status_code == 404

    token = csrf_token_from(page.data)
    assert c.post("/portal/tax-forms/consent", data={}).status_code == 400                   # no CSRF token
    assert c.post("/portal/tax-forms/consent", data={"csrf_token": token}).status_code in (302, 303)
    consent = _db.session.query(DeliveryConsent).filter_by(worker_id=a.id).one()
    assert consent.withdrawn_at is None and consent.given_by_id is not None
    page = c.get("/portal/tax-forms")
    assert b"Withdraw my consent" in page.data
    c.post("/portal/tax-forms/consent/withdraw", data={"csrf_token": csrf_token_from(page.data)})
    _db.session.refresh(consent)
    assert consent.withdrawn_at is not None and copy_services.consent_of(a.id) is None


def test_api_tax_forms_a_worker_sees_their_own_staff_all_with_filters(w2_toy, make_user, token_for, client):
    a, b, _sent = w2_toy
    _final_w2()
    mine = client.get("/api/v1/tax-forms", headers=token_for(make_user("worker", worker_id=a.id)))
    assert mine.status_code == 200 and [i["worker_id"] for i in mine.json["items"]] == [a.id]
    staff = token_for(make_user("compliance"))
    every = client.get("/api/v1/tax-forms?year=2025&form=w2", headers=staff).json
    assert every["total"] == 2
    assert client.get(f"/api/v1/tax-forms?worker_id={b.id}", headers=staff).json["items"][0]["content"]["box1"] \
        == "60000.00"
    bad = client.get("/api/v1/tax-forms?form=w9&year=1900", headers=staff)
    assert bad.status_code == 422 and {"form", "year"} <= {i["field"] for i in bad.json["issues"]}
    approver = token_for(make_user("client_approver", client_id=ClientFactory().id))
    assert client.get("/api/v1/tax-forms", headers=approver).status_code == 403


def _page(c, url, status=200):
    r = c.get(url)
    assert r.status_code == status, (url, r.status_code, r.data[:300])
    return r


@pytest.mark.parametrize("role,status", [("compliance", 200), ("admin", 200), ("hr", 200), ("finance", 200),
                                         ("worker", 403)])
def test_the_dashboard_for_each_role(w2_toy, make_user, login, client, fixed_clock, role, status):
    """On 2026-01-20 the dashboard for 2025: the W-2 due Feb 2 (Jan 31 is a Saturday) is due soon; the 941 of Q2
    2025 is late; the checks say the 941s are not built."""
    fixed_clock.set(date(2026, 1, 20))
    svc.build_year(2025, ["w2"])
    kw = {"worker_id": w2_toy[0].id} if role == "worker" else {}
    login(client, make_user(role, **kw))
    r = client.get("/admin/compliance_dashboard/?year=2025")
    assert r.status_code == status
    if status == 200:
        assert b'id="attention"' in r.data and b"Forms W-2 to employees and the SSA 2025" in r.data
        assert b"Form 941 Q2 2025" in r.data and b"941 2025 Q2 not built" in r.data
        assert b'id="chart-liabilities_deposits"' in r.data and b'id="chart-filings_status"' in r.data


def test_the_filing_page_compliance_moves_it_on_hr_reads_without_full_tins(w2_toy, make_user, login, app):
    a, b, _sent = w2_toy
    f_id = svc.build_year(2025, ["w2"])[0].filing_id
    hr = isolated_client(app)
    login(hr, make_user("hr"))
    page = _page(hr, f"/admin/filing/show/{f_id}")
    assert b"50000.00" in page.data and b'id="move-review"' not in page.data
    assert b'id="export-json"' in page.data and b'id="export-efw2"' not in page.data
    assert _page(hr, f"/admin/filing/show/{f_id}/export/json").status_code == 200
    _page(hr, f"/admin/filing/show/{f_id}/export/efw2", 403)
    token = csrf_token_from(_page(hr, "/admin/filing/").data)
    assert hr.post(f"/admin/filing/show/{f_id}/move/review", data={"csrf_token": token}).status_code == 403

    co = isolated_client(app)
    login(co, make_user("compliance"))
    page = _page(co, f"/admin/filing/show/{f_id}")
    assert b'id="move-review"' in page.data and b'id="export-efw2"' in page.data
    assert co.post(f"/admin/filing/show/{f_id}/move/review", data={}).status_code == 400      # no CSRF token
    token = csrf_token_from(page.data)
    co.post(f"/admin/filing/show/{f_id}/move/review", data={"csrf_token": token})
    co.post(f"/admin/filing/show/{f_id}/move/finalize", data={"csrf_token": token})
    assert _db.session.get(Filing, f_id).status == "final"
    co.post(f"/admin/filing/show/{f_id}/move/file", data={"csrf_token": token, "confirmation": " ",
                                                          "filed_on": "2026-01-28"})
    assert _db.session.get(Filing, f_id).status == "final"          # refused: the confirmation is required
    page = _page(co, f"/admin/filing/show/{f_id}")
    assert b"confirmation" in page.data
    co.post(f"/admin/filing/show/{f_id}/move/file", data={"csrf_token": token, "confirmation": "SSA-WAGE-77",
                                                          "filed_on": "2026-01-28"})
    f = _db.session.get(Filing, f_id)
    _db.session.refresh(f)
    assert (f.status, f.confirmation, f.filed_on) == ("filed", "SSA-WAGE-77", date(2026, 1, 28))
    efw2 = _page(co, f"/admin/filing/show/{f_id}/export/efw2")
    assert efw2.data.decode().split() == [a.tin.replace("-", ""), b.tin.replace("-", "")]
    _page(co, "/admin/filing/show/999999", 404)


def test_staff_list_the_copies_a_worker_cannot(w2_toy, make_user, login, app):
    a, b, _sent = w2_toy
    _final_w2()
    hr = isolated_client(app)
    login(hr, make_user("hr"))
    page = _page(hr, "/admin/filing_copy/?flt0_0=2025")
    assert a.full_name.encode() in page.data and b.full_name.encode() in page.data
    wk = isolated_client(app)
    login(wk, make_user("worker", worker_id=a.id))
    assert wk.get("/admin/filing_copy/").status_code in (302, 403)


def test_a_form_without_a_pdf_export_gives_a_plain_pdf_of_the_copy(w2_toy, monkeypatch, pdftotext):
    """The generic copy: the worker's figures as a table (box1 50000.00), read back with pdftotext."""
    a, _b, _sent = w2_toy
    monkeypatch.setitem(registry._SPECS, "w2", toy_spec("w2", worker_list="employees", figures=FIGURES))
    f = _final_w2()
    copy = _db.session.query(FilingCopy).filter_by(filing_id=f.id, worker_id=a.id).one()
    pdf = copy_services.copy_pdf(copy)
    assert pdf.startswith(b"%PDF")
    text = subprocess.run([pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "2025 Form W-2" in text and "box1" in text and "50000.00" in text and "60000.00" not in text


def test_a_correction_cuts_copies_only_for_the_workers_whose_figures_changed(w2_toy, monkeypatch):
    """After filing, B's box 1 goes from 60,000.00 to 61,000.00: the correction (toy: original and corrected
    contents, as services.correct makes them) made final cuts one W-2c copy, B's, with both figures."""
    a, b, _sent = w2_toy
    spec = registry.spec("w2")
    monkeypatch.setitem(registry._SPECS, "w2", registry.FormSpec(**{
        **{k: getattr(spec, k) for k in spec.__dataclass_fields__}, "correction_form": "w2c",
        "correct": lambda filed, now: None if filed == now else {"original": filed, "corrected": now}}))
    f = _final_w2()
    svc.mark_filed(f.id, "SSA-1")
    FIGURES[(2025, 0)]["employees"][1] = {**FIGURES[(2025, 0)]["employees"][1], "box1": "61000.00"}
    c = svc.correct(f.id)
    svc.review(c.id)
    svc.finalize(c.id)
    copies = _db.session.query(FilingCopy).filter_by(filing_id=c.id).all()
    assert [(x.worker_id, x.form, x.content["original"]["box1"], x.content["corrected"]["box1"])
            for x in copies] == [(b.id, "w2c", "60000.00", "61000.00")]
