"""Bank linking end to end through the real plaid-python client against the local fake Plaid server."""
from __future__ import annotations

import logging
import socket

import pytest

from backoffice.errors import DomainError
from backoffice.banking.plaid_link import LinkedAccount, PlaidError, PlaidLink
from backoffice.banking.routing import validate_bank_account
from tests.fakes.fake_plaid import make_public_token, running_fake_plaid, running_fake_plaid_server


@pytest.fixture
def fake():
    with running_fake_plaid_server() as server:
        yield server


@pytest.fixture
def link(fake):
    with PlaidLink.from_config({"BACKOFFICE_PLAID_CLIENT_ID": fake.client_id,
                                "BACKOFFICE_PLAID_SECRET": fake.secret,
                                "BACKOFFICE_PLAID_HOST": fake.base_url}) as service:
        yield service


def test_link_token_exchange_and_auth_numbers(fake, link):
    link_token = link.create_link_token("worker-42", client_name="Tandem Staffing")
    assert link_token.startswith("link-sandbox-")
    public_token = make_public_token(fake.base_url, "ins_109508")
    access_token, item_id = link.exchange_public_token(public_token)
    assert access_token.startswith("access-sandbox-") and item_id.startswith("fake-item-")

    accounts = link.auth_numbers(access_token)
    assert accounts == [
        LinkedAccount("fake-acc-checking-0000", "Plaid Checking", "0000", "checking", "011401533",
                      "1111222233330000"),
        LinkedAccount("fake-acc-savings-1111", "Plaid Saving", "1111", "savings", "011401533",
                      "1111222233331111"),
    ]
    for account in accounts:  # what Plaid returns passes the same checks as manual entry
        assert validate_bank_account(account.routing, account.account) == []
    assert fake.state.calls == ["/link/token/create", "/sandbox/public_token/create",
                                "/item/public_token/exchange", "/auth/get"]


def test_each_institution_has_its_own_accounts(fake, link):
    access_token, _ = link.exchange_public_token(fake.make_public_token("ins_109509"))
    (account,) = link.auth_numbers(access_token)
    assert (account.routing, account.subtype, account.mask, account.masked_account) == (
        "322271627", "checking", "4321", "*****4321")


def test_sandbox_public_token_through_the_real_client(link):
    token = link.sandbox_public_token("ins_109510")
    access_token, _ = link.exchange_public_token(token)
    assert [a.subtype for a in link.auth_numbers(access_token)] == ["savings"]


def test_invalid_public_token_is_a_domain_error_that_never_shows_the_token(link, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(DomainError) as excinfo:
        link.exchange_public_token("public-sandbox-not-a-real-token")
    error = excinfo.value
    assert isinstance(error, PlaidError) and error.plaid_error_code == "INVALID_PUBLIC_TOKEN"
    assert "INVALID_PUBLIC_TOKEN" in error.message
    assert "not-a-real-token" not in error.message and "not-a-real-token" not in caplog.text
    assert error.__cause__ is None and error.__suppress_context__


def test_public_tokens_are_single_use_in_the_fake(fake, link):
    token = fake.make_public_token()
    link.exchange_public_token(token)
    with pytest.raises(PlaidError, match="INVALID_PUBLIC_TOKEN"):
        link.exchange_public_token(token)


def test_invalid_access_token_and_unknown_institution(link):
    with pytest.raises(PlaidError, match="INVALID_ACCESS_TOKEN"):
        link.auth_numbers("access-sandbox-unknown")
    with pytest.raises(PlaidError, match="INVALID_INSTITUTION"):
        link.sandbox_public_token("ins_000000")


def test_wrong_keys_are_refused_by_plaid():
    with running_fake_plaid() as base_url:
        with PlaidLink("fake-client-id", "wrong-secret", base_url) as link:
            with pytest.raises(PlaidError, match="INVALID_API_KEYS"):
                link.create_link_token("worker-1", client_name="Tandem")


def test_logs_never_carry_tokens_or_account_numbers(fake, link, caplog):
    caplog.set_level(logging.DEBUG)
    access_token, _ = link.exchange_public_token(fake.make_public_token())
    accounts = link.auth_numbers(access_token)
    with pytest.raises(PlaidError):
        link.auth_numbers(access_token + "x")
    for secret in [access_token, fake.secret, *(a.account for a in accounts)]:
        assert secret not in caplog.text


def test_unreachable_plaid_is_a_domain_error():
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with PlaidLink("id", "secret", f"http://127.0.0.1:{port}", timeout=2) as link:
        with pytest.raises(PlaidError, match="could not be reached"):
            link.create_link_token("worker-1", client_name="Tandem")


def _post_text(url: str, payload: dict) -> tuple[int, dict]:
    """POST as the browser stand-in does (text/plain, no API keys)."""
    import json
    from urllib.error import HTTPError
    from urllib.request import Request, urlopen

    request = Request(url, data=json.dumps(payload).encode(), method="POST",
                      headers={"Content-Type": "text/plain"})
    try:
        with urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def test_link_stand_in_turns_a_link_token_into_an_exchangeable_public_token(fake, link):
    link_token = link.create_link_token("worker-7", client_name="Tandem")
    status, body = _post_text(f"{fake.base_url}/link/fake/complete",
                              {"link_token": link_token, "institution_id": "ins_109509"})
    assert status == 200
    assert body["metadata"]["institution"] == {"name": "First Gingham Credit Union", "institution_id": "ins_109509"}
    assert [a["mask"] for a in body["metadata"]["accounts"]] == ["4321"]
    access_token, _ = link.exchange_public_token(body["public_token"])
    assert [a.routing for a in link.auth_numbers(access_token)] == ["322271627"]

    status, body = _post_text(f"{fake.base_url}/link/fake/complete", {"link_token": "link-sandbox-forged"})
    assert (status, body["error_code"]) == (400, "INVALID_LINK_TOKEN")


@pytest.mark.browser
def test_link_stand_in_script_runs_in_chromium(fake, link):
    """The page loads the fake's Link script, opens it, and gets onSuccess(public_token, metadata)."""
    import os
    import shutil

    chromium = shutil.which("chromium")
    try:
        from playwright import sync_api
    except ImportError:
        sync_api = None
    if chromium is None or sync_api is None:
        if os.environ.get("CI"):  # in CI a missing browser must fail, not turn into a skipped test
            pytest.fail("Debian's chromium and the playwright package are required in CI")
        pytest.skip("chromium or playwright is not installed")
    link_token = link.create_link_token("worker-8", client_name="Tandem")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
        try:
            page = browser.new_page()
            page.set_content(f"""<script src="{fake.link_script_url}"></script>
                <script>
                  Plaid.create({{token: "{link_token}",
                                 onSuccess: function (t, m) {{ window.linked = {{token: t, metadata: m}}; }}}}).open();
                </script>""")
            page.wait_for_function("window.linked !== undefined", timeout=10_000)
            linked = page.evaluate("window.linked")
        finally:
            browser.close()
    assert linked["metadata"]["institution"]["institution_id"] == "ins_109508"
    access_token, _ = link.exchange_public_token(linked["token"])
    assert [a.subtype for a in link.auth_numbers(access_token)] == ["checking", "savings"]
