"""Notifications are created by the service where the event happens, once per event (a unique key, enforced by
the database), and e-mailed once through the mail port (issue 17 point 4)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

WEEK = date(2026, 11, 16)


def _rows(worker_id=None):
    from backoffice.extensions import db
    from backoffice.notifications.models import Notification

    stmt = sa.select(Notification).order_by(Notification.id)
    if worker_id is not None:
        stmt = stmt.where(Notification.worker_id == worker_id)
    return list(db.session.execute(stmt).scalars())


@pytest.fixture
def world(db, make_user):
    from tests.factories import ClientFactory, EngagementFactory, WorkerFactory

    acme = ClientFactory(name="Acme Corp")
    ana = WorkerFactory(first_name="Ana", last_name="Silva", email="ana@example.com")
    eng = EngagementFactory(worker=ana, client=acme)
    return dict(ana=ana, eng=eng, acme=acme, ana_user=make_user("worker", worker_id=ana.id),
                approver=make_user("client_approver", client_id=acme.id, name="Dana Approver"),
                hr=make_user("hr", name="Hal HR"))


def test_the_same_key_twice_makes_one_notification_even_past_the_service(db, world):
    """The unique key is the database's: an INSERT … ON CONFLICT DO NOTHING of the same key adds no row."""
    from backoffice.notifications.services import Notice, notify_many

    n = Notice(world["ana"].id, "document_needed", "document_needed:w4:test", "Form W-4 needed")
    notify_many([n])
    notify_many([n, n])
    assert [r.key for r in _rows()] == ["document_needed:w4:test"]


def test_an_unknown_kind_is_refused_before_anything_is_written(db, world):
    from backoffice.notifications.services import notify

    with pytest.raises(ValueError):
        notify(world["ana"].id, "lottery_won", "x:1", "You won")
    assert _rows() == []


def test_approving_a_week_tells_the_worker_once_who_approved_it_and_a_rejection_says_why(db, world):
    from payroll.timesheets import services as ts

    sheet = ts.save_timesheet({"engagement_id": world["eng"].id, "week_start": WEEK, "mon": "8"}, world["ana_user"])
    ts.submit_timesheet(sheet.id, world["ana_user"])
    ts.reject_timesheet(sheet.id, world["hr"], "Monday was a holiday")
    ts.save_timesheet({"engagement_id": world["eng"].id, "week_start": WEEK, "tue": "8"}, world["ana_user"])
    ts.submit_timesheet(sheet.id, world["ana_user"])
    ts.approve_timesheet(sheet.id, world["approver"])
    rows = _rows(world["ana"].id)
    assert [(r.kind, r.ref_id) for r in rows] == [("timesheet_rejected", sheet.id), ("timesheet_approved", sheet.id)]
    assert rows[0].title == "Your week of Nov 16 was rejected"
    assert rows[0].body == "Acme Corp, week of Nov 16, 2026: rejected by Hal HR. Why: Monday was a holiday"
    assert rows[1].body == "Acme Corp, week of Nov 16, 2026: approved by Dana Approver."
    # the keys are the review steps' history rows: two steps, two keys
    assert len({r.key for r in rows}) == 2 and all(r.key.startswith("timesheet_") for r in rows)


