"""In Chromium: a 10-hour-day California worker reads their normal day on the portal's leave page on a phone and
asks for 50 hours over five days (California's use limit at their day), and HR closes a leave of absence from its
admin page with the end date."""
from __future__ import annotations

from datetime import date

import pytest

from tests.functional.browser.test_leave_browser import _ask_for_leave, _login, _no_sideways_scroll, _phone_on_my_leave
from tests.functional.browser.test_onboarding_browser import CHROMIUM_ARGS, live_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]


def test_a_ten_hour_day_worker_asks_for_fifty_hours_on_a_phone_and_hr_closes_a_leave_case(
        app, db, make_user, chromium_path, live_server):  # noqa: F811
    """Ana (CA, hired Jan 1, 2026) holds 60 h; HR recorded a 10-hour normal day on her engagement. Lab. Code §246(d)
    (SB 616): use may be limited to 40 hours or five days, so 5 × 10 = 50 h: her 50 h request for Mon 16 – Fri 20
    November 2026 is sent. HR then closes her "other" leave of absence (from Nov 23) on Dec 11: the page reads
    "job protected through Dec 11, 2026"."""
    from playwright.sync_api import expect, sync_playwright

    from backoffice.leave import case_services, services
    from backoffice.workers.services import update_engagement
    from tests.integration.payroll.conftest import World

    world = World(db, make_user)
    eng = world.worker(state="CA", rate="25.00")
    update_engagement(eng.id, {"normal_day_hours": "10"})
    policy = services.law_policy("CA")
    services.adjust_balance(world.hr, eng.worker_id, policy.id, "60", date(2026, 10, 1), "opening balance")
    case = case_services.open_case(world.hr, {"worker_id": eng.worker_id, "program": "other", "reason": "own_health",
                                              "start_date": "2026-11-23", "job_protected": True})
    worker = make_user("worker", email="ana@example.com", worker_id=eng.worker_id)
    hr = make_user("hr", email="hana@agency.example")
    db.session.commit()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            phone = _phone_on_my_leave(browser, live_server, worker.email)
            expect(phone.locator(".normal-day")).to_contain_text("10 hours")
            _ask_for_leave(phone, policy.id, "2026-11-16", "50", end="2026-11-20")
            expect(phone.locator(".flash")).to_contain_text("50 hours was sent for approval")
            _no_sideways_scroll(phone)

            desk = browser.new_context().new_page()
            desk.set_default_timeout(20_000)
            _login(desk, live_server, hr.email)
            desk.goto(f"{live_server}/admin/leave_cases/details/?id={case.id}")
            desk.fill("#returned_on", "2026-12-11")
            desk.click("#do-close button[type=submit]")
            expect(desk.locator("#case-status")).to_have_text("closed")
            expect(desk.locator("#case-protection")).to_contain_text("job protected through Dec 11, 2026")
        finally:
            browser.close()
