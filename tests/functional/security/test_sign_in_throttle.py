"""Sign-in throttling per address and per (email, address), counted in the database; one answer for unknown,
inactive and locked accounts and a wrong password; no stranger can lock an account out."""
from __future__ import annotations

from datetime import timedelta

import pytest

from backoffice.security.services import update_user
from tests.conftest import PASSWORD, csrf_token_from, isolated_client

OFFICE, STRANGER = "10.0.0.5", "203.0.113.66"


def _attempt(app, email, password, ip=OFFICE):
    http = isolated_client(app)
    http.environ_base["REMOTE_ADDR"] = ip
    token = csrf_token_from(http.get("/login").data)
    return http.post("/login", data={"email": email, "password": password, "csrf_token": token})


def _message(resp) -> str:
    import re

    return re.search(r'role="alert">([^<]*)<', resp.get_data(as_text=True)).group(1)


def test_unknown_inactive_locked_and_wrong_password_get_the_same_answer(app, db, make_user, fixed_clock):
    active, inactive, locked = make_user("hr"), make_user("hr"), make_user("finance")
    update_user(inactive.id, active=False)
    locked.locked_until = fixed_clock.now() + timedelta(hours=1)
    db.session.commit()
    answers = [_attempt(app, "nobody@example.com", PASSWORD), _attempt(app, inactive.email, PASSWORD),
               _attempt(app, locked.email, PASSWORD), _attempt(app, active.email, "wrong-password")]
    assert {r.status_code for r in answers} == {401}
    assert {_message(r) for r in answers} == {"Email or password is wrong."}


def test_an_unknown_email_costs_a_password_check_too(app, db, monkeypatch):
    from backoffice.security import models

    calls = []

    class Spy:
        def __init__(self, real):
            self.real = real

        def hash(self, password):
            return self.real.hash(password)

        def verify(self, hashed, password):
            calls.append(password)
            return self.real.verify(hashed, password)

    monkeypatch.setattr(models, "_hasher", Spy(models._hasher))
    _attempt(app, "nobody@example.com", "some-guess")
    assert calls == ["some-guess"]


def test_a_stranger_cannot_lock_finance_out(app, db, make_user):
    finance = make_user("finance")
    for _ in range(12):
        _attempt(app, finance.email, "guess", ip=STRANGER)
    assert _attempt(app, finance.email, "guess", ip=STRANGER).status_code == 429
    resp = _attempt(app, finance.email, PASSWORD, ip=OFFICE)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/")


@pytest.mark.parametrize("exists", [True, False])
def test_five_failures_for_one_email_from_one_address_then_wait_fifteen_minutes(app, db, make_user, fixed_clock,
                                                                               exists):
    """LOGIN_MAX_FAILURES = 5 in LOGIN_WINDOW_MINUTES = 15; the same for an email with no account."""
    email = make_user("hr").email if exists else "nobody@example.com"
    for _ in range(5):
        assert _attempt(app, email, "wrong-password").status_code == 401
    resp = _attempt(app, email, PASSWORD)
    assert resp.status_code == 429 and _message(resp) == "Too many sign-in attempts. Wait 15 minutes and try again."
    fixed_clock.advance(minutes=16)
    assert _attempt(app, email, PASSWORD).status_code == (302 if exists else 401)


def test_twenty_failures_from_one_address_stop_it_for_every_email(app, db, make_user, fixed_clock):
    """LOGIN_IP_MAX_FAILURES = 20: five guesses at each of four emails, then even a right password waits."""
    user = make_user("hr")
    for i in range(20):
        _attempt(app, f"guess{i % 4}@example.com", "x", ip=STRANGER)
    assert _attempt(app, user.email, PASSWORD, ip=STRANGER).status_code == 429
    assert _attempt(app, user.email, PASSWORD, ip=OFFICE).status_code == 302
    fixed_clock.advance(minutes=16)
    assert _attempt(app, user.email, PASSWORD, ip=STRANGER).status_code == 302


def test_a_success_clears_that_emails_failures_from_that_address(app, db, make_user):
    user = make_user("hr")
    for _ in range(4):
        _attempt(app, user.email, "wrong-password")
    assert _attempt(app, user.email, PASSWORD).status_code == 302
    for _ in range(4):
        assert _attempt(app, user.email, "wrong-password").status_code == 401
    assert _attempt(app, user.email, PASSWORD).status_code == 302
