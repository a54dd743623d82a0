"""In a real browser (Playwright driving Debian's Chromium, headless) against the app served by werkzeug:
HR invites a contractor; the contractor opens the emailed link, completes the W-9, links a bank through the
fake Plaid Link, signs the agreement; HR sees the steps done on the board."""
from __future__ import annotations

import hashlib
import threading

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from backoffice.onboarding.models import OnboardingCase, SignedDocument
from backoffice.workers.profile import BankAccount, W9Form
from tests.conftest import PASSWORD
from tests.fakes.fake_plaid import running_fake_plaid_server
from tests.integration.onboarding.support import free_port, make_agency, make_client, running_smtp

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]     # the live server thread reads what the test commits

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _closed_before_sent(app):
    """The app, its response read whole and closed before werkzeug sends it: the development server skips the
    response's close() when the browser has already dropped the connection (a static file's handle then leaks and
    surfaces as a ResourceWarning in whichever test runs next)."""
    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return list(body)
        finally:
            if hasattr(body, "close"):
                body.close()
    return wsgi


@pytest.fixture
def live_server(app, db):
    """The app served by a real werkzeug server on 127.0.0.1 and a free port, in a thread; BASE_URL is that
    address (emailed links are built from BACKOFFICE_BASE_URL, never from the request's Host)."""
    port = free_port()
    server = make_server("127.0.0.1", port, _closed_before_sent(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-app", daemon=True)
    saved = app.config["BASE_URL"]
    app.config["BASE_URL"] = f"http://127.0.0.1:{port}"
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.config["BASE_URL"] = saved


@pytest.fixture
def wired(app):
    """SMTP and Plaid pointed at local fakes; the Link script is the fake's stand-in."""
    with running_smtp() as box, running_fake_plaid_server() as fake:
        keys = ("SMTP_HOST", "SMTP_PORT", "PLAID_CLIENT_ID", "PLAID_SECRET", "PLAID_HOST", "PLAID_LINK_SCRIPT_URL")
        saved = {k: app.config.get(k) for k in keys}
        app.config.update(SMTP_HOST=box.host, SMTP_PORT=box.port, PLAID_CLIENT_ID=fake.client_id,
                          PLAID_SECRET=fake.secret, PLAID_HOST=fake.base_url,
                          PLAID_LINK_SCRIPT_URL=fake.link_script_url)
        try:
            yield box, fake
        finally:
            app.config.update(saved)


def test_contractor_onboarding_end_to_end_in_chromium(app, db, make_user, chromium_path, live_server, wired):
    from playwright.sync_api import expect, sync_playwright

    mailbox, fake = wired
    make_agency()
    client = make_client("Acme Robotics")
    hr = make_user("hr", email="hr.person@example.com")
    db.session.commit()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        csp_blocked: list[str] = []
        try:
            # --- HR invites a contractor from the admin
            hr_page = browser.new_context().new_page()
            hr_page.on("console", lambda m: csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
            hr_page.set_default_timeout(15_000)
            hr_page.goto(f"{live_server}/login")
            hr_page.fill("#email", hr.email)
            hr_page.fill("#password", PASSWORD)
            hr_page.click("button[type=submit]")
            hr_page.wait_for_url("**/admin/**")
            hr_page.goto(f"{live_server}/admin/onboarding/invite")
            hr_page.fill("#email", "casey.contractor@example.com")
            hr_page.fill("#first_name", "Casey")
            hr_page.fill("#last_name", "Nguyen")
            hr_page.select_option("#client_id", str(client.id))
            hr_page.select_option("#type", "contractor")
            hr_page.fill("#title", "Data engineer")
            hr_page.select_option("#work_state", "TX")
            hr_page.fill("#pay_rate", "85")
            hr_page.fill("#start_date", "2026-12-07")
            hr_page.click("#invite-form button[type=submit]")
            hr_page.wait_for_url("**/admin/onboarding/case/**")
            expect(hr_page.locator("#case-steps tr[data-step=w9] .step-status")).to_have_text("pending")

            # --- the contractor opens the emailed link (a new browser profile)
            assert mailbox.arrived.wait(10)
            link = mailbox.last_link()
            assert link.startswith(live_server + "/portal/invite/")
            page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()  # a phone's screen
            page.on("console", lambda m: csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
            page.set_default_timeout(15_000)
            page.goto(link)
            page.fill("#password", "casey-password-1")
            page.fill("#password_confirm", "casey-password-1")
            page.click("main button[type=submit]")
            page.wait_for_url("**/onboarding/*/profile")

            page.fill("#tin", "123-45-6789")
            page.fill("#birth_date", "1991-07-30")
            page.fill("#address_line1", "200 Congress Ave")
            page.fill("#city", "Austin")
            page.select_option("#state", "TX")
            page.fill("#postal_code", "78701")
            page.click("main button[type=submit]")
            page.wait_for_url("**/onboarding/*/w9")

            # --- W-9
            expect(page.locator("#legal_name")).to_have_value("Casey Nguyen")
            page.select_option("#entity_type", "individual")
            page.select_option("#tin_type", "ssn")
            page.fill("#tin", "123-45-6789")
            page.check("#certified")
            page.fill("#signed_name", "Casey Nguyen")
            page.click("main button[type=submit]")
            page.wait_for_url("**/onboarding/*/direct_deposit")

            # --- bank linking through the fake Plaid Link (the stand-in script served by the fake)
            page.click("#plaid-link-button")
            expect(page.locator("#accounts .account-row")).to_have_count(1)
            expect(page.locator("#accounts")).to_contain_text("*0000")
            expect(page.locator("#accounts")).to_contain_text("Plaid")
            page.click("#deposit-continue")
            page.wait_for_url("**/onboarding/*/agreement")

            # --- sign the agreement
            shown_sha = page.locator("#agreement-sha").inner_text().strip()
            page.check("#agree")
            page.fill("#signed_name", "Casey Nguyen")
            page.click("form.card button[type=submit]")
            page.wait_for_url("**/portal/")
            expect(page.locator("main")).to_contain_text("All done")

            # --- HR sees every step done on the board
            hr_page.goto(f"{live_server}/admin/onboarding/?status=completed&q=casey")
            row = hr_page.locator("#onboarding-board tr[data-case]")
            expect(row).to_have_count(1)
            expect(row.locator(".progress-cell")).to_contain_text("4/4")
            expect(row.locator(".progress-cell")).to_contain_text("complete")
            hr_page.click("#onboarding-board tr[data-case] a")
            for step in ("profile", "w9", "direct_deposit", "agreement"):
                expect(hr_page.locator(f"#case-steps tr[data-step={step}] .step-status")).to_have_text("done")
            assert csp_blocked == []  # the Content-Security-Policy blocked nothing the pages use (Plaid Link included)
        finally:
            browser.close()

    db.session.rollback()
    case = db.session.execute(sa.select(OnboardingCase)).scalar_one()
    assert case.status == "completed"
    w9 = db.session.execute(sa.select(W9Form)).scalar_one()
    assert (w9.tin_last4, w9.backup_withholding) == ("6789", False)
    acct = db.session.execute(sa.select(BankAccount)).scalar_one()
    # First Platypus Bank's checking account in the fake: routing 011401533, account …0000.
    assert (acct.source, acct.routing_number, acct.account_last4, acct.split_kind) == (
        "plaid", "011401533", "0000", "remainder")
    doc = db.session.execute(sa.select(SignedDocument).where(
        SignedDocument.kind == "contractor_agreement")).scalar_one()
    assert doc.status == "signed" and doc.signed_name == "Casey Nguyen" and doc.signed_ip == "127.0.0.1"
    assert doc.sha256 == shown_sha == hashlib.sha256(doc.pdf).hexdigest()
    assert "/item/public_token/exchange" in fake.state.calls and "/auth/get" in fake.state.calls


def test_w4_preview_updates_as_the_employee_types(app, db, chromium_path, live_server, wired):
    """Pub 15-T (2026) Worksheet 1A, $52,000 a year paid biweekly = $2,000.00 a paycheck, single, standard:
    (52,000 − 8,600 − 19,900) × 12% + 1,240 = 4,060 a year → 156.15 a paycheck; Step 4(c) $25 → 181.15;
    Step 3 credits $2,600 (100.00 a paycheck) → 81.15. Texas: no state income tax."""
    from playwright.sync_api import expect, sync_playwright

    from backoffice.clock import clock
    from backoffice.onboarding.services import invitations, wizard
    from tests.integration.onboarding.support import invite_data

    mailbox, _ = wired
    make_agency()
    client = make_client("Acme Robotics")
    result = invitations.invite_worker(invite_data(client.id, type="leased_employee", work_state="TX", pay_rate="52000",
                                           pay_unit="year", first_name="Lee", last_name="Park",
                                           email="lee@example.com"), config=app.config, base_url=live_server,
                                           now=clock().now())
    invitations.accept_invitation(mailbox.last_link().rsplit("/", 1)[1], "lee-password-01", "lee-password-01",
                                  now=clock().now())
    wizard.save_profile(result.case, {"first_name": "Lee", "last_name": "Park", "tin": "123-45-6789",
                                   "birth_date": "1990-01-01", "address_line1": "1 Main St", "city": "Austin",
                                   "state": "TX", "postal_code": "78701"}, today=clock().today())
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        csp_blocked: list[str] = []
        try:
            page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            page.on("console", lambda m: csp_blocked.append(m.text) if "Content Security Policy" in m.text else None)
            page.set_default_timeout(15_000)
            page.goto(f"{live_server}/login")
            page.fill("#email", "lee@example.com")
            page.fill("#password", "lee-password-01")
            page.click("button[type=submit]")
            page.wait_for_url("**/portal/")
            page.goto(f"{live_server}/portal/onboarding/{result.case.id}/w4")
            expect(page.locator("#preview-federal")).to_have_text("$156.15")
            expect(page.locator("#preview-state")).to_have_text("$0.00")
            page.fill("#step4c_extra", "25")
            expect(page.locator("#preview-federal")).to_have_text("$181.15")
            page.fill("#step3_credits", "2600")
            expect(page.locator("#preview-federal")).to_have_text("$81.15")
            page.fill("#step3_credits", "-5")
            expect(page.locator("#preview-error")).to_contain_text(   # the field named by its label on the form
                "Step 3 Claim dependents and other credits (annual, $): must be at least 0")
            expect(page.locator("#preview-federal")).to_have_text("—")
            assert csp_blocked == []  # the W-4 preview's script runs under the policy's nonce
        finally:
            browser.close()
