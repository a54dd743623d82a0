"""Admin lists on big tables: the row count stops at the view's cap ("more than 10,000") and the list then pages
with Previous / Next; below the cap the count is exact; search, filters and row scopes apply to the capped count
as to the page. The paycheck list is searched by the worker's name."""
from __future__ import annotations

import re

import pytest

from backoffice.admin import CappedCount


def _seed(n: int) -> None:
    from backoffice.workers import services

    for i in range(n):
        services.create_worker({"first_name": f"Pat{i}", "last_name": "Quinn" if i % 2 else "Zed",
                                "email": f"p{i}@example.com", "tin": f"123-45-67{i:02d}", "state": "CA"})


@pytest.fixture
def workers_view(app):
    """The workers list view with a small cap and page (restored afterwards)."""
    view = next(v for v in app.extensions["tandem_admin"]._views if getattr(v, "endpoint", None) == "workers")
    saved = view.count_cap, view.page_size
    yield view
    view.count_cap, view.page_size = saved


def _stated(html: str) -> str:
    found = re.search(r"List \(([^)]*)\)", html)
    return found.group(1) if found else ""


def _names(html: str) -> set[str]:
    return set(re.findall(r"Pat\d+", html))


def test_a_capped_count_reads_as_more_than_the_cap_and_compares_past_it():
    """CappedCount(10000) stands for 10,001 rows: it prints "more than 10,000" and pages like any int."""
    count = CappedCount(10_000)
    assert str(count) == "more than 10,000"
    assert count == 10_001 and count > 10_000


def test_a_list_past_its_cap_says_more_than_the_cap_and_pages_with_previous_and_next(app, db, make_user, login,
                                                                                    workers_view):
    """5 workers, cap 3, pages of 2: the count query stops at 4 rows (> 3), so the tab reads "more than 3" and the
    pager is Previous / Next (no numbered page 3 to jump to). Pages 0, 1, 2 hold 2 + 2 + 1 = 5 workers, each once;
    page 3 is empty."""
    _seed(5)
    workers_view.count_cap, workers_view.page_size = 3, 2
    c = app.test_client()
    login(c, make_user("hr"))
    first = c.get("/admin/workers/").get_data(as_text=True)
    assert _stated(first) == "more than 3"
    pager = first[first.find('class="pagination"'):][:600]
    assert "?page=1&amp;page_size=2" in pager                     # Next
    assert "?page=2" not in pager                                 # no numbered pages past it
    pages = [_names(c.get(f"/admin/workers/?page={p}").get_data(as_text=True)) for p in range(4)]
    assert [len(p) for p in pages] == [2, 2, 1, 0]
    assert set().union(*pages) == {f"Pat{i}" for i in range(5)}


def test_a_list_below_its_cap_states_its_exact_count_with_numbered_pages(app, db, make_user, login, workers_view):
    """5 workers, cap 10, pages of 2: "List (5)" and a numbered pager to page 3 (?page=2, counted from 0)."""
    _seed(5)
    workers_view.count_cap, workers_view.page_size = 10, 2
    c = app.test_client()
    login(c, make_user("hr"))
    html = c.get("/admin/workers/").get_data(as_text=True)
    assert _stated(html) == "5"
    assert "?page=2&amp;page_size=2" in html[html.find('class="pagination"'):]


def test_the_capped_count_applies_the_search(app, db, make_user, login, workers_view):
    """7 workers: Pat1, 3, 5 are Quinn (3), Pat0, 2, 4, 6 are Zed (4). Cap 3: a search for Zed counts past the cap,
    a search for Quinn states its exact 3."""
    _seed(7)
    workers_view.count_cap = 3
    c = app.test_client()
    login(c, make_user("hr"))
    assert _stated(c.get("/admin/workers/?search=zed").get_data(as_text=True)) == "more than 3"
    quinn = c.get("/admin/workers/?search=quinn").get_data(as_text=True)
    assert _stated(quinn) == "3" and _names(quinn) == {"Pat1", "Pat3", "Pat5"}


