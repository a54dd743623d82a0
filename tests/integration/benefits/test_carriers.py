"""Carriers and who they cover: the member list the 834 files and the bill reconciliation both read."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backoffice.errors import NotFound, ValidationFailed
from benefits import carriers, plan_services as plans_svc, services as svc
from tests.factories import ClientFactory, EngagementFactory, WorkerFactory
from tests.integration.benefits.plans import make_plans

D = Decimal


def _carrier(code="EXH"):
    return plans_svc.save_carrier({"code": code, "name": "Example Health", "receiver_id": "EXAMPLEHLTH",
                                   "fein": "99-0000001", "group_number": "G-1"})


def test_a_carrier_is_refused_field_by_field(db):
    """A lower-case code is made upper; a missing receiver id, a short FEIN and a bad qualifier are each named."""
    with pytest.raises(ValidationFailed) as exc:
        plans_svc.save_carrier({"code": "x y", "name": "N", "fein": "123", "receiver_qualifier": "QQ"})
    assert {i.field for i in exc.value.issues} == {"code", "receiver_id", "fein", "receiver_qualifier"}


def test_the_codes_are_unique_and_found_case_blind(db):
    c = _carrier("exh")
    assert c.code == "EXH" and c.fein == "990000001"
    assert carriers.carrier_by_code(" exh ").id == c.id
    with pytest.raises(ValidationFailed) as exc:
        _carrier("EXH")
    assert exc.value.issues[0].field == "code"
    with pytest.raises(NotFound):
        carriers.carrier_by_code("NOPE")


def test_covered_members_are_the_subscriber_and_the_covered_dependents(db, fixed_clock):
    """Worker W on family PPO from 2026-12-01 with a spouse and a child covered; worker X on the PPO employee-only
    but waived (not coverage); the dental plan is another carrier's. Members of the PPO's carrier in December:
    W (self, premium 1,800.00 = the family tier), the spouse and the child (premium 0: billed on the subscriber)."""
    plans = make_plans()
    c = _carrier()
    plans["ppo"].carrier_id = c.id
    client = ClientFactory()
    w = WorkerFactory(payroll_ready=True, first_name="Wen", last_name="Lee")
    EngagementFactory(worker=w, client=client, start_date=date(2026, 11, 16), pay_frequency="biweekly",
                      pay_rate=D("25.00"))
    x = WorkerFactory(payroll_ready=True)
    EngagementFactory(worker=x, start_date=date(2026, 11, 16), pay_frequency="biweekly", pay_rate=D("25.00"))
    spouse = svc.add_dependent(w.id, {"first_name": "Ana", "last_name": "Lee", "relationship": "spouse",
                                      "birth_date": "1986-02-03"})
    kid = svc.add_dependent(w.id, {"first_name": "Bo", "last_name": "Lee", "relationship": "child",
                                   "birth_date": "2015-08-09"})
    e = svc.enroll({"worker_id": w.id, "plan_id": plans["ppo"].id, "event": "new_hire",
                    "effective_date": "2026-12-01", "coverage_tier": "family", "dependent_ids": [spouse.id, kid.id]})
    svc.enroll({"worker_id": x.id, "plan_id": plans["ppo"].id, "event": "new_hire", "effective_date": "2026-12-01",
                "waive": True, "reason": "covered by spouse"})
    members = carriers.covered_members(c.id, date(2026, 12, 1), date(2026, 12, 31))
    assert [(m.member_id, m.relationship, m.monthly_premium) for m in members] == [
        (f"W{w.id}", "self", D("1800.00")), (f"W{w.id}D{spouse.id}", "spouse", D("0.00")),
        (f"W{w.id}D{kid.id}", "child", D("0.00"))]
    assert {m.subscriber_id for m in members} == {f"W{w.id}"}
    assert {(m.enrollment_id, m.client_id, m.coverage_tier, m.start) for m in members} == {
        (e.id, client.id, "family", date(2026, 12, 1))}
    assert carriers.covered_members(c.id, date(2026, 11, 1), date(2026, 11, 30)) == []   # not yet covered
