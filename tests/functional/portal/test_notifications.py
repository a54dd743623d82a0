"""Notifications in the portal and the API (issue 17 point 4): the header's bell counts the unread; the list
shows the worker's own; opening one marks it read and goes to its page; another worker's id is a 404 in the
portal and the API; a review made over HTTP e-mails the worker after the request through the mail port."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from

WEEK = date(2026, 11, 16)


@pytest.fixture
def world(app, db, make_user, monkeypatch):
    from backoffice.notifications.services import notify
    from backoffice.uow import transaction
    from payroll.timesheets import services as ts
    from tests.factories import ClientFactory, EngagementFactory, WorkerFactory

    sent = []
    monkeypatch.setitem(app.extensions, "mail_sender", lambda config, to, subject, body: sent.append((to, subject)))
    acme = ClientFactory(name="Acme Corp")
    ana = WorkerFactory(first_name="Ana", email="ana@example.com")
    bo = WorkerFactory(first_name="Bo")
    eng = EngagementFactory(worker=ana, client=acme)
    ana_user, bo_user = make_user("worker", worker_id=ana.id), make_user("worker", worker_id=bo.id)
    approver = make_user("client_approver", client_id=acme.id, name="Dana Approver")
    sheet = ts.save_timesheet({"engagement_id": eng.id, "week_start": WEEK, "mon": "8"}, ana_user)
    ts.submit_timesheet(sheet.id, ana_user)
    with transaction():             # as a service makes them: in a unit of work
        notify(ana.id, "document_needed", f"document_needed:w4:{ana.id}", "Form W-4 needed", "Fill it in.")
        notify(bo.id, "document_needed", f"document_needed:w4:{bo.id}", "Form W-4 needed (Bo)")
    return dict(ana=ana, bo=bo, sheet=sheet, ana_user=ana_user, bo_user=bo_user, approver=approver, sent=sent)


def _ids(worker_id):
    from backoffice.extensions import db
    from backoffice.notifications.models import Notification

    return db.session.execute(sa.select(Notification.id).where(Notification.worker_id == worker_id)
                              .order_by(Notification.id)).scalars().all()


def test_the_bell_counts_the_unread_and_opening_one_marks_it_read_and_goes_to_its_page(app, db, world, login):
    from payroll.timesheets.services import approve_timesheet

    approve_timesheet(world["sheet"].id, world["approver"])
    c = app.test_client()
    login(c, world["ana_user"])
    home = c.get("/portal/").get_data(as_text=True)
    assert 'id="bell-count">2<' in home                       # the W-4 notice and the approval
    page = c.get("/portal/notifications")
    html = page.get_data(as_text=True)
    assert "Your week of Nov 16 was approved" in html and "Form W-4 needed" in html
    assert "(Bo)" not in html
    approved = _ids(world["ana"].id)[-1]
    resp = c.post(f"/portal/notifications/{approved}/read", data={"csrf_token": csrf_token_from(page.data)})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/portal/time/{world['sheet'].id}")
    assert 'id="bell-count">1<' in c.get("/portal/").get_data(as_text=True)
    c.post("/portal/notifications/read-all", data={"csrf_token": csrf_token_from(page.data)})
    assert 'id="bell-count"' not in c.get("/portal/").get_data(as_text=True)


def test_another_workers_notification_is_a_404_in_the_portal_and_the_api(app, db, world, login, token_for):
    c = app.test_client()
    login(c, world["ana_user"])
    page = c.get("/portal/notifications")
    bos = _ids(world["bo"].id)[0]
    assert c.post(f"/portal/notifications/{bos}/read",
                  data={"csrf_token": csrf_token_from(page.data)}).status_code == 404
    api = app.test_client()
    headers = token_for(world["ana_user"])
    assert api.post(f"/api/v1/notifications/{bos}/read", headers=headers).status_code == 404
    body = api.get("/api/v1/notifications", headers=headers).get_json()
    assert body["unread"] == 1 and [i["title"] for i in body["items"]] == ["Form W-4 needed"]
    mine = body["items"][0]["id"]
    read = api.post(f"/api/v1/notifications/{mine}/read", headers=headers).get_json()
    assert read["read"] is True and read["kind"] == "document_needed"
    assert api.get("/api/v1/notifications?unread=1", headers=headers).get_json() == {"unread": 0, "items": []}


def test_staff_other_than_hr_and_a_client_approver_read_no_notifications(app, db, world, token_for, make_user):
    api = app.test_client()
    body = api.get("/api/v1/notifications", headers=token_for(world["approver"])).get_json()
    assert body == {"unread": 0, "items": []}


def test_an_approval_made_over_http_emails_the_worker_once_after_the_request(app, db, world, token_for):
    api = app.test_client()
    resp = api.post(f"/api/v1/timesheets/{world['sheet'].id}/approve", headers=token_for(world["approver"]))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    # the W-4 notices made in the fixture (Ana's, Bo's) and the approval go out with the first request that sends
    assert ("ana@example.com", "Tandem: Your week of Nov 16 was approved") in world["sent"]
    n = len(world["sent"])
    api.get("/api/v1/notifications", headers=token_for(world["ana_user"]))
    assert len(world["sent"]) == n                            # nothing sent twice
