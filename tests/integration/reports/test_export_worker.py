"""A large XLSX export built by a real Celery worker process over Redis, with progress, into the shared folder."""
from __future__ import annotations

import os
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reports import exports
from reports.queries import Selection
from tests.integration.payroll.conftest import fresh_broker_pools, wait_for

pytestmark = [pytest.mark.celery, pytest.mark.real_commits]      # a worker process reads what the test commits


def test_a_real_worker_builds_the_register_xlsx(db, app, calculated_run, celery_worker_factory):
    """The worker process writes the file the web process serves: gross total 3,187.50 (fixture docstring)."""
    from reports.tasks import build_export

    run = calculated_run["run"]
    celery = app.extensions["celery"]
    directory = exports.jobs_dir(app)          # <instance>/exports: the same folder in both processes
    job = exports.new_job(directory, "register", Selection(run_id=run.id), "xlsx", user_id=None)
    paths = [exports.job_path(directory, job["id"], s) for s in (".json", ".xlsx")]
    try:
        celery_worker_factory()
        fresh_broker_pools(celery)
        build_export.delay(job["id"])
        done = wait_for(lambda: (j := exports.load_job(directory, job["id"]))["state"] in ("done", "failed") and j,
                        timeout=120, what="the export job")
        assert done["state"] == "done", done["error"]
        assert done["done"] == done["total"] == 3
        ws = load_workbook(paths[1])["Register"]
        rows = list(ws.iter_rows(values_only=True))
        gross = rows[0].index("gross")
        assert rows[-1][0] == "Total"
        assert Decimal(str(rows[-1][gross])).quantize(Decimal("0.01")) == Decimal("3187.50")
    finally:
        fresh_broker_pools(celery)             # back to pools for whatever broker the fixture restores
        for path in paths:
            if os.path.exists(path):
                os.unlink(path)
