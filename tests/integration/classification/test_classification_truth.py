"""Issue 11 point 7: an engagement is classified only by a signed assessment; re-checks run daily (Celery beat),
once per day and once per finding, and the admin shows when they ran; a worker may ask HR about an
unclassified engagement."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.integration.classification.helpers import CONTRACTOR, LEASED, make_engagement, signed


def _schedule_change(eng, hr, on: date):
    """HR's later answers (run, not signed): the client now sets the schedule (a client_sets_schedule finding)."""
    import copy

    from backoffice.classification.services import questionnaire
    from backoffice.clock import clock

    answers = copy.deepcopy(CONTRACTOR)
    answers["behavioral_control"]["schedule_set_by"] = "hiring_entity"
    a = questionnaire.start_assessment(eng.id, user=hr, as_of_date=on, answers=answers, today=clock().today())
    return questionnaire.run_assessment(a.id, user=hr)


def test_an_engagement_is_unclassified_until_an_assessment_is_signed(db, make_user):
    """The factory's engagement has no classification (nothing signed): unclassified. Signing the Pub 15-A
    leased-employee example classifies it; a contractor engagement signed as a leased employee is due for
    reclassification."""
    hr = make_user("hr")
    eng = make_engagement(type_="leased_employee", name=("Lee", "Park"))
    assert (eng.classification, eng.classification_status, eng.classification_words) == (
        None, "unclassified", "unclassified")
    signed(eng, LEASED, hr)
    assert (eng.classification, eng.classification_status, eng.classification_words) == (
        "leased_employee", "classified", "leased employee")
    other = make_engagement(type_="contractor", name=("Ana", "Silva"), email="ana@example.com")
    signed(other, LEASED, hr)
    assert other.classification_status == "reclassification_due"
    assert other.classification_words == "leased employee (engaged as contractor: reclassify)"


def test_the_daily_recheck_task_is_on_the_beat_schedule_at_the_configured_hour(app):
    from backoffice.classification import recheck_hour, schedule_rechecks
    from backoffice.classification.tasks import RECHECKS_TASK

    celery = app.extensions["celery"]
    entry = celery.conf.beat_schedule["classification-rechecks-daily"]
    assert entry["task"] == RECHECKS_TASK == "classification.run_rechecks"
    assert RECHECKS_TASK in celery.tasks
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {0}     # the default: 06:00 UTC
    saved = (app.config.get("CLASSIFICATION_RECHECK_HOUR"), dict(celery.conf.beat_schedule))
    try:
        app.config["CLASSIFICATION_RECHECK_HOUR"] = "23"
        schedule_rechecks(app, RECHECKS_TASK)
        assert celery.conf.beat_schedule["classification-rechecks-daily"]["schedule"].hour == {23}
        app.config["CLASSIFICATION_RECHECK_HOUR"] = "25"
        with pytest.raises(RuntimeError, match="CLASSIFICATION_RECHECK_HOUR must be an hour from 0 to 23"):
            recheck_hour(app)
    finally:
        app.config["CLASSIFICATION_RECHECK_HOUR"] = saved[0]
        celery.conf.beat_schedule = saved[1]


def test_the_scheduled_task_run_twice_checks_once_and_raises_no_duplicate(db, make_user, fixed_clock):
    """A contractor signed on 2026-03-02 whose schedule the client took over on 2026-11-10: one finding. The
    task delivered twice the same day records one pass; the next day's pass finds nothing new; a manual pass
    neither."""
    from backoffice.classification.models import Recheck, RecheckRun
    from backoffice.classification.services.rechecks import run_rechecks
    from backoffice.classification.tasks import run_rechecks as task

    hr = make_user("hr")
    eng = make_engagement(name=("Bill", "Plum"))
    signed(eng, CONTRACTOR, hr)
    _schedule_change(eng, hr, date(2026, 11, 10))
    assert task.apply().get() == 1
    assert task.apply().get() is None                  # the same day again: already ran
    fixed_clock.advance(days=1)
    assert task.apply().get() == 0
    assert run_rechecks(today=date(2026, 11, 23), trigger="manual", user=hr) == 0
    found = db.session.execute(sa.select(Recheck)).scalars().all()
    assert [(r.code, r.since) for r in found] == [("client_sets_schedule", date(2026, 11, 10))]
    assert found[0].explanation.startswith("Since November 10, 2026 the client sets the worker's schedule")
    passes = db.session.execute(sa.select(RecheckRun).order_by(RecheckRun.id)).scalars().all()
    assert [(p.as_of_date, p.trigger, p.schedule_day, p.raised, p.found) for p in passes] == [
        (date(2026, 11, 22), "schedule", date(2026, 11, 22), 1, {"client_sets_schedule": 1}),
        (date(2026, 11, 23), "schedule", date(2026, 11, 23), 0, {}),
        (date(2026, 11, 23), "manual", None, 0, {})]
    assert passes[2].by_id == hr.id and all(p.engagements_checked == 1 for p in passes)


