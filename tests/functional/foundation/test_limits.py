"""Limits everywhere: absurd numbers and dates, huge pages and ids, deep or large bodies, long lists and long export
ranges are refused with a status that says so (413, 422 naming the field, 404), never a server error."""
from __future__ import annotations

import pytest

from tests.factories import EngagementFactory

QUOTE = {"pay_date": "2026-06-05", "pay_frequency": "weekly", "worker_type": "employee", "work_state": "TX",
         "residence_state": "TX", "earnings": [{"code": "salary", "amount": "1000.00"}],
         "w4": {"version": 2020, "filing_status": "single", "step2_checkbox": False}}


@pytest.fixture
def hr(make_user, token_for):
    return token_for(make_user("hr"))


@pytest.fixture
def engagement(db):
    return EngagementFactory()


def _fields(resp) -> set[str]:
    assert resp.status_code == 422, (resp.status_code, resp.get_data(as_text=True)[:300])
    return {i["field"] for i in resp.get_json()["issues"]}


# ------------------------------------------------------------------ numbers
def test_timesheet_units_of_1e30_are_refused_naming_units(client, engagement, hr):
    resp = client.post("/api/v1/timesheets", headers=hr,
                       json={"engagement_id": engagement.id, "week_start": "2026-11-02", "units": "1e30"})
    assert _fields(resp) == {"units"}


def test_quote_piece_units_of_1e30_are_refused_naming_the_path(client, db, hr):
    body = dict(QUOTE, earnings=[{"code": "piece", "units": "1e30", "rate": "2.00"}])
    assert _fields(client.post("/api/v1/paycheck-quotes", json=body, headers=hr)) == {"earnings[0].units"}


def test_quote_amount_of_1e30_is_refused_naming_the_path(client, db, hr):
    body = dict(QUOTE, earnings=[{"code": "salary", "amount": "1e30"}])
    assert _fields(client.post("/api/v1/paycheck-quotes", json=body, headers=hr)) == {"earnings[0].amount"}


@pytest.mark.parametrize("value", ["1e30", "NaN", "Infinity", "1e-30", "12,50"])
def test_client_markup_rate_out_of_range_is_refused_naming_markup_rate(client, engagement, hr, value):
    resp = client.patch(f"/api/v1/clients/{engagement.client_id}", json={"markup_rate": value}, headers=hr)
    assert _fields(resp) == {"markup_rate"}


@pytest.mark.parametrize("value", ["1e30", "1e20"])       # 1e20 dollars overflowed the integer column (a 500)
def test_engagement_pay_rate_beyond_the_rate_range_is_refused(client, engagement, hr, value):
    resp = client.patch(f"/api/v1/engagements/{engagement.id}", json={"pay_rate": value}, headers=hr)
    assert _fields(resp) == {"pay_rate"}


def test_off_cycle_amount_of_1e30_is_refused_naming_the_item(client, engagement, hr):
    body = {"kind": "bonus", "pay_date": "2026-12-04",
            "items": [{"engagement_id": engagement.id, "code": "bonus", "amount": "1e30"}]}
    resp = client.post("/api/v1/payroll-runs", json=body, headers=hr)
    assert _fields(resp) == {"items[0].amount"}
    assert "at most" in resp.get_json()["issues"][0]["message"]


# ------------------------------------------------------------------ dates
@pytest.mark.parametrize("method,url,body,field", [
    ("post", "/api/v1/timesheets", {"week_start": "9999-12-27"}, "week_start"),
    ("patch", "/api/v1/engagements/{e}", {"end_date": "9999-12-31"}, "end_date"),
    ("post", "/api/v1/payroll-runs", {"kind": "bonus", "pay_date": "9999-12-31"}, "pay_date"),
    ("post", "/api/v1/paycheck-quotes", dict(QUOTE, pay_date="9999-12-31"), "pay_date"),
    ("get", "/api/v1/reports/register?start=2026-01-01&end=9999-12-31", None, "end"),
])
def test_a_date_in_the_year_9999_is_refused_naming_the_field(client, engagement, hr, method, url, body, field):
    if body is not None and "engagement_id" not in body and url.endswith("timesheets"):
        body = dict(body, engagement_id=engagement.id)
    kw = {"json": body} if body is not None else {}
    resp = getattr(client, method)(url.format(e=engagement.id), headers=hr, **kw)
    assert field in _fields(resp)


