"""In Chromium, on a phone (issue 17, "Must show"): a worker enters a week of time and submits it, the client's
approver approves it, the worker sees it approved and by whom; the worker votes in a poll and changes the vote;
the worker downloads their data and the test opens the ZIP and finds every paycheck."""
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
        app, db, make_user, chromium_path, live_server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    from backoffice.voice import services
    from backoffice.voice.models import PollBallot
    from payroll.models import Timesheet
    from tests.factories import (AgencyFactory, ClientFactory, EngagementFactory, PaycheckFactory,
                                 PaycheckLineFactory, PayrollRunFactory, TimesheetFactory, WorkerFactory)

    saved_dir = app.config.get("VOICE_EXPORT_DIR")
    app.config["VOICE_EXPORT_DIR"] = str(tmp_path / "exports")
    AgencyFactory()
    acme = ClientFactory(name="Acme Corp")
    ana = WorkerFactory(first_name="Ana", last_name="Silva", payroll_ready=True)
    eng = EngagementFactory(worker=ana, client=acme)
    sheet = TimesheetFactory(engagement=eng, week_start=WEEK, status="draft", hours=(0, 0, 0, 0, 0, 0, 0))
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

            # --- a week of time, entered and submitted on the phone
            phone.goto(f"{live_server}/portal/time")
            phone.click(f"tr[data-timesheet='{sheet.id}'] a")
            for day in ("mon", "tue", "wed", "thu", "fri"):
                phone.fill(f"#h-{day}", "8")
            phone.click("#save-submit")
            expect(phone.locator("#status")).to_have_text("submitted")

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
            phone.click(f"tr[data-timesheet='{sheet.id}'] a")
            expect(phone.locator("#history")).to_contain_text("Dana Approver")

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
    db.session.expire_all()
    assert db.session.get(Timesheet, sheet.id).status == "approved"
    assert services.tally_poll(poll).totals == {OPTIONS[0]: 0, OPTIONS[1]: 1}
    assert db.session.execute(sa.select(sa.func.count()).select_from(PollBallot)).scalar() == 1
