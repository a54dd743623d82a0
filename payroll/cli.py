"""`backoffice payroll ...`: NACHA file, pre-run checks, calculation and resume from the command line."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from backoffice.clitools import emit_json, handle_domain_errors, read_json
from backoffice.clock import clock
from payroll.engine.quote import quote
from payroll.services.payments import generate_nacha
from payroll.services.runs import pre_run_checks, resume_calculation


def register(cli) -> None:
    from payroll.cli_money import register as register_money

    register_money(payroll)         # payroll returns import / payroll deposits plan|list|pay
    cli.add_command(payroll)
    cli.add_command(paycheck)


@click.group()
def payroll():
    """Payroll runs."""


@payroll.command("nacha")
@click.argument("run_id", type=int)
@click.option("--output", "output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="file to write (- for standard output)")
@with_appcontext
@handle_domain_errors
def nacha_cmd(run_id, output):
    """Write the NACHA file of an approved or paid run (made on first request, the same bytes afterwards)."""
    f = generate_nacha(run_id, now=clock().now())
    if output == "-":
        click.echo(f.content, nl=False)
        return
    with open(output, "w", newline="") as fh:
        fh.write(f.content)
    click.echo(f"wrote {output}: {f.entry_count} entries, total {f.total_credit}", err=True)


@payroll.command("checks")
@click.argument("run_id", type=int)
@with_appcontext
@handle_domain_errors
def checks_cmd(run_id):
    """List the run's blocking pre-run issues (exit status 1 when there are any)."""
    issues = pre_run_checks(run_id)
    for issue in issues:
        click.echo(f"{issue.code}\t{issue.field}\t{issue.message}")
    click.echo(f"{len(issues)} blocking issue(s)", err=True)
    sys.exit(1 if issues else 0)


@payroll.command("resume")
@click.argument("run_id", type=int)
@with_appcontext
@handle_domain_errors
def resume_cmd(run_id):
    """Re-send the chunks of a calculating run that are not done (after a worker died)."""
    sent = resume_calculation(run_id)
    click.echo(f"re-sent {len(sent)} chunk(s)")


@click.group()
def paycheck():
    """Paycheck calculations."""


@paycheck.command("quote")
@click.option("--input", "input_path", required=True, help="JSON file with one quote request or a list; - for stdin")
@handle_domain_errors
def paycheck_quote_cmd(input_path):
    """Quote a paycheck (gross to net) with every line explained; prints JSON."""
    emit_json(quote(read_json(input_path)))
