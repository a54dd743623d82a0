"""In Chromium, on a phone (issue 17, "Must show"): a worker starts a new week of time (picks the engagement and
the week), fills the day grid and submits it, the client's approver approves it, the worker sees it approved, by
whom and when, and the bell tells them; the tax forms are one tap away in the menu; the worker votes in a poll
and changes the vote; the worker downloads their data and the test opens the ZIP and finds every paycheck.
The app's clock is stopped on Sunday 2026-11-22, so the week offered first is the one of Monday Nov 16."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.functional.browser.test_onboarding_browser import CHROMIUM_ARGS, live_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]     # the live server thread reads what the test commits

WEEK = date(2026, 11, 16)
OPTIONS = ["Keep the PPO", "Switch to the DHMO"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _login(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def test_a_worker_on_a_phone_enters_time_votes_changes_the_vote_and_downloads_every_paycheck(
        app, db, make_user, chromium_path, live_server, tmp_path, fixed_clock):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    from backoffice.voice import services
    from backoffice.voice.models import PollBallot
    from payroll.models import Timesheet
    from tests.factories import (AgencyFactory, ClientFactory, EngagementFactory, PaycheckFactory,
                                 PaycheckLineFactory, PayrollRunFactory, WorkerFactory)

    saved_dir = app.config.get("VOICE_EXPORT_DIR")
    app.config["VOICE_EXPORT_DIR"] = str(tmp_path / "exports")
    AgencyFactory()
    acme = ClientFactory(name="Acme Corp")
    ana = WorkerFactory(first_name="Ana", last_name="Silva", payroll_ready=True)
    eng = EngagementFactory(worker=ana, client=acme)
    paychecks = []
    for i in range(4):                       # four paid biweekly paychecks: Sep 4 … Oct 16
        run = PayrollRunFactory(pay_date=date(2026, 9, 4) + timedelta(days=14 * i))
        p = PaycheckFactory(run=run, engagement=eng, gross=Decimal("1000.00"), employee_taxes=Decimal("120.00"),
                            net=Decimal("880.00"))
        PaycheckLineFactory(paycheck=p, code="regular", amount=Decimal("1000.00"), engagement_id=eng.id,
                            hours=Decimal("40"), rate=Decimal("25.0000"))
        PaycheckLineFactory(paycheck=p, kind="employee_tax", code="federal_income_tax", amount=Decimal("120.00"))
        paychecks.append(p.id)
    hr = make_user("hr", email="hr.voice@example.com")
    approver = make_user("client_approver", email="dana@acme.example", client_id=acme.id, name="Dana Approver")
    worker = make_user("worker", email="ana@example.com", worker_id=ana.id)
    poll = services.create_poll(hr, title="Dental plan for next year", options=OPTIONS)
    services.open_poll(hr, poll.id, datetime(2026, 11, 20, tzinfo=timezone.utc))
    db.session.commit()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(**PHONE, accept_downloads=True).new_page()
            phone.set_default_timeout(20_000)
            _login(phone, live_server, worker.email)

            # --- a new week of time, started, entered and submitted on the phone
            phone.click("nav.portal a:has-text('My time')")
            phone.click("#new-week")
            phone.select_option("#engagement_id", str(eng.id))
            expect(phone.locator("#week_start")).to_have_value(WEEK.isoformat())     # this week, preselected
            phone.click("#continue")
            expect(phone.locator("#week-label")).to_have_text("Week of Mon Nov 16, 2026")
            _no_sideways_scroll(phone)
            # the day grid stacks on a phone: Monday's field sits above Friday's, not beside it
            mon, fri = phone.locator("#h-mon").bounding_box(), phone.locator("#h-fri").bounding_box()
            assert fri["y"] > mon["y"], (mon, fri)
            for day in ("mon", "tue", "wed", "thu", "fri"):
                phone.fill(f"#h-{day}", "8")
            phone.click("#save-submit")
            expect(phone.locator("#status")).to_have_text("submitted")
            sheet = db.session.execute(sa.select(Timesheet).where(Timesheet.engagement_id == eng.id)).scalar_one()

            # --- the client's approver approves it
            desk = browser.new_context().new_page()
            desk.set_default_timeout(20_000)
            _login(desk, live_server, approver.email)
            desk.goto(f"{live_server}/admin/timesheet/details/?id={sheet.id}")
            desk.click("#do-approve button[type=submit]")
            expect(desk.locator("#sheet-status")).to_have_text("approved")

            # --- the worker sees it approved, and by whom
            phone.goto(f"{live_server}/portal/time")
            expect(phone.locator(f"tr[data-timesheet='{sheet.id}']")).to_contain_text("approved")
            _no_sideways_scroll(phone)
            expect(phone.locator(f"tr[data-timesheet='{sheet.id}'] .approved-by")).to_contain_text("by Dana Approver")
            phone.click(f"tr[data-timesheet='{sheet.id}'] a")
            expect(phone.locator("#approved-by")).to_contain_text("Approved by Dana Approver on ")
            expect(phone.locator("#history")).to_contain_text("Dana Approver")

            # --- the bell says so; the notice leads back to the week
            expect(phone.locator("#bell-count")).to_have_text("1")
            phone.click("#bell")
            item = phone.locator("#notifications li[data-kind='timesheet_approved']")
            expect(item).to_contain_text("Your week of Nov 16 was approved")
            expect(item).to_contain_text("approved by Dana Approver")
            _no_sideways_scroll(phone)
            item.locator("button:has-text('Open')").click()
            expect(phone.locator("#approved-by")).to_be_visible()
            expect(phone.locator("#bell-count")).to_have_count(0)

            # --- the tax forms (W-2, 1099-NEC, 1095-C copies) are in the menu on a phone
            expect(phone.locator("nav.portal a:has-text('Tax forms')")).to_be_visible()
            phone.click("nav.portal a:has-text('Tax forms')")
            expect(phone.locator("h1")).to_have_text("My tax forms")
            _no_sideways_scroll(phone)

            # --- a vote, then a changed vote; the page never shows the choice
            phone.click("nav.portal a:has-text('Have your say')")
            expect(phone.locator("#polls")).to_contain_text("Dental plan for next year")
            _no_sideways_scroll(phone)
            phone.click(f"[data-poll='{poll.id}'] a:has-text('Vote')")
            phone.check("#choice-1")
            phone.click("#cast")
            expect(phone.locator(".flash")).to_contain_text("Your vote was recorded")
            expect(phone.locator("#voted-note")).to_be_visible()
            expect(phone.locator("input[name=choice]:checked")).to_have_count(0)
            phone.check("#choice-2")
            phone.click("#cast")
            expect(phone.locator(".flash")).to_contain_text("Your vote was changed")
            _no_sideways_scroll(phone)
            for path in ("/portal/voice/proposals", "/portal/voice/feedback"):     # the other voice pages fit too
                phone.goto(f"{live_server}{path}")
                expect(phone.locator("#voice-nav")).to_be_visible()
                _no_sideways_scroll(phone)

            # --- download my data, with progress, and open the ZIP
            phone.click("nav.portal a:has-text('My data')")
            phone.click("#start-export")
            expect(phone.locator("#exports a:has-text('Download ZIP')")).to_be_visible()
            _no_sideways_scroll(phone)
            with phone.expect_download() as info:
                phone.click("#exports a:has-text('Download ZIP')")
            path = tmp_path / "my-data.zip"
            info.value.save_as(path)
        finally:
            browser.close()
            app.config["VOICE_EXPORT_DIR"] = saved_dir

    z = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    assert sorted(p["id"] for p in json.loads(z.read("paychecks.json"))) == sorted(paychecks)
    stubs = sorted(n for n in z.namelist() if n.startswith("paystubs/") and n.endswith(".pdf"))
    notes = {n: z.read(n) for n in z.namelist() if n.endswith(".unavailable.txt")}
    assert len(stubs) == 4 and all(f"paycheck-{pid}.pdf" in " ".join(stubs) for pid in paychecks), notes
    sheets = json.loads(z.read("timesheets.json"))
    assert [(s["id"], s["status"], s["total_hours"]) for s in sheets] == [(sheet.id, "approved", "40.00")]
    notices = json.loads(z.read("notifications.json"))
    assert [(n["kind"], n["title"], n["read_at"] is not None) for n in notices] == [
        ("timesheet_approved", "Your week of Nov 16 was approved", True)]
    db.session.expire_all()
    assert db.session.get(Timesheet, sheet.id).status == "approved"
    assert services.tally_poll(poll).totals == {OPTIONS[0]: 0, OPTIONS[1]: 1}
    assert db.session.execute(sa.select(sa.func.count()).select_from(PollBallot)).scalar() == 1
