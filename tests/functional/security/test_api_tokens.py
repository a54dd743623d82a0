"""API tokens expire (90 days by default), can be revoked (CLI, admin list, one's own page), and record when they
were last used; an expired or revoked token gets a 401 that says which."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from backoffice.cli import main
from backoffice.security.models import ApiToken
from backoffice.security.services import issue_api_token
from tests.conftest import csrf_token_from, isolated_client

NOON = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


def _row(db, token: str) -> ApiToken:
    db.session.expire_all()
    return db.session.execute(sa.select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token))).scalar_one()


def _get(app, token):
    return isolated_client(app).get("/api/v1/workers", headers={"Authorization": f"Bearer {token}"})


def test_a_new_token_expires_after_90_days_and_is_refused_after(app, db, make_user, fixed_clock):
    """Issued 2026-11-22 12:00 UTC + 90 days = 2027-02-20 12:00 UTC."""
    token = issue_api_token(make_user("hr"), "report script")
    assert _row(db, token).expires_at == datetime(2027, 2, 20, 12, 0, tzinfo=timezone.utc)
    fixed_clock.set(datetime(2027, 2, 20, 11, 59, tzinfo=timezone.utc))
    assert _get(app, token).status_code == 200
    fixed_clock.set(datetime(2027, 2, 20, 12, 0, tzinfo=timezone.utc))
    resp = _get(app, token)
    assert resp.status_code == 401
    assert resp.get_json()["error"] == "token_expired" and "expired" in resp.get_json()["message"]


def test_a_revoked_token_is_refused_at_once(app, db, make_user, fixed_clock, runner):
    token = issue_api_token(make_user("hr"), "laptop")
    assert _get(app, token).status_code == 200
    result = runner.invoke(main, args=["revoke-token", "--prefix", token[:10]])
    assert result.exit_code == 0, result.output
    assert "revoked" in result.output
    resp = _get(app, token)
    assert resp.status_code == 401 and resp.get_json()["error"] == "token_revoked"
    assert _row(db, token).revoked_at == NOON


def test_an_unknown_token_gets_a_plain_401(app, db):
    resp = _get(app, "tdm_not-a-real-token")
    assert resp.status_code == 401 and resp.get_json()["error"] == "unauthorized"


def test_last_used_at_is_written_on_use_at_most_once_a_minute(app, db, make_user, fixed_clock):
    token = issue_api_token(make_user("hr"))
    assert _row(db, token).last_used_at is None
    _get(app, token)
    assert _row(db, token).last_used_at == NOON
    fixed_clock.advance(seconds=30)
    _get(app, token)
    assert _row(db, token).last_used_at == NOON  # 30 s later: not written again
    fixed_clock.advance(seconds=45)
    _get(app, token)
    assert _row(db, token).last_used_at == datetime(2026, 11, 22, 12, 1, 15, tzinfo=timezone.utc)


def test_create_token_takes_a_lifetime_in_days(app, db, make_user, fixed_clock, runner):
    user = make_user("finance")
    help_text = runner.invoke(main, args=["create-token", "--help"]).output
    assert "--ttl-days" in help_text and "90" in help_text
    result = runner.invoke(main, args=["create-token", "--email", user.email, "--ttl-days", "7"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[0]
    assert _row(db, token).expires_at == datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
    too_long = runner.invoke(main, args=["create-token", "--email", user.email, "--ttl-days", "400"])
    assert too_long.exit_code != 0


def test_revoke_token_by_email_revokes_every_token_of_that_user(app, db, make_user, runner):
    user = make_user("hr")
    tokens = [issue_api_token(user, "a"), issue_api_token(user, "b")]
    result = runner.invoke(main, args=["revoke-token", "--email", user.email])
    assert result.exit_code == 0 and "2 API tokens revoked" in result.output
    assert all(_get(app, t).status_code == 401 for t in tokens)


def test_an_admin_lists_tokens_and_revokes_one(app, db, make_user, login, fixed_clock):
    hr = make_user("hr")
    token = issue_api_token(hr, "payroll export")
    _get(app, token)
    admin = isolated_client(app)
    login(admin, make_user("admin"))
    page = admin.get("/admin/api_tokens/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert token[:10] in html and "payroll export" in html and "2027-02-20 12:00 UTC" in html
    assert token not in html  # only the prefix is known
    resp = admin.post("/admin/api_tokens/action/", data={"action": "revoke", "rowid": str(_row(db, token).id),
                                                         "csrf_token": csrf_token_from(page.data)})
    assert resp.status_code == 302
    assert _get(app, token).status_code == 401


def test_hr_cannot_open_the_token_list(app, db, make_user, login):
    http = isolated_client(app)
    login(http, make_user("hr"))
    assert http.get("/admin/api_tokens/").status_code == 403


def test_a_user_sees_and_revokes_their_own_tokens_only(app, db, make_user, login):
    me, other = make_user("hr"), make_user("finance")
    mine, theirs = issue_api_token(me, "my script"), issue_api_token(other, "their script")
    http = isolated_client(app)
    login(http, me)
    page = http.get("/admin/account/")
    html = page.get_data(as_text=True)
    assert mine[:10] in html and "my script" in html and theirs[:10] not in html
    token = csrf_token_from(page.data)
    refused = http.post(f"/admin/account/tokens/{_row(db, theirs).id}/revoke", data={"csrf_token": token})
    assert refused.status_code == 404
    assert _get(app, theirs).status_code == 200
    done = http.post(f"/admin/account/tokens/{_row(db, mine).id}/revoke", data={"csrf_token": token})
    assert done.status_code == 302
    assert _get(app, mine).status_code == 401
