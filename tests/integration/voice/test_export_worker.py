"""A worker's data export built by a real Celery worker process over Redis (production's shape): the request
returns at once with a queued job, the worker commits progress and the finished ZIP, and the ZIP holds every
paycheck."""
from __future__ import annotations

import json
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.integration.payroll.conftest import celery_worker_factory, wait_for  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.celery, pytest.mark.real_commits]      # the worker process reads what the test commits


def test_a_real_worker_builds_the_export_with_progress_and_every_paycheck(db, voice_world, export_dir,
                                                                          celery_worker_factory):  # noqa: F811
    """Seven paychecks: 12 records (notifications.json among them) + 7 paystub PDFs = 19 items; the job moves
    queued -> done with done = total = 19, and the ZIP's paychecks.json lists the seven ids."""
    from backoffice.tasks import enqueue
    from backoffice.voice import export_services
    from backoffice.voice.models import DataExport
    from backoffice.voice.tasks import BUILD_EXPORT
    from backoffice.workers.models import Engagement
    from tests.factories import PaycheckFactory, PaycheckLineFactory, PayrollRunFactory

    worker = voice_world.workers[0]
    eng = db.session.execute(sa.select(Engagement).where(Engagement.worker_id == worker.id)).scalar_one()
    ids = []
    for i in range(7):
        run = PayrollRunFactory(pay_date=date(2026, 6, 5) + timedelta(days=14 * i))
        p = PaycheckFactory(run=run, engagement=eng, gross=Decimal("500.00"), employee_taxes=Decimal("50.00"),
                            net=Decimal("450.00"))
        PaycheckLineFactory(paycheck=p, code="regular", amount=Decimal("500.00"), engagement_id=eng.id)
        PaycheckLineFactory(paycheck=p, kind="employee_tax", code="federal_income_tax", amount=Decimal("50.00"))
        ids.append(p.id)
    db.session.commit()
    celery_worker_factory({"BACKOFFICE_VOICE_EXPORT_DIR": str(export_dir)})

    job = export_services.request_export(voice_world.users[0], worker.id)
    assert job.state == "queued"
    enqueue(BUILD_EXPORT, job.id)                 # to Redis: nothing is built in this process

    def finished():
        db.session.rollback()                     # a fresh snapshot: the worker commits in its own connection
        row = db.session.get(DataExport, job.id)
        db.session.refresh(row)
        return row if row.state in ("done", "failed") else None

    row = wait_for(finished, timeout=180, what="the export to finish")
    assert (row.state, row.error, row.done, row.total) == ("done", "", 19, 19)
    with zipfile.ZipFile(row.path) as z:
        assert sorted(p["id"] for p in json.loads(z.read("paychecks.json"))) == sorted(ids)
        assert len([n for n in z.namelist() if n.startswith("paystubs/") and n.endswith(".pdf")]) == 7
