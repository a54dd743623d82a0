"""In Chromium: finance invoices a week as drafts from the Invoicing page (a background run, followed on its
page) and issues one from its page; the client's approver opens that invoice on a phone, reads its lines traced
to the timesheet, without sideways scrolling, and downloads its PDF."""
from __future__ import annotations

from datetime import date
from urllib.parse import urljoin
from decimal import Decimal

import pytest

from tests.conftest import PASSWORD
from tests.functional.browser.test_onboarding_browser import CHROMIUM_ARGS, live_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]     # the live server thread reads what the test commits


def _login(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_finance_issues_an_invoice_and_the_approver_reads_it_on_a_phone(app, db, make_user, chromium_path,
                                                                        live_server, fixed_clock):  # noqa: F811
    """45 h at bill rate $30.00: 40 regular hours $1,200.00 + 5 overtime hours at $45.00 $225.00 = $1,425.00."""
    from playwright.sync_api import expect, sync_playwright

    from tests.integration.billing.conftest import BillingWorld

    world = BillingWorld(db, make_user)
    e = world.worker(rate="20.00")
    e.bill_rate = Decimal("30.00")
    world.time(e, hours=(10, 10, 10, 10, 5, 0, 0))
    world.approved_run()
    finance = make_user("finance", email="fin@tandem.example")
    approver = make_user("client_approver", email="dana@acme.example", client_id=world.client.id)
    db.session.commit()
    fixed_clock.set(date(2026, 11, 16))

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context().new_page()
            page.set_default_timeout(15_000)
            _login(page, live_server, finance.email)
            page.goto(f"{live_server}/admin/billing/")
            page.fill("#through", "2026-11-08")
            page.check("#draft")
            page.click("#invoicing-form button[type=submit]")
            expect(page.locator(".alert")).to_contain_text("1 invoice drafted")
            expect(page.locator("#run-state")).to_have_text("done")          # the invoicing run's page
            page.wait_for_load_state("load")     # its scripts fetched: a click mid-download leaves the server a file
            page.click("#run-invoices a:has-text('draft')")
            expect(page.locator("#invoice-total")).to_have_text("$1,425.00")
            page.click("#invoice-issue")
            expect(page.locator("#invoice-status")).to_have_text("sent")
            expect(page.locator("h2")).to_contain_text("INV-000001")
            url = page.url

            phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                        accept_downloads=True).new_page()
            phone.set_default_timeout(15_000)
            _login(phone, live_server, approver.email)
            phone.goto(url)
            expect(phone.locator("#invoice-lines")).to_contain_text("overtime hours")
            expect(phone.locator("#invoice-lines a:has-text('timesheet, week of Nov 2')")).to_have_count(2)
            expect(phone.locator("#actions")).to_have_count(0)
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            pdf = phone.request.get(urljoin(phone.url, phone.locator("#invoice-pdf").get_attribute("href")))
            assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
        finally:
            browser.close()
