"""`backoffice payroll returns import FILE` and `backoffice payroll deposits plan|list|pay`: the money loop."""
from __future__ import annotations

import json
from datetime import date

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from backoffice.audit import acting_as
from backoffice.clitools import handle_domain_errors
from backoffice.clock import clock
from backoffice.dates import parse_date
from backoffice.extensions import db
from backoffice.security.models import User


def _user(email: str | None) -> User:
    """The user a command acts as: --user EMAIL, else the first active admin."""
    stmt = sa.select(User).where(User.active.is_(True))
    stmt = stmt.where(User.email == email.lower()) if email else stmt.where(User.role == "admin").order_by(User.id)
    user = db.session.execute(stmt.limit(1)).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no active user {email}" if email else "no active admin user: pass --user EMAIL")
    return user


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except Exception:       # noqa: BLE001 - any unreadable date is the same answer
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


USER_OPTION = click.option("--user", "email", default=None, help="Act as this user (finance or admin); "
                                                                 "default: the first active admin.")


@click.group("returns")
def returns_group():
    """The bank's ACH return and notification-of-change files."""


@returns_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@USER_OPTION
@click.option("--on", "on", default=None, help="Date the returns are booked (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_appcontext
@handle_domain_errors
def returns_import_cmd(path, email, on, as_json):
    """Import a NACHA return/NOC file: returns are recorded on their payments, NOC corrections applied to the
    bank accounts. Importing the same file twice changes nothing."""
    from payroll.services.bank_files import import_return_file

    user = _user(email)
    with open(path, "rb") as fh:
        content = fh.read()
    with acting_as(user):
        result = import_return_file(content, user, on=_day(on, "--on") or clock().today(), filename=path)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, default=str))
        return
    for line in result.lines:
        click.echo(f"line {line['line']}\t{line['code']}\tpayment {line['payment_id'] or '-'}\t{line['outcome']}"
                   f"\t{line['message']}")
    click.echo(f"returns: {result.returns}  NOCs: {result.nocs}  matched: {result.matched}  "
               f"unmatched: {result.unmatched}  already imported: "
               f"{result.returns + result.nocs if result.already_imported else result.already}  "
               f"refused: {result.refused}")
    if result.already_imported:
        click.echo(result.summary(), err=True)


@click.group("deposits")
def deposits_group():
    """Payroll tax deposits (941, 940, state withholding, SUI) and their due dates."""


@deposits_group.command("plan")
@click.option("--from", "start", required=True, help="First liability date (YYYY-MM-DD).")
@click.option("--to", "end", required=True, help="Last liability date (YYYY-MM-DD).")
@click.option("--lookback", default=None, help="Form 941 line 12 total for the lookback period (default: from "
                                               "the ledger; none → a new employer, monthly).")
@USER_OPTION
@with_appcontext
@handle_domain_errors
def deposits_plan_cmd(start, end, lookback, email):
    """Turn the journal's tax liabilities between two dates into deposits with due dates (again: only what is
    not covered yet)."""
    from backoffice.money import D
    from payroll.services.deposits import plan_deposits

    user = _user(email)
    with acting_as(user):
        made = plan_deposits(_day(start, "--from"), _day(end, "--to"), user,
                             lookback_total=D(lookback) if lookback else None)
    for d in made:
        click.echo(f"#{d.id}\t{d.tax}\t{d.state or '-'}\t{d.period_start}..{d.period_end}\t"
                   f"due {d.due_date or 'data missing'}\t{d.amount}\t{d.rule}")
    click.echo(f"planned {len(made)} deposit(s)", err=True)


@deposits_group.command("list")
@click.option("--status", type=click.Choice(["due", "paid", "all"]), default="due")
@click.option("--tax", default=None)
@click.option("--state", default=None)
@with_appcontext
@handle_domain_errors
def deposits_list_cmd(status, tax, state):
    """List deposits, due soonest first."""
    from payroll.services.deposits import list_deposits

    today = clock().today()
    rows = list_deposits(status=None if status == "all" else status, tax=tax, state=state)
    for d in rows:
        late = " OVERDUE" if d.status == "due" and d.due_date and d.due_date < today else ""
        click.echo(f"#{d.id}\t{d.tax}\t{d.state or '-'}\t{d.period_start}..{d.period_end}\t"
                   f"due {d.due_date or 'data missing'}{late}\t{d.amount}\t{d.status}"
                   f"{'  paid ' + str(d.paid_on) + ' ' + d.confirmation if d.status == 'paid' else ''}")
    click.echo(f"{len(rows)} deposit(s)", err=True)


@deposits_group.command("pay")
@click.argument("deposit_id", type=int)
@click.option("--confirmation", required=True, help="EFTPS or state payment confirmation number.")
@click.option("--on", "on", default=None, help="Date paid (default: today).")
@USER_OPTION
@with_appcontext
@handle_domain_errors
def deposits_pay_cmd(deposit_id, confirmation, on, email):
    """Record a deposit as paid: the liability accounts it covers are debited and cash credited."""
    from payroll.services.deposits import pay_deposit

    user = _user(email)
    with acting_as(user):
        d = pay_deposit(deposit_id, user, paid_on=_day(on, "--on") or clock().today(), confirmation=confirmation)
    click.echo(f"deposit #{d.id} paid {d.paid_on} ({d.confirmation}): {d.amount}; journal entry "
               f"#{d.journal_entry_id}")


def register(payroll_group) -> None:
    payroll_group.add_command(returns_group)
    payroll_group.add_command(deposits_group)
