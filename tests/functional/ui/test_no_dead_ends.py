"""No dead ends, on the demo data (one seeded demo, about 25 s): for each demo role, every menu entry and every dashboard link (cards, chart
bars, CSV downloads, drill-downs and the links on them) opens; none answers 403, 404 or 500."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.functional.pagecheck import dead_links, page_links

DEMO_PASSWORD = "tandem-demo-2026"
ROLES = {"admin": "admin@tandem.example", "hr": "hr@tandem.example", "finance": "finance@tandem.example",
         "compliance": "compliance@tandem.example", "client_approver": "approver@tandem.example",
         "worker": "worker@tandem.example"}


@pytest.fixture
def demo(db, fixed_clock):
    from backoffice.workers.demo import seed_demo

    fixed_clock.set(date(2026, 11, 26))      # a Thursday: the demo's runs, deposits and time fall around it
    seed_demo(n_workers=40, today=date(2026, 11, 26))
    from backoffice.security.models import User

    return {u.email: u for u in db.session.execute(sa.select(User)).scalars()}


def test_every_menu_and_dashboard_link_of_each_demo_role_opens(app, demo, login):
    """One demo for all six roles (seeding it is the slow part); the failures are listed per role."""
    dead = {}
    for role, email in ROLES.items():
        c = app.test_client()
        login(c, demo[email], DEMO_PASSWORD)
        home = "/portal/" if role == "worker" else "/admin/"
        page = c.get(home)
        assert page.status_code == 200, role
        links = page_links(page.get_data(as_text=True), "http://localhost" + home)
        assert len(links) > 5, (role, links)
        for drill in [u for u in links if u.startswith("/admin/list/")]:   # the rows behind a figure, one level on
            links += [u for u in page_links(c.get(drill).get_data(as_text=True), "http://localhost" + drill)
                      if u not in links]
        dead[role] = dead_links(lambda url: c.get(url).status_code, links)
        if role == "client_approver":     # their client's time only: no agency-wide figure
            assert "Runs awaiting approval" not in page.get_data(as_text=True)
            assert "Timesheets waiting for you" in page.get_data(as_text=True)
    assert dead == {role: [] for role in ROLES}
