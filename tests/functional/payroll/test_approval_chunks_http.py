"""An approved run whose chunks are still accruing leave, as HR meets it: the page says how many chunks are left and
offers to resume them; the API's resume and the CLI's resume-approval do the same; a client approver is refused."""
from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import csrf_token_from
from tests.integration.payroll.conftest import WEEK1, World


def _approved_with_chunks_pending(app, db, make_user, monkeypatch):
    """Two CA employees, one chunk each, approved without sending the chunks (as when the Celery workers died)."""
    from payroll.services import runs

    monkeypatch.setitem(app.config, "PAYROLL_CHUNK_SIZE", 1)      # the app is the session's: put back afterwards
    w = World(db, make_user)
    people = [w.worker(state="CA") for _ in range(2)]
    for e in people:
        w.time(e)
    run = w.regular_run(WEEK1)
    runs.start_calculation(run.id, w.hr)
    runs.approve_run(run.id, w.hr2, enqueue=False)
    return w, run


def _accruals(run_id) -> int:
    from backoffice.extensions import db
    from backoffice.leave.models import LeaveEntry

    return db.session.execute(sa.select(sa.func.count()).select_from(LeaveEntry)
                              .where(LeaveEntry.run_id == run_id, LeaveEntry.kind == "accrual")).scalar()


def test_the_run_page_says_two_chunks_are_still_accruing_and_resuming_them_accrues_both_workers(
        app, client, db, make_user, login, monkeypatch):
    """Two chunks pending: the status line says "2 of 2 chunks" and the button reads "Resume approval (2 chunks)";
    the NACHA button is disabled with the reason.
    Posting it (CSRF token from the page) runs both in-process: two accruals (40 h ÷ 30 = 1.3333 h each), the
    status line no longer mentions the accrual and the button is gone."""
    w, run = _approved_with_chunks_pending(app, db, make_user, monkeypatch)
    login(client, w.hr)
    html = client.get(f"/admin/payroll-runs/{run.id}").data.decode()
    assert "The payments and leave accrual of 2 of 2 chunks are still being written" in html
    assert "Resume approval (2 chunks)" in html
    assert "Not yet: the payments of 2 of 2 chunks are still being written." in html
    r = client.post(f"/admin/payroll-runs/{run.id}/resume_approval",
                    data={"csrf_token": csrf_token_from(html.encode())}, follow_redirects=True)
    assert b"Re-sent the approval of 2 chunk(s)." in r.data
    assert _accruals(run.id) == 2
    html = client.get(f"/admin/payroll-runs/{run.id}").data.decode()
    assert "leave accrual" not in html and "Resume approval" not in html


def test_the_api_resume_of_an_approved_run_resumes_its_approval_and_a_client_approver_is_refused(
        app, client, db, make_user, token_for, monkeypatch):
    """POST /api/v1/payroll-runs/{id}/resume on the approved run: 202, state still approved, both workers accrued.
    A client approver (no right to write runs) asking the same: 403, as for every run action, and nothing accrues."""
    w, run = _approved_with_chunks_pending(app, db, make_user, monkeypatch)
    approver = make_user("client_approver", client_id=w.client.id)
    r = client.post(f"/api/v1/payroll-runs/{run.id}/resume",
                    headers=token_for(approver))
    assert r.status_code == 403
    assert _accruals(run.id) == 0
    r = client.post(f"/api/v1/payroll-runs/{run.id}/resume", headers=token_for(w.hr))
    assert r.status_code == 202, r.data
    assert r.get_json()["state"] == "approved"
    assert _accruals(run.id) == 2


def test_the_cli_resume_approval_sends_the_pending_chunks_once(app, db, make_user, monkeypatch):
    """`backoffice payroll resume-approval RUN_ID`: "re-sent the approval of 2 chunk(s)", then "0" the second time;
    two accruals either way."""
    w, run = _approved_with_chunks_pending(app, db, make_user, monkeypatch)
    runner = app.test_cli_runner()
    out = runner.invoke(args=["payroll", "resume-approval", str(run.id)])
    assert out.exit_code == 0, out.output
    assert "re-sent the approval of 2 chunk(s)" in out.output
    out = runner.invoke(args=["payroll", "resume-approval", str(run.id)])
    assert "re-sent the approval of 0 chunk(s)" in out.output
    assert _accruals(run.id) == 2


def test_the_nacha_file_and_marking_paid_are_refused_over_http_until_the_chunks_have_written_the_payments(
        app, client, db, make_user, login, token_for, monkeypatch):
    """Two chunks pending (no payment written yet): the API's NACHA file and pay are 409 approval_in_progress,
    naming "2 of 2 chunks"; the admin's NACHA page sends finance back to the run with the same reason. Once the
    approval is resumed, the API's file carries both workers' payments (2 entry records)."""
    from backoffice.clock import clock
    from payroll.models_ledger import NachaFile
    from payroll.services import payments

    w, run = _approved_with_chunks_pending(app, db, make_user, monkeypatch)
    fin = token_for(w.finance)
    for r in (client.get(f"/api/v1/payroll-runs/{run.id}/nacha?effective_date=2026-12-02", headers=fin),
              client.post(f"/api/v1/payroll-runs/{run.id}/pay", headers=fin)):
        assert r.status_code == 409, r.data
        assert r.get_json()["error"] == "approval_in_progress"
        assert "2 of 2 chunks" in r.get_json()["message"]
    login(client, w.finance)
    page = client.get(f"/admin/nacha-files/run/{run.id}", follow_redirects=True).data.decode()
    assert f"Cannot make the file: run #{run.id} is still being approved" in page
    assert db.session.execute(sa.select(sa.func.count()).select_from(NachaFile)).scalar() == 0
    client.post(f"/api/v1/payroll-runs/{run.id}/resume", headers=token_for(w.hr))
    settles = payments.nacha_plan(run, clock().now()).earliest       # the first date a file made now can settle
    r = client.get(f"/api/v1/payroll-runs/{run.id}/nacha?effective_date={settles.isoformat()}", headers=fin)
    assert r.status_code == 200, r.data
    assert sum(1 for ln in r.data.decode().splitlines() if ln.startswith("6")) == 2
