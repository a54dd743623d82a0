"""The engagement's normal workday (normal_day_hours) through the API and the admin form: HR sets it, GET returns it,
a day outside 0 < h <= 24 is refused on its field and writes nothing."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from backoffice.workers.models import Engagement
from tests.conftest import csrf_token_from


@pytest.fixture
def base(db):
    from backoffice.workers import services

    return services.create_client({"name": "Acme", "state": "CA"}), services.create_worker(
        {"first_name": "Ana", "last_name": "Lopez", "email": "ana@example.com", "tin": "123-45-6789", "state": "CA",
         "birth_date": "1990-04-01"})


def test_the_api_takes_and_returns_the_normal_day_and_refuses_twenty_five_hours(client, db, base, make_user,
                                                                               token_for):
    """POST with "10" → "10.00" returned; PATCH "25" → 422 on normal_day_hours (a day has 24 hours), still 10."""
    hr = make_user("hr")
    c, w = base
    resp = client.post("/api/v1/engagements", headers=token_for(hr), json={
        "worker_id": w.id, "client_id": c.id, "type": "leased_employee", "work_state": "CA", "pay_rate": "30",
        "start_date": "2026-03-02", "normal_day_hours": "10"})
    assert resp.status_code in (200, 201), resp.get_json()
    body = resp.get_json()
    assert body["normal_day_hours"] == "10.00"
    bad = client.patch(f"/api/v1/engagements/{body['id']}", json={"normal_day_hours": "25"}, headers=token_for(hr))
    assert bad.status_code == 422 and [i["field"] for i in bad.get_json()["issues"]] == ["normal_day_hours"]
    assert db.session.get(Engagement, body["id"]).normal_day_hours == Decimal("10.00")


def test_hr_sets_the_normal_day_in_the_engagement_form(app, db, base, make_user, login):
    """The admin form labels it "Normal workday (hours)"; 0 is refused beside the field; 9.5 is kept."""
    cl, w = base
    c = app.test_client()
    login(c, make_user("hr"))
    page = c.get("/admin/engagements/new/")
    assert b"Normal workday (hours)" in page.data
    form = {"csrf_token": csrf_token_from(page.data), "worker": str(w.id), "client": str(cl.id),
            "type": "leased_employee", "work_state": "CA", "pay_rate": "30", "bill_rate": "40", "pay_unit": "hour",
            "pay_frequency": "weekly", "start_date": "2026-01-05", "status": "active", "normal_day_hours": "0"}
    html = c.post("/admin/engagements/new/", data=form).get_data(as_text=True)
    assert "more than 0 and at most 24 hours" in html
    assert db.session.execute(sa.select(sa.func.count()).select_from(Engagement)).scalar() == 0
    c.post("/admin/engagements/new/", data={**form, "normal_day_hours": "9.5"})
    assert db.session.execute(sa.select(Engagement.normal_day_hours)).scalar_one() == Decimal("9.50")
