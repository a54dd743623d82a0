"""The `backoffice` command line: the Flask CLI (run, db, shell) plus Tandem's own commands."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import FlaskGroup, with_appcontext

from backoffice.app import create_app
from backoffice.clitools import handle_domain_errors
from backoffice.extensions import db
from backoffice.rotation import rotate_all
from backoffice.security.access import sync_permissions
from backoffice.security.models import User
from backoffice.security.services import create_user, issue_api_token
from backoffice.uow import transaction


@click.group(cls=FlaskGroup, create_app=create_app)
def main():
    """Tandem back office."""


@main.command("create-user")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "hr", "finance", "compliance", "worker",
                                                          "client_approver"]))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default="")
@click.option("--worker-id", type=int, default=None)
@click.option("--client-id", type=int, default=None)
@with_appcontext
@handle_domain_errors
def create_user_cmd(email, role, password, name, worker_id, client_id):
    """Create a user account."""

    sync_permissions()
    user = create_user(email=email, role=role, password=password, name=name, worker_id=worker_id,
                       client_id=client_id)
    click.echo(f"created user {user.id} {user.email} ({user.role})")


@main.command("create-token")
@click.option("--email", required=True)
@click.option("--name", default="cli")
@with_appcontext
@handle_domain_errors
def create_token_cmd(email, name):
    """Issue an API token for a user (printed once; only its hash is kept)."""

    user = db.session.execute(sa.select(User).where(User.email == email.lower())).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    click.echo(issue_api_token(user, name))


@main.command("sync-permissions")
@with_appcontext
@handle_domain_errors
def sync_permissions_cmd():
    """Load the shipped permission matrix (backoffice/security/permissions.csv) into the database."""

    with transaction():
        n = sync_permissions()
    click.echo(f"{n} permission rows added")


@main.command("rotate-key")
@with_appcontext
@handle_domain_errors
def rotate_key_cmd():
    """Re-encrypt every protected field under the first key of BACKOFFICE_ENCRYPTION_KEY.

    Rotation: put the new key first and keep the old one after it (comma-separated), run this command,
    then drop the old key."""
    for table, count in rotate_all().items():
        click.echo(f"{table}: {count} values re-encrypted")


if __name__ == "__main__":
    main()