def test_the_database_refuses_a_second_finding_of_the_same_kind(db, make_user):
    from backoffice.classification.models import Recheck

    hr = make_user("hr")
    eng = make_engagement(name=("Bill", "Plum"))
    a = signed(eng, CONTRACTOR, hr)
    for assessment_id in (a.id, None):
        row = dict(engagement_id=eng.id, worker_id=eng.worker_id, client_id=eng.client_id, assessment_id=assessment_id,
                   code="long_hours", explanation="x", facts={})
        db.session.add(Recheck(**row))
        db.session.flush()
        with pytest.raises(sa.exc.IntegrityError):
            with db.session.begin_nested():
                db.session.add(Recheck(**row))
                db.session.flush()


def test_the_admin_shows_when_rechecks_last_ran_and_what_they_found_in_words(app, db, make_user, login,
                                                                              fixed_clock):
    from backoffice.classification.services.rechecks import run_scheduled_rechecks

    hr = make_user("hr")
    eng = make_engagement(name=("Bill", "Plum"))
    signed(eng, CONTRACTOR, hr)
    c = app.test_client()
    login(c, hr)
    before = c.get("/admin/classification/").data.decode()
    assert "Re-checks have not run yet" in before and "every day at 06:00 UTC" in before
    _schedule_change(eng, hr, date(2026, 11, 10))
    run_scheduled_rechecks(today=date(2026, 11, 22))
    page = " ".join(c.get("/admin/classification/").data.decode().split())
    assert "Last run <b>November 22, 2026</b> (daily schedule)" in page
    assert "1 contractor engagement checked, 1 new finding (1 client sets the schedule)." in page
    assert "Run re-checks now (November 22, 2026)" in page
    row = page[page.index('id="open-rechecks"'):]
    assert "November 10, 2026" in row and "Bill Plum at Client Plum, contractor, TX" in row
    listing = c.get("/admin/classification_rechecks/").data.decode()
    assert "November 10, 2026" in listing and "client sets the schedule" in listing


