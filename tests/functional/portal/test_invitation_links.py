"""Invitation links are built from BACKOFFICE_BASE_URL, never from the request's Host header (a forged Host must
not put an attacker's address, with the worker's single-use token, into the email)."""
from __future__ import annotations

import pytest

from tests.conftest import csrf_token_from, isolated_client

BASE = "https://tandem.agency.example"
FORGED = {"Host": "evil.example"}


@pytest.fixture
def base_url(app):
    saved = app.config["BASE_URL"]
    app.config["BASE_URL"] = BASE
    yield BASE
    app.config["BASE_URL"] = saved


def _invite_form(acme, email):
    return {"email": email, "first_name": "Kai", "last_name": "Moreno", "client_id": str(acme.id),
            "type": "contractor", "work_state": "TX", "pay_rate": "80", "pay_unit": "hour",
            "pay_frequency": "biweekly", "start_date": "2026-12-07"}


def test_an_admin_invitation_link_ignores_a_forged_host(app, db, portal_config, mailbox, acme, make_user, login,
                                                        base_url):
    http = isolated_client(app)
    login(http, make_user("hr"))
    form = http.get("/admin/onboarding/invite")
    # the attacker's request carries a good session (their own, or a victim's browser behind a poisoned proxy)
    http.set_cookie("session", http.get_cookie("session").value, domain="evil.example")
    r = http.post("/admin/onboarding/invite", headers=FORGED,
                  data={"csrf_token": csrf_token_from(form.data), **_invite_form(acme, "kai@example.com")})
    assert r.status_code == 302
    link = mailbox.last_link()
    assert link.startswith(f"{BASE}/portal/invite/") and "evil.example" not in link
    case_url = r.headers["Location"].split("://", 1)[-1].split("/", 1)[-1]
    page = http.get("/" + case_url)
    resend = http.post("/" + case_url + "/resend", headers=FORGED, data={"csrf_token": csrf_token_from(page.data)})
    assert resend.status_code == 302 and len(mailbox.messages) == 2
    assert mailbox.last_link().startswith(f"{BASE}/portal/invite/")


def test_an_api_invitation_link_ignores_a_forged_host(app, db, portal_config, mailbox, acme, make_user, token_for,
                                                      base_url):
    headers = {**token_for(make_user("hr")), **FORGED}
    r = isolated_client(app).post("/api/v1/invitations", headers=headers, json={
        **_invite_form(acme, "api.person@example.com"), "client_id": acme.id})
    assert r.status_code == 201, r.data
    assert mailbox.last_link().startswith(f"{BASE}/portal/invite/")
