"""Closing a leave of absence from its admin page: HR types the end date (CSRF-checked), the case is closed and
audited, its job protection ends on that date; compliance (read only) gets no button and a 403; a date before the
start, or a second close, is refused with a message, never a 500."""
from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa


@pytest.fixture
def ny_case(db, make_user):
    """An "other" leave of absence HR marked job-protected, from Monday 16 November 2026 (expected end Dec 31)."""
    from backoffice.leave import case_services
    from tests.factories import AgencyFactory, EngagementFactory, WorkerFactory

    AgencyFactory()
    ana = WorkerFactory(first_name="Ana", last_name="Silva")
    EngagementFactory(worker=ana, work_state="NY")
    hr = make_user("hr")
    case = case_services.open_case(hr, {"worker_id": ana.id, "program": "other", "reason": "own_health",
                                        "start_date": "2026-11-16", "expected_end": "2026-12-31",
                                        "job_protected": True})
    return hr, case


def _csrf(page: bytes) -> str:
    from tests.conftest import csrf_token_from

    return csrf_token_from(page)


def test_hr_closes_a_case_on_its_end_date_and_the_protection_ends_then(app, db, ny_case, login):
    """Closed on Friday 11 December 2026: protected on Dec 11 (the end date, inclusive), not on Dec 12; the case's
    page says "job protected through Dec 11, 2026" and the audit log holds the change of status and end date."""
    from backoffice.audit import AuditLog
    from backoffice.leave.models import LeaveCase

    hr, case = ny_case
    c = app.test_client()
    login(c, hr)
    page = c.get(f"/admin/leave_cases/details/?id={case.id}")
    assert page.status_code == 200 and b'id="do-close"' in page.data
    r = c.post(f"/admin/leave_cases/{case.id}/close", data={"csrf_token": _csrf(page.data),
                                                            "returned_on": "2026-12-11"})
    assert r.status_code == 302
    case = db.session.get(LeaveCase, case.id)
    assert (case.status, case.returned_on, case.protected_until) == ("closed", date(2026, 12, 11), date(2026, 12, 11))
    assert (case.protected_on(date(2026, 12, 11)), case.protected_on(date(2026, 12, 12))) == (True, False)
    assert case.protected_on(date(2026, 11, 15)) is False            # the day before the leave began
    page = c.get(f"/admin/leave_cases/details/?id={case.id}").data.decode()
    assert "job protected through Dec 11, 2026" in page and 'id="do-close"' not in page
    row = db.session.execute(sa.select(AuditLog).where(AuditLog.model == "leave_case", AuditLog.action == "update",
                                                       AuditLog.record_id == str(case.id))).scalar_one()
    changes = json.loads(row.changes)
    assert changes["status"] == {"before": "open", "after": "closed"}
    assert changes["returned_on"]["after"] == "2026-12-11"


def test_a_close_without_the_csrf_token_is_refused(app, db, ny_case, login):
    """The form's token is required (400): the case stays open."""
    hr, case = ny_case
    c = app.test_client()
    login(c, hr)
    r = c.post(f"/admin/leave_cases/{case.id}/close", data={"returned_on": "2026-12-11"})
    assert r.status_code == 400
    assert case.status == "open"


def test_an_end_date_before_the_start_and_a_second_close_are_refused_with_a_message(app, db, ny_case, login):
    """Nov 1 is before the Nov 16 start: "Not closed: returned_on: must be on or after the start, 2026-11-16".
    Closed on Dec 11, a second close says it was closed already, on 2026-12-11."""
    hr, case = ny_case
    c = app.test_client()
    login(c, hr)
    token = _csrf(c.get(f"/admin/leave_cases/details/?id={case.id}").data)
    r = c.post(f"/admin/leave_cases/{case.id}/close", data={"csrf_token": token, "returned_on": "2026-11-01"},
               follow_redirects=True)
    assert r.status_code == 200 and "must be on or after the start, 2026-11-16" in r.data.decode()
    c.post(f"/admin/leave_cases/{case.id}/close", data={"csrf_token": token, "returned_on": "2026-12-11"})
    r = c.post(f"/admin/leave_cases/{case.id}/close", data={"csrf_token": token, "returned_on": "2026-12-14"},
               follow_redirects=True)
    assert "the case was closed already, on 2026-12-11" in r.data.decode()


def test_compliance_reads_the_case_but_may_not_close_it_and_an_unknown_case_is_404(app, db, ny_case, login,
                                                                                  make_user):
    """The permission matrix gives compliance read only on leave_case: no close form, and the POST is a 403."""
    hr, case = ny_case
    c = app.test_client()
    login(c, make_user("compliance"))
    page = c.get(f"/admin/leave_cases/details/?id={case.id}")
    assert page.status_code == 200 and b'id="do-close"' not in page.data
    r = c.post(f"/admin/leave_cases/{case.id}/close", data={"csrf_token": _csrf(page.data),
                                                            "returned_on": "2026-12-11"})
    assert r.status_code == 403 and case.status == "open"
    h = app.test_client()
    login(h, hr)
    token = _csrf(h.get(f"/admin/leave_cases/details/?id={case.id}").data)
    assert h.post(f"/admin/leave_cases/{case.id + 999}/close",
                  data={"csrf_token": token, "returned_on": "2026-12-11"}).status_code == 404


def test_the_worker_reads_on_the_portal_until_when_their_job_was_protected(app, db, ny_case, login, make_user):
    """After the close on Dec 11, 2026 the worker's leave page says so."""
    from backoffice.leave import case_services

    hr, case = ny_case
    case_services.close_case(hr, case.id, "2026-12-11")
    c = app.test_client()
    login(c, make_user("worker", worker_id=case.worker_id))
    page = c.get("/portal/leave").data.decode()
    assert "Ended 2026-12-11: your job was protected through 2026-12-11." in page
