"""The `backoffice` command line: the Flask CLI (run, db, shell) plus Tandem's own commands."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import FlaskGroup, with_appcontext

from backoffice.app import create_app
from backoffice.clitools import handle_domain_errors
from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.rotation import rotate_all
from backoffice.security.access import sync_permissions
from backoffice.security.models import ApiToken, User
from backoffice.security.services import (
    MAX_TOKEN_DAYS,
    create_user,
    issue_api_token,
    revoke_api_token,
    revoke_api_tokens_of,
)
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
@click.option("--name", default="cli", help="What the token is for (shown in the admin's token list).")
@click.option("--ttl-days", type=click.IntRange(1, MAX_TOKEN_DAYS), default=None,
              help="Days until the token expires: 1 to 366. Default: API_TOKEN_TTL_DAYS, 90 days. After that the "
                   "API answers 401 token_expired and a new token must be issued.")
@with_appcontext
@handle_domain_errors
def create_token_cmd(email, name, ttl_days):
    """Issue an API token for a user (printed once; only its hash is kept). It expires (90 days unless
    --ttl-days says otherwise) and can be revoked at any time with `backoffice revoke-token`."""

    user = db.session.execute(sa.select(User).where(User.email == email.lower())).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    click.echo(issue_api_token(user, name, ttl_days=ttl_days))


@main.command("revoke-token")
@click.option("--prefix", help="The token's first 10 characters (tdm_…), as the admin's token list shows them.")
@click.option("--email", help="Revoke every token of this user instead.")
@with_appcontext
@handle_domain_errors
def revoke_token_cmd(prefix, email):
    """Revoke API tokens at once: one by its prefix, or all of a user's by --email."""

    now = clock().now()
    if bool(prefix) == bool(email):
        raise click.UsageError("give either --prefix or --email")
    if email:
        user = db.session.execute(sa.select(User).where(User.email == email.lower())).scalar_one_or_none()
        if user is None:
            raise click.ClickException(f"no user with email {email}")
        n = revoke_api_tokens_of(user.id, now)
        click.echo(f"{n} API token{'s' if n != 1 else ''} revoked for {user.email}")
        return
    rows = db.session.execute(sa.select(ApiToken).where(ApiToken.prefix == prefix)).scalars().all()
    if len(rows) != 1:
        raise click.ClickException(f"{len(rows)} tokens start with {prefix}; give the exact 10-character prefix")
    revoke_api_token(rows[0].id, now)
    click.echo(f"API token {prefix}… ({rows[0].name}, {rows[0].user.email}) revoked")


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
