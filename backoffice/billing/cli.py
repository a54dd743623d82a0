"""`backoffice billing invoice --through YYYY-MM-DD [--client ID]`: the invoices due through a date, issued, one
line each; `backoffice billing send`: e-mail issued invoices not sent yet to the clients' billing contacts."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from backoffice.billing.models import Invoice
from backoffice.billing.services.delivery import send_invoice
from backoffice.billing.services.invoicing import create_invoices
from backoffice.billing.services.invoicing_runs import get_run, request_invoicing, summary
from backoffice.billing.tasks import RUN_INVOICING
from backoffice.clitools import handle_domain_errors
from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.money import fmt
from backoffice.tasks import enqueue


@click.command("invoice")
@click.option("--through", required=True, help="Invoice every period ended by this date (YYYY-MM-DD).")
@click.option("--client", "client_id", default=None, help="Only this client (its id).")
@click.option("--draft", is_flag=True, help="Leave the invoices as drafts (no number, no journal entry).")
@click.option("--background", is_flag=True, help="Queue it as a background invoicing run (the admin's progress "
                                                 "page follows it) and print the run's id instead.")
@with_appcontext
@handle_domain_errors
def invoice_cmd(through, client_id, draft, background):
    """Create the invoices due through a date from approved time and paid paychecks not billed yet, and issue
    them (today's date, the client's payment terms). Prints one line per invoice: number, client, total. Run
    twice, it bills nothing twice. With --background, the `billing.run_invoicing` task does it instead."""
    if background:
        run = request_invoicing(through, client_id, issue=not draft, issue_date=clock().today(), user=None)
        enqueue(RUN_INVOICING, run.id)          # after the commit; eager (done by now) without a broker
        click.echo(f"invoicing run #{run.id}: {summary(get_run(run.id))}")
        return
    result = create_invoices(through, client_id, issue_date=clock().today(), issue=not draft)
    for inv in result.invoices:
        click.echo(f"{inv.number or f'draft {inv.id}'}\t{inv.client.name}\t{fmt(inv.total)}")
    for why in result.skipped:
        click.echo(f"not billed: {why}", err=True)
    if not result.invoices:
        click.echo(f"nothing to invoice through {through}", err=True)


@click.command("send")
@click.option("--invoice", "numbers", multiple=True, help="An invoice number (repeatable); default: every issued "
                                                            "invoice not sent yet.")
@with_appcontext
@handle_domain_errors
def send_cmd(numbers):
    """E-mail issued invoices with their PDF to the clients' billing contacts."""
    stmt = sa.select(Invoice.id).where(Invoice.number.is_not(None), Invoice.status != "void")
    stmt = stmt.where(Invoice.number.in_(numbers)) if numbers else stmt.where(Invoice.sent_at.is_(None))
    for ident in db.session.execute(stmt.order_by(Invoice.id)).scalars().all():
        inv = send_invoice(ident, clock().now())
        click.echo(f"{inv.number}\t{inv.client.name}\tsent to {inv.sent_to}")


def register(cli) -> None:
    @cli.group("billing")
    def group():
        """Client invoices."""
    group.add_command(invoice_cmd)
    group.add_command(send_cmd)
