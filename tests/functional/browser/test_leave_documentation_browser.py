"""In Chromium, on a phone: a four-day sick-leave request the policy wants documented is refused on its
documentation field, the worker uploads a provider's note, and the approver downloads it from the request's page."""
from __future__ import annotations

from datetime import date

import pytest

from tests.functional.browser.test_leave_browser import _ask_for_leave, _login, _no_sideways_scroll, _phone_on_my_leave
from tests.functional.browser.test_onboarding_browser import CHROMIUM_ARGS, live_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]


def test_a_four_day_absence_needs_a_note_which_the_worker_uploads_on_a_phone(
        app, db, make_user, chromium_path, live_server, tmp_path):  # noqa: F811
    """The CA policy asks for documentation after 3 workdays (California sets no limit of its own). Ana asks for
    Monday 16 – Thursday 19 November 2026 (4 workdays, 32 h of her 40): refused on the documentation field; with
    a PDF note attached it is sent, and Acme's approver downloads the same bytes."""
    from playwright.sync_api import expect, sync_playwright

    from backoffice.leave import services
    from tests.integration.payroll.conftest import World

    world = World(db, make_user)
    eng = world.worker(state="CA", rate="25.00")
    policy = services.law_policy("CA")
    services.save_policy(world.hr, {"documentation_after_days": 3}, policy.id)
    services.adjust_balance(world.hr, eng.worker_id, policy.id, "40", date(2026, 10, 1), "opening balance")
    worker = make_user("worker", email="ana@example.com", worker_id=eng.worker_id)
    approver = make_user("client_approver", email="dana@acme.example", client_id=world.client.id)
    db.session.commit()
    note = tmp_path / "clinic-note.pdf"
    note.write_bytes(b"%PDF-1.4 Ana was seen on Nov 16 and should rest until Nov 20.")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            phone = _phone_on_my_leave(browser, live_server, worker.email)
            _ask_for_leave(phone, policy.id, "2026-11-16", "32", end="2026-11-19")
            expect(phone.locator("#documentation-error")).to_contain_text("4 workdays")
            _no_sideways_scroll(phone)
            phone.set_input_files("#document", str(note))
            phone.click("#send-request")
            expect(phone.locator(".flash")).to_contain_text("32 hours was sent for approval")
            req_id = int(phone.locator("#requests tr[data-request]").first.get_attribute("data-request"))

            desk = browser.new_context(accept_downloads=True).new_page()
            desk.set_default_timeout(20_000)
            _login(desk, live_server, approver.email)
            desk.goto(f"{live_server}/admin/leave_requests/details/?id={req_id}")
            expect(desk.locator("#request-documentation")).to_contain_text("clinic-note.pdf")
            with desk.expect_download() as got:
                desk.click("#request-documentation a")
            from pathlib import Path

            assert Path(got.value.path()).read_bytes() == note.read_bytes()
        finally:
            browser.close()
