"""The admin upload page (error table, dry run) and `backoffice import workers FILE`."""
from __future__ import annotations

import io
import re

import sqlalchemy as sa

from backoffice.cli import main
from backoffice.workers.models import Worker
from backoffice.workers.services import create_client
from tests.conftest import csrf_token_from
from tests.integration.classification.test_importer import BAD, GOOD, _csv, _xlsx


def _rows(html: str) -> list[tuple[str, str]]:
    table = html.split('id="import-errors"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>(\d+)</td><td>([a-z_]+)</td>", table)


def test_upload_page_shows_every_bad_row_and_writes_nothing(db, client_for, make_user):
    create_client({"name": "Acme"}), create_client({"name": "Beta"})
    c = client_for(make_user("hr"))
    page = c.get("/admin/import-workers/")
    assert page.status_code == 200 and b"engagement_type" in page.data
    token = csrf_token_from(page.data)
    resp = c.post("/admin/import-workers/", content_type="multipart/form-data",
                  data={"file": (io.BytesIO(_xlsx(*BAD)), "people.xlsx"), "csrf_token": token})
    assert resp.status_code == 422
    html = resp.data.decode()
    assert "4 bad rows of 7: nothing was imported." in html
    assert {int(line) for line, _ in _rows(html)} == {3, 5, 6, 8}
    assert ("5", "pay_rate") in _rows(html) and ("8", "tin") in _rows(html)
    assert db.session.execute(sa.select(sa.func.count(Worker.id))).scalar() == 0
    dry = c.post("/admin/import-workers/", content_type="multipart/form-data",
                 data={"file": (io.BytesIO(_csv(*GOOD)), "people.csv"), "dry_run": "1", "csrf_token": token})
    assert dry.status_code == 200 and b"Dry run: all 3 rows are valid" in dry.data
    assert db.session.execute(sa.select(sa.func.count(Worker.id))).scalar() == 0
    real = c.post("/admin/import-workers/", content_type="multipart/form-data",
                  data={"file": (io.BytesIO(_csv(*GOOD)), "people.csv"), "csrf_token": token})
    assert real.status_code == 200 and b"2 worker(s) and 2 engagement(s) created" in real.data
    assert db.session.execute(sa.select(sa.func.count(Worker.id))).scalar() == 2


def test_the_import_page_is_for_roles_that_create_workers_and_engagements(db, client_for, make_user):
    assert client_for(make_user("finance")).get("/admin/import-workers/").status_code == 403


def test_cli_import_workers(db, runner, tmp_path):
    create_client({"name": "Acme"}), create_client({"name": "Beta"})
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(*BAD))
    out = runner.invoke(main, args=["import", "workers", str(bad)])
    assert out.exit_code == 2
    assert "line 5: pay_rate: must be at least 0" in out.output and "4 bad row(s) of 7" in out.output
    good = tmp_path / "good.csv"
    good.write_bytes(_csv(*GOOD))
    dry = runner.invoke(main, args=["import", "workers", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "would create 2 worker(s) and 2 engagement(s)" in dry.output
    assert db.session.execute(sa.select(sa.func.count(Worker.id))).scalar() == 0
    done = runner.invoke(main, args=["import", "workers", str(good)])
    assert done.exit_code == 0, done.output
    assert db.session.execute(sa.select(sa.func.count(Worker.id))).scalar() == 2
