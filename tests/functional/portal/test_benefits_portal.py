"""The portal's benefits tab: plans side by side, the wizard's draft (nothing saved before confirmation, each refusal
beside its field), another worker's records answering 404, life-event requests with a document, balances."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import io

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from, isolated_client
from tests.functional.portal.benefits_support import make_plans

PDF = b"%PDF-1.4\n% a marriage certificate\n"


@pytest.fixture
def setup(app, db, make_user, login, fixed_clock):
    """Two leased employees in Texas ($25.00 an hour, weekly) hired on 26 October 2026; today is 9 November."""
    from tests.integration.payroll.conftest import World

    fixed_clock.set(date(2026, 11, 9))
    world = World(db, make_user)
    mine, theirs = world.worker(), world.worker()
    for e in (mine, theirs):
        e.start_date = date(2026, 10, 26)
    plans = make_plans()
    me = make_user("worker", email="maria@example.com", worker_id=mine.worker_id)
    other = make_user("worker", email="otto@example.com", worker_id=theirs.worker_id)
    db.session.flush()
    http = isolated_client(app)
    login(http, me)
    return {"world": world, "mine": mine, "theirs": theirs, "plans": plans, "http": http, "me": me, "other": other}


def _post(http, url: str, data: dict, page: str = "/portal/benefits", **kw):
    return http.post(url, data={**data, "csrf_token": csrf_token_from(http.get(page).data)}, **kw)


def _step(http, step: str, data: dict):
    return _post(http, f"/portal/benefits/enroll/{step}", data, page=f"/portal/benefits/enroll/{step}")


def _count(model) -> int:
    from backoffice.extensions import db

    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar()


def test_the_tab_shows_each_plan_per_tier_per_paycheck_and_why_a_plan_is_closed(setup):
    """Family medical: 1,300.00 a month × 12 / 52 = 300.00 a week, the agency's 50% of the tier → 150.00 each;
    employee only 520.00 × 12 / 52 = 120.00 → 60.00 each. The dental plan needs 50 hours a week (40 worked)."""
    from tests.integration.payroll.conftest import WEEK1

    setup["world"].time(setup["mine"], week=WEEK1)          # 40 approved hours: the average the dental plan reads
    page = setup["http"].get("/portal/benefits")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    medical = html[html.index(f'data-plan="{setup["plans"]["medical"].id}"'):]
    family = medical[medical.index('data-tier="family"'):medical.index("</tr>", medical.index('data-tier="family"'))]
    assert family.count("$150.00") == 2
    single = medical[medical.index('data-tier="employee"'):medical.index("</tr>", medical.index('data-tier="employee"'))]
    assert single.count("$60.00") == 2
    dental = html[html.index(f'data-plan="{setup["plans"]["dental"].id}"'):]
    assert "Not eligible" in dental[:800] and "50 hours a week" in dental[:800]
    assert 'href="/portal/benefits"' in setup["http"].get("/portal/").get_data(as_text=True)   # nav and home card


def test_nothing_is_saved_until_the_worker_confirms_and_then_all_of_it(setup):
    """A spouse typed on the first step, family medical and a 6% 401(k): no row before the review's button; after
    it, the dependent, two enrollments, the section 125 deduction of 150.00 a week, the 401(k) at 0.06 and the
    match (100% of 3% + 50% of 2%) as recurring payroll rows, all with source 'benefits'."""
    from benefits.models import Dependent, Enrollment
    from payroll.models_deductions import EmployerContribution, WorkerDeduction

    http, plans = setup["http"], setup["plans"]
    assert _step(http, "dependents", {"action": "add", "first_name": "Luis", "last_name": "Garcia",
                                      "relationship": "spouse", "birth_date": "1990-04-12",
                                      "ssn": "123-45-6789"}).status_code == 302
    assert "***-**-6789" in http.get("/portal/benefits/enroll/dependents").get_data(as_text=True)
    assert _step(http, "tier", {"coverage_tier": "employee_spouse", "covered": "n:n1"}).status_code == 302
    assert _step(http, "plans", {"medical": str(plans["medical"].id)}).status_code == 302
    assert _step(http, "retirement", {"plan_id": str(plans["401k"].id), "deferral_percent": "6"}).status_code == 302
    assert (_count(Dependent), _count(Enrollment), _count(WorkerDeduction)) == (0, 0, 0)
    review = http.get("/portal/benefits/enroll/review").get_data(as_text=True)
    assert "Tandem PPO Gold" in review and "$120.00" in review     # 1,040.00 × 12 / 52 = 240.00, half each
    resp = _step(http, "review", {})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/portal/benefits/enroll/done")
    wid = setup["mine"].worker_id
    dep = db_one(sa.select(Dependent).where(Dependent.worker_id == wid))
    assert (dep.first_name, dep.ssn_last4) == ("Luis", "6789")
    deductions = {d.code: d for d in db_all(sa.select(WorkerDeduction).where(WorkerDeduction.worker_id == wid))}
    assert deductions["section125"].amount == Decimal("120.00")
    assert deductions["401k"].percent == Decimal("0.06")
    assert {d.source for d in deductions.values()} == {"benefits"}
    codes = {c.code for c in db_all(sa.select(EmployerContribution).where(EmployerContribution.worker_id == wid))}
    assert codes == {"health_employer", "401k_match"}
    done = http.get("/portal/benefits/enroll/done").get_data(as_text=True)
    assert "Tandem PPO Gold" in done and "6% traditional" in done


def db_one(stmt):
    from backoffice.extensions import db

    return db.session.execute(stmt).scalar_one()


def db_all(stmt):
    from backoffice.extensions import db

    return list(db.session.execute(stmt).scalars())


@pytest.mark.parametrize("typed, message", [("120", "120% is over 100% of pay"), ("six", "is not a number")])
def test_a_bad_401k_percent_is_refused_beside_its_field_and_nothing_is_kept(setup, typed, message):
    http, plans = setup["http"], setup["plans"]
    resp = _step(http, "retirement", {"plan_id": str(plans["401k"].id), "deferral_percent": typed})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    field = html[html.index('id="deferral_percent"'):]
    assert 'class="field-error" id="deferral_percent-error"' in field[:600] and message in field[:600]


def test_an_hsa_without_an_hdhp_is_refused_on_the_accounts_step(setup):
    http, plans = setup["http"], setup["plans"]
    assert _step(http, "plans", {"medical": str(plans["medical"].id)}).status_code == 302      # the PPO, no HDHP
    resp = _step(http, "accounts", {"hsa_annual_amount": "1200"})
    assert resp.status_code == 422
    assert "HDHP" in resp.get_data(as_text=True)
    # with the HDHP chosen instead, the same amount passes the dry run
    assert _step(http, "plans", {"medical": str(plans["hdhp"].id)}).status_code == 302
    assert _step(http, "accounts", {"hsa_annual_amount": "1200"}).status_code == 302


def test_a_child_of_26_on_a_child_tier_is_refused_on_the_coverage_step(setup):
    """Born 1 November 2000: 26 on 1 November 2026, before the 9 November effective date (PHS Act 2714)."""
    http, plans = setup["http"], setup["plans"]
    assert _step(http, "dependents", {"action": "add", "first_name": "Ana", "last_name": "Garcia",
                                      "relationship": "child", "birth_date": "2000-11-01"}).status_code == 302
    assert _step(http, "plans", {"medical": str(plans["medical"].id)}).status_code == 302
    resp = _step(http, "tier", {"coverage_tier": "employee_children", "covered": "n:n1"})
    assert resp.status_code == 422
    assert "26" in resp.get_data(as_text=True)


def test_a_dependent_the_service_refuses_is_not_kept_in_the_draft(setup):
    resp = _step(setup["http"], "dependents", {"action": "add", "first_name": "Kid", "last_name": "Garcia",
                                               "relationship": "child", "birth_date": "2030-01-01"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "is in the future" in html and 'id="birth_date-error"' in html
    assert 'data-new-dependent=' not in html


def test_another_workers_dependent_or_enrollment_is_a_404(setup):
    """Each tried with the worker's own id as well (200), so a route that 404s for everyone cannot pass."""
    from benefits import services

    plans, wid, oid = setup["plans"], setup["mine"].worker_id, setup["theirs"].worker_id
    mine = services.add_dependent(wid, {"first_name": "Luis", "last_name": "Garcia", "relationship": "spouse",
                                        "birth_date": "1990-04-12"})
    theirs = services.add_dependent(oid, {"first_name": "Olga", "last_name": "Otto", "relationship": "spouse",
                                          "birth_date": "1991-02-03"})
    data = {"plan_id": plans["medical"].id, "event": "new_hire", "effective_date": "2026-11-09",
            "coverage_tier": "employee"}
    my_enrollment = services.enroll({**data, "worker_id": wid})
    their_enrollment = services.enroll({**data, "worker_id": oid})
    http = setup["http"]
    assert http.get(f"/portal/benefits/dependents/{mine.id}").status_code == 200
    assert http.get(f"/portal/benefits/dependents/{theirs.id}").status_code == 404
    assert http.get(f"/portal/benefits/enrollments/{my_enrollment.id}").status_code == 200
    assert http.get(f"/portal/benefits/enrollments/{their_enrollment.id}").status_code == 404
    assert _step(http, "tier", {"coverage_tier": "employee_spouse", "covered": f"d:{theirs.id}"}).status_code == 404
    assert _step(http, "tier", {"coverage_tier": "employee_spouse", "covered": f"d:{mine.id}"}).status_code == 302


