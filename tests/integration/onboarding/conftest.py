"""Fixtures for onboarding tests: a local SMTP server and the app configured to send through it."""
from __future__ import annotations

import pytest

from tests.integration.onboarding.support import running_smtp


@pytest.fixture
def mailbox():
    with running_smtp() as box:
        yield box


@pytest.fixture
def mail_config(app, mailbox):
    """The app's config pointed at the local SMTP server for the duration of a test."""
    saved = {k: app.config.get(k) for k in ("SMTP_HOST", "SMTP_PORT")}
    app.config.update(SMTP_HOST=mailbox.host, SMTP_PORT=mailbox.port)
    yield app.config
    app.config.update(saved)
