"""In Chromium: HR enters a week picking the engagement by the worker's name; the client's approver ticks two weeks
and rejects them with one reason, then disputes another from its page; the worker, on a phone, reads why under My
time (issue 11, point 4)."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.functional.browser.test_onboarding_browser import CHROMIUM_ARGS, live_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]     # the live server thread reads what the test commits

WEEK = date(2026, 11, 2)


def _login(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_the_approver_rejects_and_disputes_and_the_worker_reads_why_on_a_phone(app, db, make_user, chromium_path,
                                                                               live_server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    from payroll.models import Timesheet
    from tests.factories import ClientFactory, EngagementFactory, TimesheetFactory, WorkerFactory

    acme = ClientFactory(name="Acme Corp")
    ana, cy = WorkerFactory(first_name="Ana", last_name="Silva"), WorkerFactory(first_name="Cy", last_name="Moss")
    e_ana, e_cy = EngagementFactory(worker=ana, client=acme), EngagementFactory(worker=cy, client=acme)
    sheets = [TimesheetFactory(engagement=e, week_start=w, status="submitted")
              for e, w in ((e_ana, WEEK), (e_cy, WEEK), (e_ana, date(2026, 11, 9)))]
    hr = make_user("hr", email="hr.person@example.com")
    approver = make_user("client_approver", email="dana@acme.example", client_id=acme.id, name="Dana Approver")
    worker = make_user("worker", email="ana@example.com", worker_id=ana.id)
    db.session.commit()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            # --- HR: a new week for Cy, the engagement found by typing the worker's name
            page = browser.new_context().new_page()
            page.set_default_timeout(15_000)
            _login(page, live_server, hr.email)
            page.goto(f"{live_server}/admin/timesheet/new/")
            page.click("#s2id_engagement, .select2-container")
            page.keyboard.type("Moss")
            page.locator(".select2-results li", has_text="Cy Moss at Acme Corp, leased, TX").click()
            page.fill("#week_start", "2026-11-16")
            page.fill("#hours_mon", "7.5")
            page.click("input[type=submit][value=Save], button[type=submit]:has-text('Save')")
            expect(page.locator("table.model-list")).to_contain_text("Cy Moss at Acme Corp, leased, TX")

            # --- the approver: two weeks rejected with one reason, the third disputed from its page
            page = browser.new_context().new_page()
            page.set_default_timeout(15_000)
            _login(page, live_server, approver.email)
            page.goto(f"{live_server}/admin/timesheet/")
            expect(page.locator("a[href*='/admin/timesheet/edit/']")).to_have_count(0)     # no edit pencil
            for ts in sheets[:2]:
                page.check(f"input.action-checkbox[value='{ts.id}']")
            page.click("a.dropdown-toggle:has-text('With selected')")
            page.click("a:has-text('Reject (with a reason)')")
            page.fill("#reason", "Hours over the purchase order")
            page.click("#bulk-reason-form button[type=submit]")
            expect(page.locator(".alert")).to_contain_text("2 timesheet(s) rejected")
            page.goto(f"{live_server}/admin/timesheet/details/?id={sheets[2].id}")
            page.fill("#reason-dispute", "Not on site that week")
            page.click("#do-dispute button[type=submit]")
            expect(page.locator("#sheet-status")).to_have_text("disputed")
            expect(page.locator("#history")).to_contain_text("Not on site that week")
            expect(page.locator("#sheet-actions")).to_have_count(0)

            # --- the worker on a phone: each week's status and why, no sideways scrolling
            phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
            phone.set_default_timeout(15_000)
            _login(phone, live_server, worker.email)
            phone.goto(f"{live_server}/portal/time")
            expect(phone.locator("#timesheets")).to_contain_text("Hours over the purchase order")
            expect(phone.locator("#timesheets")).to_contain_text("Not on site that week")
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            phone.click(f"tr[data-timesheet='{sheets[2].id}'] a")
            expect(phone.locator("#reason")).to_contain_text("Not on site that week")
            expect(phone.locator("#history")).to_contain_text("Dana Approver")
        finally:
            browser.close()
    db.session.expire_all()
    states = dict(db.session.execute(sa.select(Timesheet.id, Timesheet.status)
                                     .where(Timesheet.id.in_([s.id for s in sheets]))).all())
    assert [states[s.id] for s in sheets] == ["rejected", "rejected", "disputed"]
