"""Bad input is rejected with an error naming the field, through the API and the admin form, and nothing is written."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from backoffice.workers.models import Client, Engagement, Worker
from tests.conftest import csrf_token_from

GOOD_WORKER = {"first_name": "Ana", "last_name": "Lopez", "email": "ana@example.com", "tin": "123-45-6789",
               "state": "CA", "birth_date": "1990-04-01"}


@pytest.fixture
def hr(make_user):
    return make_user("hr")


@pytest.fixture
def base(db):
    from backoffice.workers import services

    c = services.create_client({"name": "Acme"})
    w = services.create_worker(GOOD_WORKER)
    return c, w


def _count(db, model):
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar()


@pytest.mark.parametrize("field,value,code", [
    ("tin", "123-45-678", "invalid_ssn"),          # 8 digits
    ("tin", "666-12-3456", "invalid_ssn"),         # area 666 is never issued (SSA)
    ("email", "ana.example.com", "invalid_email"),
    ("state", "XX", "invalid_state"),
    ("birth_date", "1990-02-30", "invalid_date"),
])
def test_api_rejects_a_bad_worker_field(client, db, hr, token_for, field, value, code):
    resp = client.post("/api/v1/workers", json=dict(GOOD_WORKER, **{field: value}), headers=token_for(hr))
    assert resp.status_code == 422
    issues = resp.get_json()["issues"]
    assert [(i["field"], i["code"]) for i in issues] == [(field, code)]
    assert _count(db, Worker) == 0


def test_api_rejects_a_bad_client_ein(client, db, hr, token_for):
    resp = client.post("/api/v1/clients", json={"name": "Acme", "ein": "12-345678"}, headers=token_for(hr))
    assert resp.status_code == 422
    assert resp.get_json()["issues"][0]["field"] == "ein"
    assert _count(db, Client) == 0


def test_api_names_every_bad_engagement_field_at_once(client, db, base, hr, token_for):
    c, w = base
    bad = {"worker_id": w.id, "client_id": c.id, "type": "leased_employee", "work_state": "ZZ",
           "pay_rate": "-1.00", "bill_rate": "-2", "start_date": "2026-03-01", "end_date": "2026-02-01"}
    resp = client.post("/api/v1/engagements", json=bad, headers=token_for(hr))
    assert resp.status_code == 422
    fields = {i["field"] for i in resp.get_json()["issues"]}
    assert fields == {"work_state", "pay_rate", "bill_rate", "end_date"}
    assert _count(db, Engagement) == 0


def test_end_date_before_start_date_is_refused_on_update_too(client, db, base, hr, token_for):
    from backoffice.workers import services

    c, w = base
    e = services.create_engagement({"worker_id": w.id, "client_id": c.id, "type": "contractor", "work_state": "CA",
                                    "pay_rate": "50", "start_date": "2026-03-01"})
    resp = client.patch(f"/api/v1/engagements/{e.id}", json={"end_date": "2026-01-01"}, headers=token_for(hr))
    assert resp.status_code == 422 and resp.get_json()["issues"][0]["field"] == "end_date"
    db.session.expire_all()
    assert db.session.get(Engagement, e.id).end_date is None


def test_admin_form_shows_the_error_on_the_field_and_writes_nothing(app, db, hr, login):
    c = app.test_client()
    login(c, hr)
    page = c.get("/admin/workers/new/")
    assert page.status_code == 200
    form = {"csrf_token": csrf_token_from(page.data), "first_name": "Ana", "last_name": "Lopez",
            "email": "not-an-email", "tin_type": "ssn", "tin": "000-12-3456", "state": "CA", "status": "active"}
    resp = c.post("/admin/workers/new/", data=form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "is not a valid email address" in html and "is not a valid SSN" in html
    assert _count(db, Worker) == 0


def test_admin_form_without_csrf_token_is_refused(app, db, hr, login):
    c = app.test_client()
    login(c, hr)
    resp = c.post("/admin/workers/new/", data={"first_name": "A", "last_name": "B", "email": "a@b.example.com"})
    assert _count(db, Worker) == 0
    assert resp.status_code in (200, 400)


def test_admin_engagement_with_negative_rate_is_refused(app, db, base, hr, login):
    cl, w = base
    c = app.test_client()
    login(c, hr)
    page = c.get("/admin/engagements/new/")
    form = {"csrf_token": csrf_token_from(page.data), "worker": str(w.id), "client": str(cl.id),
            "type": "leased_employee", "work_state": "CA", "pay_rate": "-5", "bill_rate": "10",
            "pay_unit": "hour", "pay_frequency": "weekly", "start_date": "2026-01-05", "status": "active"}
    html = c.post("/admin/engagements/new/", data=form).get_data(as_text=True)
    assert "must be at least 0" in html
    assert _count(db, Engagement) == 0
