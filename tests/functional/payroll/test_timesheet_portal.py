"""The worker's time in the portal: each week's status and, when it came back, the reason; the week's history;
fixing a rejected or disputed week and submitting it again; another worker's week is a 404 (issue 11, point 4)."""
from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import csrf_token_from

WEEK = date(2026, 11, 2)


@pytest.fixture
def world(db, make_user):
    from payroll.timesheets.services import dispute_timesheet, reject_timesheet, save_timesheet, submit_timesheet
    from tests.factories import ClientFactory, EngagementFactory, WorkerFactory

    acme = ClientFactory(name="Acme Corp")
    ana, bo = WorkerFactory(first_name="Ana", last_name="Silva"), WorkerFactory(first_name="Bo", last_name="Lind")
    e_ana, e_bo = EngagementFactory(worker=ana, client=acme), EngagementFactory(worker=bo, client=acme)
    ana_user, bo_user = make_user("worker", worker_id=ana.id), make_user("worker", worker_id=bo.id)
    approver = make_user("client_approver", client_id=acme.id, name="Dana Approver")
    hr = make_user("hr", name="Hal HR")
    week1 = save_timesheet({"engagement_id": e_ana.id, "week_start": WEEK, "mon": "8", "tue": "12"}, ana_user)
    submit_timesheet(week1.id, ana_user)
    reject_timesheet(week1.id, hr, "Tuesday shows 12 hours; the shift was 8")
    week2 = save_timesheet({"engagement_id": e_ana.id, "week_start": date(2026, 11, 9), "mon": "8"}, ana_user)
    submit_timesheet(week2.id, ana_user)
    dispute_timesheet(week2.id, approver, "Not on site that Monday")
    bo_week = save_timesheet({"engagement_id": e_bo.id, "week_start": WEEK, "mon": "9"}, bo_user)
    return dict(week1=week1, week2=week2, bo_week=bo_week, ana_user=ana_user)


@pytest.fixture
def ana(app, world, login):
    c = app.test_client()
    login(c, world["ana_user"])
    return c


def test_the_worker_sees_each_weeks_status_and_why_it_came_back(ana, world):
    html = ana.get("/portal/time").get_data(as_text=True)
    assert "Tuesday shows 12 hours; the shift was 8" in html and "Not on site that Monday" in html
    assert ">rejected<" in html and ">disputed<" in html and 'class="stack"' in html     # a card per row on a phone
    assert f'data-timesheet="{world["bo_week"].id}"' not in html
    home = ana.get("/portal/").get_data(as_text=True)
    assert "Fix your time for Acme Corp, week of 2026-11-02 (rejected: Tuesday shows 12 hours" in home
    assert 'href="/portal/time"' in home                                                  # in the menu


def test_the_week_shows_its_history_with_who_and_why(ana, world):
    html = ana.get(f"/portal/time/{world['week2'].id}").get_data(as_text=True)
    assert 'id="reason"' in html and "Disputed by the client" in html and "Not on site that Monday" in html
    assert "Dana Approver" in html and "client&#39;s approver" in html
    assert [a for a in ("create", "submit", "dispute") if f'data-action="{a}"' in html] == ["create", "submit",
                                                                                              "dispute"]
    assert 'id="fix-form"' in html


def test_the_worker_fixes_a_rejected_week_and_submits_it_again(db, ana, world):
    from payroll.models import Timesheet

    ts = world["week1"]
    page = ana.get(f"/portal/time/{ts.id}")
    token = csrf_token_from(page.data)
    bad = ana.post(f"/portal/time/{ts.id}", data={"csrf_token": token, "mon": "8", "tue": "25", "then": "submit"})
    assert bad.status_code == 422 and "must be at most 24" in bad.get_data(as_text=True)
    ok = ana.post(f"/portal/time/{ts.id}", data={"csrf_token": token, "mon": "8", "tue": "8", "then": "submit"})
    assert ok.status_code == 302
    db.session.expire_all()
    fixed = db.session.get(Timesheet, ts.id)
    assert (fixed.status, str(fixed.total_hours)) == ("submitted", "16.00")
    html = ana.get(f"/portal/time/{ts.id}").get_data(as_text=True)
    assert 'id="fix-form"' in html          # a submitted week may still be changed until it is approved
    assert 'id="reason"' not in html and [a for a in ("reject", "save") if f'data-action="{a}"' in html] == [
        "reject", "save"]


def test_another_workers_week_is_not_found(ana, world):
    bo = world["bo_week"]
    assert ana.get(f"/portal/time/{bo.id}").status_code == 404
    token = csrf_token_from(ana.get("/portal/time").data)
    assert ana.post(f"/portal/time/{bo.id}", data={"csrf_token": token, "mon": "1"}).status_code == 404
    assert ana.post(f"/portal/time/{bo.id}/submit", data={"csrf_token": token}).status_code == 404
