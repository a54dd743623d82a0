"""Scheduled reports: recipients who may not see the report are refused by name; a due slot is sent once with the
report attached, however often the beat fires; the beat entry is registered."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from backoffice.errors import ValidationFailed
from tests.integration.billing.conftest import BillingWorld

MONDAY_0730 = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)      # 23 Nov 2026 is a Monday
MADE = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def outbox(app, monkeypatch):
    sent = []

    def sender(cfg, to, subject, body, attachments=()):
        sent.append({"to": to, "subject": subject, "body": body, "attachments": list(attachments)})
    monkeypatch.setitem(app.extensions, "mail_sender", sender)
    return sent


def _schedule(user, **over):
    from reports import schedule_services

    data = {"title": "Weekly labor cost", "report": "labor-cost", "frequency": "weekly", "weekday": 0, "hour": 7,
            "format": "csv", "range_kind": "month_to_date", "filters": {"group": "client"},
            "recipient_ids": [user.id]}
    data.update(over)
    return schedule_services.create_schedule(data, user)


def test_recipients_who_may_not_see_the_report_are_refused_by_name(db, make_user):
    """Gross margin is finance's (margin_report: finance only). Finance adds another finance user, an HR user and
    a compliance user: the two who may not see it are named, one issue each, and nothing is saved."""
    from reports.models import ScheduledReport

    finance = make_user("finance", email="fin@example.com")
    other = make_user("finance", email="fin2@example.com")
    hr = make_user("hr", email="hr.person@example.com")
    officer = make_user("compliance", email="officer@example.com")
    with pytest.raises(ValidationFailed) as refused:
        _schedule(finance, report="gross-margin", recipient_ids=[other.id, hr.id, officer.id])
    issues = refused.value.issues
    assert [i.field for i in issues] == ["recipients", "recipients"]
    assert "hr.person@example.com" in issues[0].message and "(hr) may not see Gross margin" in issues[0].message
    assert "officer@example.com" in issues[1].message and "(compliance)" in issues[1].message
    assert db.session.execute(sa.select(sa.func.count(ScheduledReport.id))).scalar() == 0
    ok = _schedule(finance, report="gross-margin", recipient_ids=[finance.id, other.id])
    assert [u.email for u in ok.recipients] == ["fin2@example.com", "fin@example.com"]


def test_a_user_may_not_schedule_a_report_they_may_not_see(db, make_user):
    """HR may not see gross margin: neither as the one who schedules it nor as its recipient."""
    hr = make_user("hr", email="hr.person@example.com")
    with pytest.raises(ValidationFailed) as refused:
        _schedule(hr, report="gross-margin")
    assert [(i.field, i.message) for i in refused.value.issues] == [
        ("report", "you may not see Gross margin, so you may not schedule it"),
        ("recipients", "hr.person@example.com (hr) may not see Gross margin")]


def test_a_due_slot_is_sent_once_with_the_report_attached_even_when_the_beat_fires_twice(db, make_user, outbox):
    """Weekly on Mondays at 07:00, month to date. At 07:30 on Mon 23 Nov the slot 07:00 is due and covers 1–22 Nov:
    the week of 2 Nov paid on the 13th — Ann (leased, 40 h × $25 = 1,000.00; employer Social Security 62.00,
    Medicare 14.50, FUTA 6.00, TX SUTA 2.7% 27.00 = 109.50) and Cy (contractor, 10 h × $40 = 400.00): total
    labor cost 1,509.50 at Acme Logistics, 2 workers paid. The second beat for the same slot sends nothing; the
    next Monday's slot is a new run."""
    from reports import schedule_services
    from reports.models import ScheduledReportRun

    world = BillingWorld(db, make_user)
    ann = world.worker(state="TX", rate="25.00")
    cy = world.worker(kind="contractor", state="TX", rate="40.00")
    world.time(ann)
    world.time(cy, hours=(2, 2, 2, 2, 2, 0, 0))
    world.approved_run()
    sched = _schedule(world.finance)
    sched.created_at = MADE
    db.session.commit()

    made = schedule_services.run_due(MONDAY_0730)
    assert len(made) == 1 and len(outbox) == 1
    mail = outbox[0]
    assert mail["to"] == world.finance.email
    assert mail["subject"] == "Weekly labor cost: Labor cost, Nov 01, 2026 – Nov 22, 2026"
    [(name, mimetype, content)] = mail["attachments"]
    assert name == "labor-cost_2026-11-01_2026-11-22.csv" and mimetype.startswith("text/csv")
    [row] = list(csv.DictReader(io.StringIO(content.decode())))
    assert (row["period"], row["client"], row["workers_paid"], row["wages"], row["contractor_pay"],
            row["employer_taxes"], row["total_cost"]) == ("2026-11", "Acme Logistics", "2", "1000.00", "400.00",
                                                          "109.50", "1509.50")
    run = db.session.get(ScheduledReportRun, made[0])
    assert (run.status, run.slot, run.sent_to) == ("sent", datetime(2026, 11, 23, 7, tzinfo=timezone.utc),
                                                   world.finance.email)

    assert schedule_services.run_due(MONDAY_0730) == [] and len(outbox) == 1      # the beat fires again
    assert schedule_services.claim(sched, run.slot) is None                       # the database says no
    later = schedule_services.run_due(datetime(2026, 11, 30, 8, tzinfo=timezone.utc))
    assert len(later) == 1 and len(outbox) == 2


