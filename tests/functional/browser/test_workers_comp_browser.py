"""Finance reads the workers' comp premium report on a phone and at a desk, in Chromium (Playwright, headless), on
the demo: the demo's runs accrued premium, the page fits the phone's width, every link answers, and the CSV
download totals what the page shows."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from tests.functional.browser.demo_server import DEMO_PASSWORD, LOGINS, running_demo
from tests.functional.browser.desk import CHROMIUM_ARGS, audit, sign_in

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
REPORT = "/admin/workers-comp-report/?from=2025-01-01&to=2027-12-31&period=year"


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


@pytest.mark.parametrize("viewport", [PHONE, None], ids=["phone", "desktop"])
def test_finance_reads_the_premium_report_and_its_csv_totals_the_page(demo, browser, viewport):
    page = sign_in(browser, demo, LOGINS["finance"], DEMO_PASSWORD, viewport=viewport)
    page.goto(demo + REPORT)
    assert page.locator("#wc-report tbody tr").count() > 0
    total = page.locator("#wc-report-total").inner_text()
    assert total.startswith("$") and Decimal(total[1:].replace(",", "")) > 0        # the demo runs accrued premium
    if viewport is PHONE:       # the page scrolls its table inside its box, not the whole page sideways
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert audit(page, demo) == {}
    with page.expect_download() as dl:
        page.locator("#wc-report-csv").click()
    with open(dl.value.path(), newline="") as fh:
        rows = list(csv.DictReader(io.StringIO(fh.read())))
    assert sum(Decimal(r["premium"]) for r in rows) == Decimal(total[1:].replace(",", ""))
    page.context.close()
