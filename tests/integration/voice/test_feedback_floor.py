"""Feedback without fear (issue 17): anonymous reports are shown to HR only in aggregate until at least five
different workers have reported on the same client; four show nothing about that client. Ratings likewise."""
from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from backoffice.errors import ValidationFailed
from backoffice.voice import feedback_services, services

TODAY = date(2026, 11, 22)


def _report(user, client, n, topic="safety"):
    feedback_services.report_feedback(user, subject="client", client_id=client.id, topic=topic,
                             body=f"Blocked fire exit report-{n}", site="Dock 4", today=TODAY)


def _hr_page(app, login, hr) -> str:
    c = app.test_client()
    login(c, hr)
    resp = c.get("/admin/voice_feedback/")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_four_reports_show_nothing_about_the_client(app, login, voice_world):
    """Four workers report on Acme: the aggregate names no client and holds none of their texts; the admin page
    neither names Acme nor quotes a report; the four count only in the all-clients safety total (4)."""
    for n, user in enumerate(voice_world.users[:4]):
        _report(user, voice_world.acme, n)
    agg = feedback_services.feedback_aggregate(voice_world.hr)
    assert agg.clients == []
    assert agg.by_topic["client"]["safety"] == 4
    html = _hr_page(app, login, voice_world.hr)
    assert "Acme" not in html and "report-" not in html and "Dock 4" not in html


def test_the_fifth_worker_makes_the_clients_reports_visible(app, login, voice_world):
    for n, user in enumerate(voice_world.users[:5]):
        _report(user, voice_world.acme, n)
    agg = feedback_services.feedback_aggregate(voice_world.hr)
    assert [(c.name, reporters) for c, reporters, _topics, _reports in agg.clients] == [("Acme Corp", 5)]
    html = _hr_page(app, login, voice_world.hr)
    assert "Acme Corp" in html and all(f"report-{n}" in html for n in range(5))


def test_five_reports_from_one_worker_are_still_one_reporter(voice_world):
    """The floor counts distinct reporters (by their token), so one worker cannot unlock a client alone."""
    for n in range(5):
        _report(voice_world.users[0], voice_world.acme, n)
    assert feedback_services.feedback_aggregate(voice_world.hr).clients == []


def test_a_raised_floor_needs_more_reporters(voice_world):
    services.update_settings(voice_world.hr, proposal_threshold_share="0.1", answer_days="30",
                             feedback_min_group="6")
    for n, user in enumerate(voice_world.users[:5]):
        _report(user, voice_world.acme, n)
    assert feedback_services.feedback_aggregate(voice_world.hr).clients == []
    _report(voice_world.users[5], voice_world.acme, 5)
    assert len(feedback_services.feedback_aggregate(voice_world.hr).clients) == 1


def test_the_floor_cannot_be_set_below_five(voice_world):
    with pytest.raises(ValidationFailed) as exc:
        services.update_settings(voice_world.hr, proposal_threshold_share="0.1", answer_days="30",
                                 feedback_min_group="4")
    assert [i.field for i in exc.value.issues] == ["feedback_min_group"]


def test_a_report_stores_no_trace_of_its_worker(db, voice_world):
    user, worker = voice_world.users[0], voice_world.workers[0]
    _report(user, voice_world.acme, 1)
    db.session.commit()
    rows = db.session.execute(sa.text("select * from voice_feedback")).mappings().all()
    text = json.dumps([{k: str(v) for k, v in r.items()} for r in rows])
    assert str(worker.id) not in {str(v) for r in rows for k, v in r.items() if k != "client_id" and k != "id"}
    assert worker.email not in text and worker.last_name not in text and user.email not in text
    from backoffice.audit import AuditLog

    assert db.session.execute(sa.select(AuditLog).where(AuditLog.model == "feedback")).first() is None


def test_a_worker_reports_only_on_clients_they_work_for(voice_world):
    with pytest.raises(ValidationFailed) as exc:
        feedback_services.report_feedback(voice_world.users[0], subject="client", client_id=voice_world.globex.id,
                                 topic="pay", body="x", today=TODAY)
    assert exc.value.issues[0].field == "client_id"


def test_the_agency_may_not_answer_by_name_about_a_client_below_the_floor(voice_world):
    """Naming a hidden client in a public response would tell that someone reported on it."""
    for n, user in enumerate(voice_world.users[:4]):
        _report(user, voice_world.acme, n)
    with pytest.raises(ValidationFailed) as exc:
        feedback_services.respond_to_feedback(voice_world.hr, subject="client", client_id=voice_world.acme.id,
                                     topic="safety", body="We are looking into it.")
    assert exc.value.issues[0].field == "client_id"
    feedback_services.respond_to_feedback(voice_world.hr, subject="agency", topic="pay", body="Overtime is now itemised.")
    assert [r.body for r in feedback_services.responses()] == ["Overtime is now itemised."]


def test_ratings_show_from_five_raters_with_averages_rounded_half_up(voice_world):
    """Timely approval 1,2,2,2 (four raters): Acme not shown. A fifth rates 1: respect 3,3,4,4,5 = 19/5 = 3.80;
    timely 1+2+2+2+1 = 8/5 = 1.60; clarity 5 x 4 = 20/5 = 4.00. One worker rating again replaces their rating."""
    timely, respect = [1, 2, 2, 2, 1], [3, 3, 4, 4, 5]
    for user, t, r in list(zip(voice_world.users, timely, respect))[:4]:
        feedback_services.rate_client(user, voice_world.acme.id, {"timely_approval": t, "respect": r, "clarity": 4}, TODAY)
    assert feedback_services.ratings_aggregate()[1] == []
    feedback_services.rate_client(voice_world.users[4], voice_world.acme.id,
                         {"timely_approval": 1, "respect": 5, "clarity": 4}, TODAY)
    replaced = feedback_services.rate_client(voice_world.users[0], voice_world.acme.id,
                                    {"timely_approval": 1, "respect": 3, "clarity": 4}, TODAY)
    assert replaced is True
    floor, scores = feedback_services.ratings_aggregate()
    assert floor == 5
    assert [(s.client.name, s.raters, {k: str(v) for k, v in s.means.items()}) for s in scores] == [
        ("Acme Corp", 5, {"timely_approval": "1.60", "respect": "3.80", "clarity": "4.00"})]


def test_a_rating_outside_one_to_five_is_refused_field_by_field(voice_world):
    with pytest.raises(ValidationFailed) as exc:
        feedback_services.rate_client(voice_world.users[0], voice_world.acme.id,
                             {"timely_approval": 0, "respect": 6, "clarity": "x"}, TODAY)
    assert sorted(i.field for i in exc.value.issues) == ["clarity", "respect", "timely_approval"]
