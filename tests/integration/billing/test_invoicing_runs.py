"""Invoicing in the background: a run requested, done client by client by the Celery task with its progress,
safe to run twice and to resume after a crash — the unique source keys bill nothing twice (hand figures in each
docstring)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.integration.billing.conftest import ISSUED

THROUGH = date(2026, 11, 8)
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)


def _two_clients(world):
    """Acme: 45 h at bill rate $30.00 = 40 × 30.00 + 5 × 45.00 = $1,425.00. Beacon: 8 h at $50.00 = $400.00.
    One approved run pays both weeks."""
    from tests.factories import ClientFactory, EngagementFactory

    a = world.worker(rate="20.00")
    a.bill_rate = Decimal("30.00")
    beacon = ClientFactory(name="Beacon Health", state="TX")
    b_worker = world.worker(rate="20.00")
    b = EngagementFactory(worker=b_worker.worker, client=beacon, type="leased_employee", work_state="TX",
                          pay_rate=Decimal("25.00"), bill_rate=Decimal("50.00"), pay_unit="hour",
                          pay_frequency="weekly", classification="leased_employee")
    world.time(a, hours=(10, 10, 10, 10, 5, 0, 0))
    world.time(b, hours=(8, 0, 0, 0, 0, 0, 0))
    world.approved_run()
    return beacon


def _request(world, **kw):
    from backoffice.billing.services.invoicing_runs import request_invoicing

    return request_invoicing(kw.get("through", THROUGH), kw.get("client_id"), issue=kw.get("issue", True),
                             issue_date=ISSUED, user=world.finance)


def _send(run_id):
    """The task, sent as the admin sends it (eager here: run in this process)."""
    from flask import current_app

    from backoffice.billing.tasks import RUN_INVOICING

    return current_app.extensions["celery"].tasks[RUN_INVOICING].delay(run_id).get()


def _numbers(db):
    from backoffice.billing.models import Invoice

    return db.session.execute(sa.select(Invoice.number, Invoice.total, Invoice.invoicing_run_id)
                              .order_by(Invoice.id)).all()


def test_the_task_invoices_every_client_and_records_its_progress(db, world):
    """Two clients: the run goes queued → done, 2 of 2 clients, 2 invoices issued totalling 1,425.00 + 400.00 =
    $1,825.00, each naming the run."""
    from backoffice.billing.services.invoicing_runs import get_run, summary

    _two_clients(world)
    run = _request(world)
    assert (run.state, run.clients_done, run.clients_total, run.percent) == ("queued", 0, 0, 0)
    assert _send(run.id) == "done"
    run = get_run(run.id)
    assert (run.state, run.clients_done, run.clients_total, run.percent) == ("done", 2, 2, 100)
    assert (run.invoice_count, run.invoiced_total, run.error, run.skipped) == (2, Decimal("1825.00"), "", [])
    assert _numbers(db) == [("INV-000001", Decimal("1425.00"), run.id), ("INV-000002", Decimal("400.00"), run.id)]
    assert summary(run) == "Done: 2 invoices issued, total $1,825.00."


def test_running_the_task_twice_and_again_after_a_crash_bills_nothing_twice(db, world):
    """Sent twice, the second delivery finds the run done and does nothing. Then, as if the worker had died after
    committing the first client (state running, 1 of 2 done), a redelivery runs every client again: both have
    nothing unbilled left, so still INV-000001 $1,425.00 and INV-000002 $400.00, no third number, and accounts
    receivable (1100) still $1,825.00."""
    from backoffice.billing.services.invoicing_runs import get_run

    from .receivables_support import account_balance

    _two_clients(world)
    run = _request(world)
    assert (_send(run.id), _send(run.id)) == ("done", "done")
    run = get_run(run.id)
    run.state, run.clients_done, run.finished_at = "running", 1, None
    db.session.flush()
    assert _send(run.id) == "done"
    run = get_run(run.id)
    assert (run.clients_done, run.clients_total, run.invoice_count, run.invoiced_total) == (
        2, 2, 2, Decimal("1825.00"))
    assert _numbers(db) == [("INV-000001", Decimal("1425.00"), run.id), ("INV-000002", Decimal("400.00"), run.id)]
    assert account_balance("1100") == Decimal("1825.00")


def test_a_run_that_fails_midway_keeps_what_it_committed_and_resumes_where_it_stopped(db, world, monkeypatch):
    """The second client's invoicing raises (a lost connection, say): the run is failed after 1 of 2 clients,
    the error named, Acme's INV-000001 $1,425.00 kept. Run again, it bills Beacon's $400.00 as INV-000002 and
    nothing of Acme twice: 2 invoices, $1,825.00."""
    from backoffice.billing.services import invoicing
    from backoffice.billing.services.invoicing_runs import get_run, summary

    beacon = _two_clients(world)
    real = invoicing.invoice_client

    def flaky(client_id, *a, **kw):
        if client_id == beacon.id:
            raise RuntimeError("server closed the connection unexpectedly")
        return real(client_id, *a, **kw)

    run = _request(world)
    monkeypatch.setattr(invoicing, "invoice_client", flaky)
    assert _send(run.id) == "failed"
    run = get_run(run.id)
    assert (run.state, run.clients_done, run.invoice_count, run.error) == (
        "failed", 1, 1, "RuntimeError: server closed the connection unexpectedly")
    assert summary(run).startswith("Failed after 1 of 2 clients (1 invoice issued, total $1,425.00)")
    monkeypatch.setattr(invoicing, "invoice_client", real)
    assert _send(run.id) == "done"
    run = get_run(run.id)
    assert (run.clients_done, run.invoice_count, run.invoiced_total, run.error) == (2, 2, Decimal("1825.00"), "")
    assert _numbers(db) == [("INV-000001", Decimal("1425.00"), run.id), ("INV-000002", Decimal("400.00"), run.id)]


def test_a_client_refused_in_words_is_noted_and_the_others_are_invoiced(db, world, monkeypatch):
    """Beacon's pass is refused as if another run billed it at the same moment: the run notes it by client and
    still finishes Acme (1 invoice, $1,425.00), done."""
    from backoffice.billing.services import invoicing
    from backoffice.billing.services.invoicing_runs import get_run
    from backoffice.errors import DomainError

    beacon = _two_clients(world)
    real = invoicing.invoice_client

    def refused(client_id, *a, **kw):
        if client_id == beacon.id:
            raise DomainError("Beacon Health: another invoicing run billed some of the same time at the same moment")
        return real(client_id, *a, **kw)

    monkeypatch.setattr(invoicing, "invoice_client", refused)
    run = _request(world)
    assert _send(run.id) == "done"
    run = get_run(run.id)
    assert (run.clients_done, run.invoice_count, run.invoiced_total) == (2, 1, Decimal("1425.00"))
    assert run.skipped == [f"client {beacon.id}: Beacon Health: another invoicing run billed some of the same time "
                           f"at the same moment"]


def test_a_bad_request_is_refused_field_by_field_and_an_approver_may_not_start_one(db, world, make_user):
    from backoffice.billing.services.invoicing_runs import request_invoicing
    from backoffice.errors import ValidationFailed
    from backoffice.security.access import PermissionDenied

    with pytest.raises(ValidationFailed) as bad:
        _request(world, through="2026-13-01", client_id="x")
    assert [i.field for i in bad.value.issues] == ["through", "client_id"]
    approver = make_user("client_approver", client_id=world.client.id)
    with pytest.raises(PermissionDenied):
        request_invoicing(THROUGH, None, issue=True, issue_date=ISSUED, user=approver)
