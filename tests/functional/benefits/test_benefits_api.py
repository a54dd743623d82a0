"""The benefits API over HTTP: a worker enrolls only themselves (another's id is a 404), HR enrolls anyone, a
client approver is refused; 422 names the field and nothing is saved; plans with tier costs; the OpenAPI spec."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from backoffice.extensions import db as _db
from benefits.models import Enrollment
from payroll.models_deductions import WorkerDeduction
from tests.factories import ClientFactory, EngagementFactory, WorkerFactory
from tests.integration.benefits.plans import make_plans

D = Decimal


def _leased():
    w = WorkerFactory(payroll_ready=True)
    EngagementFactory(worker=w, start_date=date(2026, 11, 16), pay_frequency="biweekly")
    return w


def _count(model):
    return _db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar()


def test_a_worker_enrolls_themselves_and_only_themselves(client, db, fixed_clock, make_user, token_for):
    """Dental employee-only 32.00 a month × 12 / 26 = 14.769… → 14.77 a paycheck."""
    plans = make_plans()
    me, other = _leased(), _leased()
    mine = token_for(make_user("worker", worker_id=me.id))
    body = {"worker_id": me.id, "plan_id": plans["dental"].id, "event": "new_hire", "effective_date": "2026-12-01",
            "coverage_tier": "employee"}
    r = client.post("/api/v1/benefit-enrollments", json=body, headers=mine)
    assert r.status_code == 201, r.json
    assert (r.json["per_paycheck_employee"], r.json["coverage_tier"]) == ("14.77", "employee")
    r = client.post("/api/v1/benefit-enrollments", json={**body, "worker_id": other.id}, headers=mine)
    assert r.status_code == 404
    assert client.get(f"/api/v1/workers/{other.id}/benefits", headers=mine).status_code == 404
    listing = client.get(f"/api/v1/workers/{me.id}/benefits", headers=mine)
    assert listing.status_code == 200
    assert [(i["plan_name"], i["per_paycheck_employee"], i["per_paycheck_employer"]) for i in listing.json["items"]] \
        == [("Dental PPO", "14.77", "0.00")]
    approver = token_for(make_user("client_approver", client_id=ClientFactory().id))
    assert client.post("/api/v1/benefit-enrollments", json=body, headers=approver).status_code == 403
    assert client.get(f"/api/v1/workers/{me.id}/benefits", headers=approver).status_code == 403
    hr = token_for(make_user("hr"))
    r = client.post("/api/v1/benefit-enrollments", headers=hr, json={
        "worker_id": other.id, "plan_id": plans["401k"].id, "event": "new_hire", "deferral_percent": "0.06"})
    assert r.status_code == 201 and r.json["deferral_percent"] == "0.060000"
    finance = token_for(make_user("finance"))
    assert client.post("/api/v1/benefit-enrollments", json=body, headers=finance).status_code == 403
    assert client.get(f"/api/v1/workers/{other.id}/benefits", headers=finance).status_code == 200


def test_bad_elections_are_422_with_the_field_and_nothing_saved(client, db, fixed_clock, make_user, token_for):
    plans, plans27 = make_plans(), make_plans(2027)
    me = _leased()
    mine = token_for(make_user("worker", worker_id=me.id))
    kid = client.post(f"/api/v1/workers/{me.id}/dependents", headers=mine, json={
        "first_name": "Cy", "last_name": "Lee", "relationship": "child", "birth_date": "1999-05-01"})
    assert kid.status_code == 201 and kid.json["ssn_masked"] == ""
    before = (_count(Enrollment), _count(WorkerDeduction))
    cases = [
        ({"plan_id": plans27["ppo"].id, "event": "open_enrollment", "coverage_tier": "employee"}, "event"),
        ({"plan_id": plans["hsa"].id, "event": "new_hire", "annual_amount": "1000.00"}, "plan_id"),
        ({"plan_id": plans["ppo"].id, "event": "new_hire", "coverage_tier": "employee_children",
          "dependent_ids": [kid.json["id"]]}, "dependent_ids"),
        ({"plan_id": plans["401k"].id, "event": "new_hire", "deferral_percent": "1.01"}, "deferral_percent"),
        ({"plan_id": plans["ppo"].id, "event": "whenever", "coverage_tier": "employee"}, "event"),
    ]
    for extra, field in cases:
        r = client.post("/api/v1/benefit-enrollments", json={"worker_id": me.id, **extra}, headers=mine)
        assert r.status_code == 422, (extra, r.json)
        assert field in [i["field"] for i in r.json["issues"]], (extra, r.json)
        assert all(i["message"] for i in r.json["issues"])
    assert (_count(Enrollment), _count(WorkerDeduction)) == before
    r = client.post(f"/api/v1/workers/{me.id}/dependents", headers=mine, json={
        "first_name": "X", "last_name": "Y", "relationship": "cousin", "birth_date": "2010-01-01"})
    assert r.status_code == 422 and r.json["issues"][0]["field"] == "relationship"


def test_plans_list_by_kind_and_a_plan_with_the_workers_tier_costs(client, db, fixed_clock, make_user, token_for):
    """PPO family 1,800.00 with the agency paying 75% of employee-only (450.00): the worker's share 1,350.00 ×
    12 / 26 = 623.08 a paycheck, the employer's 450 × 12 / 26 = 207.69."""
    from tests.integration.benefits.plans import add_rule
    plans = make_plans()
    add_rule(plans["ppo"], "percent_employee_only", "0.75")
    me, other = _leased(), _leased()
    mine = token_for(make_user("worker", worker_id=me.id))
    r = client.get("/api/v1/benefit-plans?kind=medical", headers=mine)
    assert r.status_code == 200 and sorted(p["name"] for p in r.json["items"]) == ["Pooled HDHP", "Pooled PPO"]
    assert client.get("/api/v1/benefit-plans?kind=pony", headers=mine).status_code == 422
    r = client.get(f"/api/v1/benefit-plans/{plans['ppo'].id}?worker_id={me.id}", headers=mine)
    assert r.status_code == 200 and r.json["eligible"] is True
    family = next(t for t in r.json["tiers"] if t["tier"] == "family")
    assert (family["monthly_premium"], family["employer_monthly"], family["per_paycheck_employee"],
            family["per_paycheck_employer"]) == ("1800.00", "450.00", "623.08", "207.69")
    assert client.get(f"/api/v1/benefit-plans/{plans['ppo'].id}?worker_id={other.id}",
                      headers=mine).status_code == 404
    assert client.get("/api/v1/benefit-plans/999999", headers=mine).status_code == 404
    spec = client.get("/api/v1/openapi.json").json
    for path in ("/api/v1/benefit-plans", "/api/v1/benefit-plans/{ident}", "/api/v1/benefit-enrollments",
                 "/api/v1/workers/{ident}/benefits"):
        assert path in spec["paths"], path


