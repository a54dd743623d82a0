"""What issue 18 point 5 (CPU per request) changed, held to what the pages show: the role's rules and the bell's
count come with the session's statement yet stay fresh on the next request; the portal home asks every domain's
task probe and figures in one statement and still shows each task; the admin menu kept per page still follows
the permissions; an export's cells are flask-admin's own."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa


@pytest.fixture
def statements(app, db):
    """The SQL statements sent while the `with` block runs (text, as sent)."""
    from contextlib import contextmanager

    @contextmanager
    def record():
        sent: list[str] = []

        def listen(conn, cursor, statement, *args):
            sent.append(" ".join(statement.split()))
        sa.event.listen(db.engine, "before_cursor_execute", listen)
        try:
            yield sent
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listen)
    return record


@pytest.fixture
def ana(app, db, make_user):
    from tests.factories import ClientFactory, EngagementFactory, WorkerFactory

    worker = WorkerFactory(first_name="Ana", last_name="Quinta")
    EngagementFactory(worker=worker, client=ClientFactory(name="Acme Corp"))
    return worker, make_user("worker", worker_id=worker.id)


def _two_unread_notices(worker) -> None:
    from backoffice.notifications.services import notify
    from backoffice.uow import transaction

    with transaction():
        notify(worker.id, "document_needed", "w4", "Form W-4 needed")
        notify(worker.id, "document_needed", "i9", "Form I-9 needed")


def test_a_portal_page_reads_the_permissions_and_the_bell_with_the_session_in_one_statement(
        app, db, ana, login, statements):
    """Two unread notices: the bell says 2. The paycheck list's statements: the session's (which names the
    permissions and notifications tables in its subqueries) and the list's own; none reads either table alone."""
    worker, user = ana
    _two_unread_notices(worker)
    c = app.test_client()
    login(c, user)
    with statements() as sent:
        page = c.get("/portal/paychecks").get_data(as_text=True)
    assert 'id="bell-count">2<' in page
    sent = [s for s in sent if s.startswith("SELECT")]      # the test's savepoints aside
    assert len(sent) == 2
    assert "FROM permissions" in sent[0] and "FROM notifications" in sent[0] and "FROM user_sessions" in sent[0]
    assert not any(s.startswith("SELECT permissions.") or s.startswith("SELECT count(notifications")
                   for s in sent)


def test_the_bell_follows_the_notification_right_on_the_very_next_request(app, db, ana, login):
    """The count comes with the session's statement, the right with it, both read anew each request: two unread
    notices show 2; the worker role's notification right taken away, the next page shows no count (0, as
    unread_count answers without the right); given back, 2 again."""
    from backoffice.security.models import Permission

    worker, user = ana
    _two_unread_notices(worker)
    c = app.test_client()
    login(c, user)

    def set_read(value: bool):
        db.session.execute(sa.update(Permission).where(Permission.role == "worker", Permission.model == "notification")
                           .values(can_read=value))
        db.session.commit()

    assert 'id="bell-count">2<' in c.get("/portal/paychecks").get_data(as_text=True)
    set_read(False)
    page = c.get("/portal/paychecks").get_data(as_text=True)
    assert 'aria-label="Notifications: 0 unread"' in page and "bell-count" not in page
    set_read(True)
    assert 'id="bell-count">2<' in c.get("/portal/paychecks").get_data(as_text=True)


def test_the_rules_read_with_the_session_equal_the_roles_rows_of_the_permission_table(app, db):
    """role_rules_column's one string, parsed, is HR's rows of the permissions table, row for row (read, write,
    create, delete) — the matrix can() consulted before, from its own statement."""
    from flask import g

    from backoffice.security.access import remember_role_rules, role_rules_column
    from backoffice.security.models import Permission

    table = {p.model: {"read": p.can_read, "write": p.can_write, "create": p.can_create, "delete": p.can_delete}
             for p in db.session.execute(sa.select(Permission).where(Permission.role == "hr")).scalars()}
    with app.test_request_context("/admin/"):
        text = db.session.execute(sa.select(role_rules_column(sa.literal("hr")))).scalar()
        remember_role_rules("hr", text)
        parsed = g._perm_cache["hr"]
    assert len(table) > 30 and parsed == table


