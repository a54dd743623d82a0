"""Outgoing mail upgrades to TLS with certificate and host-name checks, and never sends a password in clear."""
from __future__ import annotations

import smtplib
import ssl

import pytest

from backoffice.errors import DomainError
from backoffice.onboarding import mail


class FakeSMTP:
    """Records what send_mail asks of smtplib.SMTP; offers STARTTLS when told to."""

    instances: list["FakeSMTP"] = []
    offers_tls = True

    def __init__(self, host, port, timeout):
        self.host, self.port, self.calls, self.context = host, port, [], None
        FakeSMTP.instances.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def ehlo(self):
        self.calls.append("ehlo")

    def has_extn(self, name):
        return name == "starttls" and self.offers_tls

    def starttls(self, context=None):
        self.calls.append("starttls")
        self.context = context

    def login(self, user, password):
        self.calls.append("login")

    def send_message(self, msg):
        self.calls.append("send")


@pytest.fixture
def fake_smtp(monkeypatch):
    FakeSMTP.instances = []
    FakeSMTP.offers_tls = True
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    return FakeSMTP


CONFIG = {"SMTP_HOST": "mail.agency.example", "SMTP_PORT": 587, "SMTP_USER": "tandem", "SMTP_PASSWORD": "pw"}


def test_starttls_verifies_the_certificate_and_the_host_name(fake_smtp):
    mail.send_mail(CONFIG, "kai@example.com", "Hello", "Body")
    smtp = fake_smtp.instances[0]
    assert smtp.calls == ["ehlo", "starttls", "ehlo", "login", "send"]
    assert isinstance(smtp.context, ssl.SSLContext)
    assert smtp.context.verify_mode == ssl.CERT_REQUIRED and smtp.context.check_hostname is True
    assert smtp.context.minimum_version >= ssl.TLSVersion.TLSv1_2


def test_tls_is_used_whenever_offered_even_without_a_password(fake_smtp):
    mail.send_mail({"SMTP_HOST": "mail.agency.example"}, "kai@example.com", "Hello", "Body")
    smtp = fake_smtp.instances[0]
    assert smtp.calls == ["ehlo", "starttls", "ehlo", "send"]
    assert smtp.context.verify_mode == ssl.CERT_REQUIRED


def test_a_password_is_never_sent_to_a_server_without_starttls(fake_smtp):
    fake_smtp.offers_tls = False
    with pytest.raises(DomainError) as err:
        mail.send_mail(CONFIG, "kai@example.com", "Hello", "Body")
    assert err.value.code == "smtp_no_tls"
    assert "login" not in fake_smtp.instances[0].calls and "send" not in fake_smtp.instances[0].calls


def test_smtp_tls_off_is_plain_smtp_for_a_local_relay(fake_smtp):
    mail.send_mail({"SMTP_HOST": "127.0.0.1", "SMTP_TLS": "off"}, "kai@example.com", "Hello", "Body")
    assert fake_smtp.instances[0].calls == ["ehlo", "send"]
