"""Elections from the service to payroll's rows: per-paycheck amounts by hand, the four bad inputs refused with
nothing saved, changes ending the old rows, life events, open enrollment's close, retro and the constraints."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backoffice.errors import ValidationFailed
from backoffice.extensions import db as _db
from benefits import plan_services as plans_svc, services as svc
from benefits.models import BenefitPlan, ClientContributionRule, Dependent, Enrollment, LifeEvent, PlanTier
from payroll.models_deductions import CONTRIBUTION_CODES, DEDUCTION_CODES, EmployerContribution, WorkerDeduction
from tests.factories import ClientFactory, EngagementFactory, PaycheckFactory, PayrollRunFactory, WorkerFactory
from tests.integration.benefits.plans import add_rule, make_plans

D = Decimal
needs_engine_codes = pytest.mark.skipif("health_employer" not in CONTRIBUTION_CODES,
                                        reason="the health_employer code comes with branch benefits-engine (B)")


def _leased(start=date(2026, 11, 16), **kw):
    w = WorkerFactory(payroll_ready=True)
    EngagementFactory(worker=w, start_date=start, pay_frequency="biweekly", pay_rate=D("25.00"), **kw)
    return w


def _counts():
    return tuple(_db.session.execute(sa.select(sa.func.count()).select_from(m)).scalar()
                 for m in (Enrollment, WorkerDeduction, EmployerContribution))


def _rows(model, enrollment_id):
    return _db.session.execute(sa.select(model).where(model.external_ref.like(f"benefit_enrollment:{enrollment_id}%"))
                               .order_by(model.id)).scalars().all()


def _refused(data, field):
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        svc.enroll(data)
    assert field in [i.field for i in exc.value.issues], exc.value.issues
    assert _counts() == before                                  # nothing saved
    return exc.value.issues


def test_family_medical_becomes_a_section_125_deduction_per_biweekly_paycheck(db, fixed_clock):
    """PPO family 1,800.00 a month, no employer rule: the worker pays 1,800.00 × 12 / 26 = 21,600 / 26 =
    830.769… → 830.77 a biweekly paycheck, pre-tax under section 125, from the effective date."""
    plans = make_plans()
    w = _leased()
    spouse = svc.add_dependent(w.id, {"first_name": "Ana", "last_name": "Lee", "relationship": "spouse",
                                      "birth_date": "1986-02-03", "ssn": "123-45-6789"})
    kid = svc.add_dependent(w.id, {"first_name": "Bo", "last_name": "Lee", "relationship": "child",
                                   "birth_date": "2015-08-09"})
    e = svc.enroll({"worker_id": w.id, "plan_id": plans["ppo"].id, "event": "new_hire",
                    "effective_date": "2026-12-01", "coverage_tier": "family", "dependent_ids": [spouse.id, kid.id]})
    assert (e.per_paycheck_employee, e.per_paycheck_employer, e.pay_periods) == (D("830.77"), D("0.00"), 26)
    [row] = _rows(WorkerDeduction, e.id)
    assert (row.code, row.amount, row.start_date, row.end_date, row.source) == (
        "section125", D("830.77"), date(2026, 12, 1), date(2026, 12, 31), "benefits")
    assert row.external_ref == f"benefit_enrollment:{e.id}"
    assert spouse.ssn_masked == "***-**-6789" and spouse.ssn == "123456789"
    raw = _db.session.execute(sa.text("select ssn from benefit_dependents where id = :i"), {"i": spouse.id}).scalar()
    assert "6789" not in raw                                    # encrypted at rest
    [item] = svc.current_elections(w.id, date(2026, 11, 22))
    assert (item["per_paycheck_employee"], item["status"], item["dependent_ids"]) == (
        "830.77", "pending", [spouse.id, kid.id])


@needs_engine_codes
def test_the_employer_share_follows_the_clients_rule_over_the_agency_default(db, fixed_clock):
    """Agency default: 75% of the employee-only premium (0.75 × 600.00 = 450.00 a month); the worker's client
    pays 80% of the chosen tier (0.80 × 1,800.00 = 1,440.00). Per biweekly paycheck: employer 1,440 × 12 / 26 =
    664.615… → 664.62; the worker 360.00 × 12 / 26 = 166.153… → 166.15."""
    plans = make_plans()
    rich = ClientFactory()
    add_rule(plans["ppo"], "percent_employee_only", "0.75")
    add_rule(plans["ppo"], "percent_tier", "0.80", client_id=rich.id)
    w = _leased(client=rich)
    costs = {t.tier: t for t in svc.tier_costs(plans["ppo"], rich.id, 26)}
    assert costs["family"].employer_monthly == D("1440.00")
    assert {t.tier: t.employer_monthly for t in svc.tier_costs(plans["ppo"], None, 26)}["family"] == D("450.00")
    e = svc.enroll({"worker_id": w.id, "plan_id": plans["ppo"].id, "event": "new_hire",
                    "effective_date": "2026-12-01", "coverage_tier": "employee"})
    assert (e.employee_monthly, e.employer_monthly) == (D("120.00"), D("480.00"))      # 80% of 600.00
    [ded], [con] = _rows(WorkerDeduction, e.id), _rows(EmployerContribution, e.id)
    assert (ded.code, ded.amount) == ("section125", D("55.38"))                          # 120 × 12 / 26 = 55.384…
    assert (con.code, con.amount) == ("health_employer", D("221.54"))                    # 480 × 12 / 26 = 221.538…


def test_401k_traditional_and_roth_percents_and_the_safe_harbor_match(db, fixed_clock):
    """6% traditional + 2% Roth: two deductions by percent, and the plan's match as data (100% of the first 3% of
    pay, 50% of the next 2%). The estimate per paycheck at 25.00 an hour, 40 hours, biweekly: gross 25 × 40 × 52
    / 26 = 2,000.00; deferrals 8% = 160.00; match 3% + 1% = 4% = 80.00."""
    plans = make_plans()
    w = _leased()
    e = svc.enroll({"worker_id": w.id, "plan_id": plans["401k"].id, "event": "new_hire",
                    "effective_date": "2026-12-01", "deferral_percent": "0.06", "roth_percent": "0.02"})
    deds = _rows(WorkerDeduction, e.id)
    assert [(d.code, d.percent, d.external_ref) for d in deds] == [
        ("401k", D("0.060000"), f"benefit_enrollment:{e.id}"), ("roth_401k", D("0.020000"),
                                                               f"benefit_enrollment:{e.id}:roth")]
    [match] = _rows(EmployerContribution, e.id)
    assert (match.code, match.match) == ("401k_match", ((D("0.03"), D("1")), (D("0.02"), D("0.5"))))
    [item] = svc.current_elections(w.id, date(2026, 12, 1))
    assert (item["per_paycheck_employee"], item["per_paycheck_employer"], item["per_paycheck_is_estimate"]) == (
        "160.00", "80.00", True)


def test_an_fsa_election_is_spread_over_the_paychecks(db, fixed_clock):
    """3,300.00 for the plan year from Dec 1 over the paychecks left: a biweekly worker with no schedule counts
    26 × 31 days / 365 = 2.2 → 3 paychecks (rounded up), so 3,300.00 / 3 = 1,100.00 a paycheck."""
    plans = make_plans()
    w = _leased()
    e = svc.enroll({"worker_id": w.id, "plan_id": plans["fsa"].id, "event": "new_hire",
                    "effective_date": "2026-12-01", "annual_amount": "3300.00"})
    [row] = _rows(WorkerDeduction, e.id)
    assert (row.code, row.amount) == ("fsa", D("1100.00"))
    _refused({"worker_id": w.id, "plan_id": plans["fsa"].id, "event": "new_hire", "annual_amount": "3500.00"},
             "annual_amount")                                  # over the plan's 3,400.00


def test_the_four_bad_inputs_are_refused_with_the_field_and_nothing_saved(db, fixed_clock):
    plans = make_plans()
    plans27 = make_plans(2027)
    w = _leased()
    kid = svc.add_dependent(w.id, {"first_name": "Cy", "last_name": "Lee", "relationship": "child",
                                   "birth_date": "2000-01-15"})          # 26 on Jan 15, 2026
    # 1. outside its window: no open enrollment is open for 2027 on Nov 22, 2026
    issues = _refused({"worker_id": w.id, "plan_id": plans27["ppo"].id, "event": "open_enrollment",
                       "coverage_tier": "employee"}, "event")
    assert "not open" in issues[0].message
    # ... and a new hire whose 30-day window closed (started Jan 5, eligible at once: window to Feb 3)
    old_hand = _leased(start=date(2026, 1, 5))
    _refused({"worker_id": old_hand.id, "plan_id": plans["dental"].id, "event": "new_hire",
              "coverage_tier": "employee"}, "event")
    # 2. an HSA without an HDHP election
    issues = _refused({"worker_id": w.id, "plan_id": plans["hsa"].id, "event": "new_hire",
                       "annual_amount": "1000.00"}, "plan_id")
    assert "HDHP" in issues[0].message
    # 3. a dependent older than 26 on a child tier
    issues = _refused({"worker_id": w.id, "plan_id": plans["ppo"].id, "event": "new_hire",
                       "effective_date": "2026-12-01", "coverage_tier": "employee_children",
                       "dependent_ids": [kid.id]}, "dependent_ids")
    assert "26" in issues[0].message
    # 4. a percent over 100 (and traditional + Roth over 100 together)
    _refused({"worker_id": w.id, "plan_id": plans["401k"].id, "event": "new_hire", "deferral_percent": "1.5"},
             "deferral_percent")
    _refused({"worker_id": w.id, "plan_id": plans["401k"].id, "event": "new_hire", "deferral_percent": "0.6",
              "roth_percent": "0.5"}, "roth_percent")


def test_a_tier_the_plan_lacks_and_another_workers_dependent_are_refused(db, fixed_clock):
    plans = make_plans()
    w, other = _leased(), _leased()
    theirs = svc.add_dependent(other.id, {"first_name": "Di", "last_name": "Roe", "relationship": "spouse",
                                          "birth_date": "1990-01-01"})
    _refused({"worker_id": w.id, "plan_id": plans["hdhp"].id, "event": "new_hire",
              "coverage_tier": "employee_spouse"}, "coverage_tier")
    _refused({"worker_id": w.id, "plan_id": plans["ppo"].id, "event": "new_hire", "coverage_tier": "employee_spouse",
              "dependent_ids": [theirs.id]}, "dependent_ids")
    _refused({"worker_id": w.id, "plan_id": plans["ppo"].id, "event": "new_hire", "waive": True}, "reason")


def test_contractors_are_refused_group_plans_with_the_reason(db, fixed_clock):
    plans = make_plans()
    c = WorkerFactory()
    EngagementFactory(worker=c, type="contractor", start_date=date(2026, 11, 16))
    issues = _refused({"worker_id": c.id, "plan_id": plans["401k"].id, "event": "new_hire",
                       "deferral_percent": "0.05"}, "plan_id")
    assert "Contractors" in issues[0].message
    offers = {o.plan.name: o for o in svc.plan_offers(c.id, date(2026, 11, 22))}
    assert not offers["Pooled PPO"].eligible


def test_an_hsa_with_the_hdhp_and_a_waiver(db, fixed_clock):
    """HDHP employee-only from Dec 1, then the HSA: 2,600.00 over the 3 paychecks left (26 × 31 / 365 = 2.2,
    rounded up) = 866.666… → 866.67 a paycheck, self-only."""
    plans = make_plans()
    w = _leased()
    svc.enroll({"worker_id": w.id, "plan_id": plans["hdhp"].id, "event": "new_hire", "effective_date": "2026-12-01",
                "coverage_tier": "employee"})
    e = svc.enroll({"worker_id": w.id, "plan_id": plans["hsa"].id, "event": "new_hire",
                    "effective_date": "2026-12-01", "annual_amount": "2600.00"})
    [row] = _rows(WorkerDeduction, e.id)
    assert (row.code, row.amount, row.hsa_coverage) == ("hsa", D("866.67"), "self_only")
    waiver = svc.enroll({"worker_id": w.id, "plan_id": plans["dental"].id, "event": "new_hire", "waive": True,
                         "reason": "covered by my spouse's plan"})
    assert waiver.waived and _rows(WorkerDeduction, waiver.id) == []


def test_a_birth_changes_the_tier_from_the_birth_date_and_ends_the_old_rows_the_day_before(db, fixed_clock):
    """Employee-only PPO from Oct 1 (600.00 × 12 / 26 = 276.92); a birth on Nov 15, approved Nov 22: employee +
    children from Nov 15 (1,100.00 × 12 / 26 = 507.69); the old deduction ends Nov 14. One paycheck was paid since
    (Nov 20): the retro preview shows the 507.69 it would have taken."""
    plans = make_plans()
    fixed_clock.set(date(2026, 10, 5))
    w = _leased(start=date(2026, 10, 1))
    first = svc.enroll({"worker_id": w.id, "plan_id": plans["ppo"].id, "event": "new_hire",
                        "coverage_tier": "employee"})
    assert first.effective_date == date(2026, 10, 1) and first.per_paycheck_employee == D("276.92")
    fixed_clock.set(date(2026, 11, 22))
    paid = PaycheckFactory(worker=w, run=PayrollRunFactory(pay_date=date(2026, 11, 20), state="paid"),
                           pay_date=date(2026, 11, 20), gross=D("2000.00"))
    ev = svc.request_life_event(w.id, {"kind": "birth", "event_date": "2026-11-15"}, ("birth.pdf", b"%PDF-1.4 x"))
    _refused({"worker_id": w.id, "plan_id": plans["ppo"].id, "event": "life_event",
              "coverage_tier": "employee_children"}, "event")                          # not approved yet
    svc.decide_life_event(ev.id, True)
    assert ev.window_closes_on == date(2027, 1, 21)                                     # Nov 22 + 60 days
    baby = svc.add_dependent(w.id, {"first_name": "Eve", "last_name": "Lee", "relationship": "child",
                                    "birth_date": "2026-11-15"})
    second = svc.enroll({"worker_id": w.id, "plan_id": plans["ppo"].id, "event": "life_event",
                         "coverage_tier": "employee_children", "dependent_ids": [baby.id]})
    assert (second.effective_date, second.per_paycheck_employee, second.life_event_id) == (
        date(2026, 11, 15), D("507.69"), ev.id)
    assert (first.end_date, _rows(WorkerDeduction, first.id)[0].end_date) == (date(2026, 11, 14), date(2026, 11, 14))
    preview = svc.retro_preview(second.id)
    assert [(r["paycheck_id"], r["would_deduct"], r["difference"]) for r in preview] == [
        (paid.id, "507.69", "507.69")]
    one_time = svc.apply_retro(second.id)
    assert (one_time.code, one_time.amount, one_time.goal) == ("section125", D("507.69"), D("507.69"))


def test_a_denied_life_event_needs_a_reason_and_late_reports_are_refused(db, fixed_clock):
    w = _leased()
    with pytest.raises(ValidationFailed) as exc:
        svc.request_life_event(w.id, {"kind": "marriage", "event_date": "2026-10-01"}, None)
    assert exc.value.issues[0].field == "event_date"                                   # 52 days ago: over 30
    with pytest.raises(ValidationFailed) as exc:
        svc.request_life_event(w.id, {"kind": "marriage", "event_date": "2026-11-20"}, ("x.exe", b"MZ..."))
    assert exc.value.issues[0].field == "document"
    ev = svc.request_life_event(w.id, {"kind": "marriage", "event_date": "2026-11-20"}, None)
    with pytest.raises(ValidationFailed):
        svc.decide_life_event(ev.id, False, "")
    svc.decide_life_event(ev.id, False, "no marriage certificate")
    assert ev.status == "denied"


def test_closing_open_enrollment_keeps_elections_and_gives_the_401k_default(db, fixed_clock):
    """A worker with 2026 PPO employee-only who does nothing keeps it in 2027 (the plan of the same name); a worker
    with no 401(k) election is enrolled at the plan's default 3%; one who chose in the window keeps their choice."""
    plans, plans27 = make_plans(), make_plans(2027)
    keeper, chooser = _leased(), _leased()
    svc.enroll({"worker_id": keeper.id, "plan_id": plans["ppo"].id, "event": "new_hire",
                "effective_date": "2026-12-01", "coverage_tier": "employee"})
    window = plans_svc.create_window(date(2027, 1, 1), date(2026, 11, 1), date(2026, 11, 30))
    plans_svc.open_enrollment(window.id)
    svc.enroll({"worker_id": chooser.id, "plan_id": plans27["401k"].id, "event": "open_enrollment",
                "deferral_percent": "0.10"})
    result = svc.close_enrollment(window.id)
    assert result == {"kept": 1, "defaulted": 1}
    kept = svc.current_elections(keeper.id, date(2027, 1, 1))
    assert {(i["plan_name"], i["effective_date"], i["coverage_tier"], i["deferral_percent"]) for i in kept} == {
        ("Pooled PPO", "2027-01-01", "employee", None), ("Tandem 401(k) MEP", "2027-01-01", None, "0.030000")}
    assert [i["deferral_percent"] for i in svc.current_elections(chooser.id, date(2027, 1, 1))] == ["0.100000"]
    _refused({"worker_id": chooser.id, "plan_id": plans27["ppo"].id, "event": "open_enrollment",
              "coverage_tier": "employee"}, "event")                                   # closed now


