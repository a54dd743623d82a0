"""The onboarding API: invite with a token (email through SMTP), read the board and a case; access checks."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.onboarding.models import OnboardingCase


def test_hr_invites_through_the_api_and_reads_the_board(app, db, portal_config, mailbox, acme, make_user,
                                                       token_for):
    http = app.test_client()
    headers = token_for(make_user("hr"))
    r = http.post("/api/v1/invitations", headers=headers, json={
        "email": "api.person@example.com", "first_name": "Api", "last_name": "Person", "client_id": acme.id,
        "type": "leased_employee", "work_state": "NY", "pay_rate": "41.50", "start_date": "2026-12-07"})
    assert r.status_code == 201, r.data
    body = r.get_json()
    assert body["sent"] is True and body["error"] is None
    assert mailbox.messages[-1]["To"] == "api.person@example.com"
    board = http.get("/api/v1/onboarding?type=leased_employee", headers=headers).get_json()
    assert board["total"] == 1
    (item,) = board["items"]
    assert (item["case_id"], item["status"], item["current_step"], item["stuck"]) == (
        body["case_id"], "invited", "profile", False)
    assert [s["step"] for s in item["steps"]] == ["profile", "w4", "state_certificate", "i9", "direct_deposit",
                                                  "agreement"]
    # NY leased employee starting Monday 2026-12-07: I-9 section 2 due Thursday 2026-12-10.
    assert item["i9_due_date"] == "2026-12-10"
    one = http.get(f"/api/v1/onboarding/{body['case_id']}", headers=headers)
    assert one.status_code == 200 and one.get_json()["email"] == "api.person@example.com"
    assert http.get("/api/v1/onboarding/999999", headers=headers).status_code == 404


def test_the_api_names_every_bad_field(app, db, portal_config, mailbox, acme, make_user, token_for):
    http = app.test_client()
    r = http.post("/api/v1/invitations", headers=token_for(make_user("hr")), json={
        "email": "x", "client_id": acme.id, "type": "contractor", "work_state": "QQ", "pay_rate": "-3",
        "start_date": "2026-02-30"})
    assert r.status_code == 422
    assert {"email", "first_name", "last_name", "work_state", "pay_rate", "start_date"} <= {
        i["field"] for i in r.get_json()["issues"]}
    assert db.session.execute(sa.select(sa.func.count(OnboardingCase.id))).scalar() == 0


def test_roles_without_the_permission_are_refused(app, db, portal_config, acme, make_user, token_for):
    http = app.test_client()
    finance = token_for(make_user("finance"))
    assert http.post("/api/v1/invitations", headers=finance, json={"email": "a@example.com"}).status_code == 403
    assert http.get("/api/v1/onboarding", headers=finance).status_code == 403


def test_the_openapi_spec_documents_the_onboarding_endpoints(app, db):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/invitations", "/api/v1/onboarding", "/api/v1/onboarding/{case_id}"} <= set(spec["paths"])
    body = spec["paths"]["/api/v1/invitations"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body  # the InvitationIn schema (or a reference to it)
