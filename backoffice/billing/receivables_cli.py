"""`backoffice billing aging [--as-of DATE]` (the aging report as CSV on stdout) and `backoffice billing
import-statement FILE [--user EMAIL]` (a bank statement imported as the staff page does it)."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from backoffice.audit import acting_as
from backoffice.billing.aging import aging_report
from backoffice.billing.bank_import import import_statement
from backoffice.billing.buckets import BUCKETS, totals
from backoffice.clitools import handle_domain_errors
from backoffice.clock import clock
from backoffice.dates import optional_date
from backoffice.exports import csv_lines
from backoffice.extensions import db
from backoffice.security.models import User


def _user(email: str | None) -> User:
    """--user EMAIL, else the first active admin."""
    stmt = sa.select(User).where(User.active.is_(True))
    stmt = stmt.where(User.email == email.lower()) if email else stmt.where(User.role == "admin").order_by(User.id)
    user = db.session.execute(stmt.limit(1)).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no active user {email}" if email else "no active admin user: pass --user EMAIL")
    return user


@click.command("aging")
@click.option("--as-of", "as_of", default=None, help="The date (YYYY-MM-DD; default today).")
@click.option("--client", "client_id", type=int, default=None, help="Only this client (its id).")
@with_appcontext
@handle_domain_errors
def aging_cmd(as_of, client_id):
    """Open receivables by client: current, 1–30, 31–60, 61–90, 90+ days past due, open credit, total (CSV)."""
    day = optional_date(as_of, "as_of") or clock().today()
    rows = aging_report(day, client_id=client_id)
    fields = [f for f, _l in BUCKETS] + ["credits", "total"]
    data = [[r.client_id, r.client_name, *(getattr(r, f) for f in fields)] for r in rows + [totals(rows)]]
    click.echo("".join(csv_lines(["client_id", "client"] + fields, data)), nl=False)


@click.command("import-statement")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "email", default=None, help="Act as this user (finance or admin); default: the first "
                                                    "active admin.")
@with_appcontext
@handle_domain_errors
def import_statement_cmd(path, email):
    """Import a bank statement CSV: receipts matched to invoices are applied, the rest listed to apply by hand.
    All or nothing; the same file is refused the second time."""
    user = _user(email)
    with open(path, "rb") as fh:
        content = fh.read()
    with acting_as(user):
        result = import_statement(content, path, user, today=clock().today())
    for row in result.unmatched_rows:
        click.echo(f"line {row['line']}\t{row['amount']}\tunmatched: {row['reason']}")
    click.echo(f"receipts: {result.rows}  matched: {result.matched}  unmatched: {result.unmatched}  "
               f"debits skipped: {result.skipped}")


def register(app) -> None:
    """Add the commands to billing's `billing` group (billing's cli registers it first)."""
    group = app.cli.commands.get("billing")
    if group is None:
        @app.cli.group("billing")
        def group():
            """Client invoices and receivables."""
    group.add_command(aging_cmd)
    group.add_command(import_statement_cmd)
