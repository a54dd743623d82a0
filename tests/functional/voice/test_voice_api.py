"""The worker-voice API exactly as issue 17 names it: GET /api/v1/polls, POST /api/v1/polls/{id}/votes,
GET /api/v1/polls/{id}/results; POST /api/v1/workers/{id}/export and GET on the job."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa

from backoffice.voice import feedback_services, services

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
OPTIONS = ["Keep plan Zebra-7731", "Switch to plan Quokka-5519"]


def _open_poll(world, **kw):
    poll = services.create_poll(world.hr, title="Dental plan", options=OPTIONS, **kw)
    services.open_poll(world.hr, poll.id, NOW)
    return poll


def test_a_worker_lists_votes_changes_and_reads_results_after_the_close(app, voice_world, token_for):
    """Two workers vote Zebra, one Quokka, then one Zebra voter changes to Quokka: Zebra 1, Quokka 2 of 7
    eligible (six leased employees and the contractor), turnout 3/7 = 0.4286."""
    poll = _open_poll(voice_world)
    c = app.test_client()
    h = [token_for(u) for u in voice_world.users[:3]]
    listed = c.get("/api/v1/polls", headers=h[0]).get_json()["items"]
    assert [(p["id"], p["status"], p["eligible"], p["has_voted"]) for p in listed] == [(poll.id, "open", True, False)]
    r = c.post(f"/api/v1/polls/{poll.id}/votes", json={"choice": OPTIONS[0]}, headers=h[0])
    assert r.status_code == 201 and r.get_json() == {"poll_id": poll.id, "recorded": True, "changed": False}
    c.post(f"/api/v1/polls/{poll.id}/votes", json={"choice": OPTIONS[0]}, headers=h[1])
    c.post(f"/api/v1/polls/{poll.id}/votes", json={"choice": OPTIONS[1]}, headers=h[2])
    r = c.post(f"/api/v1/polls/{poll.id}/votes", json={"choice": OPTIONS[1]}, headers=h[0])
    assert r.status_code == 200 and r.get_json()["changed"] is True

    early = c.get(f"/api/v1/polls/{poll.id}/results", headers=h[0])
    assert early.status_code == 409
    assert early.get_json() == {"error": "results_not_published",
                                "message": "the results are published when the poll closes"}
    services.close_poll(voice_world.hr, poll.id, NOW)
    body = c.get(f"/api/v1/polls/{poll.id}/results", headers=h[1]).get_json()
    assert body == {"poll_id": poll.id, "status": "closed", "final": True, "totals": {OPTIONS[0]: 1, OPTIONS[1]: 2},
                    "votes": 3, "eligible": 7, "turnout": "0.4286"}
    late = c.post(f"/api/v1/polls/{poll.id}/votes", json={"choice": OPTIONS[0]}, headers=h[0])
    assert late.status_code == 409 and late.get_json()["message"] == "the poll is closed"


def test_no_api_answer_tells_one_voter_from_another(app, voice_world, token_for):
    """Worker 0 votes Zebra, worker 1 Quokka: their vote acknowledgements and poll lists are identical, and
    none names an option."""
    poll = _open_poll(voice_world, live_results=True)
    c = app.test_client()
    h0, h1 = token_for(voice_world.users[0]), token_for(voice_world.users[1])
    a0 = c.post(f"/api/v1/polls/{poll.id}/votes", json={"choice": OPTIONS[0]}, headers=h0).get_data(as_text=True)
    a1 = c.post(f"/api/v1/polls/{poll.id}/votes", json={"choice": OPTIONS[1]}, headers=h1).get_data(as_text=True)
    assert a0 == a1 and not any(o in a0 for o in OPTIONS)
    l0 = c.get("/api/v1/polls", headers=h0).get_json()
    l1 = c.get("/api/v1/polls", headers=h1).get_json()
    assert l0 == l1
    r0 = c.get(f"/api/v1/polls/{poll.id}/results", headers=h0).get_json()
    assert r0["totals"] == {OPTIONS[0]: 1, OPTIONS[1]: 1} and r0["final"] is False
    hr = c.get("/api/v1/polls", headers=token_for(voice_world.hr)).get_json()["items"][0]
    assert hr["has_voted"] is None and hr["eligible"] is None


def test_a_vote_needs_a_choice_of_the_poll_and_names_the_field(app, voice_world, token_for):
    poll = _open_poll(voice_world)
    c = app.test_client()
    h = token_for(voice_world.users[0])
    r = c.post(f"/api/v1/polls/{poll.id}/votes", json={"choice": "Neither"}, headers=h)
    assert r.status_code == 422 and r.get_json()["issues"][0]["field"] == "choice"
    r = c.post(f"/api/v1/polls/{poll.id}/votes", json={"choise": OPTIONS[0]}, headers=h)
    assert r.status_code == 422 and r.get_json()["issues"][0]["field"] == "choise"


def test_a_client_approver_may_not_read_polls(app, voice_world, make_user, token_for):
    _open_poll(voice_world)
    approver = make_user("client_approver", client_id=voice_world.acme.id)
    assert app.test_client().get("/api/v1/polls", headers=token_for(approver)).status_code == 403


# ------------------------------------------------------------------ the data export
def _download(c, url, headers) -> bytes:
    resp = c.get(url, headers=headers)
    try:
        assert resp.status_code == 200 and resp.mimetype == "application/zip", resp.status_code
        return resp.data
    finally:
        resp.close()


def _paychecks(worker, engagement, n):
    from tests.factories import PaycheckFactory, PaycheckLineFactory, PayrollRunFactory

    out = []
    for i in range(n):
        run = PayrollRunFactory(pay_date=date(2026, 9, 4) + timedelta(days=14 * i))
        p = PaycheckFactory(run=run, engagement=engagement, gross=Decimal("1000.00"),
                            employee_taxes=Decimal("150.00"), net=Decimal("850.00"))
        PaycheckLineFactory(paycheck=p, kind="earning", code="regular", amount=Decimal("1000.00"),
                            engagement_id=engagement.id, hours=Decimal("40"), rate=Decimal("25.0000"))
        PaycheckLineFactory(paycheck=p, kind="employee_tax", code="federal_income_tax", amount=Decimal("150.00"))
        out.append(p)
    return out


def test_a_worker_exports_their_data_and_the_zip_holds_every_paycheck(app, db, voice_world, token_for):
    """Three paychecks: paychecks.json and .csv list the three ids, paystubs/ holds three PDFs; the job answers
    202 with its URL in Location, then done with a download URL; the request is in the audit log."""
    from backoffice.audit import AuditLog
    from backoffice.workers.models import Engagement

    worker = voice_world.workers[0]
    eng = db.session.execute(sa.select(Engagement).where(Engagement.worker_id == worker.id)).scalar_one()
    checks = _paychecks(worker, eng, 3)
    db.session.commit()
    c = app.test_client()
    h = token_for(voice_world.users[0])
    r = c.post(f"/api/v1/workers/{worker.id}/export", headers=h)
    assert r.status_code == 202, r.get_data(as_text=True)
    job = r.get_json()
    assert r.headers["Location"].endswith(f"/api/v1/exports/{job['id']}") and job["url"] == f"/api/v1/exports/{job['id']}"
    got = c.get(job["url"], headers=h).get_json()
    assert got["state"] == "done", got
    assert got["done"] == got["total"] and got["download_url"] == f"/api/v1/exports/{job['id']}/file"
    z = zipfile.ZipFile(io.BytesIO(_download(c, got["download_url"], h)))
    names = z.namelist()
    assert sorted(p["id"] for p in json.loads(z.read("paychecks.json"))) == sorted(p.id for p in checks)
    csv_ids = [line.split(",")[0] for line in z.read("paychecks.csv").decode().splitlines()[1:]]
    assert sorted(int(i) for i in csv_ids) == sorted(p.id for p in checks)
    stubs = [n for n in names if n.startswith("paystubs/")]
    assert len(stubs) == 3 and all(z.read(n).startswith(b"%PDF") for n in stubs)
    assert {"profile.json", "engagements.json", "engagements.csv", "timesheets.json", "timesheets.csv",
            "classification/assessments.json", "benefits/elections.json", "README.txt"} <= set(names)
    assert json.loads(z.read("profile.json"))["email"] == worker.email
    logged = db.session.execute(sa.select(AuditLog).where(AuditLog.model == "data_export",
                                                          AuditLog.action == "create")).scalars().all()
    assert [e.record_id for e in logged] == [str(job["id"])]


def test_the_export_holds_no_vote_feedback_or_rating(app, db, voice_world, token_for):
    poll = _open_poll(voice_world)
    user = voice_world.users[0]
    services.cast_vote(user, poll.id, OPTIONS[0])
    feedback_services.report_feedback(user, subject="client", client_id=voice_world.acme.id, topic="pay",
                             body="Late approvals Walrus-4412", today=date(2026, 11, 22))
    db.session.commit()
    c = app.test_client()
    h = token_for(user)
    job = c.post(f"/api/v1/workers/{voice_world.workers[0].id}/export", headers=h).get_json()
    z = zipfile.ZipFile(io.BytesIO(_download(c, f"{job['url']}/file", h)))
    blob = b"".join(z.read(n) for n in z.namelist())
    assert b"Zebra-7731" not in blob and b"Walrus-4412" not in blob and b"Dental plan" not in blob


def test_a_worker_may_export_only_themselves_and_may_not_follow_anothers_job(app, voice_world, token_for):
    c = app.test_client()
    mine, theirs = token_for(voice_world.users[0]), token_for(voice_world.users[1])
    other = voice_world.workers[1].id
    r = c.post(f"/api/v1/workers/{other}/export", headers=mine)
    assert r.status_code == 404 and "Voter1" not in r.get_data(as_text=True)
    job = c.post(f"/api/v1/workers/{voice_world.workers[0].id}/export", headers=mine).get_json()
    assert c.get(job["url"], headers=theirs).status_code == 404
    assert c.get(f"{job['url']}/file", headers=theirs).status_code == 404


def test_hr_exports_any_worker_and_a_client_approver_none(app, voice_world, make_user, token_for):
    c = app.test_client()
    r = c.post(f"/api/v1/workers/{voice_world.workers[3].id}/export", headers=token_for(voice_world.hr))
    assert r.status_code == 202 and r.get_json()["worker_id"] == voice_world.workers[3].id
    approver = make_user("client_approver", client_id=voice_world.acme.id)
    r = c.post(f"/api/v1/workers/{voice_world.workers[3].id}/export", headers=token_for(approver))
    assert r.status_code == 403
