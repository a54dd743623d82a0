"""Command line for classification: `backoffice classify` (the engine, JSON in and out) and re-checks."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from backoffice.classification.cli_engine import classify_cmd
from backoffice.classification.services.rechecks import run_rechecks
from backoffice.clitools import handle_domain_errors
from backoffice.clock import clock
from backoffice.dates import parse_date


def register(cli) -> None:
    cli.add_command(classify_cmd)
    cli.add_command(classification_group)


@click.group("classification")
def classification_group():
    """Classification records."""


@classification_group.command("rechecks")
@click.option("--today", default="", help="Evaluate as of this date (YYYY-MM-DD); default today.")
@with_appcontext
@handle_domain_errors
def rechecks_cmd(today):
    """Raise re-checks for every open contractor engagement from timesheets, paychecks and new answers."""
    try:
        on = parse_date(today) if today else clock().today()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--today") from None
    click.echo(f"{run_rechecks(today=on, trigger='command')} new re-check(s) raised as of {on.isoformat()}")
