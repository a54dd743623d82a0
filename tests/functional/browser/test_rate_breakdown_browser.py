"""In Chromium, on a phone (issue 17, point 1): a worker opens "Where my hour goes" from their engagement, sees
the client's rate split into a bar and five figures that add up to it, without sideways scrolling, and reads the
agency's published margins."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import PASSWORD
from tests.functional.browser.test_onboarding_browser import CHROMIUM_ARGS, live_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]     # the live server thread reads what the test commits

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_a_worker_on_a_phone_sees_where_their_hour_goes_and_the_published_margins(
        app, db, make_user, chromium_path, live_server):  # noqa: F811
    """Texas, $25.00 an hour billed $40.00, class 8810 at $2.00 per $100, no paycheck yet: taxes 25 × 10.95% =
    2.7375 → 2.74, workers' comp 0.50, margin 40.00 − 25.00 − 2.74 − 0.50 = 11.76."""
    from playwright.sync_api import expect, sync_playwright

    from backoffice.voice.breakdown_services import publish_transparency
    from payroll.models_workers_comp import WorkersCompClass
    from tests.factories import AgencyFactory, ClientFactory, EngagementFactory, WorkerFactory

    AgencyFactory(suta_rates={"TX": "0.027"})
    db.session.add(WorkersCompClass(state="TX", class_code="8810", description="Clerical office employees",
                                    rate_per_100=Decimal("2.00"), effective_from=date(2026, 1, 1)))
    ana = WorkerFactory(first_name="Ana", last_name="Silva", state="TX")
    eng = EngagementFactory(worker=ana, client=ClientFactory(name="Acme Corp"), work_state="TX",
                            pay_rate=Decimal("25.00"), bill_rate=Decimal("40.00"), wc_class_code="8810")
    worker = make_user("worker", email="ana@example.com", worker_id=ana.id)
    publish_transparency(make_user("hr"), "2026-10", date(2026, 11, 22))
    db.session.commit()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(**PHONE).new_page()
            phone.set_default_timeout(20_000)
            phone.goto(f"{live_server}/login")
            phone.fill("#email", worker.email)
            phone.fill("#password", PASSWORD)
            phone.click("button[type=submit]")
            phone.goto(f"{live_server}/portal/engagements")
            phone.click(f"#engagement-{eng.id} .hour-link a")
            card = phone.locator(f"#hour-{eng.id}")
            expect(card.locator(".bill-rate")).to_have_text("$40.00")
            figures = {k: card.locator(f".part-{k}").inner_text() for k in
                       ("wages", "employer_taxes", "benefits", "workers_comp", "agency_margin")}
            assert figures == {"wages": "$25.00", "employer_taxes": "$2.74", "benefits": "$0.00",
                               "workers_comp": "$0.50", "agency_margin": "$11.76"}
            bar = card.locator(".hourbar")
            assert bar.bounding_box()["width"] > 300              # the bar spans the phone's width
            assert card.locator(".hourbar span").count() == 4     # wages, taxes, comp, margin (no benefits yet)
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            phone.click("text=The agency's margins by kind of work")
            expect(phone.locator("#published-2026-10")).to_be_visible()
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        finally:
            browser.close()
