"""The leave pages: HR's lists (search, filters, CSV export), the approver's view of their client's requests only,
a leave of absence opened from the admin form, and the worker's page with its errors beside the fields."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest


@pytest.fixture
def office(db, make_user):
    from backoffice.leave import services
    from tests.factories import AgencyFactory, ClientFactory, EngagementFactory, WorkerFactory

    AgencyFactory()
    acme, initech = ClientFactory(name="Acme Corp", state="CA"), ClientFactory(name="Initech", state="CA")
    ana, ben = WorkerFactory(first_name="Ana", last_name="Silva"), WorkerFactory(first_name="Ben", last_name="Ode")
    EngagementFactory(worker=ana, client=acme, work_state="CA")
    EngagementFactory(worker=ben, client=initech, work_state="CA")
    hr = make_user("hr")
    policy = services.law_policy("CA")
    for w in (ana, ben):
        services.adjust_balance(hr, w.id, policy.id, "16", date(2026, 11, 2), "opening balance")
    users = {w.first_name: make_user("worker", worker_id=w.id) for w in (ana, ben)}
    reqs = {name: services.request_leave(u, {"policy_id": policy.id, "start_date": "2026-11-18", "hours": "4",
                                             "reason": "preventive_care"}) for name, u in users.items()}
    approver = make_user("client_approver", client_id=acme.id)
    return hr, approver, users, reqs, ana


def _csrf(page: bytes) -> str:
    from tests.conftest import csrf_token_from

    return csrf_token_from(page)


def test_hr_lists_requests_balances_ledger_policies_and_exports_them(app, office, login):
    hr, approver, users, reqs, ana = office
    c = app.test_client()
    login(c, hr)
    for url in ("/admin/leave_requests/", "/admin/leave_balances/", "/admin/leave_entries/",
                "/admin/leave_policies/", "/admin/leave_cases/"):
        assert c.get(url).status_code == 200, url
    page = c.get("/admin/leave_requests/?search=Silva").data
    assert b"Silva" in page and b"Ode" not in page
    csv = c.get("/admin/leave_balances/export/csv/").data.decode()
    assert csv.count("16.0000") == 2, csv


def test_the_approver_sees_and_approves_only_their_clients_requests(app, office, login):
    """Acme's approver: Ana's request (Acme) is listed and approvable; Ben's (Initech) is a 404."""
    hr, approver, users, reqs, ana = office
    c = app.test_client()
    login(c, approver)
    listing = c.get("/admin/leave_requests/").data
    assert b"Silva" in listing and b"Ode" not in listing
    assert c.get(f"/admin/leave_requests/details/?id={reqs['Ben'].id}").status_code == 404
    page = c.get(f"/admin/leave_requests/details/?id={reqs['Ana'].id}").data
    r = c.post(f"/admin/leave_requests/{reqs['Ana'].id}/approve", data={"csrf_token": _csrf(page)})
    assert r.status_code == 302
    assert reqs["Ana"].status == "approved"
    assert c.get("/admin/leave_policies/").status_code == 403


def test_hr_opens_an_fmla_case_from_the_admin_form_and_its_eligibility_is_stated(app, db, office, login):
    """No hours of service recorded: 0 of 1,250 — not eligible, said in the case's explanation."""
    from backoffice.leave.models import LeaveCase

    hr, approver, users, reqs, ana = office
    c = app.test_client()
    login(c, hr)
    page = c.get("/admin/leave_cases/new/").data
    r = c.post("/admin/leave_cases/new/", data={"csrf_token": _csrf(page), "worker": str(ana.id), "program": "fmla",
                                                "reason": "own_health", "start_date": "2026-11-16",
                                                "employees_within_75_miles": "60", "note": ""})
    assert r.status_code == 302, r.data[:2000]
    case = db.session.query(LeaveCase).one()
    assert (case.worker_id, case.eligible, case.job_protected) == (ana.id, False, False)
    assert any(line.startswith("Not met: 0 hours") for line in case.explanation)
    page = c.get(f"/admin/leave_cases/details/?id={case.id}")
    assert page.status_code == 200 and b"No health election in force during the leave" in page.data


def test_the_worker_sees_a_refusal_beside_the_hours_field(app, office, login):
    """16 h held, 4 h asked already: 12 h are available, so 14 h is refused beside the hours (422)."""
    hr, approver, users, reqs, ana = office
    c = app.test_client()
    login(c, users["Ana"])
    page = c.get("/portal/leave")
    assert page.status_code == 200
    r = c.post("/portal/leave", data={"csrf_token": _csrf(page.data), "policy_id": str(reqs["Ana"].policy_id),
                                      "start_date": "2026-11-20", "hours": "14", "reason": "own_illness"})
    assert r.status_code == 422
    assert b'id="hours-error"' in r.data and b"the balance is 12 hours" in r.data


def test_the_worker_sees_their_leave_of_absence_and_the_health_share_they_owe(app, db, office, login):
    """An NY PFL leave Nov 16 – Dec 31, 2026 (2 months) with medical at $98.00 a month: $196.00 owed."""
    from backoffice.leave import case_services
    from benefits.models import BenefitPlan, Enrollment

    hr, approver, users, reqs, ana = office
    plan = BenefitPlan(kind="medical", name="Pooled PPO", plan_year_start=date(2026, 1, 1),
                       plan_year_end=date(2026, 12, 31))
    db.session.add(plan)
    db.session.flush()
    db.session.add(Enrollment(worker_id=ana.id, plan_id=plan.id, event="new_hire", effective_date=date(2026, 1, 1),
                              coverage_tier="employee", employee_monthly=Decimal("98.00")))
    case_services.open_case(hr, {"worker_id": ana.id, "program": "ny_pfl", "reason": "family_care",
                                 "start_date": "2026-11-16", "expected_end": "2026-12-31", "job_protected": True})
    c = app.test_client()
    login(c, users["Ana"])
    page = c.get("/portal/leave").data.decode()
    assert "New York Paid Family Leave from 2026-11-16" in page
    assert "Your Pooled PPO coverage continues: your share is $98.00 a month, $196.00 over 2 months" in page
