"""Security headers on every response (admin, portal, API, error pages, sign-in) and the cookie flags."""
from __future__ import annotations

import re

import pytest

from tests.conftest import isolated_client
from tests.factories import WorkerFactory


@pytest.fixture
def restore_session_app(app):
    """Creating a second app makes its Celery app and keys the current ones; give the session's app its place back."""
    from backoffice import crypto

    yield
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()
    crypto._STATE["last"] = app.extensions["crypto"]


def assert_security_headers(resp):
    h = resp.headers
    csp = h["Content-Security-Policy"]
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert h["X-Frame-Options"] == "DENY"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in h["Permissions-Policy"]
    return directives


def test_an_admin_page_carries_every_security_header(app, db, make_user, login):
    c = isolated_client(app)
    login(c, make_user("hr"))
    resp = c.get("/admin/")
    assert resp.status_code == 200
    assert_security_headers(resp)
    assert "Strict-Transport-Security" not in resp.headers  # BASE_URL is http:// in tests


def test_inline_scripts_run_only_with_the_nonce_of_their_own_response(app, db, make_user, login):
    """flask-admin's scripts carry the response's nonce (any inline one would run only with it); the next response
    has another one."""
    c = isolated_client(app)
    login(c, make_user("admin"))
    first, second = c.get("/admin/users/"), c.get("/admin/users/")
    nonces = []
    for resp in (first, second):
        script_src = assert_security_headers(resp)["script-src"]
        nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
        html = resp.get_data(as_text=True)
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert all(f'nonce="{nonce}"' in attrs for attrs in inline), inline
        assert f'nonce="{nonce}" src="/admin/static/admin/js/bs4_filters.js' in html
        nonces.append(nonce)
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 22


def test_a_portal_page_carries_every_security_header(app, db, make_user, login):
    worker = WorkerFactory()
    c = isolated_client(app)
    login(c, make_user("worker", worker_id=worker.id))
    resp = c.get("/portal/")
    assert resp.status_code == 200
    assert_security_headers(resp)


def test_the_portal_allows_the_plaid_link_script_from_its_configured_origin(app, db):
    saved = app.config["PLAID_LINK_SCRIPT_URL"]
    app.config["PLAID_LINK_SCRIPT_URL"] = "https://cdn.plaid.com/link/v2/stable/link-initialize.js"
    try:
        directives = assert_security_headers(isolated_client(app).get("/login"))
    finally:
        app.config["PLAID_LINK_SCRIPT_URL"] = saved
    assert "https://cdn.plaid.com" in directives["script-src"].split()
    assert directives["frame-src"].split() == ["'self'", "https://cdn.plaid.com"]  # + our own agreement PDF


def test_an_api_response_and_an_api_error_carry_the_headers(app, db, make_user, token_for):
    c = isolated_client(app)
    ok = c.get("/api/v1/workers", headers=token_for(make_user("hr")))
    assert ok.status_code == 200
    assert_security_headers(ok)
    refused = c.get("/api/v1/workers")
    assert refused.status_code == 401
    assert_security_headers(refused)


def test_an_error_page_and_the_sign_in_page_carry_the_headers(app, db):
    c = isolated_client(app)
    missing = c.get("/no-such-page", headers={"Accept": "text/html"})
    assert missing.status_code == 404
    assert_security_headers(missing)
    assert_security_headers(c.get("/login"))
    assert_security_headers(c.get("/healthz"))


def session_cookie(resp) -> str:
    return next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_cookies_are_not_secure_and_there_is_no_hsts_with_an_http_base_url(app, db):
    resp = isolated_client(app).get("/login")
    cookie = session_cookie(resp)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    assert "Strict-Transport-Security" not in resp.headers
    assert app.config["PREFERRED_URL_SCHEME"] == "http"


def test_an_https_base_url_makes_cookies_secure_and_sends_hsts(app_config, tmp_path, restore_session_app):
    from backoffice.app import create_app

    https = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/https.db",
                            BASE_URL="https://tandem.example.com"))
    assert https.config["SESSION_COOKIE_SECURE"] is True
    assert https.config["REMEMBER_COOKIE_SECURE"] is True
    assert https.config["PREFERRED_URL_SCHEME"] == "https"
    resp = https.test_client().get("/login")
    cookie = session_cookie(resp)
    assert "; Secure" in cookie and "HttpOnly" in cookie
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert_security_headers(resp)


def test_the_base_url_comes_from_the_environment(monkeypatch, app_config, tmp_path, restore_session_app):
    from backoffice.app import create_app

    monkeypatch.setenv("BACKOFFICE_BASE_URL", "https://payroll.agency.example")
    env = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/env.db"))
    assert env.config["BASE_URL"] == "https://payroll.agency.example"
    assert env.config["SESSION_COOKIE_SECURE"] is True


def test_the_only_inline_handler_on_an_admin_list_is_allowed_by_its_hash(app, db, make_user, login):
    """flask-admin's delete button asks "Are you sure?" in an onclick=""; the policy allows exactly that text by
    its SHA-256 ('unsafe-hashes'), so the question is asked and no other inline handler runs."""
    import base64
    import hashlib
    import html as html_lib

    c = isolated_client(app)
    login(c, make_user("admin"))
    resp = c.get("/admin/permissions/")
    script_src = assert_security_headers(resp)["script-src"].split()
    handlers = {html_lib.unescape(h) for h in re.findall(r'onclick="([^"]*)"', resp.get_data(as_text=True))}
    deletes = {h for h in handlers if "safeConfirm" in h}
    assert deletes, "the permission list has delete buttons"
    assert "'unsafe-hashes'" in script_src
    for handler in deletes:
        digest = base64.b64encode(hashlib.sha256(handler.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
