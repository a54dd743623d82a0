"""Each role reaches exactly what the permission table grants, through the admin and the API."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

# The grants of backoffice/security/permissions.csv, written out by hand (r read, w write, c create, d delete).
# Changing who may do what means changing the CSV and this table together.
EXPECTED = {
    "admin": {"*": "rwcd"},
    "hr": {
        "agency": "r", "client": "rwc", "worker": "rwc", "engagement": "rwc", "user": "r", "timesheet": "rwcd",
        "pay_schedule": "rwc", "payroll_run": "rwc", "paycheck": "r", "bank_account": "rwcd",
        "classification": "rwc", "classification_evidence": "rwc", "classification_review": "rwc",
        "classification_review_message": "rc", "classification_recheck": "rwc",
        "classification_reclassification": "rc", "invitation": "rwcd", "onboarding": "rwc", "document": "rwc",
        "audit_log": "r", "report": "r",
        "admin_access": "r", "classification_fill": "c", "classification_sign_off": "w", "timesheet_entry": "w",
        "timesheet_approval": "w", "timesheet_import": "c",
        "task_completion": "rwcd", "task_import": "c",
        "worker_deduction": "rwc", "employer_contribution": "rwc",
        "benefit_plan": "rwc", "benefit_window": "rwc", "benefit_enrollment": "rwc", "benefit_dependent": "rwc",
        "benefit_edi_file": "rc", "life_event": "rwc", "premium_bill": "rwc",
        "portable_benefit_rule": "rwc", "portable_benefit": "r", "portable_payout": "rwc",
        "aca_month": "r",
        "cobra_case": "rwc", "cobra_premium": "rwc",
        "filing": "r", "filing_copy": "r",
        "labor_report": "r", "workforce_report": "r", "benefits_report": "r", "scheduled_report": "rwcd",
        "workers_comp_class": "rwcd", "workers_comp_premium": "r",
        "poll": "rwc", "proposal": "rw", "feedback": "r", "feedback_response": "rc", "data_export": "rc",
        "voice_settings": "rw", "transparency": "rc",
        "notification": "r",          # support: what was sent to whom, and why an e-mail failed
        "leave_policy": "rwc", "leave_balance": "r", "leave_entry": "rc", "leave_request": "rwc", "leave_case": "rwc",
    },
    "finance": {
        "agency": "r", "client": "rw", "worker": "r", "engagement": "r", "timesheet": "r", "pay_schedule": "r",
        "payroll_run": "rwc", "paycheck": "r", "journal": "r", "payment": "rwc", "tax_deposit": "rwc",
        "bank_account": "r", "report": "r",
        "invoice": "rwc", "task_completion": "r", "worker_deduction": "rw", "employer_contribution": "r",
        "client_payment": "rwc", "write_off": "rwc", "write_off_approval": "w",
        "admin_access": "r",
        "benefit_plan": "r", "benefit_window": "r", "benefit_enrollment": "r", "life_event": "r",
        "premium_bill": "rwc",
        "portable_benefit_rule": "r", "portable_benefit": "r", "portable_payout": "r",
        "aca_month": "r",
        "cobra_case": "r", "cobra_premium": "rwc",
        "filing": "r",
        "margin_report": "r", "labor_report": "r", "workforce_report": "r", "benefits_report": "r",
        "scheduled_report": "rwcd",
        "workers_comp_class": "rwc", "workers_comp_premium": "r",
        "transparency": "rc",
        "leave_policy": "r", "leave_balance": "r", "leave_entry": "r", "leave_request": "r",
    },
    "compliance": {
        "agency": "r", "client": "r", "worker": "r", "engagement": "r", "payroll_run": "r", "paycheck": "r",
        "journal": "r", "tax_deposit": "r", "classification": "r", "classification_evidence": "r", "classification_review": "r",
        "classification_review_message": "r", "classification_recheck": "r", "classification_reclassification": "r",
        "filing": "rwc", "filing_copy": "rwc", "audit_log": "r", "report": "r", "task_completion": "r", "worker_deduction": "r", "employer_contribution": "r",
        "admin_access": "r",
        "benefit_plan": "r", "benefit_enrollment": "r", "life_event": "r", "premium_bill": "r",
        "portable_benefit": "r",
        "aca_month": "r",
        "cobra_case": "r", "cobra_premium": "r",
        "workforce_report": "r", "scheduled_report": "rwcd",
        "workers_comp_class": "r", "workers_comp_premium": "r",
        "poll": "r", "proposal": "r", "transparency": "r",
        "leave_policy": "r", "leave_balance": "r", "leave_entry": "r", "leave_request": "r", "leave_case": "r",
    },
    "worker": {
        "worker": "rw", "engagement": "r", "timesheet": "rwc", "paycheck": "r", "bank_account": "rwcd",
        "classification": "r", "classification_evidence": "r", "classification_review": "rc",
        "classification_review_message": "rc", "classification_reclassification": "r", "onboarding": "rw",
        "document": "r", "task_completion": "rc", "worker_deduction": "r", "employer_contribution": "r",
        "timesheet_entry": "w",
        "benefit_plan": "r", "benefit_enrollment": "rc", "benefit_dependent": "rc", "life_event": "rc",
        "portable_benefit": "r", "portable_payout": "rc",
        "aca_month": "r",
        "cobra_case": "r", "cobra_premium": "r",
        "filing_copy": "r",
        "poll": "r", "proposal": "rc", "feedback": "c", "feedback_response": "r", "client_rating": "c",
        "data_export": "rc", "transparency": "r",
        "notification": "rw",         # their own (row scope); write = mark read
        "leave_policy": "r", "leave_balance": "r", "leave_entry": "r", "leave_request": "rwc",   # their own (scopes)
        "leave_case": "r",
    },
    "client_approver": {   # what they need to approve time (issue 9): no classification
        "client": "r", "engagement": "r", "worker": "r", "timesheet": "rw", "task_completion": "rc",
        "admin_access": "r", "timesheet_approval": "w", "timesheet_dispute": "w",
        "invoice": "r",   # their client's issued invoices (backoffice/billing/scopes.py)
        "leave_request": "rw",   # their client's, where the policy names the client's approver (leave/scopes.py)
    },
}
# The rights that are not about one kind of record, each granted by one column.
RIGHTS = {"admin_access": "read", "classification_fill": "create", "classification_sign_off": "write",
          "timesheet_entry": "write", "timesheet_approval": "write", "timesheet_import": "create",
          "timesheet_dispute": "write", "task_import": "create", "export_jobs_all": "read",
          "write_off_approval": "write"}


def granted(role: str, model: str, action: str = "read") -> bool:
    rows = EXPECTED.get(role, {})
    return action[0] in rows.get(model, rows.get("*", ""))


ADMIN_PAGES = {"workers": "worker", "engagements": "engagement", "clients": "client", "users": "user",
               "audit_log": "audit_log", "permissions": "permission", "agency": "agency"}
ROLES = ("admin", "hr", "finance", "compliance", "client_approver")


@pytest.fixture
def world(db, make_user):
    from tests.factories import ClientFactory, EngagementFactory, WorkerFactory

    c1 = ClientFactory(name="Acme")
    c2 = ClientFactory(name="Globex")
    w1 = WorkerFactory(first_name="Ana", last_name="One", email="ana@example.com", tin="123456789", tin_last4="6789",
                       state="CA")
    w2 = WorkerFactory(first_name="Bo", last_name="Two", email="bo@example.com", tin="234567890", tin_last4="7890",
                       state="TX")
    e1 = EngagementFactory(worker=w1, client=c1, type="leased_employee", work_state="CA", pay_rate=Decimal("25.00"),
                           start_date=date(2026, 1, 5))
    e2 = EngagementFactory(worker=w2, client=c2, type="contractor", work_state="TX", pay_rate=Decimal("60.00"),
                           start_date=date(2026, 2, 2))
    return dict(c1=c1, c2=c2, w1=w1, w2=w2, e1=e1, e2=e2)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(ADMIN_PAGES))
def test_admin_list_pages_follow_the_permission_table(app, world, make_user, login, role, page):
    """A staff role sees a list page (200) exactly when permissions.csv grants it read on that model."""
    kw = {"client_id": world["c1"].id} if role == "client_approver" else {}
    user = make_user(role, **kw)
    c = app.test_client()
    login(c, user)
    resp = c.get(f"/admin/{page}/")
    model = ADMIN_PAGES[page]
    expected = 200 if granted(role, "admin_access") and granted(role, model) and (
        role != "client_approver" or model in ("client", "engagement", "worker")) else 403
    assert resp.status_code == expected, (role, page, resp.status_code)


def test_the_permission_table_the_app_loads_grants_exactly_the_expected_table(db):
    import sqlalchemy as sa

    from backoffice.security.models import Permission

    loaded = {(p.role, p.model): "".join(flag for flag, on in (("r", p.can_read), ("w", p.can_write),
                                                               ("c", p.can_create), ("d", p.can_delete)) if on)
              for p in db.session.execute(sa.select(Permission)).scalars()}
    assert loaded == {(role, model): g for role, rows in EXPECTED.items() for model, g in rows.items()}


def test_each_right_is_granted_by_its_one_column():
    from backoffice.security.models import ACTION_RIGHTS

    assert ACTION_RIGHTS == RIGHTS


@pytest.mark.parametrize("role", ROLES + ("worker",))
@pytest.mark.parametrize("right", sorted(RIGHTS))
def test_rights_follow_the_table_for_every_role_scoped_or_not(world, make_user, role, right):
    """A right holds no rows, so a worker or client approver holds it without a row scope."""
    from backoffice.security.access import can

    kw = {"client_id": world["c1"].id} if role == "client_approver" else (
        {"worker_id": world["w1"].id} if role == "worker" else {})
    assert can(make_user(role, **kw), right, RIGHTS[right]) is granted(role, right, RIGHTS[right]), (role, right)


def test_a_worker_can_never_reach_the_admin(app, world, make_user, login):
    user = make_user("worker", worker_id=world["w1"].id)
    c = app.test_client()
    login(c, user)
    for path in ("/admin/", "/admin/workers/", "/admin/engagements/", "/admin/users/"):
        assert c.get(path).status_code == 403, path


def test_anonymous_admin_requests_are_sent_to_sign_in(client):
    resp = client.get("/admin/workers/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_client_approver_sees_only_their_clients_engagements(app, world, make_user, login):
    user = make_user("client_approver", client_id=world["c1"].id)
    c = app.test_client()
    login(c, user)
    html = c.get("/admin/engagements/").get_data(as_text=True)
    assert "Ana One" in html and "Bo Two" not in html
    assert c.get(f"/admin/engagements/details/?id={world['e2'].id}").status_code in (302, 404)


@pytest.mark.parametrize("role", ROLES + ("worker",))
@pytest.mark.parametrize("resource,model", [("clients", "client"), ("workers", "worker"),
                                            ("engagements", "engagement")])
def test_api_lists_follow_the_permission_table(app, world, make_user, token_for, role, resource, model):
    kw = {"client_id": world["c1"].id} if role == "client_approver" else (
        {"worker_id": world["w1"].id} if role == "worker" else {})
    headers = token_for(make_user(role, **kw))
    resp = app.test_client().get(f"/api/v1/{resource}", headers=headers)
    assert resp.status_code == (200 if granted(role, model) else 403), (role, resource, resp.get_json())


def test_api_scopes_rows_for_workers_and_approvers(app, world, make_user, token_for):
    c = app.test_client()
    worker = token_for(make_user("worker", worker_id=world["w1"].id))
    items = c.get("/api/v1/workers", headers=worker).get_json()["items"]
    assert [i["id"] for i in items] == [world["w1"].id]
    approver = token_for(make_user("client_approver", client_id=world["c2"].id))
    items = c.get("/api/v1/engagements", headers=approver).get_json()["items"]
    assert [i["id"] for i in items] == [world["e2"].id]


def test_a_workers_token_gets_404_for_another_workers_records(app, world, make_user, token_for):
    c = app.test_client()
    headers = token_for(make_user("worker", worker_id=world["w1"].id))
    assert c.get(f"/api/v1/workers/{world['w1'].id}", headers=headers).status_code == 200
    for path in (f"/api/v1/workers/{world['w2'].id}", f"/api/v1/engagements/{world['e2'].id}"):
        resp = c.get(path, headers=headers)
        assert resp.status_code == 404, path
        assert "Bo" not in resp.get_data(as_text=True)
    resp = c.patch(f"/api/v1/workers/{world['w2'].id}", json={"phone": "555"}, headers=headers)
    assert resp.status_code == 404


def test_api_needs_a_valid_token(client):
    assert client.get("/api/v1/workers").status_code == 401
    assert client.get("/api/v1/workers", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_openapi_document_lists_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/clients", "/api/v1/workers/{worker_id}", "/api/v1/engagements"):
        assert path in spec["paths"], path
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