def test_an_export_range_longer_than_366_days_is_refused_naming_end(client, db, make_user, token_for):
    headers = token_for(make_user("finance"))
    resp = client.get("/api/v1/reports/register?start=2025-01-01&end=2026-01-02", headers=headers)
    assert _fields(resp) == {"end"}
    assert "366 days" in resp.get_json()["issues"][0]["message"]
    ok = client.get("/api/v1/reports/register?start=2024-01-01&end=2024-12-31", headers=headers)   # leap year
    assert ok.status_code == 200


# ------------------------------------------------------------------ pages, ids, lists
@pytest.mark.parametrize("url,field", [
    ("/api/v1/workers?page=999999999999999999999", "page"),         # overflowed the OFFSET (a 500)
    ("/api/v1/workers?page=10001", "page"),
    ("/api/v1/timesheets?per_page=201", "per_page"),
    ("/api/v1/workers?client_id=99999999999999999999999", "client_id"),
    ("/api/v1/paychecks?worker_id=-1", "worker_id"),
    ("/api/v1/onboarding?page=99999999999999", "page"),
    ("/api/v1/onboarding?stuck_days=99999999999999", "stuck_days"),
])
def test_pages_and_ids_in_the_query_are_bounded(client, db, hr, url, field):
    assert field in _fields(client.get(url, headers=hr))


@pytest.mark.parametrize("page", ["99999999999999999999", "-3"])
def test_an_admin_list_page_out_of_range_shows_an_empty_or_first_page(app, db, make_user, login, page):
    """A page past 2^63 overflowed the OFFSET (a 500); a negative one is an error on PostgreSQL."""
    c = app.test_client()
    login(c, make_user("hr"))
    assert c.get(f"/admin/workers/?page={page}").status_code == 200


