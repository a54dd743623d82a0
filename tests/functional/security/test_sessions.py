"""Sessions end: sign-out, a password change, deactivation and an admin end them, copied cookies included; idle and
absolute timeouts; CSRF tokens expire."""
from __future__ import annotations

import re

from backoffice.security.services import update_user
from tests.conftest import PASSWORD, csrf_token_from, isolated_client


def _copy_of(app, signed_in):
    """Another browser holding a copy of `signed_in`'s session cookie (what a stolen cookie looks like)."""
    thief = isolated_client(app)
    thief.set_cookie("session", signed_in.get_cookie("session").value)
    return thief


def _signed_in(client) -> bool:
    resp = client.get("/admin/")
    return resp.status_code == 200


def _sign_out(client):
    page = client.get("/admin/")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    return client.post("/logout", data={"csrf_token": token})


def test_a_copied_cookie_stops_working_after_sign_out(app, db, make_user, login):
    user = make_user("finance")
    browser = isolated_client(app)
    login(browser, user)
    thief = _copy_of(app, browser)
    assert _signed_in(thief)
    _sign_out(browser)
    assert not _signed_in(browser)
    resp = thief.get("/admin/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_a_password_change_ends_every_session_of_that_user(app, db, make_user, login):
    user, other = make_user("finance"), make_user("hr")
    laptop, phone, colleague = isolated_client(app), isolated_client(app), isolated_client(app)
    login(laptop, user)
    login(phone, user)
    login(colleague, other)
    thief = _copy_of(app, laptop)
    update_user(user.id, password="a-brand-new-password")
    assert not _signed_in(laptop) and not _signed_in(phone) and not _signed_in(thief)
    assert _signed_in(colleague)  # someone else's session is untouched
    login(laptop, user, password="a-brand-new-password")
    assert _signed_in(laptop)


def test_deactivation_ends_every_session_of_that_user(app, db, make_user, login):
    user = make_user("hr")
    browser = isolated_client(app)
    login(browser, user)
    thief = _copy_of(app, browser)
    update_user(user.id, active=False)
    assert not _signed_in(browser) and not _signed_in(thief)


def test_an_admin_ends_a_users_sessions_from_the_user_list(app, db, make_user, login):
    user, admin = make_user("finance"), make_user("admin")
    browser, admin_browser = isolated_client(app), isolated_client(app)
    login(browser, user)
    login(admin_browser, admin)
    page = admin_browser.get("/admin/users/")
    assert b"End sessions" in page.data
    resp = admin_browser.post("/admin/users/action/", data={
        "action": "end_sessions", "rowid": str(user.id), "csrf_token": csrf_token_from(page.data)})
    assert resp.status_code == 302
    assert not _signed_in(browser)
    assert _signed_in(admin_browser)


def test_a_session_ends_after_an_hour_idle(app, db, make_user, login, fixed_clock):
    """SESSION_IDLE_MINUTES = 60: seen at 12:00 and 12:59 it lives; a request at 14:00 (61 min later) is refused."""
    browser = isolated_client(app)
    login(browser, make_user("hr"))
    fixed_clock.advance(minutes=59)
    assert _signed_in(browser)
    fixed_clock.advance(minutes=61)
    assert not _signed_in(browser)


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(app, db, make_user, login, fixed_clock):
    """SESSION_MAX_HOURS = 12: a request every 50 minutes keeps it alive until 23:50; at 00:05 it is over."""
    browser = isolated_client(app)
    login(browser, make_user("hr"))
    for _ in range(14):  # 14 × 50 min = 11 h 40 min
        fixed_clock.advance(minutes=50)
        assert _signed_in(browser)
    fixed_clock.advance(minutes=25)  # 12 h 5 min after sign-in
    assert not _signed_in(browser)


def test_a_csrf_token_older_than_eight_hours_is_refused(app, db, make_user, monkeypatch):
    import time

    from itsdangerous import TimestampSigner

    user = make_user("hr")
    browser = isolated_client(app)
    token = csrf_token_from(browser.get("/login").data)
    later = int(time.time()) + 8 * 3600 + 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    resp = browser.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 400
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 8 * 3600


def test_hr_who_may_only_read_users_is_not_offered_the_session_actions(app, db, make_user, login):
    hr = isolated_client(app)
    login(hr, make_user("hr"))
    page = hr.get("/admin/users/")
    assert page.status_code == 200
    assert b"End sessions" not in page.data and b"Reset two-factor" not in page.data