def test_the_database_refuses_what_the_service_refuses(db):
    plans = make_plans()
    with pytest.raises(IntegrityError):
        with _db.session.begin_nested():
            _db.session.add(BenefitPlan(kind="medical", name="Too long a wait", plan_year_start=date(2026, 1, 1),
                                        plan_year_end=date(2026, 12, 31), waiting_days=91))
    with pytest.raises(IntegrityError):
        with _db.session.begin_nested():
            _db.session.add(PlanTier(plan_id=plans["ppo"].id, tier="family", monthly_premium=D("1.00")))
    add_rule(plans["dental"], "flat", "20")
    with pytest.raises(IntegrityError):
        with _db.session.begin_nested():                                   # a second agency default
            _db.session.add(ClientContributionRule(plan_id=plans["dental"].id, method="flat", value=D("30")))
    w = _leased()
    with pytest.raises(IntegrityError):
        with _db.session.begin_nested():
            _db.session.add(Enrollment(worker_id=w.id, plan_id=plans["401k"].id, event="new_hire",
                                       effective_date=date(2026, 12, 1), deferral_percent=D("0.6"),
                                       roth_percent=D("0.5")))
    with pytest.raises(IntegrityError):
        with _db.session.begin_nested():
            _db.session.add(Dependent(worker_id=w.id, first_name="A", last_name="B", relationship="cousin",
                                      birth_date=date(2000, 1, 1)))
    with pytest.raises(IntegrityError):
        with _db.session.begin_nested():
            _db.session.add(LifeEvent(worker_id=w.id, kind="marriage", event_date=date(2026, 1, 1),
                                      status="denied"))


