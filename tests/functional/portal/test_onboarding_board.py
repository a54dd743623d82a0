"""HR's side: inviting from the admin (email through SMTP), the onboarding board (step, since when, stuck,
I-9 deadline, filters and search) and I-9 section 2."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from backoffice.clock import clock
from backoffice.db import utcnow
from backoffice.onboarding.services import invitations, wizard
from backoffice.onboarding.models import I9Record, OnboardingCase
from tests.conftest import csrf_token_from
from tests.functional.portal.conftest import isolated_client
from tests.integration.onboarding.support import invite_data


def _hr(app, make_user, login):
    hr = make_user("hr")
    http = isolated_client(app)
    login(http, hr)
    return http


def test_hr_invites_from_the_admin_and_the_worker_gets_the_email(app, db, portal_config, mailbox, acme, make_user,
                                                                login):
    http = _hr(app, make_user, login)
    form = http.get("/admin/onboarding/invite")
    assert form.status_code == 200
    r = http.post("/admin/onboarding/invite", data={
        "csrf_token": csrf_token_from(form.data), "email": "kai@example.com", "first_name": "Kai",
        "last_name": "Moreno", "client_id": str(acme.id), "type": "contractor", "work_state": "TX",
        "pay_rate": "80", "pay_unit": "hour", "pay_frequency": "biweekly", "start_date": "2026-12-07"})
    assert r.status_code == 302 and "/admin/onboarding/case/" in r.headers["Location"]
    assert mailbox.last_link().startswith(app.config["BASE_URL"] + "/portal/invite/")  # BACKOFFICE_BASE_URL
    board = http.get("/admin/onboarding/")
    assert b"Kai Moreno" in board.data and b"Invitation not accepted yet" in board.data


def test_the_invite_form_shows_each_error_on_its_field(app, db, portal_config, mailbox, acme, make_user, login):
    http = _hr(app, make_user, login)
    form = http.get("/admin/onboarding/invite")
    r = http.post("/admin/onboarding/invite", data={
        "csrf_token": csrf_token_from(form.data), "email": "nope", "first_name": "", "last_name": "Moreno",
        "client_id": str(acme.id), "type": "contractor", "work_state": "", "pay_rate": "-1",
        "start_date": "2026-12-07"})
    assert r.status_code == 200 and b'id="invite-errors"' in r.data
    for field in (b"email-error", b"first_name-error", b"work_state-error", b"pay_rate-error"):
        assert field in r.data
    assert mailbox.messages == []


def test_the_board_shows_step_since_when_stuck_and_i9_deadline(app, db, portal_config, mailbox, acme, make_user,
                                                               login):
    fresh = invitations.invite_worker(invite_data(acme.id, email="fresh@example.com", first_name="Fay", last_name="Fresh"),
                              config=app.config, base_url="http://localhost", now=clock().now())
    stuck = invitations.invite_worker(invite_data(acme.id, email="stuck@example.com", first_name="Sam", last_name="Stuck",
                                          type="leased_employee", work_state="TX", start_date="2026-11-02"),
                              config=app.config, base_url="http://localhost", now=clock().now())
    token = mailbox.last_link().rsplit("/", 1)[1]
    invitations.accept_invitation(token, "a-long-password-1", "a-long-password-1", now=clock().now())
    wizard.save_profile(stuck.case, {"first_name": "Sam", "last_name": "Stuck", "tin_type": "ssn", "tin": "123-45-6789",
                                  "birth_date": "1980-01-01", "address_line1": "1 A St", "city": "Austin",
                                  "state": "TX", "postal_code": "73301"}, today=clock().today())
    wizard.save_w4(stuck.case, {"filing_status": "single", "signed_name": "Sam Stuck"}, today=clock().today())
    wizard.save_i9_section1(stuck.case, {"citizenship": "citizen", "attest": "1", "signed_name": "Sam Stuck"},
                            today=clock().today())
    case = db.session.get(OnboardingCase, stuck.case.id)
    case.step_since = utcnow() - timedelta(days=6)
    db.session.commit()

    http = _hr(app, make_user, login)
    board = http.get("/admin/onboarding/")
    html = board.data.decode()
    assert "Sam Stuck" in html and "Fay Fresh" in html
    row = html[html.index(f'data-case="{stuck.case.id}"') - 40:]
    row = row[:row.index("</tr>")]
    assert "table-warning stuck" in row and "Direct deposit" in row and "6 days" in row and "3/5" in row  # TX: no state form
    # Start Monday 2026-11-02 → section 2 due Thursday 2026-11-05, already past today.
    assert "section 2 overdue since 2026-11-05" in row
    fresh_row = html[html.index(f'data-case="{fresh.case.id}"') - 40:]
    assert "stuck" not in fresh_row[:fresh_row.index("</tr>")]

    only_stuck = http.get("/admin/onboarding/?stuck=1&stuck_days=3").data.decode()
    assert "Sam Stuck" in only_stuck and "Fay Fresh" not in only_stuck
    by_search = http.get("/admin/onboarding/?q=fresh").data.decode()
    assert "Fay Fresh" in by_search and "Sam Stuck" not in by_search
    by_type = http.get("/admin/onboarding/?type=leased_employee").data.decode()
    assert "Sam Stuck" in by_type and "Fay Fresh" not in by_type
    by_step = http.get("/admin/onboarding/?step=direct_deposit").data.decode()
    assert "Sam Stuck" in by_step and "Fay Fresh" not in by_step


def test_hr_completes_i9_section2_with_list_b_and_c(app, db, portal_config, mailbox, acme, make_user, login):
    result = invitations.invite_worker(invite_data(acme.id, type="leased_employee", work_state="TX"), config=app.config,
                               base_url="http://localhost", now=clock().now())
    invitations.accept_invitation(mailbox.last_link().rsplit("/", 1)[1], "a-long-password-1", "a-long-password-1",
                                  now=clock().now())
    wizard.save_profile(result.case, {"first_name": "Dana", "last_name": "Reyes", "tin": "123-45-6789",
                                   "birth_date": "1980-01-01", "address_line1": "1 A St", "city": "Austin",
                                   "state": "TX", "postal_code": "73301"}, today=clock().today())
    wizard.save_w4(result.case, {"filing_status": "single", "signed_name": "Dana Reyes"}, today=clock().today())
    wizard.save_i9_section1(result.case, {"citizenship": "citizen", "attest": "1", "signed_name": "Dana Reyes"},
                            today=clock().today())
    http = _hr(app, make_user, login)
    page = http.get(f"/admin/onboarding/case/{result.case.id}")
    assert b'id="i9-form"' in page.data
    # Only a List B document: refused, List C named, nothing recorded.
    r = http.post(f"/admin/onboarding/case/{result.case.id}/i9", data={
        "csrf_token": csrf_token_from(page.data), "list_b_title": "Driver's license", "list_b_number": "D1234567"})
    assert r.status_code == 422
    assert db.session.execute(sa.select(I9Record.section2_at)).scalar_one() is None
    r = http.post(f"/admin/onboarding/case/{result.case.id}/i9", data={
        "csrf_token": csrf_token_from(page.data), "list_b_title": "Driver's license", "list_b_number": "D1234567",
        "list_b_expires": (date.today() + timedelta(days=400)).isoformat(),
        "list_c_title": "Social Security card", "list_c_number": "123456789"})
    assert r.status_code == 302
    i9 = db.session.execute(sa.select(I9Record)).scalar_one()
    assert i9.section2_at is not None
    assert [(d["list"], d["number_last4"]) for d in i9.section2_documents] == [("B", "4567"), ("C", "6789")]
    assert b"section 2 done" in http.get("/admin/onboarding/?q=dana").data


def test_workers_cannot_open_the_board(app, db, invite_and_accept):
    p = invite_and_accept()
    assert p.http.get("/admin/onboarding/").status_code == 403


def test_the_board_says_when_a_link_expired_and_resending_fixes_it(app, db, portal_config, mailbox, acme,
                                                                   make_user, login):
    from backoffice.onboarding.models import Invitation

    result = invitations.invite_worker(invite_data(acme.id), config=app.config, base_url="http://localhost",
                                       now=clock().now())
    inv = db.session.get(Invitation, result.invitation.id)
    inv.expires_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    http = _hr(app, make_user, login)
    assert b"Invitation expired" in http.get("/admin/onboarding/").data
    page = http.get(f"/admin/onboarding/case/{result.case.id}")
    r = http.post(f"/admin/onboarding/case/{result.case.id}/resend", data={"csrf_token": csrf_token_from(page.data)})
    assert r.status_code == 302 and len(mailbox.messages) == 2
    board = http.get("/admin/onboarding/").data
    assert b"Invitation not accepted yet" in board and b"Invitation expired" not in board


def test_a_page_of_another_worker_is_a_plain_not_found_page(app, db, invite_and_accept):
    p = invite_and_accept()
    r = p.http.get("/portal/documents/987654.pdf")
    assert r.status_code == 404 and b"<h1>Not found</h1>" in r.data


def test_without_a_mail_server_hr_is_shown_the_link_and_it_works(app, db, acme, make_user, login):
    """On the embedded default there is no SMTP server: HR gets the single-use link to hand over, and it opens."""
    import html
    import re

    assert not app.config.get("SMTP_HOST")
    http = _hr(app, make_user, login)
    form = http.get("/admin/onboarding/invite")
    r = http.post("/admin/onboarding/invite", data={
        "csrf_token": csrf_token_from(form.data), "email": "lee@example.com", "first_name": "Lee",
        "last_name": "Park", "client_id": str(acme.id), "type": "contractor", "work_state": "TX",
        "pay_rate": "80", "pay_unit": "hour", "pay_frequency": "biweekly", "start_date": "2026-12-07"},
        follow_redirects=True)
    text = html.unescape(r.get_data(as_text=True))
    link = re.search(r"single-use link: (\S+/portal/invite/[\w-]+)", text)
    assert link, text[:2000]
    path = "/portal/invite/" + link.group(1).rsplit("/portal/invite/", 1)[1]
    assert isolated_client(app).get(path).status_code == 200