def test_a_paid_run_tells_each_paid_worker_once_and_a_rerun_adds_nothing(db, world):
    """Two paychecks in the run (Ana's regular one, Bo's) and a reversal of an older one: two notices, keyed by
    the paychecks' ids, dated by the run's pay date (Nov 20, 2026)."""
    from payroll.services.runs import notify_paychecks_ready
    from tests.factories import EngagementFactory, PaycheckFactory, PayrollRunFactory, WorkerFactory

    run = PayrollRunFactory(pay_date=date(2026, 11, 20))
    a = PaycheckFactory(run=run, engagement=world["eng"], gross=Decimal("1000.00"),
                        employee_taxes=Decimal("120.00"), net=Decimal("880.00"))
    bo = WorkerFactory(first_name="Bo")
    b = PaycheckFactory(run=run, engagement=EngagementFactory(worker=bo), gross=Decimal("500.00"), net=Decimal("500.00"))
    PaycheckFactory(run=run, engagement=EngagementFactory(worker=WorkerFactory()), kind="reversal",
                    gross=Decimal("-100.00"), net=Decimal("-100.00"))
    notify_paychecks_ready(run)
    notify_paychecks_ready(run)                     # a retried task or a second hook call
    rows = _rows()
    assert sorted((r.worker_id, r.ref_id) for r in rows) == sorted([(world["ana"].id, a.id), (bo.id, b.id)])
    mine = _rows(world["ana"].id)[0]
    assert mine.title == "Your paycheck for Nov 20, 2026 is ready" and mine.key == f"paycheck_ready:{a.id}"
    assert "under My paychecks" in mine.body and mine.emailed_at is None


def test_a_fresh_insert_of_a_key_that_exists_is_refused_by_the_database_and_adds_nothing(db, world):
    """notify_from_select(fresh=True) is a plain INSERT (no ON CONFLICT): key_exists says no key yet, the first adds
    Ana's one notice; the same key again is refused by uq_notifications_key (IntegrityError), and one row stays."""
    from sqlalchemy.exc import IntegrityError

    from backoffice.notifications.services import key_column, key_exists, notify_from_select
    from backoffice.workers.models import Worker

    rows = sa.select(Worker.id.label("worker_id"), key_column("document_needed:fresh:", Worker.id),
                     Worker.id.label("ref_id")).where(Worker.id == world["ana"].id)
    key = f"document_needed:fresh:{world['ana'].id}"
    assert not key_exists(key)
    notify_from_select("document_needed", rows, "Form W-4 needed", fresh=True)
    assert key_exists(key)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        notify_from_select("document_needed", rows, "Form W-4 needed", fresh=True)
    assert [(r.worker_id, r.key, r.ref_id) for r in _rows()] == [(world["ana"].id, key, world["ana"].id)]


def test_opening_enrollment_tells_every_active_worker_once(db, world):
    from benefits.plan_services import create_window, open_enrollment
    from tests.factories import EngagementFactory, WorkerFactory

    ended = WorkerFactory(first_name="Cy")
    EngagementFactory(worker=ended, status="ended")
    window = create_window(date(2027, 1, 1), date(2026, 11, 1), date(2026, 11, 30))
    open_enrollment(window.id)
    from benefits.plan_services import notify_window_open
    notify_window_open(window)                      # again: nobody is told twice
    rows = _rows()
    assert [(r.worker_id, r.kind) for r in rows] == [(world["ana"].id, "enrollment_open")]
    assert rows[0].title == "Open enrollment for 2027 is open until Nov 30"


def test_the_daily_check_asks_for_each_missing_w4_w9_and_i9_once(db, world):
    """Ana (leased, no W-4, no I-9): two notices; Dee (a contractor, no W-9): one; Eve (leased, W-4 on file,
    I-9 missing): one; a second run of the check adds none."""
    from backoffice.onboarding.services.reminders import remind_missing_documents
    from tests.factories import EngagementFactory, TaxProfileFactory, WorkerFactory

    dee = WorkerFactory(first_name="Dee")
    EngagementFactory(worker=dee, type="contractor")
    eve = WorkerFactory(first_name="Eve")
    TaxProfileFactory(worker=eve)
    eve_eng = EngagementFactory(worker=eve)
    remind_missing_documents(date(2026, 11, 22))
    remind_missing_documents(date(2026, 11, 23))
    got = sorted((r.worker_id, r.key) for r in _rows())
    assert got == sorted([(world["ana"].id, f"document_needed:w4:{world['ana'].id}"),
                          (world["ana"].id, f"document_needed:i9:{world['eng'].id}"),
                          (dee.id, f"document_needed:w9:{dee.id}"),
                          (eve.id, f"document_needed:i9:{eve_eng.id}")])


