"""Portal fixtures: SMTP and fake Plaid wired into the app, and a worker invited and signed in through the link."""
from __future__ import annotations

import html as html_lib
import re

import pytest

from tests.conftest import csrf_token_from, isolated_client
from tests.fakes.fake_plaid import running_fake_plaid_server
from tests.integration.onboarding.support import invite_data, make_agency, make_client, running_smtp


@pytest.fixture
def mailbox():
    with running_smtp() as box:
        yield box


@pytest.fixture
def fake_plaid():
    with running_fake_plaid_server() as fake:
        yield fake


@pytest.fixture
def portal_config(app, mailbox, fake_plaid, tmp_path):
    keys = ("SMTP_HOST", "SMTP_PORT", "PLAID_CLIENT_ID", "PLAID_SECRET", "PLAID_HOST", "PLAID_LINK_SCRIPT_URL",
            "PAYSTUB_CACHE_DIR")
    saved = {k: app.config.get(k) for k in keys}
    # Paystub PDFs are cached by run and paycheck id, which restart with every wiped database: one cache per test.
    app.config.update(PAYSTUB_CACHE_DIR=str(tmp_path / "paystubs"))
    app.config.update(SMTP_HOST=mailbox.host, SMTP_PORT=mailbox.port, PLAID_CLIENT_ID=fake_plaid.client_id,
                      PLAID_SECRET=fake_plaid.secret, PLAID_HOST=fake_plaid.base_url,
                      PLAID_LINK_SCRIPT_URL=fake_plaid.link_script_url)
    yield app.config
    app.config.update(saved)


@pytest.fixture
def acme(db):
    make_agency()
    return make_client()


class Portal:
    """A test client driving the portal as one invited worker."""

    def __init__(self, http, mailbox, case_id: int):
        self.http, self.mailbox, self.case_id = http, mailbox, case_id

    def step_url(self, step: str) -> str:
        return f"/portal/onboarding/{self.case_id}/{step}"

    def token(self) -> str:
        return csrf_token_from(self.http.get("/portal/documents").data)

    def post(self, url: str, data: dict):
        return self.http.post(url, data={**data, "csrf_token": self.token()})

    def json(self, url: str, body: dict):
        return self.http.post(url, json=body, headers={"X-CSRFToken": self.token(), "Accept": "application/json"})


@pytest.fixture
def invite_and_accept(app, portal_config, mailbox, acme):
    """Invite a worker (the service HR's form calls), open the emailed link and set a password."""
    from backoffice.clock import clock
    from backoffice.onboarding.services import invitations

    def go(**kw) -> Portal:
        result = invitations.invite_worker(invite_data(acme.id, **kw), config=app.config, base_url="http://localhost",
                                           now=clock().now())
        link = mailbox.last_link()
        path = "/" + link.split("/", 3)[3]
        http = isolated_client(app)
        page = http.get(path)
        assert page.status_code == 200, page.data[:300]
        resp = http.post(path, data={"password": "a-long-password-1", "password_confirm": "a-long-password-1",
                                     "csrf_token": csrf_token_from(page.data)})
        assert resp.status_code == 302 and resp.headers["Location"].endswith("/portal/onboarding/")
        return Portal(http, mailbox, result.case.id)

    return go


def field_errors(html: bytes) -> dict[str, str]:
    """The error messages the page shows next to each field (id="<field>-error")."""
    return {m.group(1).decode(): html_lib.unescape(m.group(2).decode().strip()) for m in re.finditer(
        rb'<div class="field-error" id="([\w\.\[\]]+)-error" role="alert">([^<]*)</div>', html)}