def test_the_worker_asks_hr_to_classify_an_unclassified_engagement_and_reads_the_answer(app, db, make_user,
                                                                                         login):
    from tests.conftest import csrf_token_from

    hr = make_user("hr", name="Hanna HR")
    eng = make_engagement(name=("Bill", "Plum"))
    other = make_engagement(name=("Ann", "Elm"), email="ann@example.com")
    bill = make_user("worker", worker_id=eng.worker_id)
    w = app.test_client()
    login(w, bill)
    mine = w.get("/portal/engagements").data.decode()
    assert "Unclassified" in mine and "What this means, and ask HR" in mine
    page = w.get(f"/portal/classification/{eng.id}")
    assert page.status_code == 200 and b"Unclassified" in page.data and b'id="comment"' in page.data
    token = csrf_token_from(page.data)
    assert w.post(f"/portal/classification/{eng.id}/ask", data={"comment": " ", "csrf_token": token}).status_code == 422
    assert w.get(f"/portal/classification/{other.id}").status_code == 404
    assert w.post(f"/portal/classification/{other.id}/ask",
                  data={"comment": "mine?", "csrf_token": token}).status_code == 404
    sent = w.post(f"/portal/classification/{eng.id}/ask",
                  data={"comment": "I have my own roofing business.", "csrf_token": token})
    assert sent.status_code == 302
    review_id = int(sent.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    h = app.test_client()
    login(h, hr)
    queue = h.get("/admin/classification_reviews/").data.decode()
    assert "Bill Plum at Client Plum, contractor, TX (unclassified: asks HR to classify)" in queue
    thread = h.get(f"/admin/classification/reviews/{review_id}")
    assert b"I have my own roofing business." in thread.data and b"no assessment of it is signed yet" in thread.data
    assert h.post(f"/admin/classification/reviews/{review_id}",
                  data={"body": "We will assess it this week.", "csrf_token": csrf_token_from(thread.data)}
                  ).status_code == 302
    assert f"HR answered your classification review #{review_id}" in w.get("/portal/").data.decode()
    seen = w.get(f"/portal/classification/reviews/{review_id}").data.decode()
    assert "We will assess it this week." in seen and "HR (Hanna HR)" in seen
    assert "not classified yet" in seen


def test_unclassified_is_shown_in_the_admin_list_the_api_and_the_portal(app, db, make_user, login, token_for):
    """Two engagements: Bill's signed (the Pub 15-A roofer example: contractor), Ann's with nothing signed."""
    from tests.conftest import isolated_client

    hr = make_user("hr")
    bill = make_engagement(name=("Bill", "Plum"))
    ann = make_engagement(name=("Ann", "Elm"), email="ann@example.com")
    signed(bill, CONTRACTOR, hr)
    c = isolated_client(app)
    login(c, hr)
    listing = " ".join(c.get("/admin/engagements/").data.decode().split())
    rows = {int(m.group(1)): m.group(2) for m in re.finditer(r'<td class="col-id"> (\d+) </td>(.*?)</tr>', listing)}
    ann_row, bill_row = rows[ann.id], rows[bill.id]
    assert '<td class="col-classification"> unclassified </td>' in ann_row
    assert '<td class="col-classification"> contractor </td>' in bill_row
    details = c.get(f"/admin/engagements/details/?id={ann.id}").data.decode()
    assert "unclassified" in details
    export = c.get("/admin/engagements/export/csv/").data.decode()
    assert "unclassified" in export

    api = token_for(hr)
    one = app.test_client().get(f"/api/v1/engagements/{ann.id}", headers=api).get_json()
    assert (one["classification"], one["classification_status"]) == (None, "unclassified")
    page = app.test_client().get("/api/v1/engagements", headers=api).get_json()["items"]
    assert {e["id"]: (e["classification"], e["classification_status"]) for e in page} == {
        ann.id: (None, "unclassified"), bill.id: ("contractor", "classified")}

    worker = isolated_client(app)
    login(worker, make_user("worker", worker_id=ann.worker_id))
    index = worker.get("/portal/classification/").data.decode()
    assert "Unclassified" in index and "Signed classification" not in index


def test_hr_dashboard_counts_unclassified_engagements_and_links_to_them(app, db, make_user, login):
    """Two open engagements, one signed: 1 not classified; the card's list shows Ann's engagement, not Bill's."""
    from tests.conftest import isolated_client

    hr = make_user("hr")
    bill = make_engagement(name=("Bill", "Plum"))
    ann = make_engagement(name=("Ann", "Elm"), email="ann@example.com")
    signed(bill, CONTRACTOR, hr)
    c = isolated_client(app)
    login(c, hr)
    home = " ".join(c.get("/admin/").data.decode().split())
    card = home[:home.index("Engagements not classified")]
    card = card[card.rindex("<a"):]
    url = re.search(r'href="([^"]+)"', card).group(1).replace("&amp;", "&")
    assert "/admin/engagements/?flt0_" in url
    assert re.search(r'Engagements not classified</a></div> <div class="tandem-big">1</div>', home)
    listing = c.get(url).data.decode()
    assert f'<td class="col-id"> {ann.id} </td>' in " ".join(listing.split()) and "Bill Plum" not in listing