def test_the_cli_schedules_opens_and_closes_open_enrollment_and_shows_offers(runner, db, fixed_clock):
    from backoffice.cli import main
    plans = make_plans(2027)
    w = _leased()
    r = runner.invoke(main, ["benefits", "window", "2027-01-01", "2026-11-01", "2026-11-30"])
    assert r.exit_code == 0, r.output
    wid = int(r.output.split()[1].rstrip(":"))
    assert runner.invoke(main, ["benefits", "open-window", str(wid)]).exit_code == 0
    r = runner.invoke(main, ["benefits", "offers", str(w.id)])
    assert "Pooled PPO (2027) [medical]: eligible. Eligible from Jan 1, 2027" in r.output
    assert "family: premium 1800.00/mo, employer 0.00/mo; per paycheck you 830.77" in r.output
    r = runner.invoke(main, ["benefits", "close-window", str(wid)])
    assert r.exit_code == 0 and '"defaulted": 1' in r.output          # the 401(k) default for the worker
    assert plans["401k"].id in {i["plan_id"] for i in svc.current_elections(w.id, date(2027, 1, 1))}
    r = runner.invoke(main, ["benefits", "close-window", str(wid)])
    assert r.exit_code == 2 and "illegal_state" in r.output


@pytest.mark.skipif(not {"dcfsa", "commuter", "529"} <= set(DEDUCTION_CODES),
                    reason="the dcfsa, commuter and 529 codes come with branch benefits-engine (B)")
