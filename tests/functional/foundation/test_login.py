"""Sign-in: hashed passwords, CSRF on the form, a wait after repeated failures, sign-out."""
from __future__ import annotations

import re

import sqlalchemy as sa

from tests.conftest import PASSWORD, csrf_token_from


def _post_login(c, email, password):
    token = csrf_token_from(c.get("/login").data)
    return c.post("/login", data={"email": email, "password": password, "csrf_token": token})


def test_passwords_are_stored_as_argon2_hashes(db, make_user):
    user = make_user("hr")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_login_without_csrf_token_is_refused(client, make_user):
    user = make_user("hr")
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 400


def test_wrong_password_then_a_wait_after_five_failures(app, db, make_user):
    """LOGIN_MAX_FAILURES = 5 for one email from one address: the sixth try waits (429), even with the right
    password; the account itself is not locked (no locked_until), so nobody can lock it from elsewhere."""
    user = make_user("hr")
    c = app.test_client()
    for _ in range(5):
        assert _post_login(c, user.email, "wrong-password").status_code == 401
    resp = _post_login(c, user.email, PASSWORD)
    assert resp.status_code == 429 and b"Too many sign-in attempts" in resp.data
    db.session.expire_all()
    assert db.session.get(type(user), user.id).locked_until is None


def test_sign_in_lands_staff_on_admin_and_sign_out_ends_the_session(app, db, make_user):
    user = make_user("finance")
    c = app.test_client()
    resp = _post_login(c, user.email, PASSWORD)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/")
    page = c.get("/admin/")
    assert page.status_code == 200
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    c.post("/logout", data={"csrf_token": token})
    assert c.get("/admin/").status_code == 302


def test_next_parameter_cannot_send_users_off_site(app, db, make_user):
    user = make_user("hr")
    c = app.test_client()
    token = csrf_token_from(c.get("/login").data)
    resp = c.post("/login?next=https://evil.example/x", data={"email": user.email, "password": PASSWORD,
                                                              "csrf_token": token})
    assert resp.headers["Location"].endswith("/admin/")


def test_dashboard_shows_headcount(app, db, make_user, login):
    from backoffice.workers import services

    cl = services.create_client({"name": "Acme Robotics"})
    for i in range(3):
        w = services.create_worker({"first_name": f"W{i}", "last_name": "X", "email": f"w{i}@example.com"})
        services.create_engagement({"worker_id": w.id, "client_id": cl.id, "work_state": "CA", "pay_rate": "20",
                                    "start_date": "2026-01-01",
                                    "type": "contractor" if i == 0 else "leased_employee"})
    c = app.test_client()
    login(c, make_user("hr"))
    html = c.get("/admin/").get_data(as_text=True)
    assert "Acme Robotics" in html and "Leased employees" in html
    # 2 leased employees and 1 contractor, 3 engagements in CA
    assert re.search(r"Leased employees</a></th>.*?tandem-chart-value\">2</div>", html, re.S)
    assert re.search(r"Contractors</a></th>.*?tandem-chart-value\">1</div>", html, re.S)
    assert re.search(r"CA</a></th>.*?tandem-chart-value\">3</div>", html, re.S)


def test_a_sign_in_is_audited_under_the_person_signing_in(app, db, make_user):
    import json

    from backoffice.audit import AuditLog

    user = make_user("hr")
    _post_login(app.test_client(), user.email, PASSWORD)
    row = db.session.execute(sa.select(AuditLog).where(AuditLog.model == "users", AuditLog.action == "update")
                             .order_by(AuditLog.id.desc())).scalars().first()
    assert row.user_email == user.email and row.record_id == str(user.id)
    assert "last_login_at" in json.loads(row.changes)
