"""The timesheet review through the API: reject and dispute with a required reason (422 naming `reason`), the
approval history in `GET /api/v1/timesheets/{id}`, and another client's or worker's sheet a 404 (issue 11, point
4)."""
from __future__ import annotations

from datetime import date

import pytest

WEEK = "2026-11-02"


@pytest.fixture
def world(db, make_user, token_for):
    from tests.factories import ClientFactory, EngagementFactory, TimesheetFactory, WorkerFactory

    acme, globex = ClientFactory(name="Acme Corp"), ClientFactory(name="Globex")
    ana, bo = WorkerFactory(first_name="Ana", last_name="Silva"), WorkerFactory(first_name="Bo", last_name="Lind")
    e_ana = EngagementFactory(worker=ana, client=acme)
    e_bo = EngagementFactory(worker=bo, client=globex)
    bo_ts = TimesheetFactory(engagement=e_bo, week_start=date(2026, 11, 2), status="submitted")
    approver = make_user("client_approver", client_id=acme.id, name="Dana Approver")
    return dict(e_ana=e_ana, bo_ts=bo_ts, hr=token_for(make_user("hr", name="Hal HR")),
                approver=token_for(approver), ana=token_for(make_user("worker", worker_id=ana.id)),
                bo=token_for(make_user("worker", worker_id=bo.id)))


def _ok(resp, status=200):
    assert resp.status_code == status, (resp.status_code, resp.get_json())
    return resp.get_json()


def _submitted(client, w) -> dict:
    """Ana enters 8 hours on Monday and 8.5 on Tuesday (16.5 in all) and submits them."""
    ts = _ok(client.post("/api/v1/timesheets", headers=w["ana"],
                         json={"engagement_id": w["e_ana"].id, "week_start": WEEK, "mon": "8", "tue": "8.5"}), 201)
    return _ok(client.post(f"/api/v1/timesheets/{ts['id']}/submit", headers=w["ana"]))


def test_a_reject_or_dispute_without_a_reason_is_a_422_naming_reason(client, world):
    ts = _submitted(client, world)
    for verb in ("reject", "dispute"):
        for body in ({}, {"reason": "   "}, None):
            resp = client.post(f"/api/v1/timesheets/{ts['id']}/{verb}", headers=world["approver"],
                               **({"json": body} if body is not None else {}))
            assert resp.status_code == 422, (verb, body, resp.get_json())
            assert [i["field"] for i in resp.get_json()["issues"]] == ["reason"], (verb, body)
        resp = client.post(f"/api/v1/timesheets/{ts['id']}/{verb}", headers=world["approver"], json={"reason": 5})
        assert resp.status_code == 422 and resp.get_json()["issues"][0]["field"] == "reason"
    assert _ok(client.get(f"/api/v1/timesheets/{ts['id']}", headers=world["hr"]))["status"] == "submitted"


def test_the_approver_disputes_and_the_history_says_who_did_what_and_why(client, world):
    ts = _submitted(client, world)
    out = _ok(client.post(f"/api/v1/timesheets/{ts['id']}/dispute", headers=world["approver"],
                          json={"reason": "Not on site on Tuesday"}))
    assert (out["status"], out["reason"], out["total_hours"]) == ("disputed", "Not on site on Tuesday", "16.50")
    mine = _ok(client.get(f"/api/v1/timesheets/{ts['id']}", headers=world["ana"]))     # the worker sees why
    assert (mine["status"], mine["disputed_reason"]) == ("disputed", "Not on site on Tuesday")
    steps = [(e["action"], e["from_status"], e["to_status"], e["reason"], e["by_role"]) for e in mine["history"]]
    assert steps == [("create", None, "draft", "", "worker"), ("submit", "draft", "submitted", "", "worker"),
                     ("dispute", "submitted", "disputed", "Not on site on Tuesday", "client_approver")]
    assert mine["history"][2]["by"] == "Dana Approver"
    # fixed and submitted again, then approved: the history keeps the dispute
    _ok(client.post("/api/v1/timesheets", headers=world["ana"],
                    json={"engagement_id": world["e_ana"].id, "week_start": WEEK, "mon": "8"}), 201)
    _ok(client.post(f"/api/v1/timesheets/{ts['id']}/submit", headers=world["ana"]))
    done = _ok(client.post(f"/api/v1/timesheets/{ts['id']}/approve", headers=world["approver"]))
    assert (done["status"], done["reason"]) == ("approved", "")
    actions = [e["action"] for e in _ok(client.get(f"/api/v1/timesheets/{ts['id']}", headers=world["hr"]))["history"]]
    assert actions == ["create", "submit", "dispute", "save", "submit", "approve"]


def test_hr_rejects_with_a_reason_and_may_not_dispute(client, world):
    ts = _submitted(client, world)
    refused = client.post(f"/api/v1/timesheets/{ts['id']}/dispute", headers=world["hr"], json={"reason": "x"})
    assert refused.status_code == 403
    out = _ok(client.post(f"/api/v1/timesheets/{ts['id']}/reject", headers=world["hr"],
                          json={"reason": "Tuesday is 8.5; the PO allows 8"}))
    assert (out["status"], out["reason"]) == ("rejected", "Tuesday is 8.5; the PO allows 8")
    again = client.post(f"/api/v1/timesheets/{ts['id']}/reject", headers=world["hr"], json={"reason": "again"})
    assert again.status_code == 409, again.get_json()
    assert "cannot be rejected twice" in again.get_json()["message"]


def test_another_clients_or_workers_sheet_is_not_found(client, world):
    bo = world["bo_ts"]
    for verb in ("reject", "dispute", "approve"):
        resp = client.post(f"/api/v1/timesheets/{bo.id}/{verb}", headers=world["approver"], json={"reason": "no"})
        assert resp.status_code == 404, verb
    assert client.get(f"/api/v1/timesheets/{bo.id}", headers=world["approver"]).status_code == 404
    assert client.get(f"/api/v1/timesheets/{bo.id}", headers=world["ana"]).status_code == 404
    assert _ok(client.get(f"/api/v1/timesheets/{bo.id}", headers=world["bo"]))["status"] == "submitted"


def test_the_openapi_document_lists_dispute_and_the_history(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/timesheets/{ident}/dispute" in spec["paths"]
    detail = spec["components"]["schemas"]["TimesheetDetailOut"]["properties"]
    assert "history" in detail and "reason" in detail
