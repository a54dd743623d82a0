"""Issue 11 point 7: an engagement without a signed classification is an exception of the run ("assess"): paid as
its engagement type, with a link for HR to start the assessment; held instead when the agency's setting says so."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa


def test_an_unclassified_engagement_is_paid_and_listed_for_assessment_not_held(db, world):
    """40 h at $25.00 = $1,000.00 gross for both workers; the unclassified one is paid too."""
    from payroll.models import Paycheck, PaycheckHold
    from payroll.services import runs

    unclassified = world.worker(classification=None)
    fine = world.worker()
    for e in (unclassified, fine):
        world.time(e)
    run = world.regular_run()
    (exc,) = runs.paycheck_exceptions(run.id)
    assert (exc.worker_id, exc.engagement_id, exc.code, exc.action, exc.held) == (
        unclassified.worker_id, unclassified.id, "unclassified", "assess", False)
    assert exc.message == "no signed classification assessment: paid as its engagement type; HR assesses the engagement"
    runs.start_calculation(run.id, world.hr)
    db.session.expire_all()
    gross = dict(db.session.execute(sa.select(Paycheck.worker_id, Paycheck.gross).where(Paycheck.run_id == run.id)).all())
    assert gross == {unclassified.worker_id: Decimal("1000.00"), fine.worker_id: Decimal("1000.00")}
    assert db.session.execute(sa.select(PaycheckHold).where(PaycheckHold.run_id == run.id)).first() is None


def test_the_agency_setting_holds_unclassified_engagements(db, world, monkeypatch):
    from flask import current_app

    from payroll.services import runs

    monkeypatch.setitem(current_app.config, "CLASSIFICATION_HOLD_UNCLASSIFIED", "yes")
    unclassified = world.worker(classification=None)
    world.time(unclassified)
    world.time(world.worker())
    run = world.regular_run()
    (exc,) = runs.paycheck_exceptions(run.id)
    assert (exc.code, exc.action, exc.held, exc.message) == (
        "unclassified", "hold", True, "no signed classification assessment: held until HR signs one")


def test_the_run_page_links_hr_to_start_the_assessment(app, db, world, login):
    from tests.conftest import isolated_client

    unclassified = world.worker(classification=None)
    world.time(unclassified)
    run = world.regular_run()
    c = isolated_client(app)
    login(c, world.hr)
    page = " ".join(c.get(f"/admin/payroll-runs/{run.id}").data.decode().split())
    assert "paid, assess" in page
    link = f'href="/admin/classification/new?engagement_id={unclassified.id}"'
    assert f"{link}>Start the assessment</a>" in page
    start = c.get(f"/admin/classification/new?engagement_id={unclassified.id}")
    assert start.status_code == 200 and b"now unclassified" in start.data
    finance = isolated_client(app)
    login(finance, world.finance)
    seen = finance.get(f"/admin/payroll-runs/{run.id}")
    assert seen.status_code == 200 and link.encode() not in seen.data     # finance may not assess: no dead end
