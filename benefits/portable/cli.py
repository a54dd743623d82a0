"""`backoffice portable-benefits credit [--since D]` (credit paid runs not credited yet), `... apply-premiums
--month YYYY-MM --user EMAIL` and `... balance WORKER_ID`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from backoffice.clitools import emit_json, handle_domain_errors
from backoffice.dates import parse_date


@click.group("portable-benefits")
def portable_group():
    """Portable benefits: workers' accounts credited from paid pay."""


@portable_group.command("credit")
@click.option("--since", default=None, help="Only runs paid with a pay date on or after this day (YYYY-MM-DD).")
@with_appcontext
@handle_domain_errors
def credit_cmd(since):
    """Credit every paid run's paychecks that have a rule and no credit yet (rules added after the run was paid);
    safe to run twice."""
    from . import services as svc

    try:
        day = parse_date(since) if since else None
    except ValueError:
        raise click.BadParameter(f"{since!r} is not a date (YYYY-MM-DD)", param_hint="--since") from None
    click.echo(f"{svc.credit_paid_runs(day)} credit(s) made")


@portable_group.command("apply-premiums")
@click.option("--month", required=True, help="The month (YYYY-MM) whose premiums the balances go toward.")
@click.option("--user", "email", required=True, help="The HR user the paycheck lines are added as.")
@with_appcontext
@handle_domain_errors
def apply_premiums_cmd(month, email):
    """For workers who chose it: a portable_premium use per health enrollment for the month, paid back with the
    next paycheck; safe to run twice."""
    import sqlalchemy as sa

    from backoffice.extensions import db
    from backoffice.security.models import User

    from . import services as svc

    try:
        first = parse_date(f"{month}-01")
    except ValueError:
        raise click.BadParameter(f"{month!r} is not a month (YYYY-MM)", param_hint="--month") from None
    user = db.session.execute(sa.select(User).where(User.email == email.lower(), User.active.is_(True))
                              ).scalar_one_or_none()
    if user is None:
        raise click.BadParameter(f"no active user {email}", param_hint="--user")
    click.echo(f"{svc.apply_premiums(first, user)} premium use(s) made")


@portable_group.command("balance")
@click.argument("worker_id", type=int)
@with_appcontext
@handle_domain_errors
def balance_cmd(worker_id):
    """The worker's balance and entries as JSON."""
    from . import services as svc

    view = svc.account_view(worker_id)
    emit_json({"worker_id": worker_id, "balance": str(view["balance"]),
               "entries": [{k: (str(v) if v is not None and not isinstance(v, (int, str)) else v)
                            for k, v in e.items()} for e in view["entries"]]})


def register(cli) -> None:
    cli.add_command(portable_group)
