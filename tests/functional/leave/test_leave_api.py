"""GET /api/v1/workers/{id}/leave-balances: per policy `policy`, `balance`, `accrued_ytd`, `used_ytd`; a worker
reads only their own (another's id is a 404, as is a client's approver); HR reads any."""
from __future__ import annotations

from datetime import date

import pytest


@pytest.fixture
def two_workers(db, make_user):
    from backoffice.leave import services
    from tests.factories import AgencyFactory, ClientFactory, EngagementFactory, WorkerFactory

    AgencyFactory()
    acme = ClientFactory(name="Acme Corp", state="CA")
    ana, ben = WorkerFactory(first_name="Ana", state="CA"), WorkerFactory(first_name="Ben", state="CA")
    for w in (ana, ben):
        EngagementFactory(worker=w, client=acme, work_state="CA")
    hr = make_user("hr")
    policy = services.law_policy("CA")
    services.adjust_balance(hr, ana.id, policy.id, "12.5", date(2026, 11, 2), "opening balance")
    return ana, ben, hr, acme, policy


def test_a_worker_reads_their_own_leave_balances_by_policy(app, db, make_user, token_for, two_workers):
    """Ana's one balance: the 12.5 h HR entered; nothing accrued or used by runs this year yet."""
    ana, ben, hr, acme, policy = two_workers
    me = make_user("worker", worker_id=ana.id)
    r = app.test_client().get(f"/api/v1/workers/{ana.id}/leave-balances", headers=token_for(me))
    assert r.status_code == 200, r.get_json()
    [item] = r.get_json()["items"]
    assert {k: item[k] for k in ("policy", "balance", "accrued_ytd", "used_ytd", "jurisdiction")} == {
        "policy": policy.name, "balance": "12.5000", "accrued_ytd": "0.0000", "used_ytd": "0.0000",
        "jurisdiction": "CA"}


def test_another_workers_balances_are_a_404_to_a_worker_and_to_a_clients_approver(app, db, make_user, token_for,
                                                                                  two_workers):
    ana, ben, hr, acme, policy = two_workers
    me = make_user("worker", worker_id=ben.id)
    approver = make_user("client_approver", client_id=acme.id)
    client = app.test_client()
    assert client.get(f"/api/v1/workers/{ana.id}/leave-balances", headers=token_for(me)).status_code == 404
    assert client.get(f"/api/v1/workers/{ana.id}/leave-balances", headers=token_for(approver)).status_code == 404
    assert client.get("/api/v1/workers/999999/leave-balances", headers=token_for(hr)).status_code == 404
    r = client.get(f"/api/v1/workers/{ana.id}/leave-balances", headers=token_for(hr))
    assert [i["balance"] for i in r.get_json()["items"]] == ["12.5000"]


def test_a_leave_request_through_the_api_reports_every_problem_by_field(app, db, make_user, token_for, two_workers):
    """8 h asked against a 0-hour balance, with a reason the law does not list: 422 naming `reason` first (the
    form's checks), then, with a valid reason, `hours` (insufficient_balance)."""
    ana, ben, hr, acme, policy = two_workers
    me = make_user("worker", worker_id=ben.id)
    client = app.test_client()
    body = {"policy_id": policy.id, "start_date": "2026-11-04", "hours": "8", "reason": "vacation"}
    r = client.post("/api/v1/leave-requests", json=body, headers=token_for(me))
    assert r.status_code == 422 and [i["field"] for i in r.get_json()["issues"]] == ["reason"]
    r = client.post("/api/v1/leave-requests", json={**body, "reason": "own_illness"}, headers=token_for(me))
    assert r.status_code == 422
    assert [(i["field"], i["code"]) for i in r.get_json()["issues"]] == [("hours", "insufficient_balance")]


def test_a_longer_absence_needs_documentation_which_the_api_takes_as_a_statement_or_a_base64_note(
        app, db, make_user, token_for, two_workers):
    """The CA policy asks for documentation after 1 workday (California sets no limit of its own): Monday 16 and
    Tuesday 17 November 2026 (2 workdays, 8 h of Ana's 12.5) is refused with `documentation`
    `documentation_required`; with a note uploaded as base64 it is accepted and the file name returned. Bad base64
    is refused on `document`."""
    import base64

    from backoffice.leave import services

    ana, ben, hr, acme, policy = two_workers
    services.save_policy(hr, {"documentation_after_days": 1}, policy.id)
    me = make_user("worker", worker_id=ana.id)
    client = app.test_client()
    body = {"policy_id": policy.id, "start_date": "2026-11-16", "end_date": "2026-11-17", "hours": "8",
            "reason": "own_illness"}
    r = client.post("/api/v1/leave-requests", json=body, headers=token_for(me))
    assert r.status_code == 422
    assert [(i["field"], i["code"]) for i in r.get_json()["issues"]] == [("documentation", "documentation_required")]
    r = client.post("/api/v1/leave-requests", json={**body, "document": "not base64!"}, headers=token_for(me))
    assert r.status_code == 422 and r.get_json()["issues"][0]["field"] == "document"
    note = base64.b64encode(b"%PDF-1.4 clinic note").decode()
    r = client.post("/api/v1/leave-requests", json={**body, "document": note, "document_name": "clinic.pdf"},
                    headers=token_for(me))
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["document_name"], r.get_json()["status"]) == ("clinic.pdf", "submitted")
