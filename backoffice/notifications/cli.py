"""`backoffice notifications send` (e-mail what is pending) and `backoffice notifications remind-documents`
(the daily missing-document check): for cron where Celery beat does not run (the embedded default)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from backoffice.clock import clock
from backoffice.clitools import handle_domain_errors
from backoffice.notifications import services


@click.group("notifications")
def group():
    """Notifications to workers."""


@group.command("send")
@with_appcontext
@handle_domain_errors
def send_cmd():
    """E-mail every notification not sent yet (each once; a refusal is kept on the row and tried again)."""
    click.echo(f"sent {services.send_all_pending(clock().now())}")


@group.command("remind-documents")
@with_appcontext
@handle_domain_errors
def remind_cmd():
    """Notify each working worker of a missing W-4, W-9 or I-9 (once per document), then e-mail them."""
    remind = current_app.extensions["celery"].tasks["onboarding.remind_missing_documents"]
    offered = remind.run()
    click.echo(f"checked: {offered} missing document(s) (each told once); sent {services.send_all_pending()}")


def register(cli) -> None:
    cli.add_command(group)
