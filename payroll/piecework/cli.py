"""`backoffice payroll tasks import FILE [--dry-run]`: import task completions from CSV/XLSX (all-or-nothing)."""
from __future__ import annotations

import json
import sys

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from backoffice.audit import acting_as
from backoffice.clitools import handle_domain_errors
from backoffice.extensions import db
from backoffice.security.models import User

from .importer import import_file


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row; save nothing.")
@click.option("--user", "email", default=None,
              help="Import as this user (HR or admin); default: the first active admin.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_appcontext
@handle_domain_errors
def import_cmd(path, dry_run, email, as_json):
    """Import task completions (engagement_id, task_ref, units, rate, completed_at, minutes) from a CSV or XLSX
    file. Exit status 2 and every bad row (line, column, problem) when any row is wrong; nothing is saved then."""
    stmt = sa.select(User).where(User.active.is_(True))
    stmt = stmt.where(User.email == email.lower()) if email else stmt.where(User.role == "admin").order_by(User.id)
    user = db.session.execute(stmt.limit(1)).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no active user {email}" if email else "no active admin user: pass --user EMAIL")
    with open(path, "rb") as fh:
        content = fh.read()
    with acting_as(user):
        result = import_file(content, path, user, dry_run=dry_run)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    elif result.ok:
        click.echo(f"{'would import' if dry_run else 'imported'} {result.rows} task completions")
    else:
        click.echo(f"{len(result.issues)} problem(s); nothing was imported:", err=True)
        for i in result.issues:
            click.echo(f"  line {i.row if i.row is not None else '-'}: {i.field}: {i.message}", err=True)
    if not result.ok:
        sys.exit(2)


def register(cli) -> None:
    """Add `payroll tasks import` under the `payroll` group (payroll.cli registers that group first)."""
    payroll = cli.commands["payroll"]

    @payroll.group("tasks")
    def tasks():
        """Task completions (desk work paid per task)."""

    tasks.add_command(import_cmd)
