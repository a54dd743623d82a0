"""Outgoing email over SMTP (smtplib) with the app's SMTP_* settings; the invitation message."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Mapping

from backoffice.errors import DomainError


def send_mail(config: Mapping, to: str, subject: str, body: str) -> None:
    """Send one plain-text message; a missing or unreachable server is a DomainError (the caller may retry)."""
    host = config.get("SMTP_HOST")
    if not host:
        raise DomainError("Email is not configured: set BACKOFFICE_SMTP_HOST", code="smtp_not_configured")
    msg = EmailMessage()
    msg["From"] = config.get("MAIL_FROM") or "no-reply@tandem.local"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    try:
        with smtplib.SMTP(host, int(config.get("SMTP_PORT") or 25), timeout=20) as smtp:
            smtp.ehlo()
            if config.get("SMTP_USER"):
                if smtp.has_extn("starttls"):
                    smtp.starttls()
                    smtp.ehlo()
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise DomainError(f"The email to {to} could not be sent ({type(exc).__name__}); try again later",
                          code="smtp_failed") from None


def invitation_message(*, first_name: str, agency: str, client: str, engagement_label: str, link: str,
                       expires: str) -> tuple[str, str]:
    """Subject and body of the invitation email."""
    subject = f"{agency}: set up your account to start work with {client}"
    body = (f"Hello {first_name},\n\n"
            f"{agency} has invited you to start work with {client} as a {engagement_label}.\n"
            f"Open this link to set your password and complete your onboarding (profile, tax forms, direct "
            f"deposit and agreement):\n\n{link}\n\n"
            f"The link works once and expires on {expires}. If it has expired, ask HR for a new one.\n")
    return subject, body