def test_a_recipient_who_lost_the_right_is_skipped_and_named_on_the_run(db, make_user, outbox):
    """Finance schedules labor cost to an HR user (HR may see labor cost); the HR user is then made compliance
    (no labor_report right): the run sends to finance only and records whom it skipped."""
    from reports import schedule_services

    finance = make_user("finance", email="fin@example.com")
    hr = make_user("hr", email="moved@example.com")
    sched = _schedule(finance, recipient_ids=[finance.id, hr.id])
    sched.created_at = MADE
    hr.role = "compliance"
    db.session.commit()
    [run_id] = schedule_services.run_due(MONDAY_0730)
    from reports.models import ScheduledReportRun

    run = db.session.get(ScheduledReportRun, run_id)
    assert [m["to"] for m in outbox] == ["fin@example.com"]
    assert run.status == "sent" and "moved@example.com" in run.skipped and "(compliance)" in run.skipped


def test_the_hourly_beat_entry_runs_the_due_schedules(app):
    entry = app.extensions["celery"].conf.beat_schedule["reports-scheduled-hourly"]
    assert entry["task"] == "reports.run_due_schedules"
    assert entry["schedule"].minute == {5}


def test_a_mail_server_that_fails_marks_the_run_failed_and_the_next_schedule_still_goes(db, make_user, app,
                                                                                          monkeypatch):
    """Two schedules due at the same slot; the server refuses mail to the first's recipient: that run is failed
    with the reason, the second is sent."""
    from backoffice.errors import DomainError
    from reports import schedule_services
    from reports.models import ScheduledReportRun

    sent = []

    def sender(cfg, to, subject, body, attachments=()):
        if to == "down@example.com":
            raise DomainError("The email to down@example.com could not be sent (SMTPServerDisconnected); try again "
                              "later", code="smtp_failed")
        sent.append(to)
    monkeypatch.setitem(app.extensions, "mail_sender", sender)
    first = _schedule(make_user("finance", email="down@example.com"))
    second = _schedule(make_user("finance", email="up@example.com"))
    first.created_at = second.created_at = MADE
    db.session.commit()
    made = schedule_services.run_due(MONDAY_0730)
    runs = [db.session.get(ScheduledReportRun, i) for i in made]
    assert [(r.schedule_id, r.status) for r in runs] == [(first.id, "failed"), (second.id, "sent")]
    assert "could not be sent" in runs[0].error and sent == ["up@example.com"]