def test_dependent_care_commuter_and_529_elections_become_their_deductions(db, fixed_clock):
    """From the start on Nov 16 to Dec 31 (46 days): 26 × 46 / 365 = 3.3 → 4 paychecks left. DCFSA 5,200.00 / 4 =
    1,300.00; commuter 2,600.00 / 4 = 650.00; 529 1,300.00 / 4 = 325.00 a paycheck."""
    w = _leased()
    made = {}
    for kind, annual in (("dcfsa", "5200.00"), ("commuter", "2600.00"), ("529", "1300.00")):
        plan = BenefitPlan(kind=kind, name=kind.upper(), plan_year_start=date(2026, 1, 1),
                           plan_year_end=date(2026, 12, 31), commuter_kind="transit" if kind == "commuter" else None)
        _db.session.add(plan)
        _db.session.flush()
        e = svc.enroll({"worker_id": w.id, "plan_id": plan.id, "event": "new_hire", "annual_amount": annual})
        made[kind] = [(r.code, r.amount) for r in _rows(WorkerDeduction, e.id)]
    assert made == {"dcfsa": [("dcfsa", D("1300.00"))], "commuter": [("commuter", D("650.00"))],
                    "529": [("529", D("325.00"))]}


def test_elections_and_dependents_are_in_the_audit_log_with_the_ssn_masked(db, fixed_clock):
    from backoffice.audit import AuditLog
    plans = make_plans()
    w = _leased()
    dep = svc.add_dependent(w.id, {"first_name": "Ana", "last_name": "Lee", "relationship": "spouse",
                                   "birth_date": "1986-02-03", "ssn": "123-45-6789"})
    e = svc.enroll({"worker_id": w.id, "plan_id": plans["dental"].id, "event": "new_hire",
                    "coverage_tier": "employee"})
    rows = {(a.model, a.record_id): a for a in _db.session.execute(sa.select(AuditLog)).scalars()}
    assert ("benefit_enrollment", str(e.id)) in rows
    logged = rows[("benefit_dependent", str(dep.id))]
    import json
    assert "123456789" not in logged.changes and json.loads(logged.changes)["ssn"] == {"after": "***"}


