"""Timesheets in the admin, read in names, and reviewed: HR and the client's approver approve, reject (with a reason,
one at a time or a lot) and the approver disputes; the buttons follow the state table and the user's rights; an
approver reaches only their client's sheets and sees no edit pencil (issue 11, points 1, 3 and 4).

Regression: rows read "#222" with no worker or client, units "0.0000", no Reject in the bulk actions, and the
approver saw an edit pencil whose save was refused."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import csrf_token_from

WEEK = date(2026, 11, 2)


@pytest.fixture
def world(db, make_user):
    from tests.factories import ClientFactory, EngagementFactory, TimesheetFactory, WorkerFactory

    acme, globex = ClientFactory(name="Acme Corp"), ClientFactory(name="Globex")
    ana = WorkerFactory(first_name="Ana", last_name="Silva", state="TX")
    cy = WorkerFactory(first_name="Cy", last_name="Colleague", state="TX")
    bo = WorkerFactory(first_name="Bo", last_name="Elsewhere", state="NV")
    e_ana = EngagementFactory(worker=ana, client=acme)
    e_cy = EngagementFactory(worker=cy, client=acme)
    e_bo = EngagementFactory(worker=bo, client=globex)
    # Ana: 8 + 8.5 + 8 + 8 + 7.5 = 40 hours; Cy's week is approved already; Bo works for another client
    ana_ts = TimesheetFactory(engagement=e_ana, week_start=WEEK, status="submitted", hours=(8, 8.5, 8, 8, 7.5, 0, 0))
    cy_ts = TimesheetFactory(engagement=e_cy, week_start=WEEK, status="approved", hours=(8, 8, 8, 8, 8, 0, 0))
    bo_ts = TimesheetFactory(engagement=e_bo, week_start=WEEK, status="submitted", hours=(10, 10, 10, 10, 0, 0, 0))
    return dict(acme=acme, ana_ts=ana_ts, cy_ts=cy_ts, bo_ts=bo_ts, e_ana=e_ana, hr=make_user("hr"),
                approver=make_user("client_approver", client_id=acme.id))


@pytest.fixture
def as_hr(app, world, login):
    c = app.test_client()
    login(c, world["hr"])
    return c


@pytest.fixture
def as_approver(app, world, login):
    c = app.test_client()
    login(c, world["approver"])
    return c


def _status(db, ts):
    from payroll.models import Timesheet

    db.session.expire_all()
    return db.session.get(Timesheet, ts.id)


def test_the_list_names_worker_client_engagement_and_hours_as_people_write_them(as_hr, world):
    html = as_hr.get("/admin/timesheet/").get_data(as_text=True)
    assert "Ana Silva" in html and "Acme Corp" in html and "Ana Silva at Acme Corp, leased, TX" in html
    cells = re.sub(r"\s*(<|>)\s*", r"\1", html)
    assert ">8.5<" in cells and ">7.5<" in cells and ">40<" in cells          # not 8.50 / 40.00
    assert "8.5000" not in html and "0.0000" not in html and f">#{world['ana_ts'].id}<" not in cells
    # search by client and filter by status
    found = as_hr.get("/admin/timesheet/?search=Globex").get_data(as_text=True)
    assert "Bo Elsewhere" in found and "Ana Silva" not in found


def test_the_list_filters_by_client_worker_and_status(app, as_hr, world):
    view = next(v for v in app.extensions["tandem_admin"]._views if getattr(v, "endpoint", None) == "timesheet")
    idx = {f.name: i for i, f in enumerate(view._filters)}
    by_client = as_hr.get(f"/admin/timesheet/?flt0_{idx['Client']}={world['acme'].id}").get_data(as_text=True)
    assert "Ana Silva" in by_client and "Cy Colleague" in by_client and "Bo Elsewhere" not in by_client
    by_worker = as_hr.get(f"/admin/timesheet/?flt0_{idx['Worker name']}=elsew").get_data(as_text=True)
    assert "Bo Elsewhere" in by_worker and "Ana Silva" not in by_worker
    status = next(i for i, f in enumerate(view._filters) if f.name == "Status")
    approved = as_hr.get(f"/admin/timesheet/?flt0_{status}=approved").get_data(as_text=True)
    assert "Cy Colleague" in approved and "Ana Silva" not in approved


def test_the_create_form_picks_the_engagement_by_name(as_hr, world):
    form = as_hr.get("/admin/timesheet/new/").get_data(as_text=True)
    assert 'data-role="select2-ajax"' in form and 'name="engagement"' in form
    found = as_hr.get("/admin/timesheet/ajax/lookup/?name=engagement&query=silva").get_json()
    assert found == [[world["e_ana"].id, "Ana Silva at Acme Corp, leased, TX"]]
    token = csrf_token_from(form.encode())
    resp = as_hr.post("/admin/timesheet/new/", data={
        "engagement": world["e_ana"].id, "week_start": "2026-11-09", "hours_mon": "6.5", "units": "0",
        "note": "", "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]


def test_the_approver_sees_their_clients_sheets_with_no_edit_pencil(as_approver, world):
    html = as_approver.get("/admin/timesheet/").get_data(as_text=True)
    assert "Ana Silva" in html and "Bo Elsewhere" not in html
    assert "/admin/timesheet/edit/" not in html and "fa-pencil" not in html
    page = as_approver.get(f"/admin/timesheet/details/?id={world['ana_ts'].id}").get_data(as_text=True)
    assert 'id="do-approve"' in page and 'id="do-reject"' in page and 'id="do-dispute"' in page
    assert "/admin/timesheet/edit/" not in page
    assert as_approver.get(f"/admin/timesheet/edit/?id={world['ana_ts'].id}").status_code == 403
    # an approved sheet offers no move at all
    approved = as_approver.get(f"/admin/timesheet/details/?id={world['cy_ts'].id}").get_data(as_text=True)
    assert 'id="sheet-actions"' not in approved


def test_another_clients_sheet_is_not_found_for_the_approver(db, as_approver, world):
    bo = world["bo_ts"]
    assert as_approver.get(f"/admin/timesheet/details/?id={bo.id}").status_code == 404
    page = as_approver.get("/admin/timesheet/")
    token = csrf_token_from(page.data)
    for verb in ("approve", "reject", "dispute"):
        resp = as_approver.post(f"/admin/timesheet/{bo.id}/{verb}", data={"csrf_token": token, "reason": "no"})
        assert resp.status_code == 404, verb
    assert _status(db, bo).status == "submitted"


def test_the_approver_disputes_with_a_reason_and_hr_sees_it_in_the_history(db, as_approver, as_hr, world):
    ts = world["ana_ts"]
    page = as_approver.get(f"/admin/timesheet/details/?id={ts.id}")
    token = csrf_token_from(page.data)
    empty = as_approver.post(f"/admin/timesheet/{ts.id}/dispute", data={"csrf_token": token, "reason": "  "},
                             follow_redirects=True).get_data(as_text=True)
    assert "Refused" in empty and "reason" in empty and _status(db, ts).status == "submitted"
    as_approver.post(f"/admin/timesheet/{ts.id}/dispute", data={"csrf_token": token,
                                                                 "reason": "Not on site on Friday"})
    assert _status(db, ts).status == "disputed" and _status(db, ts).disputed_reason == "Not on site on Friday"
    hr_page = as_hr.get(f"/admin/timesheet/details/?id={ts.id}").get_data(as_text=True)
    assert 'id="sheet-reason"' in hr_page and "Disputed by the client" in hr_page
    history = re.search(r'<table class="table table-sm" id="history">(.*?)</table>', hr_page, re.S).group(1)
    assert "disputed" in history and "Not on site on Friday" in history and "submitted → disputed" in history
    assert "client approver" in history
    # HR fixes it: no dispute button for HR, and the approver's Approve is gone on a disputed sheet
    assert 'id="do-dispute"' not in hr_page and 'id="do-approve"' not in hr_page
    assert "/admin/timesheet/edit/" in hr_page


def test_hr_rejects_a_lot_with_one_reason_and_a_locked_sheet_is_named(db, as_hr, world):
    ana, cy, bo = world["ana_ts"], world["cy_ts"], world["bo_ts"]
    listing = as_hr.get("/admin/timesheet/")
    assert b'Reject (with a reason)' in listing.data
    token = csrf_token_from(listing.data)
    ask = as_hr.post("/admin/timesheet/action/", data={"action": "reject", "rowid": [str(ana.id), str(cy.id),
                                                                                        str(bo.id)],
                                                       "csrf_token": token})
    assert ask.status_code == 200
    html = ask.get_data(as_text=True)
    assert 'id="bulk-reason-form"' in html and "Ana Silva at Acme Corp, week of 2026-11-02" in html
    token = csrf_token_from(ask.data)
    rows = [str(ana.id), str(cy.id), str(bo.id)]
    none = as_hr.post("/admin/timesheet/bulk/reject", data={"rowid": rows, "reason": "", "csrf_token": token})
    assert none.status_code == 422 and _status(db, ana).status == "submitted"
    done = as_hr.post("/admin/timesheet/bulk/reject", data={"rowid": rows, "reason": "Hours over the PO cap",
                                                            "csrf_token": token}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "2 timesheet(s) rejected" in text
    assert "Not rejected — Cy Colleague at Acme Corp, week of 2026-11-02: Timesheet #" in text
    assert _status(db, ana).status == "rejected" and _status(db, ana).rejected_reason == "Hours over the PO cap"
    assert _status(db, bo).status == "rejected" and _status(db, cy).status == "approved"


def test_the_approver_is_offered_reject_and_dispute_but_not_submit(as_approver):
    html = as_approver.get("/admin/timesheet/").get_data(as_text=True)
    assert "Reject (with a reason)" in html and "Dispute (with a reason)" in html
    assert ">Submit<" not in html


def test_hr_is_not_offered_dispute(as_hr):
    assert "Dispute (with a reason)" not in as_hr.get("/admin/timesheet/").get_data(as_text=True)


def test_units_read_as_people_write_them(as_hr, world):
    from tests.factories import TimesheetFactory

    ts = TimesheetFactory(engagement=world["e_ana"], week_start=date(2026, 11, 9), hours=(0,) * 7,
                          units=Decimal("12.5000"))
    html = as_hr.get(f"/admin/timesheet/details/?id={ts.id}").get_data(as_text=True)
    assert "12.5 units" in html and "12.5000" not in html


def test_hr_fixes_a_week_through_the_edit_form_and_an_approved_week_stays_locked(db, as_hr, world):
    ana, cy = world["ana_ts"], world["cy_ts"]
    form = as_hr.get(f"/admin/timesheet/edit/?id={ana.id}")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "Ana Silva at Acme Corp, week of 2026-11-02" in html
    assert 'name="engagement"' not in html and 'name="week_start"' not in html       # what the sheet is stays
    data = {f"hours_{d}": h for d, h in zip(("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
                                            ("8", "8", "8", "8", "8", "0", "0"))}
    resp = as_hr.post(f"/admin/timesheet/edit/?id={ana.id}", data={**data, "units": "0", "note": "fixed",
                                                                  "csrf_token": csrf_token_from(form.data)})
    assert resp.status_code == 302
    fixed = _status(db, ana)
    assert (fixed.status, str(fixed.total_hours), fixed.engagement_id) == ("draft", "40.00", world["e_ana"].id)
    locked = as_hr.get(f"/admin/timesheet/edit/?id={cy.id}", follow_redirects=True).get_data(as_text=True)
    assert "approved time is locked" in locked and 'id="sheet-title"' in locked


def test_the_export_names_the_worker_client_and_engagement(as_hr):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(as_hr.get("/admin/timesheet/export/csv/").get_data(as_text=True))))
    header = rows[0]
    assert header[:4] == ["Worker", "Client", "Engagement", "Week of"], header
    ana = next(r for r in rows if r[0] == "Ana Silva")
    assert ana[1:3] == ["Acme Corp", "Ana Silva at Acme Corp, leased, TX"]
    assert ana[header.index("Total hours")] == "40.00"


def test_the_dashboard_card_links_the_approver_to_their_submitted_time(app, as_approver, world):
    from flask_login import login_user

    from backoffice.admin import filtered_list_url

    with app.test_request_context():
        login_user(world["approver"])
        url = filtered_list_url("timesheet", "status", "submitted")
    assert url is not None
    html = as_approver.get(url).get_data(as_text=True)
    assert "Ana Silva" in html and "Cy Colleague" not in html      # Cy's week is approved


def test_every_sort_with_a_search_answers_and_posts_need_the_csrf_token(as_hr, world):
    """Sorting by worker or client joins the same tables the search joins: each still answers, in order."""
    for sort in range(len(("worker", "client", "engagement", "week_start", "mon", "tue", "wed", "thu", "fri", "sat",
                           "sun", "total_hours", "units", "status"))):
        for desc in ("", "&desc=1"):
            resp = as_hr.get(f"/admin/timesheet/?search=Acme&sort={sort}{desc}")
            assert resp.status_code == 200, (sort, desc)
    by_worker = as_hr.get("/admin/timesheet/?sort=0").get_data(as_text=True)       # by last name
    assert by_worker.index("Cy Colleague") < by_worker.index("Bo Elsewhere") < by_worker.index("Ana Silva")
    assert as_hr.post(f"/admin/timesheet/{world['ana_ts'].id}/approve").status_code == 400      # no CSRF token


def test_a_page_of_timesheets_costs_the_same_queries_for_3_rows_or_23(db, app, as_hr, world):
    """Names come eager-loaded: 20 more weeks (of 20 more workers) add no query to the list page."""
    from sqlalchemy import event

    from tests.factories import EngagementFactory, TimesheetFactory

    def queries() -> int:
        seen = []
        listener = lambda *args: seen.append(1)      # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert as_hr.get("/admin/timesheet/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    queries()                                         # warm the caches (permissions, field policy)
    before = queries()
    for _ in range(20):
        TimesheetFactory(engagement=EngagementFactory(), week_start=WEEK, status="submitted")
    assert queries() == before


def test_the_engagement_pages_link_opens_that_engagements_weeks(app, as_hr, world):
    """The engagement page's "Timesheets" and the run page's "Approve the time" link to the list filtered on it."""
    from flask_login import login_user

    from backoffice.admin import filtered_list_url

    with app.test_request_context():
        login_user(world["hr"])
        url = filtered_list_url("timesheet", "engagement_id", world["e_ana"].id)
    html = as_hr.get(url).get_data(as_text=True)
    assert "Ana Silva" in html and "Cy Colleague" not in html and "Bo Elsewhere" not in html
