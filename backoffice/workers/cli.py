"""Command line for workers: `backoffice seed-demo` and `backoffice import workers FILE` (CSV/XLSX, all rows or none)."""
from __future__ import annotations

import json
import sys

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from backoffice.clitools import handle_domain_errors
from backoffice.extensions import db
from backoffice.security.models import User
from backoffice.workers.demo import seed_demo
from backoffice.workers.importer import import_file


def register(cli) -> None:
    cli.add_command(seed_demo_cmd)
    cli.add_command(import_group)


@click.group("import")
def import_group():
    """Bulk imports."""


@import_group.command("workers")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate every row and report; write nothing.")
@click.option("--user", "as_user", default="",
              help="Email of the user the import runs as (permission checked; recorded in the audit log).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
@handle_domain_errors
def import_workers_cmd(path, dry_run, as_user, as_json):
    """Import workers and engagements from a CSV or XLSX file (columns in docs/classification.md).

    Nothing is written if any row is bad; every bad row is listed with its line number and column."""

    user = None
    if as_user:
        user = db.session.execute(sa.select(User).where(User.email == as_user.lower())).scalar_one_or_none()
        if user is None:
            raise click.ClickException(f"no user with email {as_user}")
    with open(path, "rb") as fh:
        content = fh.read()
    report = import_file(content, path, dry_run=dry_run, user=user)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        for issue in report.issues:
            click.echo(f"line {issue.row}: {issue.field}: {issue.message}", err=True)
        verb = "would create" if dry_run and not report.issues else "created"
        if report.issues:
            click.echo(f"{len(report.bad_lines)} bad row(s) of {report.rows}: nothing was imported.", err=True)
        else:
            click.echo(f"{report.rows} row(s): {verb} {report.workers_created} worker(s) and "
                       f"{report.engagements_created} engagement(s); {report.workers_matched} existing worker(s) "
                       f"matched by email." + (" Dry run: nothing written." if dry_run else ""))
    if report.issues:
        sys.exit(2)


@click.command("seed-demo")
@click.option("--workers", "n_workers", default=200, show_default=True, help="How many workers to create.")
@click.option("--seed", default=42, show_default=True, help="Random seed (same seed, same agency).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has workers.")
@click.option("--history", type=int, default=None, metavar="YEAR",
              help="Also pay a complete past year (e.g. 2025) for the compliance forms to file from.")
@with_appcontext
@handle_domain_errors
def seed_demo_cmd(n_workers, seed, if_empty, history):
    """Build a realistic demo agency: clients, workers in many states, both engagement types, demo logins."""
    summary = seed_demo(n_workers=n_workers, seed=seed, if_empty=if_empty, history=history)
    for line in summary:
        click.echo(line)
