"""The worker sees where they work from on their engagement (on site, or remote for an office in another state)."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.workers.models import Engagement


def test_engagements_page_says_on_site_then_remote_for_an_office(db, invite_and_accept):
    p = invite_and_accept(type="leased_employee", work_state="NJ", email="lee@example.com", first_name="Lee",
                          last_name="Park", pay_rate="52000", pay_unit="year", pay_frequency="biweekly")
    eng = db.session.execute(sa.select(Engagement)).scalar_one()
    assert b"You work on site in NJ." in p.http.get("/portal/engagements").data
    eng.office_state, eng.remote_for_convenience = "NY", True
    db.session.commit()
    page = p.http.get("/portal/engagements").data
    assert b"You work remotely in NJ by your own choice, for an employer location in NY" in page
    assert b"as if done at the office" in page
    eng.remote_for_convenience = False
    db.session.commit()
    page = p.http.get("/portal/engagements").data
    assert b"You work remotely in NJ because your employer requires it" in page