def test_the_home_asks_every_probe_in_one_statement_and_shows_a_sent_back_week(app, db, ana, login, statements,
                                                                               make_user):
    """Nothing pending: no timesheet, onboarding, review or poll rows are read (only their EXISTS probes, in one
    statement). A week the client rejects: the probe holds and the task is on the home, with its reason."""
    from payroll.timesheets import services as ts
    from backoffice.workers.models import Engagement

    worker, user = ana
    c = app.test_client()
    login(c, user)
    with statements() as sent:
        home = c.get("/portal/").get_data(as_text=True)
    assert "Nothing to do right now." in home
    probes = [s for s in sent if "EXISTS" in s and "FROM timesheets" in s]
    assert len(probes) == 1 and "FROM onboarding_cases" in probes[0] and "FROM polls" in probes[0]
    assert not any(s.startswith("SELECT timesheets.") or s.startswith("SELECT polls.") for s in sent)

    eng = db.session.execute(sa.select(Engagement).where(Engagement.worker_id == worker.id)).scalar_one()
    approver = make_user("client_approver", client_id=eng.client_id)
    sheet = ts.save_timesheet({"engagement_id": eng.id, "week_start": date(2026, 11, 16), "mon": "8"}, user)
    ts.submit_timesheet(sheet.id, user)
    ts.reject_timesheet(sheet.id, approver, "Monday was a holiday")
    home = c.get("/portal/").get_data(as_text=True)
    assert re.search(r"Fix your time for Acme Corp, week of 2026-11-16 \(rejected: Monday was a holiday\)", home)


def test_the_admin_menu_kept_per_page_still_follows_the_permissions(app, db, make_user, login):
    """HR sees Workers in the menu; HR's worker read right taken away, the next page's menu no longer lists it
    (the kept menu is keyed by what the user may open); given back, it is listed again."""
    from backoffice.security.models import Permission

    c = app.test_client()
    login(c, make_user("hr"))

    def menu() -> str:
        page = c.get("/admin/payroll_run/").get_data(as_text=True)
        return re.search(r'<ul class="nav navbar-nav mr-auto">(.*?)</ul>\s*<ul class="nav navbar-nav navbar-right',
                         page, re.S).group(1)

    assert 'href="/admin/workers/"' in menu()
    db.session.execute(sa.update(Permission).where(Permission.role == "hr", Permission.model == "worker")
                       .values(can_read=False))
    db.session.commit()
    assert 'href="/admin/workers/"' not in menu()
    db.session.execute(sa.update(Permission).where(Permission.role == "hr", Permission.model == "worker")
                       .values(can_read=True))
    db.session.commit()
    assert 'href="/admin/workers/"' in menu()


def test_an_exports_cells_are_flask_admins_own_export_values(app, db, make_user, login):
    """Every cell the export's per-column getters give equals flask-admin's get_export_value for the same row and
    column (its formatters, choices and type formatters), on the worker list: a name a spreadsheet would run, the
    masked TIN column's formatter, the status column, e-mails."""
    from tests.factories import WorkerFactory

    WorkerFactory(first_name="Ann", last_name="=Formula", phone="")
    WorkerFactory(first_name="Bo", last_name="Plain")
    admin = app.extensions["tandem_admin"]
    view = next(v for v in admin._views if getattr(v, "endpoint", "") == "workers")
    c = app.test_client()
    login(c, make_user("hr"))
    with app.test_request_context("/admin/workers/export/csv/"):
        from flask_login import login_user
        from backoffice.security.models import User
        login_user(db.session.execute(sa.select(User).where(User.role == "hr")).scalars().first())
        columns = list(view._export_columns)
        _count, rows = view._export_data()
        ours = [[view._export_cell(name)(row) for name, _ in columns] for row in rows]
        theirs = [[view.get_export_value(row, name) for name, _ in columns] for row in rows]
    assert len(rows) == 2 and ours == theirs