def test_each_notification_is_emailed_once_and_a_refusal_is_kept_for_a_retry(app, db, world, monkeypatch):
    from backoffice.errors import DomainError
    from backoffice.notifications.services import notify, send_pending

    sent = []
    monkeypatch.setitem(app.extensions, "mail_sender", lambda config, to, subject, body: sent.append((to, subject)))
    notify(world["ana"].id, "document_needed", "document_needed:w4:x", "Form W-4 needed", "Fill it in.")
    now = datetime(2026, 11, 22, 12, tzinfo=timezone.utc)
    assert send_pending(now) == 1 and send_pending(now) == 0
    assert sent == [("ana@example.com", "Tandem: Form W-4 needed")]
    assert _rows()[0].emailed_at is not None

    def refuse(*a):
        raise DomainError("The email could not be sent (ConnectionRefusedError)", code="smtp_failed")
    monkeypatch.setitem(app.extensions, "mail_sender", refuse)
    notify(world["ana"].id, "document_needed", "document_needed:w9:x", "Form W-9 needed")
    assert send_pending(now) == 0
    failed = _rows()[1]
    assert (failed.emailed_at, failed.email_attempts, failed.email_error) == (
        None, 1, "The email could not be sent (ConnectionRefusedError)")
    monkeypatch.setitem(app.extensions, "mail_sender", lambda config, to, subject, body: sent.append((to, subject)))
    assert send_pending(now) == 1 and sent[-1] == ("ana@example.com", "Tandem: Form W-9 needed")


def test_a_mail_server_refusal_stops_the_batch_at_the_first_row_and_the_rest_wait_untouched(app, db, world,
                                                                                           monkeypatch):
    """Three pending, the mail server unreachable: one row carries the error and one try; the other two are
    untried. No SMTP configured at all: the first row carries the error and no try is counted."""
    from backoffice.errors import DomainError
    from backoffice.notifications.services import notify, send_pending

    def refuse_with(code):
        def refuse(*a):
            raise DomainError(f"refused ({code})", code=code)
        return refuse
    monkeypatch.setitem(app.extensions, "mail_sender", refuse_with("smtp_failed"))
    for i in range(3):
        notify(world["ana"].id, "document_needed", f"document_needed:test:{i}", f"Notice {i}")
    assert send_pending() == 0
    assert [(r.email_attempts, r.emailed_at) for r in _rows()] == [(1, None), (0, None), (0, None)]
    monkeypatch.setitem(app.extensions, "mail_sender", refuse_with("smtp_not_configured"))
    assert send_pending() == 0
    assert [(r.email_attempts, r.email_error) for r in _rows()] == [
        (1, "refused (smtp_not_configured)"), (0, ""), (0, "")]


def test_the_send_command_mails_everything_pending(app, db, world, runner, monkeypatch):
    from backoffice.notifications.services import notify

    sent = []
    monkeypatch.setitem(app.extensions, "mail_sender", lambda config, to, subject, body: sent.append(subject))
    notify(world["ana"].id, "document_needed", "document_needed:cli:1", "Form W-4 needed")
    notify(world["ana"].id, "document_needed", "document_needed:cli:2", "Form I-9 needed")
    result = runner.invoke(args=["notifications", "send"])
    assert result.exit_code == 0 and result.output.strip() == "sent 2", result.output
    assert sent == ["Tandem: Form W-4 needed", "Tandem: Form I-9 needed"]


def test_the_remind_documents_command_tells_a_worker_without_a_w4_and_mails_it(app, db, world, runner,
                                                                               monkeypatch, fixed_clock):
    """Ana: leased, working since 2026-01-01, no W-4 and no I-9 on file: two notices, both mailed."""
    sent = []
    monkeypatch.setitem(app.extensions, "mail_sender", lambda config, to, subject, body: sent.append(subject))
    result = runner.invoke(args=["notifications", "remind-documents"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "checked: 2 missing document(s) (each told once); sent 2"
    assert sorted(sent) == ["Tandem: Form I-9 needed", "Tandem: Form W-4 needed"]
