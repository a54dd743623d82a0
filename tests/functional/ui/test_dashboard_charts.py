"""The dashboards' charts over HTTP: the trend figures month by month from hand-made records, each chart's data as
CSV and as the JSON the page draws from (the same figures), and the charting library served by the app itself under
a Content-Security-Policy that runs no inline script."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

from tests.factories import EngagementFactory, WorkerFactory


def _csv(client, name: str) -> list[list[str]]:
    resp = client.get(f"/admin/chart/{name}.csv")
    assert resp.status_code == 200, (name, resp.status_code)
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True))))


def _specs(html: str) -> dict[str, dict]:
    blocks = re.findall(r'<script type="application/json" class="tandem-chart-data" data-for="([^"]+)">(.*?)</script>',
                        html, re.S)
    return {name: json.loads(body) for name, body in blocks}


def test_hr_sees_headcount_and_hires_and_terminations_month_by_month(app, db, make_user, login, fixed_clock):
    """Today 2026-11-22. Ana: engaged 2026-01-10, still active. Ben: 2026-09-15 to 2026-10-20, terminated. Cy:
    two engagements started 2026-10-01 and 2026-10-05, both active. Dee: started 2026-11-03. Eve: pending (starts
    2026-11-30, not engaged yet).
    Headcount at each month's end: 2025-12-31 none; 2026-01-31 .. 2026-08-31 Ana = 1; 2026-09-30 Ana, Ben = 2;
    2026-10-31 Ana, Cy (once, two engagements) = 2 (Ben left on 10-20); today 2026-11-22 Ana, Cy, Dee = 3.
    Hires (engagements started): January 1, September 1, October 2, November 1. Terminations: October 1."""
    def engage(name, start, **kw):
        return EngagementFactory(worker=WorkerFactory(first_name=name), start_date=start, **kw)
    engage("Ana", date(2026, 1, 10))
    engage("Ben", date(2026, 9, 15), end_date=date(2026, 10, 20), status="terminated")
    cy = WorkerFactory(first_name="Cy")
    EngagementFactory(worker=cy, start_date=date(2026, 10, 1))
    EngagementFactory(worker=cy, start_date=date(2026, 10, 5))
    engage("Dee", date(2026, 11, 3))
    engage("Eve", date(2026, 11, 30), status="pending")
    db.session.flush()
    c = app.test_client()
    login(c, make_user("hr"))
    rows = _csv(c, "headcount_trend")
    assert rows[0] == ["Month", "Workers engaged"]
    assert rows[1:] == [["2025-12", "0"]] + [[f"2026-{m:02d}", "1"] for m in range(1, 9)] + \
        [["2026-09", "2"], ["2026-10", "2"], ["2026-11", "3"]]
    moves = {r[0]: r[1:] for r in _csv(c, "hires_and_terminations")[1:]}
    assert len(moves) == 12
    assert moves["2026-01"] == ["1", "0"] and moves["2026-09"] == ["1", "0"]
    assert moves["2026-10"] == ["2", "1"] and moves["2026-11"] == ["1", "0"]
    assert sum(int(h) for h, _t in moves.values()) == 5 and sum(int(t) for _h, t in moves.values()) == 1
    html = c.get("/admin/").get_data(as_text=True)
    specs = _specs(html)
    assert specs["headcount_trend"]["kind"] == "line" and specs["headcount_trend"]["axis"] == "time"
    assert specs["headcount_trend"]["series"][0]["values"][-3:] == ["2", "2", "3"]      # the CSV's figures
    assert specs["hires_and_terminations"]["series"][1]["name"] == "Terminations"


def _post(when: date, *lines: tuple[str, str, str]):
    """One balanced journal entry: lines as (account, debit, credit)."""
    from payroll.services.ledger import Posting, post_entry

    post_entry("payroll", when, "test", [Posting(a, "", "", None, Decimal(d), Decimal(c)) for a, d, c in lines])


def _ledger():
    """October: a payroll on 10-16, wages $1,000.00 and employer taxes $76.50 (withheld $150.00, net $850.00).
    November: wages of $200.00 on 11-06 reversed on 11-20 (nets to zero), contractor pay $500.00 and benefits
    $40.00 on 11-13, and an invoice of $1,800.00 issued on 11-02 (Dr 1100 receivable / Cr 4000 revenue). One
    payroll dated 2026-12-04, after today, is in no month shown and owed nothing yet."""
    from tests.factories import ClientFactory
    from tests.integration.billing.receivables_support import issued_invoice

    _post(date(2026, 10, 16), ("6100", "1000.00", "0"), ("6200", "76.50", "0"), ("2100", "0", "150.00"),
          ("2200", "0", "76.50"), ("2400", "0", "850.00"))
    _post(date(2026, 11, 6), ("6100", "200.00", "0"), ("2400", "0", "200.00"))
    _post(date(2026, 11, 20), ("2400", "200.00", "0"), ("6100", "0", "200.00"))
    _post(date(2026, 11, 13), ("6150", "500.00", "0"), ("6300", "40.00", "0"), ("2400", "0", "500.00"),
          ("2500", "0", "40.00"))
    issued_invoice(ClientFactory(name="Northwind"), "1800.00", date(2026, 11, 2))
    _post(date(2026, 12, 4), ("6100", "10.00", "0"), ("2400", "0", "10.00"))


def test_finance_sees_payroll_cost_and_margin_by_month_from_the_ledger(app, db, make_user, login, fixed_clock):
    """From _ledger: October cost = 1,000.00 + 76.50 = 1,076.50, no revenue, margin -1,076.50. November cost =
    (200.00 - 200.00) + 500.00 + 40.00 = 540.00, revenue 1,800.00, margin 1,800.00 - 540.00 = 1,260.00. The twelve
    months run 2025-12 .. 2026-11 (December 2026 is not shown)."""
    _ledger()
    db.session.flush()
    c = app.test_client()
    login(c, make_user("finance"))
    cost = _csv(c, "payroll_cost_trend")
    assert cost[0] == ["Month", "Wages", "Contractor pay", "Employer taxes", "Benefits", "Workers' comp"]
    assert [r[0] for r in cost[1:]] == ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]
    by_month = {r[0]: r[1:] for r in cost[1:]}
    assert by_month["2026-10"] == ["1000.00", "0.00", "76.50", "0.00", "0.00"]
    assert by_month["2026-11"] == ["0.00", "500.00", "0.00", "40.00", "0.00"]
    assert by_month["2026-09"] == ["0.00"] * 5
    margin = {r[0]: r[1:] for r in _csv(c, "margin_trend")[1:]}
    assert margin["2026-10"] == ["0.00", "1076.50", "-1076.50"]
    assert margin["2026-11"] == ["1800.00", "540.00", "1260.00"]
    specs = _specs(c.get("/admin/").get_data(as_text=True))
    assert specs["payroll_cost_trend"]["kind"] == "stacked"
    assert specs["margin_trend"]["series"][2] == {"name": "Margin", "values": [r[2] for r in margin.values()]}


def test_compliance_sees_what_is_owed_by_liability_account_today(app, db, make_user, login, fixed_clock):
    """Owed on 2026-11-22, credits less debits from _ledger: 2100 withheld 150.00; 2200 employer taxes 76.50;
    2400 net pay 850.00 + 200.00 - 200.00 + 500.00 = 1,350.00 (the 12-04 payroll's 10.00 is not owed yet); 2500
    employer contributions 40.00. The receivable (1100) is an asset, not a liability."""
    _ledger()
    db.session.flush()
    c = app.test_client()
    login(c, make_user("compliance"))
    rows = _csv(c, "liabilities")
    assert rows[0] == ["Account", "Owed"]
    assert rows[1:] == [["2100 Employee taxes withheld payable", "150.00"],
                        ["2200 Employer payroll taxes payable", "76.50"],
                        ["2400 Net pay payable", "1350.00"],
                        ["2500 Employer contributions payable (401(k) match, HSA, premiums)", "40.00"]]
    html = c.get("/admin/").get_data(as_text=True)
    assert 'id="chart-liabilities"' in html and 'id="chart-upcoming_due"' in html


def test_the_charting_library_is_served_by_the_app_under_a_csp_without_inline_scripts(app, db, make_user, login,
                                                                                     fixed_clock):
    """Chart.js 4.6.1 comes from our own /static (no CDN); the dashboard loads only our script, by URL, and the
    policy allows scripts from us and this response's nonce: no 'unsafe-inline', no 'unsafe-eval'. Each chart on
    the page has its canvas, its JSON block and its CSV link."""
    c = app.test_client()
    with c.get("/static/vendor/chart.js/chart.umd.min.js") as lib:       # a file response: closed after use
        assert lib.status_code == 200 and "javascript" in lib.mimetype
        assert lib.get_data(as_text=True).startswith("/*!\n * Chart.js v4.6.1\n")
    with c.get("/static/vendor/chart.js/LICENSE.md") as license_:
        assert license_.get_data(as_text=True).startswith("The MIT License")
    login(c, make_user("finance"))
    resp = c.get("/admin/")
    script_src = next(p for p in resp.headers["Content-Security-Policy"].split("; ") if p.startswith("script-src"))
    assert "'self'" in script_src and "'unsafe-eval'" not in script_src and "'unsafe-inline'" not in script_src
    html = resp.get_data(as_text=True)
    srcs = re.findall(r'<script[^>]* src="([^"]+)"', html)
    assert all(s.startswith("/") and not s.startswith("//") for s in srcs), srcs
    assert any(s.startswith("/static/js/tandem-charts.js") for s in srcs)
    assert 'data-chartjs="/static/vendor/chart.js/chart.umd.min.js?v=4.6.1"' in html
    names = re.findall(r'<div class="tandem-card tandem-chart" id="chart-([^"]+)"', html)
    assert {"payroll_cost_trend", "margin_trend", "liabilities_due"} <= set(names)
    specs = _specs(html)
    for name in names:
        assert f'href="/admin/chart/{name}.csv"' in html, name
        if name in specs:                                   # a chart with figures: a canvas to draw them on
            assert f'<canvas id="canvas-{name}"' in html, name


def test_finance_sees_receivables_by_age_as_the_aging_report_buckets_them(app, db, make_user, login, fixed_clock):
    """Today 2026-11-22, invoices on 30-day terms. Northwind: $1,000.00 issued 11-02 (due 12-02: current) and
    $400.00 issued 10-01 (due 10-31: 22 days late, 1–30) of which $150.00 was paid on 11-10, leaving $250.00.
    Contoso: $700.00 issued 07-01 (due 07-31: 114 days late, 90+). Buckets: current 1,000.00; 1–30 250.00; 31–60
    and 61–90 nothing; 90+ 700.00 (total 1,950.00). Contoso's approver sees only Contoso's $700.00."""
    from backoffice.billing.receipts import record_payment
    from tests.factories import ClientFactory
    from tests.integration.billing.receivables_support import issued_invoice

    northwind, contoso = ClientFactory(name="Northwind"), ClientFactory(name="Contoso")
    issued_invoice(northwind, "1000.00", date(2026, 11, 2))
    late = issued_invoice(northwind, "400.00", date(2026, 10, 1))
    issued_invoice(contoso, "700.00", date(2026, 7, 1))
    finance = make_user("finance")
    record_payment(late.id, {"amount": "150.00", "received_on": "2026-11-10", "reference": "chk 1001"}, finance,
                   today=date(2026, 11, 22))
    db.session.flush()
    c = app.test_client()
    login(c, finance)
    rows = _csv(c, "ar_aging")
    assert rows == [["Days past due", "Amount owed"], ["Current", "1000.00"], ["1–30", "250.00"],
                    ["31–60", "0.00"], ["61–90", "0.00"], ["90+", "700.00"]]
    spec = _specs(c.get("/admin/").get_data(as_text=True))["ar_aging"]
    assert spec["kind"] == "column" and spec["series"][0]["values"] == [r[1] for r in rows[1:]]
    approver = app.test_client()
    login(approver, make_user("client_approver", client_id=contoso.id))
    assert [r[1] for r in _csv(approver, "ar_aging")[1:]] == ["0.00", "0.00", "0.00", "0.00", "700.00"]


def test_a_chart_on_a_page_without_a_download_endpoint_carries_its_csv_in_the_link(app, db, make_user, login,
                                                                                   fixed_clock):
    """The compliance page's liabilities chart: one federal deposit of $1,234.56 for October 2026 (due 11-16,
    not paid) is "2026-10,1234.56,0.00"; its link downloads that CSV from a data: URL (no endpoint to ask)."""
    from urllib.parse import unquote

    from payroll.models_money import TaxDeposit

    db.session.add(TaxDeposit(authority="IRS (EFTPS)", tax="941", period_start=date(2026, 10, 1),
                              period_end=date(2026, 10, 31), due_date=date(2026, 11, 16), amount=Decimal("1234.56"),
                              breakdown=[]))
    db.session.flush()
    c = app.test_client()
    login(c, make_user("compliance"))
    html = c.get("/admin/compliance_dashboard/?year=2026").get_data(as_text=True)
    link = re.search(r'<a href="data:text/csv;charset=utf-8,([^"]+)" class="chart-csv" '
                     r'download="liabilities_deposits.csv">', html)
    assert link, "no CSV link on the liabilities chart"
    assert unquote(link.group(1)).splitlines() == ["Month,Liabilities,Deposits paid", "2026-10,1234.56,0.00"]
    assert _specs(html)["liabilities_deposits"]["series"][0]["values"] == ["1234.56"]
