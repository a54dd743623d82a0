"""Payroll operations fixtures: a small agency with workers ready to pay, and a real Celery worker process."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from tests.conftest import ROOT, TEST_KEY

WEEK1 = date(2026, 11, 2)          # a Monday; the weekly schedule's periods run Monday to Sunday
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)   # when files are made and checks reversed: after each pay date
# The first day a NACHA file made at NOW can settle: NOW is Tuesday 1 December, 10:00 in New York, before the
# default 17:00 cut-off; one banking day later is Wednesday 2 December. A run's pay date is past by then, so its
# file is sent late, knowingly (generate_nacha refuses a past pay date without an effective date).
SETTLES = date(2026, 12, 2)
ROUTING_A = "011000015"            # Federal Reserve Bank of Boston (check digit valid)
ROUTING_B = "021000021"            # JPMorgan Chase (check digit valid)


class World:
    """Builds the records a payroll run needs with the factories (tests/factories.py) and the payroll services."""

    def __init__(self, db, make_user):
        from tests.factories import AgencyFactory, ClientFactory, PayScheduleFactory

        self.db = db
        self.make_user = make_user
        self.hr = make_user("hr")
        self.hr2 = make_user("hr")
        # approves the time `time()` enters: whoever approves time may not approve the run that pays it (four eyes)
        self.timekeeper = make_user("hr")
        self.finance = make_user("finance")
        self.agency = AgencyFactory(suta_rates={"TX": "0.027", "CA": "0.034", "CO": "0.0305"})
        self.client = ClientFactory(name="Acme Logistics", state="TX")
        self.schedule = PayScheduleFactory(name="Weekly", frequency="weekly", anchor_start=WEEK1, pay_lag_days=5)
        self._n = 0

    def worker(self, kind: str = "leased_employee", state: str = "TX", rate: str = "25.00", unit: str = "hour",
               tin: bool = True, flagged: bool = False, w4: bool = True, bank: bool = True, frequency: str = "weekly",
               classification: str | None = "same", accounts: list[dict] | None = None):
        from tests.factories import (BankAccountFactory, EngagementFactory, TaxProfileFactory, W9FormFactory,
                                     WorkerFactory)

        self._n += 1
        n = self._n
        w = WorkerFactory(n=n, payroll_ready=True, state=state, tin_flagged=flagged,
                          **({} if tin else {"tin": None, "tin_last4": ""}))
        e = EngagementFactory(worker=w, client=self.client, type=kind, work_state=state, pay_rate=Decimal(rate),
                              pay_unit=unit, pay_frequency=frequency,
                              classification=(kind if classification == "same" else classification))
        if kind == "leased_employee" and w4:
            TaxProfileFactory(worker=w)
        if kind == "contractor" and w4:
            W9FormFactory(worker=w)
        if bank:
            for i, a in enumerate(accounts or [{}]):
                BankAccountFactory(worker=w, routing_number=a.get("routing", ROUTING_A),
                                   account_number=a.get("account", f"9{n:05d}{i}"),
                                   account_type=a.get("type", "checking"), split_kind=a.get("kind", "remainder"),
                                   split_amount=a.get("amount"), split_percent=a.get("percent"), priority=i)
        return e

    def time(self, engagement, hours=(8, 8, 8, 8, 8, 0, 0), week: date = WEEK1, approve: bool = True,
             units: str | None = None):
        from payroll.timesheets.services import approve_timesheet, save_timesheet

        data = {"engagement_id": engagement.id, "week_start": week.isoformat(),
                **{d: str(h) for d, h in zip(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), hours)}}
        if units is not None:
            data["units"] = units
        ts = save_timesheet(data, self.hr)
        if approve:
            approve_timesheet(ts.id, self.timekeeper)
        return ts

    def regular_run(self, day: date = WEEK1, user=None):
        from payroll.services.runs import create_regular_run

        return create_regular_run(self.schedule.id, day, user or self.hr)


@pytest.fixture
def world(db, make_user):
    return World(db, make_user)


def assert_ledger_balanced():
    from payroll.services.ledger import trial_balance, unbalanced_entries

    tb = trial_balance()
    assert tb["debit"] == tb["credit"], tb
    assert unbalanced_entries() == []
    return tb


# ------------------------------------------------------------------ a real Celery worker process
class CeleryWorker:
    """`celery -A backoffice.celery_worker worker -P prefork -c 2` against the test database and Redis."""

    def __init__(self, database_url: str, broker_url: str, env_extra: dict | None = None):
        self.env = dict(os.environ, BACKOFFICE_DATABASE_URL=database_url, BACKOFFICE_ENCRYPTION_KEY=TEST_KEY,
                        BACKOFFICE_SECRET_KEY="test-secret-key", BACKOFFICE_BROKER_URL=broker_url,
                        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), **(env_extra or {}))
        self.proc = None
        self.log = None

    def start(self):
        import tempfile

        self.log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "backoffice.celery_worker", "worker", "-P", "prefork", "-c", "2",
             "--loglevel", "WARNING", "-Q", "celery", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=str(ROOT), env=self.env, start_new_session=True, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def close_log(self):
        if self.log is not None:
            self.log.close()
            os.unlink(self.log.name)
            self.log = None

    def kill(self):
        """SIGKILL the whole process group (the main worker and its prefork children), as a crash would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=20)
        self.close_log()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=20)
        self.close_log()


@pytest.fixture
def celery_worker_factory(app, redis_url):
    """Start real Celery worker processes over Redis; the app in this process sends tasks to the same broker."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    celery = app.extensions["celery"]
    saved = dict(celery.conf)
    celery.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    fresh_broker_pools(celery)
    started: list[CeleryWorker] = []

    def start(env_extra: dict | None = None) -> CeleryWorker:
        env = {"BACKOFFICE_PAYSTUB_CACHE_DIR": app.config["PAYSTUB_CACHE_DIR"], **(env_extra or {})}
        w = CeleryWorker(app.config["SQLALCHEMY_DATABASE_URI"], redis_url, env).start()
        started.append(w)
        return w

    yield start
    for w in started:
        w.stop()
    celery.conf.update(broker_url=saved["broker_url"], result_backend=saved["result_backend"],
                       task_always_eager=saved["task_always_eager"])
    fresh_broker_pools(celery)


def fresh_broker_pools(celery) -> None:
    """Celery builds its connection and producer pools at the first task sent (an eager task acquires a producer
    too), so pools made while the broker was memory:// would swallow messages meant for Redis, and the reverse.
    Drop them whenever the broker changes so the next send builds them from the current broker_url."""
    celery._pool = None
    celery.amqp._producer_pool = None


def wait_for(predicate, timeout: float = 120, interval: float = 0.25, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")
