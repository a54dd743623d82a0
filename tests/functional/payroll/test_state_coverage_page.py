"""Payroll → State coverage: the admin's read-only list of every jurisdiction for a year, with a CSV copy."""
from __future__ import annotations

import csv
import io


def test_hr_reads_every_jurisdictions_coverage_and_its_csv(client, make_user, login):
    login(client, make_user("hr"))
    page = client.get("/admin/state-coverage/?year=2026")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert body.count('<tr id="state-') == 51
    assert 'id="state-NJ"' in body and "REV-420" in body and "convenience rule (all)" in body
    export = client.get("/admin/state-coverage/?year=2025&export=csv")
    rows = {r["state"]: r for r in csv.DictReader(io.StringIO(export.get_data(as_text=True)))}
    assert len(rows) == 51 and rows["PA"]["status"] == "supported"
    assert rows["OR"]["status"] == "supported"          # Oregon's 2025 tables, added in session 23
    assert rows["OH"]["status"] == "partial" and "2025-01-01..2025-09-30" in rows["OH"]["reason"]
    assert client.get("/admin/state-coverage/?year=abc").status_code == 404


def test_the_page_lists_the_local_taxes_with_their_own_csv(client, make_user, login):
    login(client, make_user("hr"))
    body = client.get("/admin/state-coverage/?year=2026").get_data(as_text=True)
    assert 'id="local-coverage"' in body and "MI-GRAND-RAPIDS" in body and "DE-WILMINGTON" in body
    # session 23: Philadelphia's FY2027 rates and Kansas City / St. Louis for all of 2026 are in the data, so 2026
    # refuses no local tax in the data; 2025 still shows Lane Transit District refused
    assert body.count('<tr class="local-refused">') == 0
    assert client.get("/admin/state-coverage/?year=2025").get_data(as_text=True).count('<tr class="local-refused">') >= 1
    assert "Refused by rule" in body and "without a PSD code" in body
    export = client.get("/admin/state-coverage/?year=2025&export=locals-csv")
    assert export.status_code == 200 and "local-tax-coverage-2025.csv" in export.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    lane = next(r for r in rows if r["code"] == "OR-LTD")
    assert lane["status"] == "refused"


def test_a_client_approver_cannot_open_the_page(client, make_user, login):
    from tests.factories import ClientFactory

    login(client, make_user("client_approver", client_id=ClientFactory().id))
    assert client.get("/admin/state-coverage/?year=2026").status_code in (302, 403)
