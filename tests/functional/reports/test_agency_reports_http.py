"""The agency's reports over HTTP and the command line: the admin page (filters, table, totals, CSV, XLSX,
background jobs), the API list and report, who may see which, and the schedule form's refusal by name.
Figures: tests/integration/reports/test_margin_ledger.py `billed` (revenue 3,700.00, cost 2,590.67, margin
1,109.33 = 30.0% in November 2026)."""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from backoffice.cli import main
from tests.conftest import csrf_token_from

NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30", "group": "period"}


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


@pytest.fixture
def export_dir(app, tmp_path):
    app.config["REPORTS_EXPORT_DIR"] = str(tmp_path / "exports")
    yield tmp_path / "exports"
    app.config.pop("REPORTS_EXPORT_DIR", None)


def signed_in(app, login, user):
    c = app.test_client()
    login(c, user)
    return c


def test_finance_reads_the_margin_page_with_totals_and_downloads_csv_and_xlsx(app, db, billed, login):
    c = signed_in(app, login, billed["world"].finance)
    index = c.get("/admin/agency-reports/")
    assert index.status_code == 200 and b"Gross margin" in index.data
    page = c.get("/admin/agency-reports/gross-margin", query_string=NOVEMBER)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "$3,700.00" in html and "$2,590.67" in html and "$1,109.33" in html and "30.0%" in html
    got = c.get("/admin/agency-reports/gross-margin/download", query_string={**NOVEMBER, "format": "csv"})
    assert got.status_code == 200 and got.mimetype == "text/csv"
    [row] = csv_rows(got.data)
    assert (row["period"], row["revenue"], row["cost"], row["margin"], row["margin_pct"]) == (
        "2026-11", "3700.00", "2590.67", "1109.33", "30.0")
    book = c.get("/admin/agency-reports/gross-margin/download", query_string={**NOVEMBER, "format": "xlsx"})
    ws = load_workbook(io.BytesIO(book.data))["Gross margin"]
    rows = list(ws.iter_rows(values_only=True))
    header, total = rows[0], rows[-1]
    assert total[0] == "Total"
    assert Decimal(str(total[header.index("margin")])) == Decimal("1109.33")


def test_a_role_without_the_reports_right_gets_404_and_does_not_see_it_listed(app, db, billed, login):
    """HR holds labor_report but not margin_report: the margin page is not found, labor cost opens."""
    c = signed_in(app, login, billed["world"].hr)
    assert c.get("/admin/agency-reports/gross-margin", query_string=NOVEMBER).status_code == 404
    assert b"Gross margin" not in c.get("/admin/agency-reports/").data
    page = c.get("/admin/agency-reports/labor-cost", query_string={**NOVEMBER, "group": "client"})
    assert page.status_code == 200 and "$2,590.67" in page.get_data(as_text=True)


