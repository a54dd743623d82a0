"""The receivables pages in the admin, as finance uses them: record a payment, import a statement and apply what
did not match, the aging page and its CSV/XLSX, a client statement as a PDF, a write-off asked by one user and
approved by another, a credit note for a corrected line; and who may not."""
from __future__ import annotations

import csv
import io
import subprocess
from datetime import date

import pytest

from tests.conftest import csrf_token_from
from tests.factories import ClientFactory
from tests.integration.billing.receivables_support import issued_invoice


@pytest.fixture
def books(db, fixed_clock):
    """As of 2026-06-30: Acme owes INV-000001 1,000.00 (issued 06-01, due 07-01: current) and Birch INV-000002
    300.00 (issued 04-01, due 05-01: 60 days past due, 31–60)."""
    fixed_clock.set(date(2026, 6, 30))
    acme = ClientFactory(name="Acme Staffing Co", legal_name="Acme Staffing Company LLC")
    birch = ClientFactory(name="Birch Foods")
    return (acme, birch, issued_invoice(acme, "1000.00", date(2026, 6, 1), number="INV-000001"),
            issued_invoice(birch, "300.00", date(2026, 4, 1), number="INV-000002"))


def _post(c, url, data, **kw):
    token = csrf_token_from(c.get(url).data)
    return c.post(url, data={"csrf_token": token, **data}, **kw)


def test_finance_records_a_payment_and_a_bad_amount_is_shown_beside_its_field(app, books, make_user, login):
    """1,000.00 owed: 1,000.01 is refused beside the amount field; 400.00 leaves 600.00, partially paid."""
    _, _, inv, _ = books
    c = app.test_client()
    login(c, make_user("finance"))
    url = f"/admin/billing_payment/record/?invoice_id={inv.id}"
    bad = _post(c, url, {"amount": "1000.01", "received_on": "2026-06-15", "method": "ach"})
    assert bad.status_code == 422 and b"more than the balance" in bad.data and b"is-invalid" in bad.data
    ok = _post(c, url, {"amount": "400.00", "received_on": "2026-06-15", "reference": "chk 88", "method": "check"})
    assert ok.status_code == 302
    from backoffice.billing.models import Invoice
    from backoffice.extensions import db

    db.session.expire_all()
    assert (str(db.session.get(Invoice, inv.id).balance), db.session.get(Invoice, inv.id).status) == (
        "600.00", "partially_paid")
    page = c.get("/admin/billing_payment/")
    assert page.status_code == 200 and b"chk 88" in page.data


def test_a_statement_upload_applies_matches_and_lists_the_rest_to_apply_by_hand(app, books, make_user, login):
    """Line 2 names INV-000001 (1,000.00, paid in full); line 3 is 55.00 from nobody known: applied by hand to
    Birch's INV-000002 (300.00 → 245.00)."""
    from backoffice.billing.models import Invoice
    from backoffice.billing.receivables_models import ClientPayment
    from backoffice.extensions import db

    c = app.test_client()
    login(c, make_user("finance"))
    content = b"date,amount,reference,payer\n2026-06-20,1000.00,INV-000001,\n2026-06-21,55.00,ACH 1,Mystery Inc\n"
    r = _post(c, "/admin/billing_payment/import/", {"statement": (io.BytesIO(content), "june.csv")},
              content_type="multipart/form-data")
    assert r.status_code == 200 and b"1 matched and applied, 1 to apply by hand" in r.data
    again = _post(c, "/admin/billing_payment/import/", {"statement": (io.BytesIO(content), "june.csv")},
                  content_type="multipart/form-data", follow_redirects=True)
    assert b"already imported" in again.data
    p = db.session.query(ClientPayment).filter(ClientPayment.unapplied > 0).one()
    birch_inv = db.session.query(Invoice).filter_by(number="INV-000002").one()
    r = _post(c, f"/admin/billing_payment/apply/{p.id}/", {"invoice_id": str(birch_inv.id), "amount": "55.00"})
    assert r.status_code == 302
    db.session.expire_all()
    assert str(db.session.get(Invoice, birch_inv.id).balance) == "245.00"


def test_the_aging_page_and_its_csv_show_the_same_buckets(app, books, make_user, login):
    """Acme 1,000.00 current; Birch 300.00 in 31–60; total 1,300.00 — on the page, in the CSV and in the XLSX."""
    c = app.test_client()
    login(c, make_user("finance"))
    page = c.get("/admin/billing_aging/?as_of=2026-06-30")
    assert page.status_code == 200 and b"$1,300.00" in page.data
    rows = list(csv.reader(io.StringIO(c.get("/admin/billing_aging/export.csv?as_of=2026-06-30").data.decode())))
    assert rows[0][:7] == ["Client id", "Client", "Current", "1–30", "31–60", "61–90", "90+"]
    by_name = {r[1]: r for r in rows[1:]}
    assert (by_name["Acme Staffing Co"][2], by_name["Birch Foods"][4], by_name["Total"][8]) == (
        "1000.00", "300.00", "1300.00")
    xlsx = c.get("/admin/billing_aging/export.xlsx?as_of=2026-06-30")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    past_due = c.get("/admin/billing_aging/export.csv?as_of=2026-06-30&past_due=1").data.decode()
    assert "Birch Foods" in past_due and "Acme" not in past_due


