"""The admin's worker list and its CSV export show the masked TIN (from the last four) and decrypt no full TIN:
the encrypted column stays unread (issue 18 point 5: at 2,000 workers the export spent most of its CPU there)."""
from __future__ import annotations

import csv
import io


def test_the_worker_list_masks_each_tin_without_decrypting_one(app, db, make_user, login, monkeypatch):
    """Three workers with TINs 123-45-6700..6702: the list searched for "quinn" shows ***-**-6701 and
    backoffice.db's decrypt is never called; the CSV export's SSN/TIN column reads ***-**-6702, -6701, -6700
    (newest first, the list's default order); a record read elsewhere still decrypts its TIN on access."""
    import backoffice.db as bdb
    from backoffice.workers import services
    from backoffice.workers.models import Worker

    ids = [services.create_worker({"first_name": f"Pat{i}", "last_name": "Quinn", "email": f"p{i}@example.com",
                                   "tin": f"123-45-67{i:02d}", "state": "CA"}).id for i in range(3)]
    c = app.test_client()
    login(c, make_user("hr"))
    db.session.expunge_all()
    calls = []
    real = bdb.decrypt
    monkeypatch.setattr(bdb, "decrypt", lambda v: calls.append(v) or real(v))
    html = c.get("/admin/workers/?search=quinn").get_data(as_text=True)
    assert "***-**-6701" in html and calls == []
    rows = list(csv.DictReader(io.StringIO(c.get("/admin/workers/export/csv/").get_data(as_text=True))))
    assert [r["SSN/TIN"] for r in rows] == ["***-**-6702", "***-**-6701", "***-**-6700"]
    db.session.expunge_all()
    calls.clear()
    assert db.session.get(Worker, ids[1]).tin == "123456701" and len(calls) == 1
