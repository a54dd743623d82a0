"""Timesheet import from CSV and XLSX: all-or-nothing, every bad row named by line and column, locked weeks refused."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from backoffice.cli import main
from payroll.timesheet_import import import_file
from tests.conftest import csrf_token_from
from tests.integration.payroll.conftest import World

HEADER = ["engagement_id", "worker_email", "client", "week_start", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
          "notes"]
WEEK = "2026-11-02"        # a Monday
NEXT = "2026-11-09"


@pytest.fixture
def world(db, make_user):
    return World(db, make_user)


@pytest.fixture
def people(db, world):
    from backoffice.workers.models import Engagement

    ann = world.worker(state="TX", rate="25.00")
    bo = world.worker(state="TX", rate="20.00")
    ended = world.worker(state="TX")
    ended.end_date = date(2026, 11, 4)            # Wednesday of WEEK
    ended.status = "ended"
    pending = world.worker(state="TX")
    pending.status = "pending"
    db.session.commit()
    return {"ann": ann, "bo": bo, "ended": ended, "pending": pending, "world": world,
            "bo_email": db.session.get(Engagement, bo.id).worker.email}


def csv_file(rows) -> bytes:
    lines = [",".join(HEADER)] + [",".join(str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def xlsx_file(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append([None if v == "" else v for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def timesheets(db):
    from payroll.models import Timesheet

    return db.session.execute(sa.select(Timesheet).order_by(Timesheet.id)).scalars().all()


def row(eng_id, week=WEEK, hours=(8, 8, 8, 8, 8, 0, 0), email="", client="", note=""):
    return [eng_id, email, client, week, *hours, note]


def good_rows(p):
    return [row(p["ann"].id, hours=(9, 9, 9, 9, 9, 0, 0)),
            row("", email=p["bo_email"], client="Acme Logistics", hours=(8, 8, 7.5, 8, 6, 0, 0), note="left early")]


def bad_rows(p):
    """Line numbers: the header is line 1. Line 8 is good; every other line has one or two problems."""
    return [
        row(999999),                                                      # 2: engagement_id not found
        row(p["ann"].id, week="2026-11-03"),                              # 3: week_start is a Tuesday
        row(p["bo"].id, hours=(8, 25, 8, 8, 8, 0, 0)),                    # 4: tue over 24
        row(p["bo"].id, week=NEXT, hours=(8, 8, "abc", 8, -1, 0, 0)),     # 5: wed not a number, fri negative
        row(p["ended"].id, hours=(8, 8, 8, 8, 8, 0, 0)),                  # 6: thu, fri after the engagement ended
        row("", email="nobody@example.com", client="No Such Client"),     # 7: worker_email and client unknown
        row(p["ann"].id),                                                 # 8: good on its own
        row(p["ann"].id, hours=(1, 1, 1, 1, 1, 0, 0)),                    # 9: same engagement and week as line 8
        row(p["pending"].id),                                             # 10: engagement pending
    ]


EXPECTED_BAD = [(2, "engagement_id"), (3, "week_start"), (4, "tue"), (5, "wed"), (5, "fri"), (6, "thu"), (6, "fri"),
                (7, "worker_email"), (7, "client"), (9, "week_start"), (10, "engagement_id")]


@pytest.mark.parametrize("maker, name", [(csv_file, "time.csv"), (xlsx_file, "time.xlsx")])
def test_a_good_file_creates_submitted_timesheets(db, people, make_user, maker, name):
    hr = people["world"].hr
    result = import_file(maker(good_rows(people)), name, hr)
    assert result.issues == [] and (result.rows, result.created, result.replaced) == (2, 2, 0)
    got = {t.engagement_id: t for t in timesheets(db)}
    ann, bo = got[people["ann"].id], got[people["bo"].id]
    assert ann.week_start == date(2026, 11, 2) and ann.total_hours == Decimal("45")
    assert bo.daily_hours == tuple(Decimal(h) for h in ("8", "8", "7.5", "8", "6", "0", "0"))
    assert bo.note == "left early"
    assert {(t.status, t.source, t.entered_by_id) for t in got.values()} == {("submitted", "import", hr.id)}


@pytest.mark.parametrize("maker, name", [(csv_file, "time.csv"), (xlsx_file, "time.xlsx")])
def test_a_file_with_bad_rows_writes_nothing_and_names_every_bad_row(db, people, maker, name):
    result = import_file(maker(bad_rows(people)), name, people["world"].hr)
    assert [(i.row, i.field) for i in result.issues] == EXPECTED_BAD
    assert result.created == 0 and not result.ok
    assert timesheets(db) == []
    messages = {(i.row, i.field): i.message for i in result.issues}
    assert "not found" in messages[(2, "engagement_id")]
    assert "Tuesday" in messages[(3, "week_start")]
    assert "24" in messages[(4, "tue")]
    assert "line 8" in messages[(9, "week_start")]
    assert "pending" in messages[(10, "engagement_id")]


def test_a_dry_run_checks_and_saves_nothing(db, people):
    result = import_file(csv_file(good_rows(people)), "time.csv", people["world"].hr, dry_run=True)
    assert result.ok and result.dry_run and result.created == 2
    assert timesheets(db) == []


def test_an_approved_week_is_locked_and_refused(db, people):
    world = people["world"]
    ts = world.time(people["ann"], hours=(8, 8, 8, 8, 8, 0, 0))          # saved by HR, approved by a second user
    result = import_file(csv_file(good_rows(people)), "time.csv", world.hr)
    assert [(i.row, i.field, i.code) for i in result.issues] == [(2, "week_start", "timesheet_locked")]
    db.session.expire_all()
    assert [(t.id, t.status, t.total_hours) for t in timesheets(db)] == [(ts.id, "approved", Decimal("40"))]


def test_a_draft_week_is_replaced(db, people):
    world = people["world"]
    draft = world.time(people["ann"], hours=(1, 1, 1, 1, 1, 0, 0), approve=False)
    result = import_file(csv_file(good_rows(people)), "time.csv", world.hr)
    assert (result.created, result.replaced) == (1, 1)
    db.session.expire_all()
    again = db.session.get(type(draft), draft.id)
    assert again.total_hours == Decimal("45") and again.status == "submitted"


def test_header_problems_are_named_on_line_1(db, people):
    content = b"engagement,week_start,mon,tues,wed,thu,fri,sat\n1,2026-11-02,8,8,8,8,8,0\n"
    result = import_file(content, "time.csv", people["world"].hr)
    assert [(i.row, i.field) for i in result.issues] == [(1, "tues"), (1, "tue"), (1, "sun")]


def test_an_empty_or_unreadable_file_is_reported(db, people):
    hr = people["world"].hr
    assert [i.field for i in import_file(b"", "x.csv", hr).issues] == ["file"]
    assert [i.field for i in import_file(b"PK\x03\x04 broken", "x.xlsx", hr).issues] == ["file"]
    semicolons = (";".join(HEADER) + "\n").encode()
    assert "separated by ';'" in import_file(semicolons, "x.csv", hr).issues[0].message
    only_header = (",".join(HEADER) + "\n").encode()
    assert [i.message for i in import_file(only_header, "x.csv", hr).issues] == ["has no timesheet rows"]


def test_workers_and_client_approvers_may_not_import(db, people, make_user):
    from backoffice.errors import PermissionDenied

    ann = people["ann"]
    for user in (make_user("worker", worker_id=ann.worker_id), make_user("client_approver", client_id=ann.client_id),
                 make_user("finance")):
        with pytest.raises(PermissionDenied):
            import_file(csv_file(good_rows(people)), "time.csv", user)
    assert timesheets(db) == []


def test_cli_imports_and_reports_bad_rows_with_exit_status_2(db, people, runner, tmp_path, make_user):
    make_user("admin")
    good, bad = tmp_path / "good.csv", tmp_path / "bad.xlsx"
    good.write_bytes(csv_file(good_rows(people)))
    bad.write_bytes(xlsx_file(bad_rows(people)))
    res = runner.invoke(main, args=["timesheets", "import", str(good), "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "would import 2 timesheets" in res.output and timesheets(db) == []
    res = runner.invoke(main, args=["timesheets", "import", str(bad)])
    assert res.exit_code == 2
    assert "line 4: tue:" in res.output and "line 7: worker_email:" in res.output
    res = runner.invoke(main, args=["timesheets", "import", str(good), "--user", people["world"].hr.email])
    assert res.exit_code == 0 and len(timesheets(db)) == 2


def test_admin_upload_shows_the_error_table_and_imports_a_good_file(db, people, client, login):
    hr = people["world"].hr
    login(client, hr)
    page = client.get("/admin/timesheet-import/")
    assert page.status_code == 200 and b"week_start" in page.data
    token = csrf_token_from(page.data)
    resp = client.post("/admin/timesheet-import/", data={
        "csrf_token": token, "file": (io.BytesIO(xlsx_file(bad_rows(people))), "bad.xlsx")},
        content_type="multipart/form-data")
    html = resp.data.decode()
    assert resp.status_code == 200 and 'id="import-issues"' in html
    assert html.count("<tr><td>") == len(EXPECTED_BAD) and "<td>10</td>" in html
    assert timesheets(db) == []
    resp = client.post("/admin/timesheet-import/", data={
        "csrf_token": token, "dry_run": "1", "file": (io.BytesIO(csv_file(good_rows(people))), "good.csv")},
        content_type="multipart/form-data")
    assert 'id="import-ok"' in resp.data.decode() and timesheets(db) == []
    resp = client.post("/admin/timesheet-import/", data={
        "csrf_token": token, "file": (io.BytesIO(csv_file(good_rows(people))), "good.csv")},
        content_type="multipart/form-data")
    assert "Imported 2 timesheets" in resp.data.decode() and len(timesheets(db)) == 2


def test_admin_upload_page_is_closed_to_finance(db, people, client, login, make_user):
    login(client, make_user("finance"))
    assert client.get("/admin/timesheet-import/").status_code == 403
