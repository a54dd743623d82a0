"""The invoicing task on real Celery worker processes over Redis: the same run's message delivered twice at once
(two prefork processes take one each) bills every item once."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.integration.payroll.conftest import celery_worker_factory  # noqa: F401  (a fixture)

from .test_invoicing_runs import _numbers, _request, _two_clients

pytestmark = [pytest.mark.celery, pytest.mark.real_commits]      # worker processes read what the test commits


def test_the_same_run_sent_twice_at_once_to_two_worker_processes_bills_each_item_once(
        db, world, celery_worker_factory, redis_url):  # noqa: F811
    """Acme's $1,425.00 (40 × 30.00 + 5 × 45.00) and Beacon's $400.00: both messages are taken by the worker's
    two processes, the run ends done, 2 of 2 clients, and after the worker's warm shutdown (in-flight tasks
    finish) there are exactly two invoices, INV-000001 and INV-000002, $1,825.00 in receivables — not four."""
    import redis
    from flask import current_app

    from backoffice.billing.services.invoicing_runs import get_run
    from backoffice.billing.tasks import RUN_INVOICING
    from tests.integration.payroll.conftest import assert_ledger_balanced

    from .receivables_support import account_balance

    from tests.integration.payroll.conftest import fresh_broker_pools, wait_for

    celery = current_app.extensions["celery"]
    celery.conf.task_always_eager = True          # the payroll run is calculated here, as the other tests do
    _two_clients(world)
    celery.conf.task_always_eager = False
    fresh_broker_pools(celery)
    run = _request(world)
    db.session.commit()
    worker = celery_worker_factory()
    task = celery.tasks[RUN_INVOICING]
    task.delay(run.id)
    task.delay(run.id)
    queue = redis.Redis.from_url(redis_url)
    wait_for(lambda: queue.llen("celery") == 0, timeout=60, what="both messages taken by the worker")

    def done():
        db.session.rollback()              # a fresh snapshot: the workers commit in other connections
        return get_run(run.id).state == "done"

    wait_for(done, timeout=120, what="the run done")
    worker.stop()                          # a warm shutdown: the other delivery, if still running, finishes first
    db.session.rollback()
    run = get_run(run.id)
    assert (run.state, run.clients_done, run.clients_total, run.invoice_count, run.invoiced_total) == (
        "done", 2, 2, 2, Decimal("1825.00"))
    assert _numbers(db) == [("INV-000001", Decimal("1425.00"), run.id), ("INV-000002", Decimal("400.00"), run.id)]
    assert account_balance("1100") == Decimal("1825.00")
    assert_ledger_balanced()
    assert db.session.execute(sa.text("SELECT count(*) FROM invoice_lines")).scalar() == 3
