"""`backoffice timesheets import FILE [--dry-run]`: import weekly timesheets from CSV/XLSX (all-or-nothing)."""
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
from payroll.timesheets.importer import import_file


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row; save nothing.")
@click.option("--user", "email", default=None,
              help="Import as this user (HR or admin); default: the first active admin.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_appcontext
@handle_domain_errors
def import_cmd(path, dry_run, email, as_json):
    """Import timesheets from a CSV or XLSX file. Exit status 2 and every bad row (line, column, problem) when
    any row is wrong; nothing is saved then."""

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
        verb = "would import" if dry_run else "imported"
        click.echo(f"{verb} {result.rows} timesheets ({result.created} new, {result.replaced} replaced)")
    else:
        click.echo(f"{len(result.issues)} problem(s); nothing was imported:", err=True)
        for i in result.issues:
            click.echo(f"  line {i.row if i.row is not None else '-'}: {i.field}: {i.message}", err=True)
    if not result.ok:
        sys.exit(2)


def register(cli) -> None:
    """Add `timesheets import` (joining a `timesheets` group another package may already have made)."""
    group = cli.commands.get("timesheets")
    if group is None:
        @cli.group("timesheets")
        def group():
            """Weekly timesheets."""
    group.add_command(import_cmd)
