"""Where my hour goes over HTTP: GET /api/v1/engagements/{id}/rate-breakdown exactly as issue 17 names it, who may
ask (a worker their own, an approver their client's — any other id 404 — staff any), the portal pages and the
admin's Published margins page."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import csrf_token_from

FIELDS = ("bill_rate", "wages", "employer_taxes", "benefits", "workers_comp", "agency_margin")


@pytest.fixture
def priced(db, voice_world):
    """Acme's six leased employees work in Texas at $25.00 an hour, billed $40.00; Globex's contractor at $25.00,
    billed $32.00."""
    for w in voice_world.workers:
        [e] = w.engagements
        e.work_state, e.bill_rate = "TX", Decimal("40.00")
    [c] = voice_world.contractor.engagements
    c.bill_rate = Decimal("32.00")
    db.session.commit()                  # seen by the requests' sessions (the test's transaction still rolls back)
    return voice_world


def _eng(worker):
    return worker.engagements[0].id


def test_a_worker_reads_their_hour_with_the_issues_field_names_summing_to_the_bill_rate(app, priced, token_for):
    """No paycheck yet: the 2026 statutory rates, social security 6.2% + Medicare 1.45% + FUTA 0.6% + the agency's
    Texas SUTA 2.7% = 10.95%; 25.00 × 0.1095 = 2.7375 → 2.74; no workers' comp class, no benefits yet; margin
    40.00 − 25.00 − 2.74 = 12.26."""
    r = app.test_client().get(f"/api/v1/engagements/{_eng(priced.workers[0])}/rate-breakdown",
                              headers=token_for(priced.users[0]))
    assert r.status_code == 200
    body = r.get_json()
    assert {k: body[k] for k in ("unit", *FIELDS)} == {
        "unit": "hour", "bill_rate": "40.00", "wages": "25.00", "employer_taxes": "2.74", "benefits": "0.00",
        "workers_comp": "0.00", "agency_margin": "12.26"}
    assert sum(Decimal(body[k]) for k in FIELDS[1:]) == Decimal(body["bill_rate"])
    assert body["basis"] == "statutory" and body["explanation"] and all(isinstance(s, str) for s in body["explanation"])


def test_another_workers_engagement_is_not_found(app, priced, token_for):
    c = app.test_client()
    h = token_for(priced.users[0])
    other = c.get(f"/api/v1/engagements/{_eng(priced.workers[1])}/rate-breakdown", headers=h)
    missing = c.get("/api/v1/engagements/999999/rate-breakdown", headers=h)
    assert (other.status_code, missing.status_code) == (404, 404)
    assert other.get_json()["error"] == "not_found" and "25.00" not in other.get_data(as_text=True)


def test_a_clients_approver_reads_only_their_clients_engagements_and_never_the_pay_rate(app, priced, make_user,
                                                                                         token_for):
    """Acme's approver: an Acme engagement answers its bill rate, 40.00, but not the split (each part would give
    away the worker's pay rate, which the field policy keeps from approvers); Globex's engagement is a 404."""
    c = app.test_client()
    h = token_for(make_user("client_approver", client_id=priced.acme.id))
    r = c.get(f"/api/v1/engagements/{_eng(priced.workers[2])}/rate-breakdown", headers=h)
    body = r.get_json()
    assert r.status_code == 200 and body["bill_rate"] == "40.00" and body["unit"] == "hour"
    assert [body[k] for k in FIELDS[1:]] == [None] * 5 and "25.00" not in r.get_data(as_text=True)
    assert c.get(f"/api/v1/engagements/{_eng(priced.contractor)}/rate-breakdown", headers=h).status_code == 404


@pytest.mark.parametrize("role", ["hr", "finance", "admin"])
def test_staff_read_any_engagement_and_a_contractors_hour_has_no_employer_costs(app, priced, make_user, token_for,
                                                                                role):
    """The contractor: 32.00 = 25.00 pay + 7.00 margin, no employer taxes, benefits or workers' comp."""
    r = app.test_client().get(f"/api/v1/engagements/{_eng(priced.contractor)}/rate-breakdown",
                              headers=token_for(make_user(role)))
    body = r.get_json()
    assert [body[k] for k in FIELDS] == ["32.00", "25.00", "0.00", "0.00", "0.00", "7.00"]
    assert any("contractor (1099)" in s for s in body["explanation"])


