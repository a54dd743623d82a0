"""An engagement's work location (docs/multistate.md): the employer location a remote worker is assigned to
(`office_state`) and whether they work away from it for their own convenience (`remote_for_convenience`), through
the service, the API, the admin form and the portal; bad input names the field and writes nothing."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from backoffice.errors import ValidationFailed
from backoffice.workers.models import Engagement
from tests.conftest import csrf_token_from

GOOD_WORKER = {"first_name": "Ana", "last_name": "Lopez", "email": "ana@example.com", "tin": "123-45-6789",
               "state": "NJ", "birth_date": "1990-04-01"}


@pytest.fixture
def hr(make_user):
    return make_user("hr")


@pytest.fixture
def base(db):
    from backoffice.workers import services

    return services.create_client({"name": "Acme"}), services.create_worker(GOOD_WORKER)


def _eng(base, **kw):
    c, w = base
    return {"worker_id": w.id, "client_id": c.id, "type": "leased_employee", "work_state": "NJ", "pay_rate": "30",
            "start_date": "2026-03-01", **kw}


def _count(db):
    return db.session.execute(sa.select(sa.func.count()).select_from(Engagement)).scalar()


def test_service_keeps_the_office_and_says_where_the_worker_works(db, base):
    from backoffice.workers import services

    e = services.create_engagement(_eng(base, office_state="ny", remote_for_convenience=True))
    assert (e.office_state, e.remote_for_convenience) == ("NY", True)
    assert e.work_location_words == ("remote in NJ for their own convenience, assigned to an employer location "
                                     "in NY")
    e = services.update_engagement(e.id, {"remote_for_convenience": False})
    assert e.work_location_words == "remote in NJ as the employer requires, assigned to an employer location in NY"
    e = services.update_engagement(e.id, {"office_state": ""})
    assert e.office_state is None and e.work_location_words == "on site in NJ"


@pytest.mark.parametrize("extra,field,code", [
    ({"office_state": "ZZ"}, "office_state", "invalid_state"),
    ({"remote_for_convenience": True}, "remote_for_convenience", "office_required"),
    ({"office_state": "NJ", "remote_for_convenience": True}, "remote_for_convenience", "office_is_work_state"),
])
def test_service_refuses_a_bad_work_location(db, base, extra, field, code):
    from backoffice.workers import services

    with pytest.raises(ValidationFailed) as exc:
        services.create_engagement(_eng(base, **extra))
    assert [(i.field, i.code) for i in exc.value.issues] == [(field, code)]
    assert _count(db) == 0


def test_update_checks_the_pair_against_what_is_stored(db, base):
    """Turning on remote_for_convenience on an engagement with no office is refused; the stored row is unchanged."""
    from backoffice.workers import services

    e = services.create_engagement(_eng(base))
    with pytest.raises(ValidationFailed) as exc:
        services.update_engagement(e.id, {"remote_for_convenience": True})
    assert exc.value.issues[0].field == "remote_for_convenience"
    db.session.expire_all()
    assert db.session.get(Engagement, e.id).remote_for_convenience is False


def test_api_takes_and_returns_the_work_location(client, db, base, hr, token_for):
    resp = client.post("/api/v1/engagements", json=_eng(base, office_state="NY", remote_for_convenience=True),
                       headers=token_for(hr))
    assert resp.status_code in (200, 201), resp.get_json()
    body = resp.get_json()
    assert (body["office_state"], body["remote_for_convenience"]) == ("NY", True)
    bad = client.patch(f"/api/v1/engagements/{body['id']}", json={"office_state": "XX"}, headers=token_for(hr))
    assert bad.status_code == 422 and bad.get_json()["issues"][0]["field"] == "office_state"


def test_admin_form_edits_the_work_location_and_names_the_field_in_error(app, db, base, hr, login):
    cl, w = base
    c = app.test_client()
    login(c, hr)
    page = c.get("/admin/engagements/new/")
    assert b"Office state (remote worker)" in page.data
    form = {"csrf_token": csrf_token_from(page.data), "worker": str(w.id), "client": str(cl.id),
            "type": "leased_employee", "work_state": "NJ", "pay_rate": "30", "bill_rate": "40",
            "pay_unit": "hour", "pay_frequency": "weekly", "start_date": "2026-01-05", "status": "active",
            "remote_for_convenience": "y"}
    html = c.post("/admin/engagements/new/", data=form).get_data(as_text=True)
    assert "needs office_state" in html
    assert _count(db) == 0
    c.post("/admin/engagements/new/", data={**form, "office_state": "NY"})
    e = db.session.execute(sa.select(Engagement)).scalar_one()
    assert (e.office_state, e.remote_for_convenience) == ("NY", True)


def test_the_worker_import_takes_the_work_location_and_names_a_bad_cell(db, base):
    """A CSV row with office_state NY and remote_for_convenience yes makes that engagement; a row claiming
    convenience with no office is refused on its line, naming the column."""
    from backoffice.workers.importer import import_file

    c, _w = base
    head = ("first_name,last_name,email,state,client_id,engagement_type,work_state,pay_rate,start_date,"
            "office_state,remote_for_convenience\n")
    ok = f"Bo,Kim,bo@example.com,NJ,{c.id},leased_employee,NJ,30,2026-03-01,NY,yes\n"
    report = import_file((head + ok).encode(), "workers.csv")
    assert report.engagements_created == 1 and not report.issues
    e = db.session.execute(sa.select(Engagement).where(Engagement.office_state.is_not(None))).scalar_one()
    assert (e.office_state, e.remote_for_convenience) == ("NY", True)
    bad = f"Cy,Lee,cy@example.com,NJ,{c.id},leased_employee,NJ,30,2026-03-01,,yes\n"
    report = import_file((head + bad).encode(), "workers.csv", dry_run=True)
    assert [(i.field, i.row) for i in report.issues] == [("remote_for_convenience", 2)]