def test_an_approver_counts_only_their_clients_timesheets(app, db, make_user, login):
    """Two clients with one timesheet each: client A's approver sees "List (1)" and only A's worker, though the
    table holds 2 (the scope applies to the capped count as to the page)."""
    from tests.factories import ClientFactory, EngagementFactory, WorkerFactory
    from payroll.timesheets.services import save_timesheet

    hr = make_user("hr")
    a, b = ClientFactory(name="Acme"), ClientFactory(name="Bolt")
    for n, client in ((1, a), (2, b)):
        e = EngagementFactory(worker=WorkerFactory(n=n, first_name=f"Pat{n}"), client=client)
        save_timesheet({"engagement_id": e.id, "week_start": "2026-11-02", "mon": "8"}, hr)
    db.session.commit()
    approver = make_user("client_approver", client_id=a.id)
    c = app.test_client()
    login(c, approver)
    html = c.get("/admin/timesheet/").get_data(as_text=True)
    assert _stated(html) == "1"


def test_hr_finds_paychecks_by_the_workers_last_name(app, db, make_user, login):
    """Two workers paid in one calculated run: searching the paycheck list for the first one's last name lists
    their paycheck (1 row) and not the other's."""
    from payroll.models import Paycheck
    from payroll.services import runs
    from tests.integration.payroll.conftest import World

    w = World(db, make_user)
    first, second = w.worker(), w.worker()
    second.worker.last_name = "Okonkwo"
    db.session.commit()
    for e in (first, second):
        w.time(e)
    run = w.regular_run()
    runs.start_calculation(run.id, w.hr)
    paid = {p.worker_id: p.id for p in db.session.query(Paycheck).filter_by(run_id=run.id)}
    assert len(paid) == 2
    c = app.test_client()
    login(c, w.hr)
    html = c.get("/admin/paycheck/?search=okonkwo").get_data(as_text=True)
    assert _stated(html) == "1"
    assert f'href="/admin/payroll-runs/paystub/{paid[second.worker_id]}"' in html
    assert f'href="/admin/payroll-runs/paystub/{paid[first.worker_id]}"' not in html


def _statements(app, client, url: str) -> tuple[int, str]:
    """The SELECT statements one GET of `url` sends (a statement counter on the engine), and the page."""
    import sqlalchemy as sa

    from backoffice.extensions import db

    count = []

    def tick(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):     # not the test transaction's savepoints
            count.append(" ".join(statement.split())[:90])

    sa.event.listen(db.engine, "before_cursor_execute", tick)
    try:
        html = client.get(url).get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", tick)
    return count, html


def test_the_paycheck_list_sends_as_many_statements_for_three_paychecks_as_for_one(app, db, make_user, login):
    """No per-row queries: the page's worker, run and engagement names come by one query per relation. One
    paycheck, then three (two more workers paid in a second run): the same number of statements."""
    from payroll.services import runs
    from tests.integration.payroll.conftest import WEEK1, World

    w = World(db, make_user)
    first = w.worker()
    w.time(first)
    runs.start_calculation(w.regular_run().id, w.hr)
    c = app.test_client()
    login(c, w.hr)
    c.get("/admin/paycheck/")                                   # warm: the session's first-request writes
    one, html = _statements(app, c, "/admin/paycheck/")
    assert _stated(html) == "1"
    from datetime import timedelta

    week2 = WEEK1 + timedelta(days=7)
    for e in (w.worker(), w.worker()):
        w.time(e, week=week2)
    runs.start_calculation(w.regular_run(day=week2).id, w.hr)
    three, html = _statements(app, c, "/admin/paycheck/")
    assert _stated(html) == "3"
    assert len(three) == len(one), (one, three)


def test_a_percent_sign_in_the_paycheck_search_is_a_character_not_a_wildcard(app, db, make_user, login):
    """No worker's name or e-mail holds "%": searching for it lists no paycheck (as a LIKE wildcard it would list
    them all), while the worker's e-mail domain finds the paycheck."""
    from payroll.services import runs
    from tests.integration.payroll.conftest import World

    w = World(db, make_user)
    e = w.worker()
    w.time(e)
    runs.start_calculation(w.regular_run().id, w.hr)
    c = app.test_client()
    login(c, w.hr)
    everything = c.get("/admin/paycheck/?search=%25").get_data(as_text=True)
    assert "/admin/payroll-runs/paystub/" not in everything
    domain = e.worker.email.split("@", 1)[1]
    found = c.get(f"/admin/paycheck/?search={domain}").get_data(as_text=True)
    assert _stated(found) == "1"