def test_a_worker_reports_a_life_event_with_its_document(client, db, fixed_clock, make_user, token_for):
    import base64
    me, other = _leased(), _leased()
    mine = token_for(make_user("worker", worker_id=me.id))
    doc = base64.b64encode(b"%PDF-1.4 marriage certificate").decode()
    r = client.post(f"/api/v1/workers/{me.id}/life-events", headers=mine, json={
        "kind": "marriage", "event_date": "2026-11-20", "document_name": "cert.pdf", "document_base64": doc})
    assert r.status_code == 201 and (r.json["status"], r.json["document_name"]) == ("requested", "cert.pdf")
    assert client.post(f"/api/v1/workers/{other.id}/life-events", headers=mine, json={
        "kind": "marriage", "event_date": "2026-11-20"}).status_code == 404


def test_beneficiaries_add_up_to_at_most_100_percent_per_level(client, db, fixed_clock, make_user, token_for):
    me, other = _leased(), _leased()
    mine = token_for(make_user("worker", worker_id=me.id))
    url = f"/api/v1/workers/{me.id}/beneficiaries"
    r = client.post(url, headers=mine, json={"plan_kind": "401k", "name": "Ana Lee", "share_percent": "0.6"})
    assert r.status_code == 201 and r.json["share_percent"] == "0.600000"
    r = client.post(url, headers=mine, json={"plan_kind": "401k", "name": "Bo Lee", "share_percent": "0.5"})
    assert r.status_code == 422 and r.json["issues"][0]["field"] == "share_percent"      # 60% + 50% = 110%
    assert client.post(url, headers=mine, json={"plan_kind": "401k", "name": "Bo Lee", "level": "contingent",
                                                "share_percent": "1"}).status_code == 201
    assert [b["name"] for b in client.get(url, headers=mine).json["items"]] == ["Bo Lee", "Ana Lee"]
    assert client.get(f"/api/v1/workers/{other.id}/beneficiaries", headers=mine).status_code == 404
