"""Each role's daily task on the demo, in Chromium (Playwright, headless): HR, finance, a client approver and
compliance at a desk, a worker on a phone. On every page visited: no raw id where a name belongs, no link to a
page that answers 403 (or 404/500), no enabled button the server would refuse."""
from __future__ import annotations

import pytest

from tests.functional.browser.demo_server import DEMO_PASSWORD, LOGINS, running_demo
from tests.functional.browser.desk import CHROMIUM_ARGS, audit, sign_in

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def demo():
    with running_demo(workers=40) as base:
        yield base


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _card(page, label: str):
    return page.locator(f"#dashboard-cards a.stretched-link:text-is('{label}')")


def test_hr_daily_desk(demo, browser):
    page = sign_in(browser, demo, LOGINS["hr"], DEMO_PASSWORD)
    assert page.url.endswith("/admin/")
    assert audit(page, demo) == {}
    assert page.locator("#chart-people_by_state").is_visible()
    assert page.locator("#chart-time_to_approve rect").count() == 5          # the approval-time buckets
    # people: the active workers behind the card
    _card(page, "Active workers").click()
    page.wait_for_url("**/admin/workers/**")
    assert audit(page, demo) == {}
    # time waiting for approval, from its card
    page.goto(demo + "/admin/")
    _card(page, "Timesheets awaiting approval").click()
    page.wait_for_url("**/admin/timesheet/**")
    assert audit(page, demo) == {}
    # onboarding board
    page.goto(demo + "/admin/")
    page.locator("#dashboard-cards a.stretched-link", has_text="Onboarding in progress").first.click()
    page.wait_for_url("**/admin/onboarding/**")
    assert audit(page, demo) == {}
    # runs: the run waiting for a second approver
    page.goto(demo + "/admin/")
    _card(page, "Runs awaiting approval").click()
    page.wait_for_url("**/admin/payroll_run/**")
    assert audit(page, demo) == {}
    page.goto(demo + "/admin/payroll-runs/")
    assert audit(page, demo) == {}


def test_hr_run_pages_offer_no_dead_link(demo, browser):
    """The paid run's NACHA files, Payments and Reconciliation once linked HR to pages answering 403."""
    page = sign_in(browser, demo, LOGINS["hr"], DEMO_PASSWORD)
    page.goto(demo + "/admin/payroll-runs/1")
    assert audit(page, demo) == {}
    page.goto(demo + "/admin/payroll-runs/2")
    assert audit(page, demo) == {}
    # hr@ prepared the demo's calculated run: Approve is shown disabled, saying why (four eyes), not refused later
    approve = page.locator("#action-approve button")
    assert approve.count() == 1 and approve.is_disabled()
    assert "four eyes" in page.inner_text("#why-approve")


def test_finance_daily_desk(demo, browser):
    page = sign_in(browser, demo, LOGINS["finance"], DEMO_PASSWORD)
    assert audit(page, demo) == {}
    for chart in ("cash_out_by_pay_date", "liabilities_due", "run_totals"):
        assert page.locator(f"#chart-{chart}").is_visible(), chart
    # the run chart draws net shorter than gross (widths in proportion), the data one click away as CSV
    widths = page.eval_on_selector_all("#chart-run_totals rect", "rs => rs.map(r => parseFloat(r.getAttribute('width')))")
    assert max(widths) == 100.0 and all(0 < w < 100 for w in widths[1::3] + widths[2::3] if w)
    with page.expect_download() as download:
        page.click("#chart-run_totals a.chart-csv")
    assert download.value.suggested_filename.startswith("run_totals-")
    _card(page, "Tax deposits due within 7 days or overdue").click()
    page.wait_for_url("**/admin/tax-deposits/**")
    assert audit(page, demo) == {}
    page.goto(demo + "/admin/")
    _card(page, "Returned payments not re-issued").click()
    page.wait_for_url("**/admin/payment/**")
    assert audit(page, demo) == {}
    page.goto(demo + "/admin/finance-exports/")
    assert audit(page, demo) == {}


def test_client_approver_daily_desk(demo, browser):
    page = sign_in(browser, demo, LOGINS["client_approver"], DEMO_PASSWORD)
    assert audit(page, demo) == {}
    text = page.inner_text("#dashboard-cards")
    assert "Runs awaiting approval" not in text and "Active workers" not in text       # nothing agency-wide
    assert int(page.inner_text("[data-card='timesheets-waiting-for-you'] .tandem-big")) > 0
    _card(page, "Timesheets waiting for you").click()
    page.wait_for_url("**/admin/timesheet/**")
    assert audit(page, demo) == {}


def test_compliance_daily_desk(demo, browser):
    page = sign_in(browser, demo, LOGINS["compliance"], DEMO_PASSWORD)
    assert audit(page, demo) == {}
    assert page.locator("#chart-what_is_wrong").is_visible() and page.locator("#chart-liabilities_due").is_visible()
    _card(page, "Tax deposits due within 30 days").click()
    page.wait_for_url("**/admin/tax-deposits/**")
    assert audit(page, demo) == {}
    page.goto(demo + "/admin/")
    _card(page, "Leased employees without a complete I-9").click()
    page.wait_for_url("**/admin/list/missing_i9")
    assert audit(page, demo) == {}
    page.goto(demo + "/admin/payroll-runs/")          # the runs list once linked compliance to the pay calendar (403)
    assert audit(page, demo) == {}
    for run in (1, 2):                                # the paid run's NACHA files once answered compliance 403
        page.goto(f"{demo}/admin/payroll-runs/{run}")
        assert audit(page, demo) == {}, run


def test_worker_on_a_phone(demo, browser):
    page = sign_in(browser, demo, LOGINS["worker"], DEMO_PASSWORD, viewport=PHONE)
    assert page.url.endswith("/portal/")
    assert audit(page, demo) == {}
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]      # no sideways scrolling
    for path in ("/portal/paychecks", "/portal/paychecks/1", "/portal/engagements"):
        page.goto(demo + path)
        assert audit(page, demo) == {}, path
