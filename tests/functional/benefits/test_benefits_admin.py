"""The benefits admin: HR writes (plans, tiers, rules, windows, life-event decisions), finance reads, a worker is
kept out; the enrollments list searches, filters and exports CSV."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from benefits import services as svc
from benefits.models import BenefitPlan, PlanTier
from tests.conftest import csrf_token_from
from tests.factories import EngagementFactory, WorkerFactory
from tests.integration.benefits.plans import make_plans

D = Decimal


def test_hr_creates_a_plan_and_a_tier_and_a_too_long_wait_is_refused(client, db, fixed_clock, make_user, login):
    login(client, make_user("hr"))
    page = client.get("/admin/benefit_plan/new/")
    assert page.status_code == 200
    form = {"csrf_token": csrf_token_from(page.data), "kind": "dental", "name": "Dental HMO",
            "plan_year_start": "2027-01-01", "plan_year_end": "2027-12-31", "waiting_days": "120",
            "network_type": "", "carrier": "Example Dental", "active": "y"}
    bad = client.post("/admin/benefit_plan/new/", data=form)
    assert b"at most 90 days" in bad.data
    assert db.session.query(BenefitPlan).count() == 0
    client.post("/admin/benefit_plan/new/", data={**form, "waiting_days": "30"})
    plan = db.session.query(BenefitPlan).one()
    assert (plan.name, plan.waiting_days) == ("Dental HMO", 30)
    page = client.get("/admin/benefit_plan_tier/new/")
    client.post("/admin/benefit_plan_tier/new/", data={"csrf_token": csrf_token_from(page.data), "plan": plan.id,
                                                        "tier": "family", "monthly_premium": "96.00"})
    assert [(t.tier, t.monthly_premium) for t in db.session.query(PlanTier).all()] == [("family", D("96.00"))]


def test_enrollments_list_search_filter_and_csv_and_who_may_see_it(client, db, fixed_clock, make_user, login):
    plans = make_plans()
    w = WorkerFactory(payroll_ready=True, last_name="Quintero")
    EngagementFactory(worker=w, start_date=date(2026, 11, 16))
    svc.enroll({"worker_id": w.id, "plan_id": plans["dental"].id, "event": "new_hire",
                "coverage_tier": "employee", "effective_date": "2026-12-01"})
    login(client, make_user("finance"))
    listing = client.get("/admin/benefit_enrollment/?search=Quintero")
    assert listing.status_code == 200 and b"Dental PPO" in listing.data
    csv = client.get("/admin/benefit_enrollment/export/csv/")
    assert csv.status_code == 200 and b"Quintero" in csv.data and b"14.77" in csv.data
    assert client.get("/admin/benefit_plan/new/").status_code in (302, 403)           # finance reads only
    client.get("/logout")
    worker_client = client.application.test_client()
    login(worker_client, make_user("worker", worker_id=w.id))
    assert worker_client.get("/admin/benefit_enrollment/").status_code in (302, 403, 404)


def test_hr_approves_and_denies_life_events(client, db, fixed_clock, make_user, login):
    w = WorkerFactory(payroll_ready=True)
    EngagementFactory(worker=w, start_date=date(2026, 1, 5))
    birth = svc.request_life_event(w.id, {"kind": "birth", "event_date": "2026-11-10"}, ("b.pdf", b"%PDF-1.4"))
    move = svc.request_life_event(w.id, {"kind": "move", "event_date": "2026-11-01"}, None)
    login(client, make_user("hr"))
    page = client.get("/admin/benefit_life_event/")
    token = csrf_token_from(page.data)
    client.post("/admin/benefit_life_event/action/", data={"action": "approve", "rowid": [str(birth.id)],
                                                             "csrf_token": token})
    db.session.refresh(birth)
    assert (birth.status, birth.window_closes_on) == ("approved", date(2027, 1, 21))   # Nov 22 + 60 days
    assert client.get(f"/admin/benefit_life_event/document/{birth.id}").data == b"%PDF-1.4"
    page = client.get(f"/admin/benefit_life_event/deny/?ids={move.id}")
    client.post("/admin/benefit_life_event/deny/", data={"ids": str(move.id), "reason": "",
                                                         "csrf_token": csrf_token_from(page.data)})
    db.session.refresh(move)
    assert move.status == "requested"                                                  # no reason: not denied
    client.post("/admin/benefit_life_event/deny/", data={"ids": str(move.id), "reason": "no proof of address",
                                                         "csrf_token": csrf_token_from(page.data)})
    db.session.refresh(move)
    assert (move.status, move.decision_reason) == ("denied", "no proof of address")


def test_hr_opens_and_closes_open_enrollment_from_the_windows_list(client, db, fixed_clock, make_user, login):
    """Closing runs as a task (eager here): the worker with no 401(k) election gets the plan's 3% default."""
    from benefits import plan_services
    from benefits.models import Enrollment, EnrollmentWindow
    plans27 = make_plans(2027)
    w = WorkerFactory(payroll_ready=True)
    EngagementFactory(worker=w, start_date=date(2026, 1, 5))
    window = plan_services.create_window(date(2027, 1, 1), date(2026, 11, 1), date(2026, 11, 30))
    login(client, make_user("hr"))
    token = csrf_token_from(client.get("/admin/benefit_window/").data)
    client.post("/admin/benefit_window/action/", data={"action": "open", "rowid": [str(window.id)],
                                                         "csrf_token": token})
    db.session.refresh(window)
    assert window.status == "open"
    client.post("/admin/benefit_window/action/", data={"action": "close", "rowid": [str(window.id)],
                                                         "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(EnrollmentWindow, window.id).status == "closed"
    [e] = db.session.query(Enrollment).filter_by(worker_id=w.id).all()
    assert (e.plan_id, e.deferral_percent, e.effective_date) == (plans27["401k"].id, D("0.030000"), date(2027, 1, 1))


def test_hr_sees_a_retro_deduction_before_collecting_it_once(client, db, fixed_clock, make_user, login):
    """A birth on Nov 15 approved on Nov 22: employee + children PPO from Nov 15 at 1,100.00 × 12 / 26 = 507.69 a
    paycheck (as test_enrollment). One paycheck was paid since (Nov 20, gross 2,000.00): the retro page shows the
    507.69 it would have taken before HR collects it; collecting makes one one-time deduction of 507.69, and the
    page then says it is applied (a second POST adds nothing). Finance may look, not collect."""
    from payroll.models_deductions import WorkerDeduction
    from tests.factories import PaycheckFactory, PayrollRunFactory

    plans = make_plans()
    fixed_clock.set(date(2026, 10, 5))
    w = WorkerFactory(payroll_ready=True)
    EngagementFactory(worker=w, start_date=date(2026, 10, 1), pay_frequency="biweekly", pay_rate=D("25.00"))
    svc.enroll({"worker_id": w.id, "plan_id": plans["ppo"].id, "event": "new_hire", "coverage_tier": "employee"})
    fixed_clock.set(date(2026, 11, 22))
    PaycheckFactory(worker=w, run=PayrollRunFactory(pay_date=date(2026, 11, 20), state="paid"),
                    pay_date=date(2026, 11, 20), gross=D("2000.00"))
    ev = svc.request_life_event(w.id, {"kind": "birth", "event_date": "2026-11-15"}, ("birth.pdf", b"%PDF-1.4 x"))
    svc.decide_life_event(ev.id, True)
    baby = svc.add_dependent(w.id, {"first_name": "Eve", "last_name": "Lee", "relationship": "child",
                                    "birth_date": "2026-11-15"})
    second = svc.enroll({"worker_id": w.id, "plan_id": plans["ppo"].id, "event": "life_event",
                         "coverage_tier": "employee_children", "dependent_ids": [baby.id]})
    login(client, make_user("finance"))
    listing = client.get("/admin/benefit_enrollment/")
    assert f"/admin/benefit_enrollment/retro/{second.id}".encode() in listing.data
    page = client.get(f"/admin/benefit_enrollment/retro/{second.id}")
    assert page.status_code == 200 and b"$507.69" in page.data and b"Collect" not in page.data
    assert client.post(f"/admin/benefit_enrollment/retro/{second.id}",
                       data={"csrf_token": csrf_token_from(page.data)}).status_code == 403
    client.get("/logout")
    login(client, make_user("hr"))
    page = client.get(f"/admin/benefit_enrollment/retro/{second.id}")
    assert b"Collect $507.69 on the next paycheck" in page.data
    for _ in range(2):
        client.post(f"/admin/benefit_enrollment/retro/{second.id}", data={"csrf_token": csrf_token_from(page.data)})
    retro = db.session.query(WorkerDeduction).filter(WorkerDeduction.external_ref.like("%:retro")).all()
    assert [(d.code, d.amount, d.goal) for d in retro] == [("section125", D("507.69"), D("507.69"))]
    assert b"Applied: a one-time deduction of $507.69" in client.get(
        f"/admin/benefit_enrollment/retro/{second.id}").data
    assert client.get("/admin/benefit_enrollment/retro/999999").status_code == 404
