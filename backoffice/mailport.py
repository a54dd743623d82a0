"""The e-mail port: a domain below onboarding (benefits) asks for a message to be sent; onboarding, which owns the
SMTP sender (backoffice.onboarding.mail), registers it at start-up. Like backoffice.pdf, this keeps the domain
layers acyclic."""
from __future__ import annotations

from typing import Sequence

from flask import current_app

from backoffice.errors import DomainError


def set_sender(app, send) -> None:
    """Register send(config, to, subject, body, attachments=()) (onboarding.init_app registers
    onboarding.mail.send_mail)."""
    app.extensions["mail_sender"] = send


def send_mail(to: str, subject: str, body: str, attachments: Sequence[tuple[str, str, bytes]] = ()) -> None:
    """Send one plain-text message with the app's sender, with (file name, MIME type, bytes) attachments; a
    DomainError when there is none or it fails."""
    send = current_app.extensions.get("mail_sender")
    if send is None:
        raise DomainError("Email is not configured: no sender is registered", code="smtp_not_configured")
    if attachments:
        send(current_app.config, to, subject, body, attachments=tuple(attachments))
    else:       # senders written before attachments (and test doubles) take four arguments
        send(current_app.config, to, subject, body)
