"""Task completions: the API (one or a list, all-or-nothing, duplicates refused, scoped), the CSV import (CLI and
admin), the admin list and export, paid once."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backoffice.cli import main
from backoffice.errors import DomainError
from payroll.piecework.models import TaskCompletion
from tests.conftest import csrf_token_from
from tests.integration.payroll.conftest import World

D = Decimal
URL = "/api/v1/task-completions"


@pytest.fixture
def world(db, make_user, fixed_clock):
    return World(db, make_user)


@pytest.fixture
def desk(db, world):
    """Two piece engagements (two workers, the world's client) and an hourly one."""
    from tests.factories import ClientFactory

    mine = world.worker(unit="piece", rate="4.50")
    other = world.worker(unit="piece", rate="4.50")
    hourly = world.worker()
    elsewhere = world.worker(unit="piece")
    elsewhere.client = ClientFactory(name="Globex", state="TX")
    db.session.commit()
    return {"mine": mine, "other": other, "hourly": hourly, "elsewhere": elsewhere}


def task(eng, ref, **kw):
    return {"engagement_id": eng.id, "task_ref": ref, "units": "3", "rate": "4.50",
            "completed_at": "2026-11-02T10:15:00-08:00", "minutes": 40, **kw}


def tasks(db):
    return db.session.execute(sa.select(TaskCompletion).order_by(TaskCompletion.id)).scalars().all()


def test_hr_records_a_list_and_one_object(db, world, desk, client, token_for):
    """3 units × $4.50 = $13.50 each; the workday is the local date the sender wrote (2026-11-02, UTC 18:15)."""
    hr = token_for(world.hr)
    r = client.post(URL, json=[task(desk["mine"], "T-1"), task(desk["mine"], "T-2", units="2.5")], headers=hr)
    assert r.status_code == 201, r.json
    assert r.json["count"] == 2
    assert [(i["task_ref"], i["amount"], i["work_date"], i["status"]) for i in r.json["items"]] == [
        ("T-1", "13.50", "2026-11-02", "recorded"), ("T-2", "11.25", "2026-11-02", "recorded")]
    assert r.json["items"][0]["completed_at"].startswith("2026-11-02T18:15:00")
    one = client.post(URL, json=task(desk["other"], "T-1"), headers=hr)     # the same ref on another engagement
    assert one.status_code == 201 and one.json["count"] == 1
    listed = client.get(URL, query_string={"engagement_id": desk["mine"].id}, headers=hr).json
    assert listed["total"] == 2 and {i["task_ref"] for i in listed["items"]} == {"T-1", "T-2"}
    assert client.get(URL, query_string={"task_ref": "T-1"}, headers=hr).json["total"] == 2
    assert client.get(URL, query_string={"status": "paid"}, headers=hr).json["total"] == 0
    assert "/api/v1/task-completions" in client.get("/api/v1/openapi.json").json["paths"]


def test_one_bad_item_refuses_the_whole_list_naming_each_item_and_field(db, world, desk, client, token_for):
    hr = token_for(world.hr)
    body = [task(desk["mine"], "T-1"),
            task(desk["mine"], "T-2", units="-1", minutes=0),
            task(desk["mine"], "T-1"),                                    # the same ref twice in the list
            task(desk["hourly"], "T-3"),                                  # paid by the hour
            task(desk["mine"], "T-4", rate="1.23456", colour="red"),      # too precise; an unknown field
            task(desk["mine"], "T-5", completed_at="yesterday"),
            task(desk["mine"], "T-6", completed_at="2026-12-25")]         # after the (fixed) clock's tomorrow
    r = client.post(URL, json=body, headers=hr)
    assert r.status_code == 422
    fields = [i["field"] for i in r.json["issues"]]
    assert fields == ["items[1].units", "items[1].minutes", "items[2].task_ref", "items[3].engagement_id",
                      "items[4].colour", "items[4].rate", "items[5].completed_at", "items[6].completed_at"]
    assert tasks(db) == []
    single = client.post(URL, json=task(desk["mine"], "", units="abc"), headers=hr)
    assert single.status_code == 422 and [i["field"] for i in single.json["issues"]] == ["task_ref", "units"]
    assert client.post(URL, json=[], headers=hr).status_code == 422


def test_a_task_ref_already_recorded_is_refused_and_the_database_refuses_it_too(db, world, desk, client, token_for):
    hr = token_for(world.hr)
    assert client.post(URL, json=task(desk["mine"], "T-1"), headers=hr).status_code == 201
    again = client.post(URL, json=[task(desk["mine"], "T-9"), task(desk["mine"], "T-1")], headers=hr)
    assert again.status_code == 422
    assert again.json["issues"][0]["field"] == "items[1].task_ref" and "already recorded" in \
        again.json["issues"][0]["message"]
    assert [t.task_ref for t in tasks(db)] == ["T-1"]
    first = tasks(db)[0]
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(TaskCompletion(engagement_id=first.engagement_id, task_ref="T-1", units=D(1), rate=D(1),
                                          amount=D(1), completed_at=first.completed_at, work_date=first.work_date,
                                          minutes=1))
            db.session.flush()


def test_workers_and_approvers_record_only_their_own_engagements(db, world, desk, client, token_for, make_user):
    me = token_for(make_user("worker", worker_id=desk["mine"].worker_id))
    approver = token_for(make_user("client_approver", client_id=desk["mine"].client_id))
    finance = token_for(world.finance)
    assert client.post(URL, json=task(desk["mine"], "W-1"), headers=me).status_code == 201
    theirs = client.post(URL, json=[task(desk["other"], "W-2")], headers=me)
    assert theirs.status_code == 422 and theirs.json["issues"][0] == {
        "field": "items[0].engagement_id", "message": f"engagement {desk['other'].id} not found", "code": "not_found"}
    assert client.post(URL, json=task(desk["other"], "A-1"), headers=approver).status_code == 201
    assert client.post(URL, json=task(desk["elsewhere"], "A-2"), headers=approver).status_code == 422
    assert client.post(URL, json=task(desk["mine"], "F-1"), headers=finance).status_code == 403
    # reading: a worker sees their own, another's id is not found
    mine = client.get(URL, headers=me).json
    assert [i["task_ref"] for i in mine["items"]] == ["W-1"]
    other_id = next(t.id for t in tasks(db) if t.task_ref == "A-1")
    assert client.get(f"{URL}/{other_id}", headers=me).status_code == 404
    assert client.get(f"{URL}/{other_id}", headers=approver).status_code == 200
    assert client.get(URL, headers=finance).json["total"] == 2


def test_mark_tasks_paid_pays_each_task_once(db, world, desk):
    from payroll.piecework.services import mark_tasks_paid, record_tasks, unpaid_tasks

    saved = record_tasks([task(desk["mine"], "P-1"), task(desk["mine"], "P-2")], world.hr)
    run = world.regular_run()
    ids = [t.id for t in saved]
    assert [r.id for r in unpaid_tasks([desk["mine"].id], run.period_end)[desk["mine"].id]] == ids
    assert mark_tasks_paid(run.id, ids) == 2
    assert unpaid_tasks([desk["mine"].id], run.period_end) == {}
    with pytest.raises(DomainError, match="already paid"):
        mark_tasks_paid(run.id, ids[:1])
    db.session.expire_all()
    assert {(t.status, t.paid_run_id) for t in tasks(db)} == {("paid", run.id)}


def _csv(rows) -> bytes:
    head = "engagement_id,task_ref,units,rate,completed_at,minutes\n"
    return (head + "".join(",".join(str(v) for v in r) + "\n" for r in rows)).encode()


def test_cli_import_is_all_or_nothing_with_lines_named(db, world, desk, runner, tmp_path, make_user):
    make_user("admin")
    e = desk["mine"].id
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(_csv([(e, "C-1", 3, "4.50", "2026-11-02T09:00:00-05:00", 30), (e, "C-2", 1, "12", "2026-11-03", 25)]))
    bad.write_bytes(_csv([(e, "C-1", 3, "4.50", "2026-11-02", 30), (e, "C-1", 3, "4.50", "2026-11-02", 30),
                          (e, "C-3", "x", "4.50", "2026-11-02", 2000)]))
    res = runner.invoke(main, args=["payroll", "tasks", "import", str(good), "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "would import 2 task completions" in res.output and tasks(db) == []
    res = runner.invoke(main, args=["payroll", "tasks", "import", str(bad)])
    assert res.exit_code == 2
    assert "line 3: task_ref:" in res.output and "line 4: units:" in res.output and "line 4: minutes:" in res.output
    assert tasks(db) == []
    res = runner.invoke(main, args=["payroll", "tasks", "import", str(good), "--user", world.hr.email])
    assert res.exit_code == 0, res.output
    assert [(t.task_ref, t.amount, t.source) for t in tasks(db)] == [("C-1", D("13.50"), "import"),
                                                                      ("C-2", D("12.00"), "import")]
    res = runner.invoke(main, args=["payroll", "tasks", "import", str(good)])       # the same file again
    assert res.exit_code == 2 and "already recorded" in res.output and len(tasks(db)) == 2


def test_admin_import_page_list_and_export(db, world, desk, client, login, make_user):
    e = desk["mine"].id
    login(client, world.hr)
    page = client.get("/admin/task-import/")
    assert page.status_code == 200 and b"task_ref" in page.data
    token = csrf_token_from(page.data)
    bad = client.post("/admin/task-import/", data={
        "csrf_token": token, "file": (io.BytesIO(_csv([(e, "", 3, "4.50", "2026-11-02", 30)])), "bad.csv")},
        content_type="multipart/form-data")
    assert 'id="import-issues"' in bad.data.decode() and tasks(db) == []
    ok = client.post("/admin/task-import/", data={
        "csrf_token": token, "file": (io.BytesIO(_csv([(e, "ADM-1", 3, "4.50", "2026-11-02", 30)])), "ok.csv")},
        content_type="multipart/form-data")
    assert "Imported 1 task completions" in ok.data.decode() and len(tasks(db)) == 1
    listing = client.get("/admin/task_completion/?search=ADM")
    assert listing.status_code == 200 and b"ADM-1" in listing.data
    export = client.get("/admin/task_completion/export/csv/")
    assert export.status_code == 200 and b"ADM-1" in export.data and b"13.50" in export.data
    login(client, make_user("finance"))
    assert client.get("/admin/task-import/").status_code == 403
    assert client.get("/admin/task_completion/").status_code == 200     # finance reads the list


def test_the_demo_has_a_desk_worker_with_recorded_tasks(db, runner):
    res = runner.invoke(main, args=["seed-demo", "--workers", "30", "--seed", "5"])
    assert res.exit_code == 0, res.output
    assert "tasks: engagement #" in res.output
    saved = tasks(db)
    assert len(saved) >= 15 and {t.status for t in saved} == {"recorded"}
    assert all(t.amount == (t.units * t.rate).quantize(D("0.01")) for t in saved)
    assert saved[0].engagement.pay_unit == "piece"
