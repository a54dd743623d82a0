"""A client approver sees what they need to approve time, and nothing more: the worker's name, the engagement, the
client, the hours and the bill rate; never a birth date, address, phone, SSN (not even its last four) or the pay
rate — in pages, filters, searches, exports and API answers alike. Approvers do not fill in or run
classification assessments.

Regression (issue 9, point 3): approvers saw all of that, could list every worker through the ajax lookup, and
could create and run assessments."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

# What the approver must never read, as it is stored or shown.
SECRETS = ("1990-04-12", "555-0142", "12 Elm Street", "Springfield", "62704", "***-**-", "25.5", "ann.private@")


@pytest.fixture
def world(db, make_user):
    from tests.factories import ClientFactory, EngagementFactory, TimesheetFactory, WorkerFactory

    acme, globex = ClientFactory(name="Acme Corp"), ClientFactory(name="Globex")
    ann = WorkerFactory(first_name="Ann", last_name="Approved", email="ann.private@example.com", tin="123456789",
                        tin_last4="6789", birth_date=date(1990, 4, 12), phone="555-0142",
                        address_line1="12 Elm Street", city="Springfield", state="IL", postal_code="62704")
    cy = WorkerFactory(first_name="Cy", last_name="Colleague", email="cy@example.com", tin_last4="1111")
    bo = WorkerFactory(first_name="Bo", last_name="Elsewhere", email="bo@example.com", tin_last4="2222")
    e_ann = EngagementFactory(worker=ann, client=acme, title="Forklift operator", work_state="IL",
                              pay_rate=Decimal("25.50"), bill_rate=Decimal("41.75"), start_date=date(2026, 1, 5))
    EngagementFactory(worker=cy, client=acme, work_state="IL", pay_rate=Decimal("30.00"), bill_rate=Decimal("45.00"))
    e_bo = EngagementFactory(worker=bo, client=globex, pay_rate=Decimal("20.00"), bill_rate=Decimal("33.00"))
    TimesheetFactory(engagement=e_ann, status="submitted", hours=(8, 8, 8, 8, 8, 0, 0))
    approver = make_user("client_approver", client_id=acme.id)
    return dict(acme=acme, globex=globex, ann=ann, cy=cy, bo=bo, e_ann=e_ann, e_bo=e_bo, approver=approver)


@pytest.fixture
def approver(app, world, login):
    c = app.test_client()
    login(c, world["approver"])
    return c


def _no_secrets(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, (where, secret)


def test_admin_pages_show_the_approver_names_engagements_and_bill_rates_only(approver, world):
    pages = {"/admin/workers/": "Ann", f"/admin/workers/details/?id={world['ann'].id}": "Approved",
             "/admin/engagements/": "$41.75", f"/admin/engagements/details/?id={world['e_ann'].id}": "Forklift",
             "/admin/timesheet/": "Ann Approved at Acme Corp", "/admin/clients/": "Acme Corp", "/admin/": "Dashboard"}
    for url, expected in pages.items():
        resp = approver.get(url)
        assert resp.status_code == 200, url
        html = resp.get_data(as_text=True)
        assert expected in html, url
        _no_secrets(html, url)
        assert "SSN" not in html and "Birth" not in html and "Pay Rate" not in html, url


def test_admin_exports_show_the_approver_no_personal_data_or_pay_rate(approver, world):
    for view in ("workers", "engagements"):
        text = approver.get(f"/admin/{view}/export/csv/").get_data(as_text=True)
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == 3, (view, rows)                      # header + Ann + Cy (not Bo)
        _no_secrets(text, view)
        book = openpyxl.load_workbook(io.BytesIO(approver.get(f"/admin/{view}/export/xlsx/").data))
        cells = " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row)
        _no_secrets(cells, view + ".xlsx")
    header = next(csv.reader(io.StringIO(approver.get("/admin/engagements/export/csv/").get_data(as_text=True))))
    assert "Bill Rate" in header and "Pay Rate" not in header


def _filter_arg(app, endpoint, key):
    view = next(v for v in app.extensions["tandem_admin"]._views if getattr(v, "endpoint", None) == endpoint)
    return next(view.get_filter_arg(i, f) for i, f in enumerate(view._filters)
                if getattr(getattr(f, "column", None), "key", None) == key)


def test_approvers_cannot_filter_or_search_on_what_they_may_not_see(app, approver, world):
    """The SSN-last-4 filter and a search by email would tell an approver who has which SSN or address."""
    page = approver.get("/admin/workers/").get_data(as_text=True)
    assert "SSN last 4" not in page and 'placeholder="Search last name, first name"' in page
    by_ssn = approver.get(f"/admin/workers/?flt0_{_filter_arg(app, 'workers', 'tin_last4')}=6789")
    html = by_ssn.get_data(as_text=True)
    assert "Ann" in html and "Cy" in html                      # the filter is not applied for them
    by_email = approver.get("/admin/workers/?search=ann.private").get_data(as_text=True)
    assert "Approved" not in by_email
    by_state = approver.get(f"/admin/workers/?flt0_{_filter_arg(app, 'workers', 'state')}=TX").get_data(as_text=True)
    assert "Ann" in by_state and "Cy" in by_state


def test_api_answers_the_approver_without_personal_data_or_pay_rate(app, world, token_for):
    headers = token_for(world["approver"])
    c = app.test_client()
    for url in ("/api/v1/workers", f"/api/v1/workers/{world['ann'].id}", "/api/v1/engagements",
                f"/api/v1/engagements/{world['e_ann'].id}", "/api/v1/clients"):
        resp = c.get(url, headers=headers)
        assert resp.status_code == 200, url
        _no_secrets(resp.get_data(as_text=True), url)
    ann = c.get(f"/api/v1/workers/{world['ann'].id}", headers=headers).get_json()
    assert ann == {"id": world["ann"].id, "first_name": "Ann", "middle_name": "", "last_name": "Approved"}
    eng = c.get(f"/api/v1/engagements/{world['e_ann'].id}", headers=headers).get_json()
    assert eng["bill_rate"] == "41.7500" and "pay_rate" not in eng and eng["title"] == "Forklift operator"
    assert c.get("/api/v1/workers?state=IL", headers=headers).status_code == 422   # home state is not theirs


def test_another_clients_worker_is_not_found_for_the_approver(app, approver, world, token_for):
    headers = token_for(world["approver"])
    c = app.test_client()
    assert c.get(f"/api/v1/workers/{world['bo'].id}", headers=headers).status_code == 404
    assert c.get(f"/api/v1/engagements/{world['e_bo'].id}", headers=headers).status_code == 404
    assert approver.get(f"/admin/workers/details/?id={world['bo'].id}").status_code in (302, 404)


def test_approvers_do_not_create_or_run_classification_assessments(app, approver, world, token_for):
    from tests.integration.classification.helpers import CONTRACTOR

    assert approver.get("/admin/classification/new").status_code == 403
    assert approver.get("/admin/classification_assessments/").status_code == 403
    body = {"work_state": "IL", "as_of_date": "2026-03-02", "answers": CONTRACTOR}
    resp = app.test_client().post("/api/v1/classification-assessments", json=body,
                                  headers=token_for(world["approver"]))
    assert resp.status_code == 403


# ------------------------------------------------------------------ the ajax lookup (form_ajax_refs)
LOOKUP = "/admin/engagements/ajax/lookup/?name=worker&query=&limit=1000"


def test_the_issues_lookup_url_is_refused_to_an_approver(approver, world):
    assert approver.get(LOOKUP).status_code == 403


def test_the_lookup_keeps_the_approvers_row_scope_even_when_granted_write(app, db, approver, world):
    import sqlalchemy as sa

    from backoffice.security.models import Permission

    db.session.execute(sa.update(Permission).where(Permission.role == "client_approver",
                                                   Permission.model == "engagement").values(can_write=True))
    db.session.commit()
    found = json.loads(approver.get(LOOKUP).data)
    assert sorted(name for _id, name in found) == sorted([str(world["ann"]), str(world["cy"])])


def test_the_lookup_answers_at_most_twenty_rows(app, db, world, make_user, login):
    from tests.factories import WorkerFactory

    for i in range(30):
        WorkerFactory(first_name=f"Many{i}", last_name="Lookup")
    c = app.test_client()
    login(c, make_user("hr"))
    found = json.loads(c.get(LOOKUP).data)
    assert len(found) == 20
    assert len(json.loads(c.get("/admin/engagements/ajax/lookup/?name=worker&query=Lookup&limit=5").data)) == 5


def test_a_search_with_no_column_the_user_may_read_finds_nothing(approver, world, monkeypatch):
    """Were an approver to read none of the searchable columns, a search matches no row (rather than all, or an
    empty OR)."""
    import backoffice.admin as admin_shell

    real = admin_shell.may_read
    monkeypatch.setattr(admin_shell, "may_read", lambda user, surface, model, field: real(
        user, surface, model, field) and field not in ("last_name", "first_name"))
    html = approver.get("/admin/workers/?search=Ann").get_data(as_text=True)
    assert "Approved" not in html and "Colleague" not in html
