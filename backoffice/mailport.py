"""The e-mail port: a domain below onboarding (benefits) asks for a message to be sent; onboarding, which owns the
SMTP sender (backoffice.onboarding.mail), registers it at start-up. Like backoffice.pdf, this keeps the domain
layers acyclic."""
from __future__ import annotations

from flask import current_app

from backoffice.errors import DomainError


def set_sender(app, send) -> None:
    """Register send(config, to, subject, body) (onboarding.init_app registers onboarding.mail.send_mail)."""
    app.extensions["mail_sender"] = send


def send_mail(to: str, subject: str, body: str, attachments=()) -> None:
    """Send one plain-text message with the app's sender; a DomainError when there is none or it fails.
    `attachments`: (filename, mimetype, content bytes) each, handed to the sender only when there are some."""
    send = current_app.extensions.get("mail_sender")
    if send is None:
        raise DomainError("Email is not configured: no sender is registered", code="smtp_not_configured")
    if attachments:
        send(current_app.config, to, subject, body, attachments=list(attachments))
    else:
        send(current_app.config, to, subject, body)
