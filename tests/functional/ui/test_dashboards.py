"""Each role's dashboard shows that role's work, scoped to what it may see, with charts that are right: bar widths
in proportion to the values, every state counted, each chart's data downloadable; a link only where it opens."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from tests.factories import (ClientFactory, EngagementFactory, PayrollRunFactory, TimesheetFactory, W9FormFactory,
                             WorkerFactory)
from tests.functional.pagecheck import dead_links, page_links

NOON = datetime(2026, 11, 22, 12, tzinfo=timezone.utc)      # the fixed clock


def _chart(html: str, name: str) -> str:
    m = re.search(rf'<div class="tandem-card tandem-chart" id="chart-{name}".*?</table>', html, re.S)
    assert m, f"no chart {name}"
    return m.group(0)


def _widths(chart_html: str) -> list[str]:
    return re.findall(r'<rect class="s\d" x="0" y="\d+" width="([\d.]+)%"', chart_html)


def test_finance_sees_gross_taxes_and_net_in_proportion_and_can_download_them(app, db, make_user, login):
    """Gross $3,187.50; taxes $400.00 employee + $312.15 employer = $712.15; net $2,801.81.
    Widths: 100.0%, 712.15 / 3187.50 = 22.3%, 2801.81 / 3187.50 = 87.9% (were drawn the same width)."""
    PayrollRunFactory(total_gross=Decimal("3187.50"), total_employee_taxes=Decimal("400.00"),
                      total_employer_taxes=Decimal("312.15"), total_net=Decimal("2801.81"), paycheck_count=1)
    db.session.flush()
    c = app.test_client()
    login(c, make_user("finance"))
    html = c.get("/admin/").get_data(as_text=True)
    totals = _chart(html, "run_totals")
    assert _widths(totals) == ["100.0", "22.3", "87.9"]
    assert "$3,187.50" in totals and "$712.15" in totals and "$2,801.81" in totals
    cash = _chart(html, "cash_out_by_pay_date")      # a paid run: net $2,801.81 and taxes $712.15 on 2026-11-13
    assert "2026-11-13" in cash and _widths(cash) == ["100.0", "25.4"]     # 712.15 / 2801.81 = 0.2542
    assert 'class="sr-only">Gross, taxes and net per run</caption>' in totals    # the table a screen reader reads
    csv_text = c.get("/admin/chart/run_totals.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0] == "Run,Gross,Taxes (employee + employer),Net"
    assert csv_text.splitlines()[1].endswith(",3187.50,712.15,2801.81")
    exports = c.get("/admin/finance-exports/").get_data(as_text=True)        # the same chart on the exports page
    assert _widths(_chart(exports, "run_totals")) == ["100.0", "22.3", "87.9"]


def test_the_work_state_chart_keeps_every_state_with_an_other_row(app, db, make_user, login):
    """17 active engagements, one in each of 17 states: 14 states drawn one by one and "Other (3 more)" = 3, so the
    chart adds up to 17 (ties in alphabetical order: TX, VA and WA are the three in "Other"). A state's bar opens
    the engagements of that state only."""
    states = ["AZ", "CA", "CO", "FL", "GA", "IL", "IN", "MA", "MI", "NC", "NJ", "NY", "OH", "PA", "TX", "VA", "WA"]
    client = ClientFactory(name="Northwind")
    for st in states:
        EngagementFactory(worker=WorkerFactory(state=st), client=client, status="active")
    db.session.flush()
    c = app.test_client()
    login(c, make_user("hr"))
    html = c.get("/admin/").get_data(as_text=True)
    chart = _chart(html, "people_by_state")
    rows = re.findall(r'<th scope="row"[^>]*>(.*?)</th>', chart, re.S)
    assert len(rows) == 15 and "Other (3 more)" in rows[-1]
    values = [int(v) for v in re.findall(r'tandem-chart-value">(\d+)</div>', chart)]
    assert values[-1] == 3 and sum(values) == 17
    assert "TX" not in rows
    az = re.search(r'<a href="([^"]+)">AZ</a>', chart).group(1).replace("&amp;", "&")
    listed = c.get(az).get_data(as_text=True)
    assert "List (1)" in listed and re.search(r">\s*AZ\s*<", listed)


def test_the_approver_sees_their_clients_time_waiting_by_age_and_nothing_agency_wide(app, db, make_user, login,
                                                                                   fixed_clock):
    """The approver's client has 2 timesheets waiting (submitted today and 5 days ago); another client has 3, and a
    run waits for approval. The approver sees 2 (1 "Today", 1 "4–7 days"), no run count, and every link opens."""
    mine, other = ClientFactory(name="Northwind"), ClientFactory(name="Contoso")
    for client, ages in ((mine, (0, 5)), (other, (0, 1, 2))):
        for age in ages:
            TimesheetFactory(engagement=EngagementFactory(client=client), status="submitted",
                             submitted_at=NOON - timedelta(days=age, hours=1))
    PayrollRunFactory(state="calculated")
    db.session.flush()
    c = app.test_client()
    login(c, make_user("client_approver", client_id=mine.id))
    page = c.get("/admin/")
    html = page.get_data(as_text=True)
    assert re.search(r'Timesheets waiting for you</a></div>\s*<div class="tandem-big">2</div>', html)
    assert "Runs awaiting approval" not in html and "Active workers" not in html
    chart = _chart(html, "time_waiting_by_age")
    values = dict(re.findall(r'<a href="[^"]+">([^<]+)</a></th>.*?tandem-chart-value">(\d+)</div>', chart, re.S))
    assert values == {"Today": "1", "1 day": "0", "2–3 days": "0", "4–7 days": "1", "More than 7 days": "0"}
    links = page_links(html, "http://localhost/admin/")
    assert dead_links(lambda u: c.get(u).status_code, links) == []
    assert c.get("/admin/chart/run_totals.csv").status_code == 404          # a chart of a right they lack


def test_compliance_sees_what_is_wrong_with_names_and_may_open_each_row(app, db, make_user, login):
    """Two active contractors, one with a W-9 and one without: "Contractors without a W-9" is 1 and its list names
    the worker and the engagement in words. Compliance may not read payments: no link to the payments list."""
    with_w9 = EngagementFactory(type="contractor", status="active", client=ClientFactory(name="Northwind"),
                                worker=WorkerFactory(first_name="Ana", last_name="Silva"))
    W9FormFactory(worker=with_w9.worker)
    EngagementFactory(type="contractor", status="active", client=ClientFactory(name="Contoso"),
                      worker=WorkerFactory(first_name="Ben", last_name="Okafor"))
    db.session.flush()
    c = app.test_client()
    login(c, make_user("compliance"))
    html = c.get("/admin/").get_data(as_text=True)
    assert re.search(r'Contractors without a W-9</a></div>\s*<div class="tandem-big">1</div>', html)
    assert "/admin/payment/" not in html
    rows = c.get("/admin/list/missing_w9").get_data(as_text=True)
    assert "Ben Okafor at Contoso, contractor, TX" in rows and "Ana Silva" not in rows
    assert dead_links(lambda u: c.get(u).status_code, page_links(rows, "http://localhost/admin/list/")) == []
    csv_text = c.get("/admin/list/missing_w9?format=csv").get_data(as_text=True)
    assert csv_text.splitlines()[1].startswith("Ben Okafor,")
    assert c.get("/admin/list/no-such-list").status_code == 404


def test_may_open_follows_the_permission_matrix(app, db, make_user, login):
    from flask_login import login_user

    from backoffice.admin import may_open

    for role, url, expected in (("client_approver", "/admin/payroll-runs/", False),
                                ("hr", "/admin/payroll-runs/", True),
                                ("finance", "/admin/timesheet/", True),
                                ("finance", "/admin/timesheet/new/", False),     # reads time, may not enter it
                                ("compliance", "/admin/pay-calendar/", False),
                                ("compliance", "/admin/payment/", False),
                                ("hr", "/admin/no-such-page/", False),
                                ("hr", "/admin", True)):                       # redirected to /admin/
        user = make_user(role, **({"client_id": ClientFactory().id} if role == "client_approver" else {}))
        with app.test_request_context("/admin/"):
            login_user(user)
            assert may_open(url) is expected, (role, url)