def test_an_hours_rule_reads_the_approved_timesheets_of_the_last_13_weeks(db, fixed_clock):
    """Two approved weeks of 22.50 hours (4.5 h × 5) average 22.5 a week: under a 30-hour rule, not eligible; a
    worker with weeks of 40 and 35 hours averages 37.5 and is."""
    from tests.factories import TimesheetFactory
    plans = make_plans()
    plans["ppo"].min_weekly_hours = D(30)
    part, full = _leased(start=date(2026, 9, 1)), _leased(start=date(2026, 9, 1))
    for worker, weeks in ((part, ((4.5,) * 5 + (0, 0), (4.5,) * 5 + (0, 0))),
                          (full, ((8,) * 5 + (0, 0), (7,) * 5 + (0, 0)))):
        eng = worker.engagements[0]
        for n, hours in enumerate(weeks):
            TimesheetFactory(engagement=eng, week_start=date(2026, 11, 2 + 7 * n), hours=hours)
    assert svc._average_weekly_hours(part.id, date(2026, 11, 22)) == D("22.5")
    offers = {o.plan.name: o for o in svc.plan_offers(part.id, date(2026, 11, 22))}
    assert not offers["Pooled PPO"].eligible and "you average 22.5" in offers["Pooled PPO"].reason
    assert svc._average_weekly_hours(full.id, date(2026, 11, 22)) == D("37.5")
    assert {o.plan.name: o for o in svc.plan_offers(full.id, date(2026, 11, 22))}["Pooled PPO"].eligible
