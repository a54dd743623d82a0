"""Sending an issued invoice to the client's billing contact: the PDF attached, then the send recorded."""
from __future__ import annotations

from datetime import datetime

from backoffice.billing.models import Invoice
from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.extensions import db
from backoffice.mailport import send_mail
from backoffice.uow import transaction

from .documents import invoice_filename, invoice_message, invoice_pdf
from .invoicing import get_invoice


def send_invoice(invoice_id: int, now: datetime, user=None, *, to: str | None = None) -> Invoice:
    """E-mail an issued invoice (or credit note) with its PDF to the client's billing e-mail (or `to`), then
    record when and to whom. The message goes after the checks and before the record: a failed send records
    nothing and may be tried again."""
    inv = get_invoice(invoice_id)
    if inv.status in ("draft", "void"):
        raise DomainError(f"{inv} is {inv.status}: issue it before sending it", code="invoice_not_issued")
    address = (to or inv.client.billing_email or "").strip()
    if not address:
        raise ValidationFailed([Issue("billing_email", f"{inv.client} has no billing e-mail: add one to the "
                                                       f"client's billing terms", "required")])
    subject, body = invoice_message(inv)
    pdf = invoice_pdf(inv)
    send_mail(address, subject, body, attachments=[(invoice_filename(inv), "application/pdf", pdf)])
    with transaction():
        inv = get_invoice(invoice_id, lock=True)
        inv.sent_at = now
        inv.sent_to = address
        db.session.flush()
    return inv
