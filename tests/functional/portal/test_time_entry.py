"""Entering time in the portal (issue 17 point 4): a worker starts a week for one of their engagements, fills the
day grid, saves a draft or submits; a week the engagement already has is refused naming the week; hours over 24
or finer than a hundredth (the service's rule, backoffice.money.HOURS) are refused naming the day; a piece-paid engagement's form asks for the units done; the
list shows who approved a week and when. The clock is stopped on Sunday 2026-11-22, so "this week" is Nov 16."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from

THIS_WEEK = date(2026, 11, 16)


@pytest.fixture
def world(db, make_user, fixed_clock):
    from tests.factories import ClientFactory, EngagementFactory, WorkerFactory

    acme, globex = ClientFactory(name="Acme Corp"), ClientFactory(name="Globex")
    ana, bo = WorkerFactory(first_name="Ana", last_name="Silva"), WorkerFactory(first_name="Bo", last_name="Lind")
    hourly = EngagementFactory(worker=ana, client=acme, title="Forklift")
    piece = EngagementFactory(worker=ana, client=globex, title="Deliveries", pay_unit="piece",
                              pay_rate=Decimal("4.5000"))
    salaried = EngagementFactory(worker=ana, client=acme, title="Office", pay_unit="year",
                                 pay_rate=Decimal("52000"))
    bo_eng = EngagementFactory(worker=bo, client=acme)
    return dict(hourly=hourly, piece=piece, salaried=salaried, bo_eng=bo_eng,
                ana_user=make_user("worker", worker_id=ana.id), approver=make_user(
                    "client_approver", client_id=acme.id, name="Dana Approver"))


@pytest.fixture
def ana(app, world, login):
    c = app.test_client()
    login(c, world["ana_user"])
    return c


def _grid(client, eng_id, week=THIS_WEEK):
    page = client.get(f"/portal/time/new?engagement_id={eng_id}&week_start={week.isoformat()}")
    assert page.status_code == 200
    return page, csrf_token_from(page.data)


def test_the_new_week_page_offers_only_the_workers_hourly_and_piece_engagements_and_this_weeks_monday(ana, world):
    html = ana.get("/portal/time/new").get_data(as_text=True)
    assert f'<option value="{world["hourly"].id}"' in html and f'<option value="{world["piece"].id}"' in html
    assert f'<option value="{world["salaried"].id}"' not in html          # paid by the period, no timesheet
    assert f'<option value="{world["bo_eng"].id}"' not in html            # another worker's
    # the clock says Sunday Nov 22: this week began Monday Nov 16, which is selected
    assert '<option value="2026-11-16" selected>' in html
    assert 'href="/portal/time/new"' in ana.get("/portal/time").get_data(as_text=True)


def test_a_worker_enters_a_week_saves_it_as_a_draft_then_submits_it(db, ana, world):
    from payroll.models import Timesheet

    page, token = _grid(ana, world["hourly"].id)
    assert 'id="units"' not in page.get_data(as_text=True)              # hourly: hours only
    resp = ana.post("/portal/time/new", data={
        "csrf_token": token, "engagement_id": world["hourly"].id, "week_start": "2026-11-16", "mon": "8",
        "tue": "7.5", "wed": "8", "thu": "8", "fri": "6.25", "then": "save"})
    assert resp.status_code == 303
    ts = db.session.execute(sa.select(Timesheet).where(Timesheet.engagement_id == world["hourly"].id)).scalar_one()
    # 8 + 7.5 + 8 + 8 + 6.25 = 37.75 hours, kept as a draft
    assert (ts.status, ts.total_hours, ts.source) == ("draft", Decimal("37.75"), "worker")
    assert resp.headers["Location"].endswith(f"/portal/time/{ts.id}")
    detail = ana.get(f"/portal/time/{ts.id}")
    ana.post(f"/portal/time/{ts.id}", data={"csrf_token": csrf_token_from(detail.data), "mon": "8", "tue": "7.5",
                                            "wed": "8", "thu": "8", "fri": "6.25", "then": "submit"})
    db.session.expire_all()
    assert db.session.get(Timesheet, ts.id).status == "submitted"


def test_a_second_week_for_the_same_engagement_is_refused_naming_the_week(db, ana, world):
    from payroll.models import Timesheet

    _, token = _grid(ana, world["hourly"].id)
    data = {"csrf_token": token, "engagement_id": world["hourly"].id, "week_start": "2026-11-16", "mon": "8",
            "then": "submit"}
    assert ana.post("/portal/time/new", data=data).status_code == 303
    again = ana.post("/portal/time/new", data={**data, "mon": "4"})
    html = again.get_data(as_text=True)
    assert again.status_code == 422 and 'id="error-week_start"' in html
    assert "you already have a timesheet for the week of Nov 16, 2026 at this engagement (submitted)" in html
    sheets = db.session.execute(sa.select(Timesheet).where(Timesheet.engagement_id == world["hourly"].id)).scalars()
    assert [t.hours_mon for t in sheets] == [Decimal("8.00")]            # the first week is untouched


def test_hours_over_24_or_finer_than_a_hundredth_and_a_tuesday_week_are_refused_by_field(db, ana, world):
    from payroll.models import Timesheet

    _, token = _grid(ana, world["hourly"].id)
    bad = ana.post("/portal/time/new", data={"csrf_token": token, "engagement_id": world["hourly"].id,
                                             "week_start": "2026-11-16", "mon": "25", "tue": "8.125", "then": "save"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "must be at most 24" in html
    assert 'id="error-mon"' in html and 'id="error-tue"' in html
    tuesday = ana.post("/portal/time/new", data={"csrf_token": token, "engagement_id": world["hourly"].id,
                                                 "week_start": "2026-11-17", "mon": "8", "then": "save"})
    assert tuesday.status_code == 422
    assert "2026-11-17 is a Tuesday; a timesheet week starts on Monday" in tuesday.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Timesheet)).scalar() == 0


def test_a_piece_paid_engagement_records_the_units_done_with_the_hours(db, ana, world):
    from payroll.models import Timesheet

    page, token = _grid(ana, world["piece"].id)
    assert 'id="units"' in page.get_data(as_text=True) and "$4.50 per piece" in page.get_data(as_text=True)
    resp = ana.post("/portal/time/new", data={"csrf_token": token, "engagement_id": world["piece"].id,
                                              "week_start": "2026-11-16", "mon": "6", "tue": "6", "units": "130",
                                              "then": "submit"})
    assert resp.status_code == 303
    ts = db.session.execute(sa.select(Timesheet).where(Timesheet.engagement_id == world["piece"].id)).scalar_one()
    assert (ts.status, ts.units, ts.total_hours) == ("submitted", Decimal("130.0000"), Decimal("12.00"))


def test_another_workers_engagement_cannot_be_used_to_start_a_week(db, ana, world):
    from payroll.models import Timesheet

    _, token = _grid(ana, world["hourly"].id)
    resp = ana.post("/portal/time/new", data={"csrf_token": token, "engagement_id": world["bo_eng"].id,
                                              "week_start": "2026-11-16", "mon": "8", "then": "save"})
    assert resp.status_code == 422 and 'id="error-engagement_id"' in resp.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Timesheet)).scalar() == 0


def test_the_list_and_the_week_say_who_approved_it_and_when(db, ana, world, fixed_clock):
    from payroll.timesheets.services import approve_timesheet

    _, token = _grid(ana, world["hourly"].id)
    ana.post("/portal/time/new", data={"csrf_token": token, "engagement_id": world["hourly"].id,
                                       "week_start": "2026-11-16", "mon": "8", "then": "submit"})
    from payroll.models import Timesheet
    ts = db.session.execute(sa.select(Timesheet)).scalar_one()
    approve_timesheet(ts.id, world["approver"])
    listing = ana.get("/portal/time").get_data(as_text=True)
    assert "by Dana Approver," in listing
    detail = ana.get(f"/portal/time/{ts.id}").get_data(as_text=True)
    assert 'id="approved-by"' in detail and "Approved by <b>Dana Approver</b>" in detail
