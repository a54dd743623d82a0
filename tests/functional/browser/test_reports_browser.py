"""In Chromium: finance reads the November gross margin on a phone (totals, the ledger check, no sideways
scrolling of the page) and downloads it as CSV on a desktop. Figures: the `billed` week
(tests/integration/reports/conftest.py): revenue 3,700.00, cost 2,590.67, margin 1,109.33 = 30.0%."""
from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import PASSWORD
from tests.functional.browser.test_onboarding_browser import CHROMIUM_ARGS, live_server  # noqa: F401
from tests.integration.reports.conftest import billed  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]     # the live server thread reads what the test commits

QUERY = "start=2026-11-01&end=2026-11-30&group=period"


def _login(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_finance_reads_the_margin_on_a_phone_and_downloads_it_on_a_desktop(app, db, billed, chromium_path,  # noqa: F811
                                                                           live_server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    finance = billed["world"].finance
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
            phone.set_default_timeout(15_000)
            _login(phone, live_server, finance.email)
            phone.goto(f"{live_server}/admin/agency-reports/gross-margin?{QUERY}")
            expect(phone.locator("#report-totals")).to_contain_text("$1,109.33")
            expect(phone.locator("#report-totals")).to_contain_text("30.0%")
            expect(phone.locator("#report-sheet-2")).to_contain_text("Workers' compensation expense")
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            phone.screenshot(path=str(tmp_path / "margin-phone.png"), full_page=True)

            desk = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True).new_page()
            desk.set_default_timeout(15_000)
            _login(desk, live_server, finance.email)
            desk.goto(f"{live_server}/admin/agency-reports/gross-margin?{QUERY}")
            with desk.expect_download() as info:
                desk.click("#report-csv")
            path = info.value.path()
            with open(path, encoding="utf-8") as fh:
                [row] = list(csv.DictReader(io.StringIO(fh.read())))
            assert (row["revenue"], row["cost"], row["margin"]) == ("3700.00", "2590.67", "1109.33")
        finally:
            browser.close()