def test_a_client_statement_pdf_lists_the_open_invoice_and_the_amount_due(app, books, make_user, login, pdftotext,
                                                                          tmp_path):
    _, birch, _, _ = books
    c = app.test_client()
    login(c, make_user("finance"))
    assert c.get(f"/admin/billing_statement/?client_id={birch.id}").status_code == 200
    r = c.get(f"/admin/billing_statement/pdf?client_id={birch.id}&as_of=2026-06-30")
    assert r.status_code == 200 and r.data[:4] == b"%PDF"
    (tmp_path / "s.pdf").write_bytes(r.data)
    text = subprocess.run([pdftotext, "-layout", str(tmp_path / "s.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert "Statement of account" in text and "INV-000002" in text and "Amount due: $300.00" in text
    assert "60" in text          # days past due (due 05-01, statement 06-30)
    assert c.get("/admin/billing_statement/pdf?client_id=999999").status_code == 404


def test_a_write_off_asked_by_one_user_is_approved_by_another(app, books, make_user, login):
    from backoffice.billing.models import Invoice
    from backoffice.billing.receivables_models import WriteOff
    from backoffice.extensions import db

    _, _, _, inv = books
    ann, bo = make_user("finance"), make_user("finance")
    c = app.test_client()
    login(c, ann)
    r = _post(c, f"/admin/billing_write_off/ask/?invoice_id={inv.id}", {"amount": "300.00", "reason": "closed"})
    assert r.status_code == 302
    w = db.session.query(WriteOff).one()
    token = csrf_token_from(c.get("/admin/billing_write_off/").data)
    c.post("/admin/billing_write_off/action/", data={"csrf_token": token, "action": "approve", "rowid": [str(w.id)]},
           follow_redirects=True)
    db.session.expire_all()
    assert db.session.get(WriteOff, w.id).status == "requested"     # Ann may not approve her own
    c2 = app.test_client()
    login(c2, bo)
    token = csrf_token_from(c2.get("/admin/billing_write_off/").data)
    c2.post("/admin/billing_write_off/action/", data={"csrf_token": token, "action": "approve", "rowid": [str(w.id)]})
    db.session.expire_all()
    inv = db.session.get(Invoice, inv.id)
    assert (db.session.get(WriteOff, w.id).status, inv.status, str(inv.balance)) == ("approved", "written_off", "0.00")


def test_a_credit_note_for_one_corrected_line(app, books, make_user, login):
    """INV-000001 has one 1,000.00 line; crediting it makes CN-000001 for 1,000.00 and clears the invoice."""
    from backoffice.billing.models import Invoice
    from backoffice.extensions import db

    _, _, inv, _ = books
    c = app.test_client()
    login(c, make_user("finance"))
    url = f"/admin/billing_statement/credit/?invoice_id={inv.id}"
    assert _post(c, url, {"reason": "x"}).status_code == 422           # no line chosen
    r = _post(c, url, {"reason": "hours were wrong", "line_ids": [str(inv.lines[0].id)]})
    assert r.status_code == 302
    note = db.session.query(Invoice).filter_by(kind="credit_note").one()
    assert (note.number, str(note.total)) == ("CN-000001", "1000.00")


@pytest.mark.parametrize("role", ["hr", "client_approver", "compliance"])
def test_roles_without_receivables_rights_are_kept_out(app, books, make_user, login, role):
    acme, _, inv, _ = books
    c = app.test_client()
    login(c, make_user(role, **({"client_id": acme.id} if role == "client_approver" else {})))
    for url in ("/admin/billing_aging/", "/admin/billing_payment/", "/admin/billing_write_off/",
                f"/admin/billing_payment/record/?invoice_id={inv.id}", "/admin/billing_payment/import/",
                f"/admin/billing_statement/?client_id={acme.id}"):
        assert c.get(url).status_code == 403, url


def test_the_invoice_page_offers_the_receivables_actions_to_finance_only(app, books, make_user, login):
    acme, _, inv, _ = books
    c = app.test_client()
    login(c, make_user("finance"))
    page = c.get(f"/admin/billing/invoice/{inv.id}")
    assert page.status_code == 200 and b"Record a payment" in page.data and b"Ask to write off" in page.data
    c2 = app.test_client()
    login(c2, make_user("client_approver", client_id=acme.id))
    page = c2.get(f"/admin/billing/invoice/{inv.id}")
    assert page.status_code == 200 and b"Record a payment" not in page.data and b"Client statement" not in page.data
