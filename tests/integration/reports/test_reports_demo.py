"""seed-demo shows the agency's reports with figures: the margin agrees with the ledger, two schedules exist."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa


def test_the_demo_prints_the_margin_in_agreement_with_the_ledger_and_makes_two_schedules(db, monkeypatch):
    import importlib

    from backoffice.workers.demo import seed_demo
    from reports import catalog
    from reports.models import ScheduledReport

    for pkg in ("benefits", "compliance", "backoffice.onboarding"):      # not what this test reads
        module = importlib.import_module(f"{pkg}.demo")
        if hasattr(module, "seed"):
            monkeypatch.setattr(module, "seed", lambda rng, today: [])
    lines = seed_demo(n_workers=30, today=date(2026, 11, 22))
    [margin] = [ln for ln in lines if ln.startswith("reports: gross margin")]
    assert "the ledger agrees to the cent" in margin and "revenue $0.00" not in margin
    schedules = db.session.execute(sa.select(ScheduledReport).order_by(ScheduledReport.id)).scalars().all()
    assert [(s.report, s.frequency) for s in schedules] == [("gross-margin", "weekly"),
                                                           ("headcount-turnover", "monthly")]
    for s in schedules:           # every recipient may see what they are sent
        assert s.recipients and all(catalog.may_see(u, s.report) for u in s.recipients)


def test_the_demo_stores_the_first_paystubs_of_its_latest_paid_run(db, monkeypatch):
    """The demo runs in process (no Celery to store stubs on approval): it stores the first 20 stubs of the latest
    paid regular run itself (all of them when the run has fewer), and a stored stub is what paystub_pdf returns."""
    import importlib

    from backoffice.workers.demo import seed_demo
    from payroll.models import Paycheck
    from reports import demo
    from reports.paystubs import _stored_copy, paystub_pdf

    for pkg in ("benefits", "compliance", "backoffice.onboarding"):
        module = importlib.import_module(f"{pkg}.demo")
        if hasattr(module, "seed"):
            monkeypatch.setattr(module, "seed", lambda rng, today: [])
    lines = seed_demo(n_workers=30, today=date(2026, 11, 22))
    [line] = [ln for ln in lines if "rendered into the paystub store" in ln]
    run_id = int(line.split("paid run #")[1].split()[0])
    in_run = db.session.execute(sa.select(sa.func.count(Paycheck.id)).where(Paycheck.run_id == run_id)).scalar()
    assert line.startswith(f"reports: {min(in_run, demo.DEMO_STORED_PAYSTUBS)} paystubs of paid run #{run_id}")
    first = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run_id).order_by(Paycheck.id)).scalar()
    path, storable = _stored_copy(first)
    assert storable and path.exists() and paystub_pdf(first.id) == path.read_bytes()
