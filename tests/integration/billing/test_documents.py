"""The invoice PDF reads like an invoice (pdftotext), and goes to the client's billing contact attached to an
e-mail through a real SMTP conversation."""
from __future__ import annotations

import subprocess
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from tests.integration.billing.conftest import ISSUED

THROUGH = date(2026, 11, 8)


def _issued(world):
    from backoffice.billing.services.invoicing import create_invoices

    world.agency.legal_name = "Tandem Staffing LLC"
    world.agency.address_line1 = "100 Main St"
    world.agency.city, world.agency.state, world.agency.postal_code = "Austin", "TX", "78701"
    c = world.client
    c.legal_name, c.billing_contact_name, c.billing_email = "Acme Logistics Inc.", "Pat Payables", "ap@acme.example"
    c.address_line1, c.city, c.postal_code, c.po_number = "9 Dock Rd", "Houston", "77002", "PO-7731"
    e = world.worker(rate="20.00")
    e.bill_rate = Decimal("30.00")
    world.time(e, hours=(10, 10, 10, 10, 5, 0, 0))
    world.approved_run()
    [inv] = create_invoices(THROUGH, issue_date=ISSUED).invoices
    return inv


def test_the_invoice_pdf_shows_both_parties_number_dates_po_terms_lines_total_and_remit_to(db, world, pdftotext):
    """The bill-rate invoice of 40 regular hours × 30.00 = 1,200.00 and 5 overtime hours × 45.00 = 225.00:
    the PDF's text carries INV-000001, the agency and client blocks, November 16, 2026 (issued) and December 16,
    2026 (due, net 30), PO-7731, both lines and the total $1,425.00, and the remit-to block."""
    from backoffice.billing.services.documents import invoice_pdf

    inv = _issued(world)
    pdf = invoice_pdf(inv)
    assert pdf.startswith(b"%PDF")
    text = subprocess.run([pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
                          ).stdout.decode()
    for expected in ("INVOICE", "INV-000001", "Tandem Staffing LLC", "100 Main St", "Acme Logistics Inc.",
                     "Attn: Pat Payables", "November 16, 2026", "December 16, 2026", "Net 30", "PO-7731",
                     "regular hours", "overtime hours", "1,200.00", "225.00", "$1,425.00", "REMIT TO"):
        assert expected in text, (expected, text)


def test_sending_mails_the_pdf_to_the_billing_contact_and_records_it(db, world, app, monkeypatch):
    """A local SMTP server receives one message to ap@acme.example whose subject names INV-000001 and whose
    attachment INV-000001.pdf is a PDF; the invoice records the address and the time."""
    from backoffice.billing.services.delivery import send_invoice
    from tests.integration.onboarding.support import running_smtp

    inv = _issued(world)
    now = datetime(2026, 11, 16, 14, 0, tzinfo=timezone.utc)
    with running_smtp() as box:
        monkeypatch.setitem(app.config, "SMTP_HOST", box.host)
        monkeypatch.setitem(app.config, "SMTP_PORT", box.port)
        monkeypatch.setitem(app.config, "SMTP_TLS", "off")
        send_invoice(inv.id, now)
        assert box.arrived.wait(5)
    [msg] = box.messages
    assert msg["X-Envelope-To"] == "ap@acme.example"
    assert "INV-000001" in msg["Subject"]
    [pdf] = [p for p in msg.walk() if p.get_filename()]
    assert pdf.get_filename() == "INV-000001.pdf" and pdf.get_content_type() == "application/pdf"
    assert pdf.get_payload(decode=True).startswith(b"%PDF")
    assert (inv.sent_to, inv.sent_at) == ("ap@acme.example", now)


def test_a_client_without_a_billing_email_is_refused_naming_the_field(db, world, app, monkeypatch):
    from backoffice.billing.services.delivery import send_invoice
    from backoffice.errors import ValidationFailed

    inv = _issued(world)
    world.client.billing_email = ""
    sent = []
    monkeypatch.setitem(app.extensions, "mail_sender", lambda *a, **k: sent.append(a))
    with pytest.raises(ValidationFailed) as bad:
        send_invoice(inv.id, datetime(2026, 11, 16, tzinfo=timezone.utc))
    assert [i.field for i in bad.value.issues] == ["billing_email"] and sent == []
