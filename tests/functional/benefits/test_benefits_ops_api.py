"""The benefits operations API: ACA months and COBRA cases, read by compliance and HR, a worker's own only, bad
filters named."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from backoffice.db import utcnow
from backoffice.extensions import db as _db
from benefits import cobra_services as cobra
from benefits.aca_models import AcaMonth
from tests.factories import ClientFactory, WorkerFactory
from tests.integration.benefits.cobra_support import covered_couple

D = Decimal


def _aca(worker, status, line14, share, line16):
    row = AcaMonth(worker_id=worker.id, year=2026, month=3, status=status, basis="look_back", hours=D("140.00"),
                   average_monthly_hours=D("140.00"), line14=line14, employee_share=share, line16=line16,
                   explanation=["by hand"], computed_at=utcnow())
    _db.session.add(row)
    _db.session.flush()
    return row


def test_aca_months_compliance_reads_all_a_worker_their_own_and_bad_filters_are_named(app, db, make_user, token_for):
    """Two records of March 2026: A full time and enrolled (1E, 210.00, 2C), B not full time (1E, 210.00, 2B)."""
    a, b = WorkerFactory(), WorkerFactory()
    _aca(a, "full_time", "1E", D("210.00"), "2C")
    _aca(b, "not_full_time", "1E", D("210.00"), "2B")
    c = app.test_client()
    compliance = token_for(make_user("compliance"))
    r = c.get("/api/v1/aca-months?year=2026&month=3", headers=compliance)
    assert r.status_code == 200, r.json
    assert [(i["worker_id"], i["status"], i["line14"], i["employee_share"], i["line16"]) for i in r.json["items"]] == [
        (a.id, "full_time", "1E", "210.00", "2C"), (b.id, "not_full_time", "1E", "210.00", "2B")]
    assert c.get("/api/v1/aca-months?year=2026&status=full_time", headers=compliance).json["total"] == 1
    mine = c.get("/api/v1/aca-months?year=2026", headers=token_for(make_user("worker", worker_id=a.id))).json
    assert [i["worker_id"] for i in mine["items"]] == [a.id]                  # B's record is not there
    bad = c.get("/api/v1/aca-months?month=13&status=bogus", headers=compliance)
    assert bad.status_code == 422 and {"year", "month", "status"} <= {i["field"] for i in bad.json["issues"]}
    approver = token_for(make_user("client_approver", client_id=ClientFactory().id))
    assert c.get("/api/v1/aca-months?year=2026", headers=approver).status_code == 403


def test_cobra_cases_hr_reads_the_deadlines_another_worker_sees_none(app, db, make_user, token_for, fixed_clock):
    """Terminated Oct 20, 2026 with employee + spouse coverage: two cases, coverage lost Oct 31, election notice due
    Oct 20 + 44 = Dec 3, 18 months to Apr 30, 2028 (as tests/integration/benefits/test_cobra.py works out)."""
    fixed_clock.set(date(2026, 10, 21))
    w, spouse, _, _ = covered_couple()
    cobra.record_qualifying_event({"worker_id": w.id, "event_kind": "termination", "event_date": "2026-10-20"})
    c = app.test_client()
    r = c.get("/api/v1/cobra-cases", headers=token_for(make_user("hr")))
    assert r.status_code == 200, r.json
    assert sorted((i["beneficiary"], i["loss_of_coverage"], i["election_notice_due"], i["coverage_max_end"],
                   i["status"]) for i in r.json["items"]) == [
        ("employee", "2026-10-31", "2026-12-03", "2028-04-30", "pending_notice"),
        ("spouse", "2026-10-31", "2026-12-03", "2028-04-30", "pending_notice")]
    other = token_for(make_user("worker", worker_id=WorkerFactory().id))
    assert c.get("/api/v1/cobra-cases", headers=other).json["total"] == 0
    own = c.get("/api/v1/cobra-cases", headers=token_for(make_user("worker", worker_id=w.id))).json
    assert own["total"] == 2
    assert c.get("/api/v1/cobra-cases?status=bogus", headers=token_for(make_user("hr"))).status_code == 422
    paths = c.get("/api/v1/openapi.json").json["paths"]
    assert "/api/v1/aca-months" in paths and "/api/v1/cobra-cases" in paths
