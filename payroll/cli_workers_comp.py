"""`backoffice workers-comp ...`: the class codes and rates in force, the seed file, the premium report."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from backoffice.clitools import handle_domain_errors
from backoffice.clock import clock
from backoffice.exports import csv_lines
from payroll.services import workers_comp as svc

DAY = click.DateTime(formats=["%Y-%m-%d"])


def register(cli) -> None:
    cli.add_command(workers_comp)


@click.group("workers-comp")
def workers_comp():
    """Workers' compensation class codes, rates and premiums."""


@workers_comp.command("rates")
@click.option("--state", default=None, help="two-letter state code (default: every state)")
@click.option("--on", "on", type=DAY, default=None, help="the rates in force on this date (default: today)")
@with_appcontext
@handle_domain_errors
def rates_cmd(state, on):
    """List the rates in force (one line each: state, class code, rate and basis, effective dates, description,
    source)."""
    day = on.date() if on else clock().today()
    rows = svc.rates_in_force(day, state)
    for r in rows:
        rate = f"{r.rate_per_hour}/hour" if r.basis == "hours" else f"{r.rate_per_100}/100"
        click.echo(f"{r.state}\t{r.class_code}\t{rate}\t{r.effective_from.isoformat()}\t"
                   f"{r.effective_to.isoformat() if r.effective_to else ''}\t{r.description}\t{r.source}")
    click.echo(f"{len(rows)} rate(s) in force on {day.isoformat()}" + (f" in {state.upper()}" if state else ""),
               err=True)


@workers_comp.command("seed-rates")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="a CSV like payroll/data/workers_comp_rates.csv (default: that file)")
@with_appcontext
@handle_domain_errors
def seed_cmd(path):
    """Load the seed file's rates that are not in the table yet (safe to run twice)."""
    from pathlib import Path

    n = svc.seed_rates(Path(path) if path else None)
    click.echo(f"{n} rate(s) added")


@workers_comp.command("report")
@click.option("--from", "date_from", type=DAY, required=True, help="first pay date (YYYY-MM-DD)")
@click.option("--to", "date_to", type=DAY, required=True, help="last pay date (YYYY-MM-DD, inclusive)")
@click.option("--state", default=None)
@click.option("--class-code", "class_code", default=None)
@click.option("--period", type=click.Choice(svc.PERIODS), default="month")
@with_appcontext
@handle_domain_errors
def report_cmd(date_from, date_to, state, class_code, period):
    """Premium by period, state and class code as CSV on standard output (the carrier's premium audit)."""
    rows = svc.premium_summary(date_from.date(), date_to.date(), state=state, class_code=class_code, period=period)
    headers = list(svc.SUMMARY_COLUMNS)
    for line in csv_lines(headers, ([r[c] if r[c] is not None else "" for c in headers] for r in rows)):
        sys.stdout.write(line)