def test_an_engagement_with_no_bill_rate_answers_409_in_words(app, priced, token_for):
    priced.workers[0].engagements[0].bill_rate = Decimal("0")
    r = app.test_client().get(f"/api/v1/engagements/{_eng(priced.workers[0])}/rate-breakdown",
                              headers=token_for(priced.users[0]))
    assert r.status_code == 409 and r.get_json()["error"] == "no_bill_rate"


def test_the_openapi_document_names_the_endpoint_and_its_fields(app, priced, token_for):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    op = spec["paths"]["/api/v1/engagements/{engagement_id}/rate-breakdown"]["get"]
    schema = spec["components"]["schemas"]["RateBreakdownOut"]["properties"]
    assert "404" in op["responses"] and set(FIELDS) | {"unit", "explanation"} <= set(schema)


# ------------------------------------------------------------------ the portal and the admin
def _signed_in(app, login, user):
    c = app.test_client()
    login(c, user)
    return c


def test_the_portal_shows_my_hour_per_engagement_and_not_another_workers(app, login, priced):
    c = _signed_in(app, login, priced.users[0])
    listed = c.get("/portal/engagements").get_data(as_text=True)
    assert f"/portal/my-hour/{_eng(priced.workers[0])}" in listed
    page = c.get(f"/portal/my-hour/{_eng(priced.workers[0])}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Where my hour goes" in html
    assert 'class="big bill-rate">$40.00' in html and 'part-agency_margin">$12.26' in html
    assert 'name="viewport"' in html                      # the phone layout of the portal
    assert c.get(f"/portal/my-hour/{_eng(priced.workers[1])}").status_code == 404
    assert "Acme Corp" in c.get("/portal/my-hour").get_data(as_text=True)


def test_the_portal_margins_page_shows_published_months_only_and_nothing_under_the_floor(app, login, priced):
    """Acme (six workers) and Globex (one contractor): two clients, under the floor of three — the published
    month shows no row."""
    from datetime import date

    from backoffice.voice.breakdown_services import publish_transparency

    c = _signed_in(app, login, priced.users[0])
    assert "Nothing has been published yet" in c.get("/portal/margins").get_data(as_text=True)
    publish_transparency(priced.hr, "2026-10", date(2026, 11, 22))
    html = c.get("/portal/margins").get_data(as_text=True)
    assert 'id="published-2026-10"' in html and "nothing-shown" in html and "Acme" not in html


def test_hr_publishes_a_month_in_the_admin_and_a_bad_month_is_shown_beside_the_field(app, login, priced,
                                                                                    fixed_clock):
    c = _signed_in(app, login, priced.hr)
    page = c.get("/admin/voice_transparency/")
    assert page.status_code == 200 and b'id="publish"' in page.data
    bad = c.post("/admin/voice_transparency/", data={"month": "Oct", "csrf_token": csrf_token_from(page.data)})
    assert bad.status_code == 422 and b"a month as YYYY-MM" in bad.data
    ok = c.post("/admin/voice_transparency/", data={"month": "2026-10", "csrf_token": csrf_token_from(page.data)})
    assert ok.status_code == 303 and "month=2026-10" in ok.headers["Location"]
    shown = c.get(ok.headers["Location"]).get_data(as_text=True)
    assert "<h4>2026-10</h4>" in shown and "No kind of work reached the floor" in shown
    assert c.get("/admin/voice_transparency_rows/export/csv/").status_code == 200
    no_csrf = c.post("/admin/voice_transparency/", data={"month": "2026-09"})
    assert no_csrf.status_code in (400, 403)


@pytest.mark.parametrize("path", ["/admin/voice_transparency/", "/admin/voice_transparency_rows/"])
def test_a_worker_opens_no_admin_margins_page(app, login, priced, path):
    assert _signed_in(app, login, priced.users[0]).get(path).status_code == 403
