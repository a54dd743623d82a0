"""Outgoing email over SMTP (smtplib) with the app's SMTP_* settings, upgraded to verified TLS (STARTTLS)
whenever the server offers it; the invitation message."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Mapping, Sequence

from backoffice.errors import DomainError


def send_mail(config: Mapping, to: str, subject: str, body: str,
              attachments: Sequence[tuple[str, str, bytes]] = ()) -> None:
    """Send one plain-text message, with (file name, MIME type, bytes) attachments; a missing or unreachable
    server is a DomainError (the caller may retry)."""
    host = config.get("SMTP_HOST")
    if not host:
        raise DomainError("Email is not configured: set BACKOFFICE_SMTP_HOST", code="smtp_not_configured")
    msg = EmailMessage()
    msg["From"] = config.get("MAIL_FROM") or "no-reply@tandem.local"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    for filename, mime, content in attachments:
        maintype, _, subtype = mime.partition("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    use_tls = str(config.get("SMTP_TLS") or "starttls").lower() != "off"
    try:
        with smtplib.SMTP(host, int(config.get("SMTP_PORT") or 25), timeout=20) as smtp:
            smtp.ehlo()
            encrypted = False
            if use_tls and smtp.has_extn("starttls"):
                smtp.starttls(context=tls_context())
                smtp.ehlo()
                encrypted = True
            if config.get("SMTP_USER"):
                if not encrypted:
                    raise DomainError("The mail server does not offer STARTTLS, so the SMTP password is not sent; "
                                      "use a server with TLS (or BACKOFFICE_SMTP_TLS=off for a local relay "
                                      "without a password)", code="smtp_no_tls")
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(msg)
    except ssl.SSLError as exc:
        raise DomainError(f"The email to {to} was not sent: the mail server's certificate could not be verified "
                          f"({exc.reason})", code="smtp_tls_failed") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise DomainError(f"The email to {to} could not be sent ({type(exc).__name__}); try again later",
                          code="smtp_failed") from None


def tls_context() -> ssl.SSLContext:
    """The system's trusted CAs, the certificate and the host name checked, TLS 1.2 or later."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


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