def test_a_life_event_is_sent_with_its_document_or_refused_field_by_field(setup):
    from benefits.models import LifeEvent

    http = setup["http"]
    resp = _post(http, "/portal/benefits/life-events", {"kind": "", "event_date": "2026-11-01",
                                                        "document": (io.BytesIO(b"not a pdf"), "x.txt")},
                 content_type="multipart/form-data")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'id="kind-error"' in html and 'id="document-error"' in html
    assert _count(LifeEvent) == 0
    resp = _post(http, "/portal/benefits/life-events", {"kind": "marriage", "event_date": "2026-11-01",
                                                        "notes": "married on Nov 1",
                                                        "document": (io.BytesIO(PDF), "cert.pdf")},
                 content_type="multipart/form-data")
    assert resp.status_code == 302
    ev = db_one(sa.select(LifeEvent))
    assert (ev.worker_id, ev.kind, ev.status, ev.document_name) == (setup["mine"].worker_id, "marriage", "requested",
                                                                    "cert.pdf")
    assert "marriage on 2026-11-01" in http.get("/portal/benefits").get_data(as_text=True)


def test_the_401k_balance_by_source_comes_from_released_paychecks(setup):
    """One approved week (40 h × 25.00 = 1,000.00) with a 6% traditional and 2% Roth election and the safe-harbor
    match: 60.00 traditional, 20.00 Roth, match 100% × 3% + 50% × 2% = 40.00. Deferrals are 100% vested; the match,
    with 0 completed years of service on a plan vesting it on the 2-to-6-year graded schedule, 0% (0.00)."""
    from benefits import services
    from payroll.services import runs
    from tests.integration.payroll.conftest import WEEK1

    world, emp = setup["world"], setup["mine"]
    setup["plans"]["401k"].vesting_schedule = "graded_6"
    services.enroll({"worker_id": emp.worker_id, "plan_id": setup["plans"]["401k"].id, "event": "new_hire",
                     "effective_date": "2026-11-02", "deferral_percent": "0.06", "roth_percent": "0.02"})
    world.time(emp, week=WEEK1)
    run = world.regular_run(WEEK1)
    runs.start_calculation(run.id, world.hr)
    runs.approve_run(run.id, world.hr2)
    html = setup["http"].get("/portal/benefits").get_data(as_text=True)

    def row(source):
        start = html.index(f'data-source="{source}"')
        return " ".join(html[start:html.index("</tr>", start)].split())

    assert "$60.00" in row("employee_traditional") and "100%" in row("employee_traditional")
    assert "$20.00" in row("employee_roth")
    assert "$40.00" in row("employer_match") and ">0%<" in row("employer_match").replace(" ", "")
    assert "0 completed years of service" in html


def test_only_a_signed_in_worker_reaches_the_tab(app, setup, make_user, login):
    anonymous = isolated_client(app)
    resp = anonymous.get("/portal/benefits")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    staff = isolated_client(app)
    login(staff, make_user("hr", email="hr.person@example.com"))
    assert staff.get("/portal/benefits").status_code == 403
    assert staff.get("/portal/benefits/enroll/dependents").status_code == 403
    assert setup["http"].get("/portal/benefits").status_code == 200


def test_a_worker_without_the_right_to_enroll_may_look_but_not_post(setup):
    """Rights are data: take `benefit_enrollment:create` from the worker role and the wizard's forms answer 403."""
    from backoffice.extensions import db
    from backoffice.security.models import Permission

    row = db.session.execute(sa.select(Permission).where(Permission.role == "worker",
                                                         Permission.model == "benefit_enrollment")).scalar_one()
    row.can_create = False
    db.session.commit()             # each request reads the table in its own session
    http = setup["http"]
    assert http.get("/portal/benefits/enroll/plans").status_code == 200
    assert _step(http, "plans", {"medical": str(setup["plans"]["medical"].id)}).status_code == 403
