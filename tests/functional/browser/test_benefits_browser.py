"""In Chromium on a phone (390 px): a leased employee enrolls in family medical and a 6% 401(k) through the portal's
wizard; the next payroll run takes the section 125 premium and the deferral, adds the match, and taxes the wages
that remain (issue 12, "Must show")."""
from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.functional.browser.test_onboarding_browser import CHROMIUM_ARGS, live_server  # noqa: F401
from tests.functional.portal.benefits_support import make_plans

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]     # the live server thread reads what the test commits

WEEK1, WEEK2 = date(2026, 11, 2), date(2026, 11, 9)


def _login(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/portal/**")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_leased_employee_enrolls_on_a_phone_and_the_next_paycheck_takes_it(app, db, make_user, chromium_path,
                                                                            pdftotext, fixed_clock, tmp_path,
                                                                            live_server):  # noqa: F811
    """Hand calculation for the week of 9 November 2026 (TX, 40 h × $25.00, weekly, W-4 single):
      gross                                  1,000.00
      section 125 (family medical): 1,300.00 a month × 12 / 52 = 300.00 a week; the agency pays 50% of the tier
        → employee 150.00, employer 150.00
      401(k) 6% of 1,000.00                     60.00
      match: 100% of the first 3% (30.00) + 50% of the next 2% (10.00) = 40.00
      federal taxable wages = 1,000.00 − 60.00 − 150.00 = 790.00
      Social Security and Medicare wages = 1,000.00 − 150.00 = 850.00 (a 401(k) deferral stays FICA wages,
        IRC 3121(v)(1)(A); a section 125 premium does not, IRC 3121(a)(5)(G))
      Social Security 6.2% × 850.00 = 52.70; Medicare 1.45% × 850.00 = 12.325 → 12.33.
      Federal income tax (Pub 15-T 2026, Worksheet 1A, single standard schedule): 790.00 × 52 = 41,080.00,
        less 8,600 (line 1g) = 32,480.00; 1,240.00 + 12% × (32,480.00 − 19,900) = 2,749.60 a year / 52 = 52.88.
    The week before (no elections yet) is the what-if's paycheck: 6% of its 1,000.00 gross is 60.00."""
    from playwright.sync_api import expect, sync_playwright

    from benefits.models import Dependent, Enrollment
    from payroll.models import Paycheck, PaycheckLine
    from payroll.models_deductions import EmployerContribution, WorkerDeduction
    from payroll.services import runs
    from tests.integration.payroll.conftest import World

    fixed_clock.set(date(2026, 11, 9))
    world = World(db, make_user)
    emp = world.worker()
    emp.start_date = date(2026, 10, 26)            # hired two weeks ago: inside the 30-day new-hire window
    plans = make_plans()
    worker = make_user("worker", email="maria@example.com", worker_id=emp.worker_id)
    # the week before the elections, paid: the what-if replays this paycheck
    world.time(emp, week=WEEK1)
    first = world.regular_run(WEEK1)
    runs.start_calculation(first.id, world.hr)
    runs.approve_run(first.id, world.hr2)
    db.session.commit()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
            phone.set_default_timeout(15_000)
            _login(phone, live_server, worker.email)
            phone.click("nav.portal a:has-text('Benefits')")
            offers = phone.locator("#offers")
            expect(offers.locator(f"[data-plan='{plans['medical'].id}'] tr[data-tier='family']")).to_contain_text(
                "$150.00")
            expect(offers.locator(f"[data-plan='{plans['dental'].id}']")).to_contain_text("Not eligible")
            assert _fits(phone)

            phone.click("#start-enrollment")
            # 1. dependents: a spouse and a child, kept in the draft
            for first_name, rel, born in (("Luis", "spouse", "1990-04-12"), ("Sofia", "child", "2019-08-30")):
                phone.fill("#first_name", first_name)
                phone.fill("#last_name", "Garcia")
                phone.select_option("#relationship", rel)
                phone.fill("#birth_date", born)
                phone.click("#add-dependent-button")
                expect(phone.locator("#dependents")).to_contain_text(first_name)
            assert _fits(phone)
            phone.click("#next")
            # 2. coverage: family, both covered
            phone.check("#tier-family")
            for box in phone.locator("#covered input[type=checkbox]").all():
                box.check()
            phone.click("#next")
            # 3. health plans: the PPO, family cost per paycheck shown
            expect(phone.locator(f"label:has(#plan-{plans['medical'].id})")).to_contain_text("$150.00")
            phone.check(f"#plan-{plans['medical'].id}")
            phone.click("#next")
            # 4. 401(k) at 6% with the take-home what-if from last week's paycheck
            phone.fill("#deferral_percent", "6")
            phone.click("#whatif-button")
            expect(phone.locator("#whatif tr[data-percent='6']")).to_contain_text("$60.00")
            assert _fits(phone)
            phone.click("#next")
            # 5. accounts: none; 6. beneficiaries: the spouse
            phone.click("#next")
            phone.fill("#b0_name", "Luis Garcia")
            phone.fill("#b0_relationship", "spouse")
            phone.fill("#b0_share_percent", "100")
            phone.click("#next")
            # 7. review: nothing saved yet; then confirm
            expect(phone.locator("#review")).to_contain_text("Tandem PPO Gold")
            db.session.expire_all()
            assert db.session.execute(sa.select(sa.func.count()).select_from(Enrollment)).scalar() == 0
            phone.click("#confirm")
            expect(phone.locator("#confirmation")).to_contain_text("Tandem PPO Gold")
            pdf = phone.request.get(live_server + phone.locator("#confirmation-pdf").get_attribute("href"))
            assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
            (tmp_path / "c.pdf").write_bytes(pdf.body())
            text = subprocess.run([pdftotext, "-layout", str(tmp_path / "c.pdf"), "-"], capture_output=True,
                                  text=True, check=True).stdout
            assert "Benefits elections confirmation" in text
            medical = next(line for line in text.splitlines() if line.startswith("Medical"))
            assert "Tandem PPO Gold" in medical and "Family" in medical
            assert medical.split()[-3:] == ["2026-11-09", "$150.00", "$150.00"]
            k401 = next(line for line in text.splitlines() if line.startswith("401(k)"))
            assert "6% traditional" in k401
            assert k401.split()[-3:] == ["2026-11-09", "$60.00", "$40.00"]      # 6% of 1,000.00; match 30 + 10
            assert "Beneficiaries: Luis Garcia (401(k), primary, 100%)" in text
        finally:
            browser.close()

    db.session.expire_all()
    wid = emp.worker_id
    assert [d.first_name for d in db.session.execute(sa.select(Dependent).where(Dependent.worker_id == wid)
                                                     .order_by(Dependent.id)).scalars()] == ["Luis", "Sofia"]
    refs = {e.id: f"benefit_enrollment:{e.id}" for e in db.session.execute(
        sa.select(Enrollment).where(Enrollment.worker_id == wid)).scalars()}
    deductions = {d.code: d for d in db.session.execute(sa.select(WorkerDeduction).where(
        WorkerDeduction.worker_id == wid, WorkerDeduction.source == "benefits")).scalars()}
    assert set(deductions) == {"section125", "401k"}
    assert {d.external_ref for d in deductions.values()} <= set(refs.values())
    assert db.session.execute(sa.select(EmployerContribution.code).where(
        EmployerContribution.worker_id == wid, EmployerContribution.source == "benefits")).scalars().all()

    # --- the next paycheck
    fixed_clock.set(date(2026, 11, 16))
    world.time(emp, week=WEEK2)
    run = world.regular_run(WEEK2)
    runs.start_calculation(run.id, world.hr)
    paycheck = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    lines = {(ln.kind, ln.code): ln for ln in db.session.execute(
        sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == paycheck.id)).scalars()}
    assert paycheck.gross == Decimal("1000.00")
    assert lines[("pretax_deduction", "section125")].amount == Decimal("150.00")
    assert lines[("pretax_deduction", "401k")].amount == Decimal("60.00")
    assert lines[("employer_contribution", "401k_match")].amount == Decimal("40.00")
    assert lines[("employee_tax", "federal_income_tax")].taxable_wages == Decimal("790.00")
    assert lines[("employee_tax", "social_security")].taxable_wages == Decimal("850.00")
    assert lines[("employee_tax", "medicare")].taxable_wages == Decimal("850.00")
    assert lines[("employee_tax", "social_security")].amount == Decimal("52.70")
    assert lines[("employee_tax", "medicare")].amount == Decimal("12.33")
    assert lines[("employee_tax", "federal_income_tax")].amount == Decimal("52.88")

    # --- the worker reads it on the phone once the run is approved
    runs.approve_run(run.id, world.hr2)
    db.session.commit()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
            phone.set_default_timeout(15_000)
            _login(phone, live_server, worker.email)
            phone.goto(f"{live_server}/portal/paychecks/{paycheck.id}")
            wages = phone.locator("#taxable-wages")
            expect(wages).to_contain_text("$790.00")
            expect(wages).to_contain_text("$850.00")
            body = phone.locator("main")
            for amount in ("$150.00", "$60.00", "$40.00", "$52.88"):
                expect(body).to_contain_text(amount)
            assert _fits(phone)
        finally:
            browser.close()