def test_the_page_limits_are_in_the_openapi_document(client, db):
    params = {p["name"]: p["schema"] for p in
              client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/workers"]["get"]["parameters"]}
    assert params["page"]["maximum"] == 10000 and params["per_page"]["maximum"] == 200


def test_an_id_in_the_path_too_large_for_the_database_is_simply_not_found(client, db, hr):
    resp = client.get("/api/v1/workers/99999999999999999999", headers=hr)
    assert resp.status_code == 404 and resp.is_json


BIG = 10**20              # beyond any integer column: it used to reach the query and overflow (a 500)


@pytest.mark.parametrize("method,url,body,field", [
    ("post", "/api/v1/timesheets", {"engagement_id": BIG, "week_start": "2026-11-02"}, "engagement_id"),
    ("post", "/api/v1/timesheets", {"engagement_id": str(BIG), "week_start": "2026-11-02"}, "engagement_id"),
    ("post", "/api/v1/engagements", {"worker_id": BIG, "client_id": BIG, "type": "contractor", "work_state": "TX",
                                     "pay_rate": "1", "start_date": "2026-01-01"}, "worker_id"),
    ("patch", "/api/v1/engagements/{e}", {"client_id": BIG}, "client_id"),
    ("post", "/api/v1/invitations", {"email": "a@example.com", "first_name": "A", "last_name": "B", "client_id": BIG,
                                     "type": "contractor", "work_state": "TX", "pay_rate": "1",
                                     "start_date": "2026-01-01"}, "client_id"),
    ("post", "/api/v1/payroll-runs", {"kind": "bonus", "pay_date": "2026-12-04",
                                      "items": [{"engagement_id": BIG, "code": "bonus", "amount": "5"}]},
     "items[0].engagement_id"),
])
def test_an_id_in_a_body_too_large_for_the_database_is_not_found(client, engagement, hr, method, url, body, field):
    resp = getattr(client, method)(url.format(e=engagement.id), json=body, headers=hr)
    assert field in _fields(resp)


def test_a_regular_run_for_a_schedule_id_too_large_is_not_found(client, db, hr):
    resp = client.post("/api/v1/payroll-runs", json={"schedule_id": BIG, "period_containing": "2026-11-03"},
                       headers=hr)
    assert resp.status_code == 404


def test_an_export_job_id_too_long_for_a_file_name_is_not_found(client, db, make_user, token_for):
    resp = client.get("/api/v1/reports/jobs/" + "a" * 300, headers=token_for(make_user("finance")))
    assert resp.status_code == 404          # it used to reach open(): OSError, file name too long (a 500)


def test_paycheck_quotes_are_for_staff_who_read_payroll(client, engagement, make_user, token_for):
    for user in (make_user("worker", worker_id=engagement.worker_id),
                 make_user("client_approver", client_id=engagement.client_id)):
        resp = client.post("/api/v1/paycheck-quotes", json=QUOTE, headers=token_for(user))
        assert resp.status_code == 403, user.role
    assert client.post("/api/v1/paycheck-quotes", json=QUOTE,
                       headers=token_for(make_user("finance"))).status_code == 200


def test_a_list_of_more_than_500_quotes_is_refused_before_any_is_computed(client, db, hr):
    resp = client.post("/api/v1/paycheck-quotes", json=[QUOTE] * 501, headers=hr)
    assert _fields(resp) == {"body"}
    assert "500" in resp.get_json()["issues"][0]["message"]
    assert client.post("/api/v1/paycheck-quotes", json=[QUOTE] * 3, headers=hr).status_code == 200


def test_a_list_of_more_than_500_assessments_is_refused(client, db, hr):
    one = {"work_state": "CA", "as_of_date": "2026-06-01", "answers": {}}
    resp = client.post("/api/v1/classification-assessments", json=[one] * 501, headers=hr)
    assert _fields(resp) == {"body"}
    assert "500" in resp.get_json()["issues"][0]["message"]


# ------------------------------------------------------------------ bodies
@pytest.mark.parametrize("method,url", [("post", "/api/v1/clients"), ("post", "/api/v1/workers"),
                                        ("post", "/api/v1/engagements"), ("patch", "/api/v1/clients/{c}"),
                                        ("post", "/api/v1/pay-schedules"), ("post", "/api/v1/invitations")])
def test_a_list_where_a_record_belongs_is_refused_naming_body(client, engagement, hr, method, url):
    """Found by the negative fuzz: the services called .get on the list (AttributeError, a 500)."""
    resp = getattr(client, method)(url.format(c=engagement.client_id), json=[{"name": "x"}], headers=hr)
    assert _fields(resp) == {"body"}


def test_a_list_as_a_pay_frequency_is_refused_naming_it(client, db, hr):
    body = {"name": "W", "frequency": ["weekly"], "anchor_start": "2026-11-02"}
    assert _fields(client.post("/api/v1/pay-schedules", json=body, headers=hr)) == {"frequency"}


def test_deeply_nested_json_is_refused_not_a_recursion_error(client, db, hr):
    deep = "[" * 100_000 + "]" * 100_000
    resp = client.post("/api/v1/paycheck-quotes", data=deep, content_type="application/json", headers=hr)
    assert resp.status_code == 422 and resp.get_json()["issues"][0]["field"] == "body"


def test_nesting_a_little_deeper_than_any_real_request_is_refused(client, db, hr):
    body = {"a": 1}
    for _ in range(40):
        body = {"a": body}
    resp = client.post("/api/v1/paycheck-quotes", json=body, headers=hr)
    assert resp.status_code == 422 and "nested" in resp.get_json()["issues"][0]["message"]


def test_a_body_over_the_size_limit_gets_413_json_from_the_api(app, client, db, hr):
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    big = b'{"note": "' + b"x" * (16 * 1024 * 1024) + b'"}'
    resp = client.post("/api/v1/paycheck-quotes", data=big, content_type="application/json", headers=hr)
    assert resp.status_code == 413
    assert resp.get_json()["error"] == "request_entity_too_large"


def test_a_form_over_the_size_limit_gets_413_page(client, db):
    big = "x" * (16 * 1024 * 1024 + 1)
    resp = client.post("/login", data={"email": big}, headers={"Accept": "text/html"})
    assert resp.status_code == 413
    assert b"<html" in resp.data.lower() and b"too large" in resp.data.lower()


def test_the_size_limit_comes_from_the_environment(tmp_path):
    """load_config, not create_app: a second app would take over the shared Celery app for the tests after it."""
    from flask import Flask

    from backoffice.config import load_config

    app = Flask("limits", instance_path=str(tmp_path))
    load_config(app, {"TESTING": True}, environ={"BACKOFFICE_MAX_CONTENT_LENGTH": "1048576"})
    assert app.config["MAX_CONTENT_LENGTH"] == 1048576
