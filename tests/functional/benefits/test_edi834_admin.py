"""The admin's carrier files: HR previews a file's members, builds it (CSRF), sees it listed and downloads it (the
download audited); finance and workers are kept out of files that carry SSNs."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.audit import AuditLog
from benefits.edi_models import EdiFile
from tests.conftest import csrf_token_from
from tests.integration.benefits.test_edi834_files import _seed
from tests.x12check import check


def test_hr_previews_builds_lists_and_downloads_a_full_file(client, db, fixed_clock, make_user, login):
    world = _seed()
    hr = make_user("hr")
    login(client, hr)
    cid = world["carrier"].id
    page = client.get(f"/admin/benefit_edi_file/build/?carrier_id={cid}&kind=full&usage=P&as_of=2026-12-01")
    assert page.status_code == 200
    assert page.data.count(b"<td>audit</td>") == 4 and b"Ana Lee" in page.data and b"Build full file" in page.data
    assert db.session.query(EdiFile).count() == 0                                  # a preview keeps nothing
    form = {"carrier_id": cid, "kind": "full", "usage": "P", "as_of": "2026-12-01"}
    assert client.post("/admin/benefit_edi_file/build/", data=form).status_code == 400     # no CSRF token
    resp = client.post("/admin/benefit_edi_file/build/", data={**form, "csrf_token": csrf_token_from(page.data)})
    assert resp.status_code == 302
    f = db.session.query(EdiFile).one()
    assert (f.kind, f.control_number, f.member_count, f.created_by_id) == ("full", 1, 4, hr.id)
    listing = client.get("/admin/benefit_edi_file/?search=" + f.sha256[:12])
    assert listing.status_code == 200 and b"SUMMIT" in listing.data and b"Download" in listing.data
    csv = client.get("/admin/benefit_edi_file/export/csv/")
    assert csv.status_code == 200 and b"SUMMIT" in csv.data and world["w"].tin.encode() not in csv.data
    got = client.get(f"/admin/benefit_edi_file/download/{f.id}")
    assert got.status_code == 200 and "834-SUMMIT-full-000000001.x12" in got.headers["Content-Disposition"]
    assert check(got.data.decode()).accepted
    assert db.session.execute(sa.select(AuditLog.action).where(AuditLog.model == "benefit_edi_file",
                                                               AuditLog.record_id == str(f.id))).scalars().all() \
        .count("downloaded") == 1
    assert client.get("/admin/benefit_edi_file/download/999999").status_code == 404


def test_finance_and_workers_cannot_see_or_build_the_files(client, db, fixed_clock, make_user, login):
    world = _seed()
    login(client, make_user("finance"))
    assert client.get("/admin/benefit_edi_file/").status_code in (302, 403)
    assert client.get(f"/admin/benefit_edi_file/build/?carrier_id={world['carrier'].id}").status_code in (302, 403)
    client.get("/logout")
    worker_client = client.application.test_client()
    login(worker_client, make_user("worker", worker_id=world["w"].id))
    assert worker_client.get("/admin/benefit_edi_file/").status_code in (302, 403, 404)
