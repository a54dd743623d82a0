"""Finance exports through the API, the admin page and the CLI: permissions, bad input, background XLSX jobs."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from backoffice.cli import main
from reports import exports


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


@pytest.fixture
def export_dir(app, tmp_path):
    app.config["REPORTS_EXPORT_DIR"] = str(tmp_path / "exports")
    yield tmp_path / "exports"
    app.config.pop("REPORTS_EXPORT_DIR", None)


def test_api_register_csv_for_finance(db, client, calculated_run, make_user, token_for):
    run = calculated_run["run"]
    resp = client.get(f"/api/v1/reports/register?run_id={run.id}&format=csv", headers=token_for(make_user("finance")))
    assert resp.status_code == 200, resp.data[:300]
    assert resp.mimetype == "text/csv"
    assert f"register_run-{run.id}.csv" in resp.headers["Content-Disposition"]
    rows = csv_rows(resp.data)
    assert sum(Decimal(r["gross"]) for r in rows) == Decimal("3187.50")      # the fixture's hand total


@pytest.mark.parametrize("role", ["finance", "compliance", "hr"])
def test_api_tax_liability_and_gl_for_roles_with_report_read(db, client, calculated_run, make_user, token_for, role):
    run = calculated_run["run"]
    headers = token_for(make_user(role))
    liab = client.get(f"/api/v1/reports/tax-liability?run_id={run.id}", headers=headers)
    assert liab.status_code == 200
    tx = [r for r in csv_rows(liab.data) if r["jurisdiction"] == "TX"]
    assert [(r["tax_code"], r["employer"]) for r in tx] == [("suta", "53.66")]
    gl = client.get(f"/api/v1/reports/gl?run_id={run.id}&format=xlsx", headers=headers)
    assert gl.status_code == 200 and gl.mimetype == exports.MIMETYPES["xlsx"]
    wb = load_workbook(io.BytesIO(gl.data))
    assert wb.sheetnames == ["Journal", "By account"]


def test_api_refuses_roles_without_report_read(db, client, calculated_run, make_user, token_for):
    ann = calculated_run["ann"]
    user = make_user("worker", worker_id=ann.worker_id)
    resp = client.get(f"/api/v1/reports/register?run_id={calculated_run['run'].id}", headers=token_for(user))
    assert resp.status_code == 403


@pytest.mark.parametrize("query, fields", [
    ("", ["start", "end"]),
    ("start=2026-11-30&end=2026-11-01", ["end"]),
    ("start=2026-13-01&end=2026-11-30", ["start"]),
    ("run_id=1&format=pdf", ["format"]),
])
def test_api_names_every_bad_argument(db, client, make_user, token_for, query, fields):
    resp = client.get(f"/api/v1/reports/register?{query}", headers=token_for(make_user("finance")))
    assert resp.status_code == 422
    assert [i["field"] for i in resp.get_json()["issues"]] == fields


def test_api_unknown_run_is_404(db, client, make_user, token_for):
    resp = client.get("/api/v1/reports/gl?run_id=424242", headers=token_for(make_user("finance")))
    assert resp.status_code == 404


def test_api_large_xlsx_becomes_a_background_job(db, client, calculated_run, make_user, token_for, export_dir,
                                                 monkeypatch):
    monkeypatch.setattr(exports, "XLSX_INLINE_LIMIT", 1)          # three paychecks count as "large"
    finance = make_user("finance")
    headers = token_for(finance)
    run = calculated_run["run"]
    resp = client.get(f"/api/v1/reports/register?run_id={run.id}&format=xlsx", headers=headers)
    assert resp.status_code == 202
    body = resp.get_json()
    status = client.get(body["status_url"], headers=headers).get_json()
    assert status["state"] == "done" and status["done"] == status["total"] == 3     # eager Celery ran it
    with client.get(body["file_url"], headers=headers) as file:      # a file response: closed after reading
        assert file.status_code == 200
        data = file.data
    ws = load_workbook(io.BytesIO(data))["Register"]
    rows = list(ws.iter_rows(values_only=True))
    gross = rows[0].index("gross")
    assert rows[-1][0] == "Total" and Decimal(str(rows[-1][gross])).quantize(Decimal("0.01")) == Decimal("3187.50")
    other = token_for(make_user("compliance"))
    assert client.get(body["status_url"], headers=other).status_code == 404      # someone else's job


def test_openapi_documents_the_exports(db, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/reports/register", "/api/v1/reports/tax-liability", "/api/v1/reports/gl"):
        params = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert {"run_id", "start", "end", "format"} <= params


def test_admin_page_shows_the_run_chart_and_downloads(db, client, login, calculated_run, make_user):
    run = calculated_run["run"]
    login(client, make_user("finance"))
    page = client.get("/admin/finance-exports/")
    html = page.data.decode()
    assert page.status_code == 200 and 'id="run-chart"' in html
    assert "$3,187.50" in html                                    # the run's gross (fixture docstring)
    resp = client.get(f"/admin/finance-exports/download?scope=run&run_id={run.id}&export=register:csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert len(csv_rows(resp.data)) == 3
    resp = client.get("/admin/finance-exports/download?scope=range&start=2026-11-01&end=2026-11-30"
                      "&export=tax-liability:xlsx")
    assert resp.status_code == 200 and load_workbook(io.BytesIO(resp.data)).sheetnames == ["By tax", "By state"]
    bad = client.get("/admin/finance-exports/download?scope=range&start=2026-11-30&end=2026-11-01&export=gl:csv",
                     follow_redirects=True)
    assert b"end: must be on or after start" in bad.data
    no_run = client.get("/admin/finance-exports/download?scope=run&run_id=&export=gl:csv", follow_redirects=True)
    assert b"run_id: choose a payroll run" in no_run.data


def test_admin_background_job_page(db, client, login, calculated_run, make_user, export_dir, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_INLINE_LIMIT", 1)
    login(client, make_user("compliance"))
    resp = client.get(f"/admin/finance-exports/download?scope=run&run_id={calculated_run['run'].id}"
                      "&export=register:xlsx")
    assert resp.status_code == 302 and "/admin/finance-exports/job/" in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).data.decode()
    assert 'data-state="done"' in page and 'id="export-download"' in page
    with client.get(resp.headers["Location"] + "/file") as file:
        assert file.status_code == 200 and load_workbook(io.BytesIO(file.data)).sheetnames == ["Register"]


def test_admin_page_closed_to_client_approvers(db, client, login, calculated_run, make_user):
    login(client, make_user("client_approver", client_id=calculated_run["ann"].client_id))
    assert client.get("/admin/finance-exports/").status_code == 403


def test_cli_writes_each_export(db, runner, calculated_run, tmp_path):
    run = calculated_run["run"]
    for kind, fmt in (("register", "csv"), ("tax-liability", "xlsx"), ("gl", "csv")):
        out = tmp_path / f"{kind}.{fmt}"
        res = runner.invoke(main, args=["reports", kind, "--run", str(run.id), "--format", fmt, "--output", str(out)])
        assert res.exit_code == 0, res.output
        assert out.stat().st_size > 0
    gl = csv_rows((tmp_path / "gl.csv").read_bytes())
    assert sum(Decimal(r["debit"]) for r in gl) == sum(Decimal(r["credit"]) for r in gl)
    res = runner.invoke(main, args=["reports", "register", "--from", "2026-11-30", "--to", "2026-11-01",
                                    "--output", str(tmp_path / "x.csv")])
    assert res.exit_code == 2 and '"field": "end"' in res.output
