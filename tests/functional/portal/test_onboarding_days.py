"""Onboarding "Since": one count of days for one date, on the board, the case page and the API."""
from __future__ import annotations

from datetime import date, datetime, timezone

from backoffice.onboarding.board import days_on_step, stuck_since
from backoffice.onboarding.models import OnboardingCase
from backoffice.onboarding.services import invitations
from tests.functional.portal.conftest import isolated_client
from tests.integration.onboarding.support import invite_data

NOON_22 = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


def test_days_on_step_counts_calendar_days_to_today():
    """Step began 13 Nov (01:00 or 23:00 UTC), today 22 Nov: 22 − 13 = 9 days for both. Counting elapsed 24-hour
    spans to 22 Nov 12:00 gave 9 d 11 h → 9 and 8 d 13 h → 8: the disagreement seen on the board."""
    today = date(2026, 11, 22)
    assert days_on_step(datetime(2026, 11, 13, 1, 0, tzinfo=timezone.utc), today) == 9
    assert days_on_step(datetime(2026, 11, 13, 23, 0, tzinfo=timezone.utc), today) == 9
    assert days_on_step(datetime(2026, 11, 22, 0, 5, tzinfo=timezone.utc), today) == 0
    # stuck after 3 days: began before 19 Nov 00:00 UTC (19 Nov itself is 3 days, not more than 3)
    assert stuck_since(today, 3) == datetime(2026, 11, 19, tzinfo=timezone.utc)
    assert days_on_step(datetime(2026, 11, 18, 23, 59, tzinfo=timezone.utc), today) == 4
    assert days_on_step(datetime(2026, 11, 19, 0, 0, tzinfo=timezone.utc), today) == 3


def test_two_cases_since_the_same_date_show_the_same_days_on_the_board_the_case_page_and_the_api(
        app, db, portal_config, mailbox, acme, make_user, login, token_for, fixed_clock):
    """Fixed clock: 22 Nov 2026 12:00 UTC. Both steps began on 13 Nov (01:00 and 23:00): 9 days each, everywhere."""
    fixed_clock.set(NOON_22)
    early = invitations.invite_worker(invite_data(acme.id, email="early@example.com", first_name="Eve",
                                                  last_name="Early"),
                                      config=app.config, base_url="http://localhost", now=NOON_22)
    late = invitations.invite_worker(invite_data(acme.id, email="late@example.com", first_name="Leo",
                                                 last_name="Late"),
                                     config=app.config, base_url="http://localhost", now=NOON_22)
    db.session.get(OnboardingCase, early.case.id).step_since = datetime(2026, 11, 13, 1, 0, tzinfo=timezone.utc)
    db.session.get(OnboardingCase, late.case.id).step_since = datetime(2026, 11, 13, 23, 0, tzinfo=timezone.utc)
    db.session.commit()

    hr = make_user("hr")
    http = isolated_client(app)
    login(http, hr)
    html = http.get("/admin/onboarding/").data.decode()
    for case in (early.case, late.case):
        row = html[html.index(f'data-case="{case.id}"'):]
        row = row[:row.index("</tr>")]
        assert "2026-11-13" in row and "9 days" in row, row
        page = http.get(f"/admin/onboarding/case/{case.id}").data.decode()
        assert "(9 days)" in page
    api = http.get("/api/v1/onboarding", headers=token_for(hr))
    assert api.status_code == 200, api.json
    days = {item["case_id"]: item["days_on_step"] for item in api.json["items"]}
    assert days == {early.case.id: 9, late.case.id: 9}, api.json
