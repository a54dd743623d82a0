"""Lists search, filter and export (CSV and XLSX); the audit log can be searched."""
from __future__ import annotations

import io

import openpyxl


def _seed(n=3):
    from backoffice.workers import services

    for i in range(n):
        services.create_worker({"first_name": f"Pat{i}", "last_name": "Quinn" if i else "Zed",
                                "email": f"p{i}@example.com", "tin": f"123-45-67{i:02d}",
                                "state": "CA" if i else "TX"})


def test_workers_search_and_filter(app, db, make_user, login):
    _seed()
    c = app.test_client()
    login(c, make_user("hr"))
    html = c.get("/admin/workers/?search=zed").get_data(as_text=True)
    assert "Pat0" in html and "Pat1" not in html


def test_workers_export_csv_and_xlsx_show_masked_ssn_only(app, db, make_user, login):
    _seed()
    c = app.test_client()
    login(c, make_user("hr"))
    csv_text = c.get("/admin/workers/export/csv/").get_data(as_text=True)
    assert "***-**-6701" in csv_text and "123456701" not in csv_text and "123-45-6701" not in csv_text
    resp = c.get("/admin/workers/export/xlsx/")
    assert resp.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(resp.data))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 4                                  # header + 3 workers
    assert all("1234567" not in str(cell) for row in rows for cell in row)


def test_audit_log_is_searchable_by_compliance(app, db, make_user, login):
    _seed(1)
    c = app.test_client()
    login(c, make_user("compliance"))
    html = c.get("/admin/audit_log/?search=workers").get_data(as_text=True)
    assert "create" in html and "workers" in html
