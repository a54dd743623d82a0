"""In Chromium, on a phone (issue 19, "Must show"): a worker requests 8 hours of sick leave, the client's approver
approves it in the admin, the next paycheck pays it and the balance drops by 8."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.functional.browser.test_onboarding_browser import CHROMIUM_ARGS, live_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]     # the live server thread reads what the test commits

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WEDNESDAY = date(2026, 11, 4)


def _login(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def _phone_on_my_leave(browser, base, email):
    """A phone signed in as the worker, on the portal's leave page."""
    phone = browser.new_context(**PHONE).new_page()
    phone.set_default_timeout(20_000)
    _login(phone, base, email)
    phone.click("nav.portal a:has-text('My leave')")
    return phone


def _ask_for_leave(phone, policy_id, start, hours, end=None, reason="own_illness"):
    """Fill the leave request form and send it."""
    phone.select_option("#policy_id", str(policy_id))
    phone.fill("#start_date", start)
    if end:
        phone.fill("#end_date", end)
    phone.fill("#hours", hours)
    phone.select_option("#reason", reason)
    phone.click("#send-request")


def test_a_worker_requests_sick_leave_on_a_phone_the_approver_approves_and_the_next_paycheck_pays_it(
        app, db, make_user, chromium_path, live_server):  # noqa: F811
    """Ana (CA, $25/h, hired Jan 1, 2026) holds 24 h of California sick leave. She asks for 8 h on Wed Nov 4;
    Acme's approver approves; the weekly run of Nov 2–8 pays 8 × $25.00 = $200.00 of sick pay (no earlier paycheck,
    so Cal. Lab. Code 246(l)(1)'s regular rate) and, once the run is approved, her balance is 24 − 8 = 16 h — on
    the leave page and on the paystub."""
    from playwright.sync_api import expect, sync_playwright

    from backoffice.leave import services
    from backoffice.leave.models import LeaveBalance, LeaveRequest
    from payroll.models import Paycheck, PaycheckLine
    from tests.integration.leave.conftest import pay_run
    from tests.integration.payroll.conftest import World

    world = World(db, make_user)
    eng = world.worker(state="CA", rate="25.00")
    policy = services.law_policy("CA")
    services.adjust_balance(world.hr, eng.worker_id, policy.id, "24", date(2026, 10, 1),
                            "opening balance carried from the previous payroll system")
    worker = make_user("worker", email="ana@example.com", worker_id=eng.worker_id)
    approver = make_user("client_approver", email="dana@acme.example", client_id=world.client.id,
                         name="Dana Approver")
    db.session.commit()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            phone = _phone_on_my_leave(browser, live_server, worker.email)
            expect(phone.locator(f"#balances tr[data-policy='{policy.id}'] .balance")).to_have_text("24")
            _no_sideways_scroll(phone)
            _ask_for_leave(phone, policy.id, WEDNESDAY.isoformat(), "8")
            expect(phone.locator(".flash")).to_contain_text("8 hours was sent for approval")
            expect(phone.locator("#requests .status").first).to_have_text("submitted")
            _no_sideways_scroll(phone)
            req_id = int(phone.locator("#requests tr[data-request]").first.get_attribute("data-request"))

            desk = browser.new_context().new_page()
            desk.set_default_timeout(20_000)
            _login(desk, live_server, approver.email)
            desk.goto(f"{live_server}/admin/leave_requests/")
            expect(desk.locator("body")).to_contain_text("California")
            desk.goto(f"{live_server}/admin/leave_requests/details/?id={req_id}")
            desk.click("#do-approve button[type=submit]")
            expect(desk.locator("#request-status")).to_have_text("approved")
            expect(desk.locator("#request-rate")).to_contain_text("$25.0000")

            phone.reload()
            expect(phone.locator("#requests .status").first).to_have_text("approved")

            run = pay_run(world, WEDNESDAY)             # the next regular run: Nov 2–8, paid Nov 13
            db.session.commit()

            phone.reload()
            expect(phone.locator(f"#balances tr[data-policy='{policy.id}'] .balance")).to_have_text("16")
            expect(phone.locator("#requests .status").first).to_have_text("paid")
            _no_sideways_scroll(phone)
            phone.click("#ledger-link")
            expect(phone.locator("#ledger tr[data-kind='use']")).to_contain_text("-8")
            _no_sideways_scroll(phone)
            check_id = db.session.execute(sa.select(Paycheck.id).where(Paycheck.run_id == run.id)).scalar_one()
            phone.goto(f"{live_server}/portal/paychecks/{check_id}")      # the paystub: the sick pay and the hours
            expect(phone.locator("body")).to_contain_text("Paid sick leave")
            expect(phone.locator("#paystub-leave")).to_contain_text("16 h")
            _no_sideways_scroll(phone)
        finally:
            browser.close()

    db.session.expire_all()
    check = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    lines = {ln.code: ln.amount for ln in db.session.execute(sa.select(PaycheckLine).where(
        PaycheckLine.paycheck_id == check.id, PaycheckLine.kind == "earning")).scalars()}
    assert lines == {"sick_leave": Decimal("200.00")}
    assert db.session.get(LeaveRequest, req_id).status == "paid"
    assert db.session.execute(sa.select(LeaveBalance.balance).where(
        LeaveBalance.worker_id == eng.worker_id, LeaveBalance.policy_id == policy.id)).scalar() == Decimal("16")
