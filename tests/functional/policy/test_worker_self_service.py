"""A worker changes only their self-service fields, through the API and the portal alike (the field policy).

Regression (issue 9, point 4): PATCH /api/v1/workers/<own id> passed the whole body on, so a worker could change
their own SSN, status and birth date, and learn whether any SSN was on file ("already on file for another
worker")."""
from __future__ import annotations

import re
from datetime import date

import pytest

# What the portal's profile page let a worker change before the policy was data (CONTACT_FIELDS): phone and home
# address. Everything else (legal name, SSN, birth date, email, status) is HR's.
SELF_SERVICE = {"phone", "address_line1", "address_line2", "city", "state", "postal_code"}
REFUSED = "you may not change this; ask HR"


@pytest.fixture
def people(db, make_user):
    from tests.factories import WorkerFactory

    me = WorkerFactory(first_name="Mia", last_name="Self", email="mia@example.com", tin="123456789",
                       tin_last4="6789", tin_index=_index("123456789"), birth_date=date(1990, 4, 12),
                       status="active", phone="555-0100")
    other = WorkerFactory(first_name="Ola", last_name="Other", email="ola@example.com", tin="219099998",
                          tin_last4="9998", tin_index=_index("219099998"))
    return {"me": me, "other": other, "user": make_user("worker", worker_id=me.id), "hr": make_user("hr")}


def _index(digits):
    from backoffice.crypto import blind_index

    return blind_index(digits)


def test_the_portal_and_the_api_grant_a_worker_the_same_writable_fields():
    from backoffice.security.field_policy import writable_fields

    assert writable_fields("worker", "api", "worker") == SELF_SERVICE
    assert writable_fields("worker", "portal", "worker") == SELF_SERVICE


@pytest.mark.parametrize("body", [{"tin": "456-78-9012"}, {"status": "terminated"}, {"birth_date": "1970-01-01"},
                                  {"last_name": "Else"}, {"email": "new@example.com"}])
def test_a_worker_may_not_patch_fields_outside_self_service(app, db, people, token_for, body):
    from backoffice.workers.models import Worker

    me = people["me"]
    resp = app.test_client().patch(f"/api/v1/workers/{me.id}", json={"phone": "555-0199", **body},
                                   headers=token_for(people["user"]))
    assert resp.status_code == 422, resp.get_json()
    (field,) = body
    assert resp.get_json()["issues"] == [{"field": field, "message": REFUSED, "code": "not_writable"}]
    again = db.session.get(Worker, me.id)
    assert (again.phone, again.tin_last4, again.status, again.birth_date, again.last_name) == (
        "555-0100", "6789", "active", date(1990, 4, 12), "Self")      # nothing written, not even the phone


def test_a_worker_patches_their_own_phone_and_address(app, people, token_for):
    me = people["me"]
    resp = app.test_client().patch(f"/api/v1/workers/{me.id}", json={"phone": "555-0199", "city": "Austin"},
                                   headers=token_for(people["user"]))
    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["phone"], resp.get_json()["city"]) == ("555-0199", "Austin")


def test_hr_keeps_every_worker_field(app, people, token_for):
    me = people["me"]
    resp = app.test_client().patch(f"/api/v1/workers/{me.id}", json={"status": "inactive", "tin": "456-78-9012",
                                                                      "birth_date": "1991-01-02"},
                                   headers=token_for(people["hr"]))
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["status"], body["tin_masked"], body["birth_date"]) == ("inactive", "***-**-9012", "1991-01-02")


def test_hr_still_learns_that_an_ssn_is_on_file_for_another_worker(app, people, token_for):
    resp = app.test_client().patch(f"/api/v1/workers/{people['me'].id}", json={"tin": "219-09-9998"},
                                   headers=token_for(people["hr"]))
    assert resp.status_code == 422
    assert resp.get_json()["issues"][0]["message"] == "is already on file for another worker"


def test_a_worker_cannot_use_the_api_to_test_whether_an_ssn_is_on_file(app, people, token_for):
    c = app.test_client()
    headers = token_for(people["user"])
    taken = c.patch(f"/api/v1/workers/{people['me'].id}", json={"tin": "219-09-9998"}, headers=headers)
    free = c.patch(f"/api/v1/workers/{people['me'].id}", json={"tin": "345-67-8901"}, headers=headers)
    assert taken.status_code == free.status_code == 422
    assert taken.get_json() == free.get_json()


def test_the_portal_profile_form_offers_exactly_the_self_service_fields(app, people, login):
    c = app.test_client()
    login(c, people["user"])
    html = c.get("/portal/profile").get_data(as_text=True)
    form = html.split('<form method="post" novalidate>', 1)[1].split("</form>", 1)[0]
    names = set(re.findall(r'<input[^>]*name="([^"]+)"', form)) - {"csrf_token"}
    assert names == SELF_SERVICE


def test_a_tampered_portal_form_naming_a_field_outside_self_service_is_refused_by_name(app, db, people, login):
    from backoffice.workers.models import Worker
    from tests.conftest import csrf_token_from
    from tests.functional.portal.conftest import field_errors

    c = app.test_client()
    login(c, people["user"])
    token = csrf_token_from(c.get("/portal/profile").data)
    resp = c.post("/portal/profile", data={"csrf_token": token, "phone": "555-0199", "status": "terminated"})
    assert resp.status_code == 422
    assert field_errors(resp.data)["status"] == f"status: {REFUSED}"
    again = db.session.get(Worker, people["me"].id)
    assert (again.phone, again.status) == ("555-0100", "active")


def test_a_field_that_is_no_field_at_all_is_named_as_unknown_not_as_hrs(app, db, people, token_for):
    resp = app.test_client().patch(f"/api/v1/workers/{people['me'].id}", json={"phone": "555-0199", "shoe": 9},
                                   headers=token_for(people["user"]))
    assert resp.status_code == 422
    assert resp.get_json()["issues"] == [{"field": "shoe", "message": "is not a known field", "code": "unknown_field"}]


def test_admin_forms_ask_the_same_policy(app, db, make_user, login, monkeypatch, tmp_path):
    """Were HR's admin grant on workers narrowed to names, the admin's create form would refuse the SSN field by
    name and save nothing (the admin surface reads the same CSV as the API and the portal)."""
    from backoffice.security import field_policy
    from backoffice.workers.models import Worker
    from tests.conftest import csrf_token_from

    narrowed = tmp_path / "policy.csv"
    narrowed.write_text("role,surface,model,field,access\n" + "".join(
        f"hr,admin,worker,{f},write\n" for f in ("first_name", "last_name", "email", "state", "status")))
    read_csv = field_policy.load_field_policy.__wrapped__
    monkeypatch.setattr(field_policy, "load_field_policy", lambda path=None: read_csv(narrowed))
    c = app.test_client()
    login(c, make_user("hr"))
    token = csrf_token_from(c.get("/admin/workers/new/").data)
    html = c.post("/admin/workers/new/", data={"csrf_token": token, "first_name": "Test", "last_name": "New",
                                              "tin_type": "ssn", "tin": "219-09-9998", "email": "t@example.com",
                                              "state": "TX", "status": "active"}).get_data(as_text=True)
    assert REFUSED in html
    assert db.session.query(Worker).filter_by(email="t@example.com").count() == 0
