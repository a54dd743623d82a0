"""The `backoffice` command line: the Flask CLI (run, db, shell) plus Tandem's own commands."""
from __future__ import annotations

import importlib
import json
import sys
from decimal import Decimal

import click
from flask.cli import FlaskGroup, with_appcontext

from backoffice.app import create_app
from backoffice.errors import DomainError, ValidationFailed


@click.group(cls=FlaskGroup, create_app=create_app)
def main():
    """Tandem back office."""


def _read_json(path: str):
    text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    try:
        return json.loads(text, parse_float=Decimal)  # money is never float
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"input is not JSON: {exc}") from exc


def _emit_or_fail(fn, payload):
    try:
        result = fn(payload)
    except ValidationFailed as exc:
        click.echo(json.dumps(exc.as_dict(), indent=2), err=True)
        sys.exit(2)
    except DomainError as exc:
        click.echo(json.dumps({"error": exc.code, "message": exc.message}, indent=2), err=True)
        sys.exit(2)
    click.echo(json.dumps(result, indent=2))


@main.command("seed-demo")
@click.option("--workers", "n_workers", default=200, show_default=True, help="How many workers to create.")
@click.option("--seed", default=42, show_default=True, help="Random seed (same seed, same agency).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has workers.")
@with_appcontext
def seed_demo_cmd(n_workers, seed, if_empty):
    """Build a realistic demo agency: clients, workers in many states, both engagement types, demo logins."""
    from backoffice.demo import seed_demo

    summary = seed_demo(n_workers=n_workers, seed=seed, if_empty=if_empty)
    for line in summary:
        click.echo(line)


@main.command("create-user")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "hr", "finance", "compliance", "worker",
                                                          "client_approver"]))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default="")
@click.option("--worker-id", type=int, default=None)
@click.option("--client-id", type=int, default=None)
@with_appcontext
def create_user_cmd(email, role, password, name, worker_id, client_id):
    """Create a user account."""
    from backoffice.security.access import sync_permissions
    from backoffice.security.services import create_user

    sync_permissions()
    try:
        user = create_user(email=email, role=role, password=password, name=name, worker_id=worker_id,
                           client_id=client_id)
    except ValidationFailed as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"created user {user.id} {user.email} ({user.role})")


@main.command("create-token")
@click.option("--email", required=True)
@click.option("--name", default="cli")
@with_appcontext
def create_token_cmd(email, name):
    """Issue an API token for a user (printed once; only its hash is kept)."""
    import sqlalchemy as sa

    from backoffice.extensions import db
    from backoffice.security.models import User
    from backoffice.security.services import issue_api_token

    user = db.session.execute(sa.select(User).where(User.email == email.lower())).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    click.echo(issue_api_token(user, name))


@main.command("sync-permissions")
@with_appcontext
def sync_permissions_cmd():
    """Load the shipped permission matrix (backoffice/security/permissions.csv) into the database."""
    from backoffice.extensions import db
    from backoffice.security.access import sync_permissions

    n = sync_permissions()
    db.session.commit()
    click.echo(f"{n} permission rows added")


@main.command("rotate-key")
@with_appcontext
def rotate_key_cmd():
    """Re-encrypt every protected field under the first key of BACKOFFICE_ENCRYPTION_KEY.

    Rotation: put the new key first and keep the old one after it (comma-separated), run this command,
    then drop the old key."""
    from backoffice.rotation import rotate_all

    for table, count in rotate_all().items():
        click.echo(f"{table}: {count} values re-encrypted")


@main.group()
def paycheck():
    """Paycheck calculations."""


@paycheck.command("quote")
@click.option("--input", "input_path", required=True, help="JSON file with one quote request or a list; - for stdin")
def paycheck_quote_cmd(input_path):
    """Quote a paycheck (gross to net) with every line explained; prints JSON."""
    from payroll.engine.quote import quote

    _emit_or_fail(quote, _read_json(input_path))


@main.command("classify")
@click.option("--input", "input_path", required=True, help="JSON file with one assessment or a list; - for stdin")
def classify_cmd(input_path):
    """Classify an engagement (IRS, DOL and state tests) from questionnaire answers; prints JSON."""
    from datetime import date

    from backoffice.workers.classification.api import classify

    _emit_or_fail(lambda payload: classify(payload, today=date.today()), _read_json(input_path))


# Domain packages add their own command groups (e.g. `backoffice payroll nacha`).
for _pkg in ("payroll", "benefits", "compliance", "reports", "backoffice.workers.onboarding", "backoffice.workers"):
    try:
        _mod = importlib.import_module(f"{_pkg}.cli")
    except ModuleNotFoundError as _exc:
        if _exc.name in (f"{_pkg}.cli", _pkg):
            continue
        raise
    _mod.register(main)
importlib.import_module("payroll.timesheet_import_cli").register(main)  # `backoffice timesheets import FILE`


if __name__ == "__main__":
    main()
