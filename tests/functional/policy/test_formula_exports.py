"""Exports never hand a spreadsheet a formula: admin list exports (CSV, XLSX) and the finance exports.

CSV has no cell types, so such text gets a leading apostrophe; XLSX keeps the exact text in a string cell marked
quotePrefix (the apostrophe a person would type, stored as a style). Regression (issue 9, point 5): a worker's last name `=HYPERLINK(...)` came out raw in the admin CSV and as a live
formula in the admin XLSX; the finance exports escaped `=`, `+`, `@` but not `-`."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

NAMES = ['=HYPERLINK("http://x","y")', "-2+3", "@SUM(A1)"]


@pytest.fixture
def hostile_workers(db):
    from tests.factories import EngagementFactory, WorkerFactory

    workers = [WorkerFactory(last_name=name, first_name=f"Pat{i}", email=f"h{i}@example.com")
               for i, name in enumerate(NAMES)]
    EngagementFactory(worker=workers[0], pay_rate=Decimal("25.50"), bill_rate=Decimal("40.00"))
    return workers


def _hr(app, make_user, login):
    c = app.test_client()
    login(c, make_user("hr"))
    return c


def test_admin_csv_escapes_formula_text(app, hostile_workers, make_user, login):
    c = _hr(app, make_user, login)
    rows = list(csv.DictReader(io.StringIO(c.get("/admin/workers/export/csv/").get_data(as_text=True))))
    last_names = sorted(r["Last Name"] for r in rows)
    assert last_names == sorted("'" + n for n in NAMES)


def test_admin_xlsx_writes_formula_text_as_plain_strings_and_numbers_as_numbers(app, hostile_workers, make_user,
                                                                                 login):
    c = _hr(app, make_user, login)
    resp = c.get("/admin/workers/export/xlsx/")
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    header = [cell.value for cell in ws[1]]
    col = header.index("Last Name")
    cells = [row[col] for row in ws.iter_rows(min_row=2)]
    assert sorted(cell.value for cell in cells) == sorted(NAMES)      # the exact text ...
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)   # ... as text, never "f" (a formula)
    ids = [row[header.index("Id")] for row in ws.iter_rows(min_row=2)]
    assert all(cell.data_type == "n" and isinstance(cell.value, int) for cell in ids)

    resp = c.get("/admin/engagements/export/xlsx/")
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    header = [cell.value for cell in ws[1]]
    rate = ws.cell(row=2, column=header.index("Pay Rate") + 1)
    assert rate.data_type == "n" and Decimal(str(rate.value)) == Decimal("25.50")


def _sheet():
    from reports.exports import Sheet

    frame = pd.DataFrame({"name": NAMES + ["Ann"], "net": [100, -1250, 5, 0]})
    return Sheet("Register", frame, money_columns=["net"])


def test_finance_csv_escapes_every_formula_start_and_keeps_negative_amounts(db):
    from reports.exports import csv_bytes

    rows = list(csv.DictReader(io.StringIO(csv_bytes(_sheet()).decode())))
    assert [r["name"] for r in rows] == ["'" + n for n in NAMES] + ["Ann"]
    assert [r["net"] for r in rows] == ["1.00", "-12.50", "0.05", "0.00"]


def test_finance_xlsx_writes_formula_text_as_strings_and_a_negative_amount_as_a_number(db):
    from reports.exports import xlsx_bytes

    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([_sheet()]))).active
    names = [ws.cell(row=r, column=1) for r in range(2, 6)]
    assert [c.value for c in names] == NAMES + ["Ann"]
    assert all(c.data_type == "s" for c in names) and all(c.quotePrefix for c in names[:3])
    net = ws.cell(row=3, column=2)
    assert net.data_type == "n" and Decimal(str(net.value)) == Decimal("-12.50")
