"""The invoice as a document: its PDF (through the PDF port, templates/pdf/invoice.html) and its e-mail text."""
from __future__ import annotations

from datetime import date

from flask import render_template

from backoffice.billing.models import Invoice
from backoffice.dates import long_date
from backoffice.money import fmt_qty, fmt_usd
from backoffice.pdf import render_pdf
from backoffice.workers.models import Agency

UNIT_WORDS = {"hour": "hours", "overtime_hour": "overtime hours", "double_time_hour": "double-time hours",
              "unit": "units", "salary": "salary", "cost_plus": "cost-plus", "credit": "credit"}
METHOD_WORDS = {"bill_rate": "Hours and units at the agreed bill rates",
                "cost_plus": "Cost plus markup: wages, employer taxes, benefits and workers' compensation"}


def _fmt_date(day: date | None) -> str:
    return long_date(day) if day else "—"


def _fmt_money(amount) -> str:
    return f"{amount:,.2f}" if amount is not None else ""


def invoice_html(inv: Invoice) -> str:
    agency = inv.agency or Agency()
    client = inv.client
    heading = "CREDIT NOTE" if inv.kind == "credit_note" else "INVOICE"
    return render_template("pdf/invoice.html", title=str(inv), heading=heading, invoice=inv, agency=agency,
                           client=client, lines=list(inv.lines), unit_words=UNIT_WORDS,
                           method_words=METHOD_WORDS.get(client.billing_method, client.billing_method),
                           fmt_date=_fmt_date, fmt_money=_fmt_money, fmt_usd=fmt_usd, fmt_qty=fmt_qty)


def invoice_pdf(inv: Invoice) -> bytes:
    return render_pdf(invoice_html(inv))


def invoice_filename(inv: Invoice) -> str:
    return f"{inv.number or f'draft-{inv.id}'}.pdf"


def invoice_message(inv: Invoice) -> tuple[str, str]:
    """Subject and body of the e-mail that carries the invoice."""
    agency = inv.agency.legal_name if inv.agency is not None else "Your staffing agency"
    client = inv.client
    words = "Credit note" if inv.kind == "credit_note" else "Invoice"
    subject = f"{agency}: {words.lower()} {inv.number} for {_fmt_date(inv.period_start)} – {_fmt_date(inv.period_end)}"
    hello = f"Hello {client.billing_contact_name}," if client.billing_contact_name else "Hello,"
    po = f" (PO {inv.po_number})" if inv.po_number else ""
    body = (f"{hello}\n\n{words} {inv.number}{po} from {agency} is attached.\n"
            f"Total: {fmt_usd(inv.total)}. Issued {_fmt_date(inv.issue_date)}, due {_fmt_date(inv.due_date)} "
            f"(net {client.payment_terms_days}).\n\nPlease quote {inv.number} with your payment.\n")
    return subject, body