def test_wrong_filters_are_shown_under_their_fields(app, db, billed, login):
    c = signed_in(app, login, billed["world"].finance)
    page = c.get("/admin/agency-reports/gross-margin",
                 query_string={"start": "2026-11-30", "end": "2026-11-01", "grain": "day", "state": "Texas"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "must be on or after start" in html and "one of week, month, quarter" in html
    assert "a two-letter state code" in html


def test_a_large_report_is_built_in_the_background_with_progress(app, db, billed, login, export_dir, monkeypatch):
    from reports import catalog

    monkeypatch.setattr(catalog, "INLINE_LIMIT", 1)          # two paychecks: more than one is "large"
    c = signed_in(app, login, billed["world"].finance)
    page = c.get("/admin/agency-reports/gross-margin", query_string=NOVEMBER)
    assert b"built in the background" in page.data
    started = c.get("/admin/agency-reports/gross-margin/download", query_string={**NOVEMBER, "format": "csv"})
    assert started.status_code == 302 and "/admin/agency-reports/job/" in started.headers["Location"]
    job = c.get(started.headers["Location"])
    assert b'data-state="done"' in job.data
    got = c.get(started.headers["Location"] + "/file")
    data = got.data
    got.close()                     # the file is sent from disk
    assert csv_rows(data)[0]["margin"] == "1109.33"
    other = signed_in(app, login, billed["world"].hr)           # another user (and not allowed): not found
    assert other.get(started.headers["Location"]).status_code == 404


def test_the_api_lists_the_reports_a_user_may_see_and_returns_one_as_json_csv_or_xlsx(app, db, billed, client,
                                                                                        token_for):
    world = billed["world"]
    finance, hr = token_for(world.finance), token_for(world.hr)
    names = [r["name"] for r in client.get("/api/v1/reports", headers=finance).json]
    assert names == ["gross-margin", "labor-cost", "headcount-turnover", "classification-mix", "benefits",
                     "tax-liabilities"]
    assert "gross-margin" not in [r["name"] for r in client.get("/api/v1/reports", headers=hr).json]
    body = client.get("/api/v1/reports/gross-margin", query_string=NOVEMBER, headers=finance).json
    assert body["columns"][:2] == ["period", "revenue"]
    assert body["rows"][0]["margin"] == "1109.33" and body["totals"]["margin_pct"] == "30.0"
    assert client.get("/api/v1/reports/gross-margin", query_string=NOVEMBER, headers=hr).status_code == 404
    got = client.get("/api/v1/reports/gross-margin", query_string={**NOVEMBER, "format": "csv"}, headers=finance)
    assert got.mimetype == "text/csv" and csv_rows(got.data)[0]["cost"] == "2590.67"
    bad = client.get("/api/v1/reports/gross-margin", query_string={"start": "2026-11-01", "end": "nope"},
                     headers=finance)
    assert bad.status_code == 422 and "end" in bad.get_data(as_text=True)
    assert client.get("/api/v1/reports/no-such-report", query_string=NOVEMBER, headers=finance).status_code == 404
    assert "/api/v1/reports/{name}" in client.get("/api/v1/openapi.json").json["paths"]


def test_the_command_line_runs_a_report_to_stdout(app, db, billed):
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["reports", "run", "gross-margin", "--from", "2026-11-01", "--to", "2026-11-30",
                                  "--group", "period"])
    assert result.exit_code == 0, result.output
    [row] = csv_rows(result.stdout_bytes if hasattr(result, "stdout_bytes") else result.output.encode())
    assert row["margin"] == "1109.33"
    listed = runner.invoke(main, ["reports", "list"])
    assert "gross-margin" in listed.output and "margin_report" in listed.output


def test_the_schedule_form_names_a_recipient_who_may_not_see_the_report(app, db, billed, login):
    from reports.models import ScheduledReport

    world = billed["world"]
    c = signed_in(app, login, world.finance)
    page = c.get("/admin/agency-reports/gross-margin", query_string={**NOVEMBER, "group": "client"})
    link = re.search(r'href="([^"]+)" id="report-schedule"', page.get_data(as_text=True)).group(1)
    form = c.get(link.replace("&amp;", "&"))
    assert form.status_code == 200
    html = form.get_data(as_text=True)          # opened from the report: its report and breakdown chosen
    assert '<option selected value="gross-margin">' in html and '<option selected value="client">' in html
    resp = c.post("/admin/scheduled_reports/new/", data={
        "csrf_token": csrf_token_from(form.data), "title": "Margin weekly", "report": "gross-margin",
        "frequency": "weekly", "weekday": "0", "hour": "7", "range_kind": "previous_period", "format": "xlsx",
        "recipients": [str(world.finance.id), str(world.hr.id)], "grain": "month", "group": "client",
        "active": "y"})
    html = resp.get_data(as_text=True)
    assert f"{world.hr.email} (hr) may not see Gross margin" in html
    assert db.session.query(ScheduledReport).count() == 0
    resp = c.post("/admin/scheduled_reports/new/", data={
        "csrf_token": csrf_token_from(form.data), "title": "Margin weekly", "report": "gross-margin",
        "frequency": "weekly", "weekday": "0", "hour": "7", "range_kind": "previous_period", "format": "xlsx",
        "recipients": [str(world.finance.id)], "grain": "month", "group": "client", "active": "y"})
    assert resp.status_code == 302
    [made] = db.session.query(ScheduledReport).all()
    assert (made.report, made.filters, [u.id for u in made.recipients]) == (
        "gross-margin", {"grain": "month", "group": "client"}, [world.finance.id])
    listed = c.get("/admin/scheduled_reports/").get_data(as_text=True)
    assert "Margin weekly" in listed and "every Monday at 07:00 UTC" in listed
    assert b"Margin weekly" not in signed_in(app, login, world.hr).get("/admin/scheduled_reports/").data


def test_a_schedule_is_edited_with_its_filters_shown_and_sent_now_from_the_list(app, db, billed, login,
                                                                                 monkeypatch):
    """Finance's schedule of labor cost by state, month to date; "Send now" e-mails the CSV at once and the list
    shows when and to whom it went."""
    from reports import schedule_services

    sent = []
    monkeypatch.setitem(app.extensions, "mail_sender",
                        lambda cfg, to, subject, body, attachments=(): sent.append((to, attachments[0][0])))
    world = billed["world"]
    row = schedule_services.create_schedule(
        {"title": "Labor by state", "report": "labor-cost", "frequency": "monthly", "day_of_month": 1, "hour": 6,
         "format": "csv", "range_kind": "month_to_date", "filters": {"group": "state", "state": "TX"},
         "recipient_ids": [world.finance.id]}, world.finance)
    c = signed_in(app, login, world.finance)
    edit = c.get(f"/admin/scheduled_reports/edit/?id={row.id}").get_data(as_text=True)
    assert 'value="TX"' in edit and '<option selected value="state">' in edit
    details = c.get(f"/admin/scheduled_reports/details/?id={row.id}")
    assert details.status_code == 200 and b"monthly on day 1 at 06:00 UTC" in details.data
    listed = c.get("/admin/scheduled_reports/")
    resp = c.post("/admin/scheduled_reports/action/", data={
        "csrf_token": csrf_token_from(listed.data), "action": "send_now", "rowid": [str(row.id)]})
    assert resp.status_code == 302
    assert len(sent) == 1 and sent[0][0] == world.finance.email and sent[0][1].startswith("labor-cost_")
    assert f"to {world.finance.email}" in c.get("/admin/scheduled_reports/").get_data(as_text=True)
