"""The TOTP second factor: enrolment by QR code with recovery codes shown once and stored hashed, the code asked
after the password, codes used once, and BACKOFFICE_REQUIRE_MFA for admin and finance."""
from __future__ import annotations

import re

import pyotp
import pytest

from backoffice.security import mfa
from backoffice.security.services import issue_api_token
from tests.conftest import PASSWORD, csrf_token_from, isolated_client


@pytest.fixture
def require_mfa(app):
    app.config["REQUIRE_MFA"] = True
    yield
    app.config["REQUIRE_MFA"] = False


def _enrol(http, fixed_clock) -> tuple[str, list[str]]:
    """Enrol through the page: read the key, answer with the app's code; returns (secret, recovery codes)."""
    page = http.get("/admin/account/two-factor")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and 'class="segno"' in html
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', html).group(1)
    code = pyotp.TOTP(secret).at(fixed_clock.now())
    done = http.post("/admin/account/two-factor", data={"code": code, "csrf_token": csrf_token_from(page.data)})
    assert done.status_code == 200, done.data[:300]
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.get_data(as_text=True))
    return secret, codes


def _password(http, user, password=PASSWORD):
    token = csrf_token_from(http.get("/login").data)
    return http.post("/login", data={"email": user.email, "password": password, "csrf_token": token})


def _code(http, code):
    page = http.get("/login/code")
    return http.post("/login/code", data={"code": code, "csrf_token": csrf_token_from(page.data)})


def test_enrolment_shows_ten_recovery_codes_once_and_stores_only_hashes(app, db, make_user, login, fixed_clock):
    user = make_user("hr")
    http = isolated_client(app)
    login(http, user)
    secret, codes = _enrol(http, fixed_clock)
    assert len(codes) == 10 and len(set(codes)) == 10
    db.session.expire_all()
    stored = db.session.get(type(user), user.id)
    assert stored.mfa_enabled and stored.totp_secret == secret
    assert not any(c in stored.mfa_recovery_codes for c in codes)
    raw = db.session.execute(db.text("SELECT totp_secret FROM users WHERE id = :id"), {"id": user.id}).scalar()
    assert secret not in raw  # encrypted at rest
    again = http.get("/admin/account/two-factor", follow_redirects=True).get_data(as_text=True)
    assert "already on" in again and codes[0] not in again


def test_a_wrong_first_code_does_not_turn_it_on(app, db, make_user, login, fixed_clock):
    user = make_user("hr")
    http = isolated_client(app)
    login(http, user)
    page = http.get("/admin/account/two-factor")
    resp = http.post("/admin/account/two-factor", data={"code": "000000", "csrf_token": csrf_token_from(page.data)})
    assert resp.status_code == 422 and b'id="code-error"' in resp.data
    db.session.expire_all()
    assert not db.session.get(type(user), user.id).mfa_enabled


def test_sign_in_asks_the_code_after_the_password_for_an_enrolled_user(app, db, make_user, login, fixed_clock):
    user = make_user("finance")
    setup = isolated_client(app)
    login(setup, user)
    secret, _ = _enrol(setup, fixed_clock)
    fixed_clock.advance(minutes=1)
    http = isolated_client(app)
    resp = _password(http, user)
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login/code")
    assert http.get("/admin/").status_code == 302  # the password alone opens nothing
    wrong = _code(http, "123456")
    assert wrong.status_code == 401 and b"not right" in wrong.data
    ok = _code(http, pyotp.TOTP(secret).at(fixed_clock.now()))
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/admin/")
    assert http.get("/admin/").status_code == 200


def test_a_code_works_once_and_so_does_a_recovery_code(app, db, make_user, login, fixed_clock):
    user = make_user("hr")
    setup = isolated_client(app)
    login(setup, user)
    secret, codes = _enrol(setup, fixed_clock)
    fixed_clock.advance(minutes=1)
    code = pyotp.TOTP(secret).at(fixed_clock.now())
    first, second = isolated_client(app), isolated_client(app)
    _password(first, user)
    assert _code(first, code).status_code == 302
    _password(second, user)
    assert _code(second, code).status_code == 401  # the same code, replayed within its 30 seconds
    assert _code(second, codes[3].upper()).status_code == 302
    third = isolated_client(app)
    _password(third, user)
    assert _code(third, codes[3]).status_code == 401


def test_without_the_setting_nobody_is_forced_to_enrol(app, db, make_user, login):
    http = isolated_client(app)
    login(http, make_user("finance"))
    assert http.get("/admin/").status_code == 200


def test_required_mfa_sends_finance_and_admin_to_enrolment_first(app, db, make_user, login, fixed_clock,
                                                                require_mfa):
    for role in ("finance", "admin"):
        http = isolated_client(app)
        login(http, make_user(role))
        for path in ("/admin/", "/admin/users/", "/portal/"):
            resp = http.get(path)
            assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/account/two-factor"), path
        _enrol(http, fixed_clock)
        assert http.get("/admin/").status_code == 200
    hr = isolated_client(app)
    login(hr, make_user("hr"))
    assert hr.get("/admin/").status_code == 200  # HR may enrol, but is not made to


def test_required_mfa_refuses_api_tokens_of_finance_users_not_enrolled(app, db, make_user, require_mfa):
    headers = {"Authorization": f"Bearer {issue_api_token(make_user('finance'))}"}
    resp = isolated_client(app).get("/api/v1/workers", headers=headers)
    assert resp.status_code == 401 and resp.get_json()["error"] == "mfa_required"


def test_the_environment_variable_turns_it_on(monkeypatch, app_config, tmp_path):
    from flask import Flask

    from backoffice.config import ENV_VARS, load_config

    assert ENV_VARS["BACKOFFICE_REQUIRE_MFA"] == "REQUIRE_MFA"
    flask_app = Flask("t", instance_path=str(tmp_path))
    load_config(flask_app, {"TESTING": True}, environ={"BACKOFFICE_REQUIRE_MFA": "1"})
    assert flask_app.config["REQUIRE_MFA"] is True
    load_config(flask_app, {"TESTING": True}, environ={"BACKOFFICE_REQUIRE_MFA": "0"})
    assert flask_app.config["REQUIRE_MFA"] is False


def test_an_admin_resets_a_lost_second_factor(app, db, make_user, login, fixed_clock):
    user = make_user("hr")
    setup = isolated_client(app)
    login(setup, user)
    _enrol(setup, fixed_clock)
    mfa.reset(user.id)
    http = isolated_client(app)
    resp = _password(http, user)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/")
