"""The streaming XLSX writer (reports/xlsx.py): a valid package, the cells openpyxl's writer made, exact money."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime
from decimal import Decimal
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from reports import exports, xlsx


@pytest.mark.parametrize("cents, text", [
    (0, "0"), (5, "0.05"), (-5, "-0.05"), (50, "0.5"), (100, "1"), (-100, "-1"), (7857, "78.57"),
    (123450, "1234.5"), (-123456, "-1234.56"), (9_007_199_254_740_993, "90071992547409.93"),
])
def test_cents_become_the_shortest_exact_decimal_text(cents, text):
    assert xlsx.cents_text(np.array([cents])).tolist() == [text]


def register():
    """Three paychecks; every kind of cell the finance exports write."""
    frame = pd.DataFrame({
        "paycheck_id": [1, 2, 3],
        "engagement_id": pd.array([7, None, 9], dtype="Int64"),
        "pay_date": ["2026-01-09", "2026-01-09", None],
        "worker": ["Ames, Ann", "=cmd|' /C calc'!A0", ""],
        "memo": [" leading space", "tab\there", "bell"],
        "ee_tax:medicare": [0, 7857, 0],
        "gross": [100001, 80099, -5]})
    return exports.Sheet("Register", frame, ["ee_tax:medicare", "gross"], ["pay_date"],
                         sparse_columns={"ee_tax:medicare"})


def test_the_package_is_a_valid_zip_of_well_formed_xml_parts():
    """Checked by the standard library's zip and XML parsers, not by our own code."""
    content = exports.xlsx_bytes([register()])
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        for name in names:
            ElementTree.fromstring(zf.read(name))
    assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
            "xl/styles.xml", "xl/worksheets/sheet1.xml"} <= set(names)


def cells(content: bytes) -> dict:
    wb = load_workbook(io.BytesIO(content))
    return {ws.title: {c.coordinate: (c.value, c.data_type, c.number_format, bool(c.font.b), bool(c.quotePrefix))
                       for row in ws.iter_rows() for c in row if c.value is not None}
            for ws in wb.worksheets}


def test_every_cell_is_the_one_openpyxls_writer_made_except_float_noise():
    """The old writer (openpyxl write-only) is the reference: same coordinates, values, types, number formats,
    bold header and quote prefix. Money differs only where openpyxl went through float: 78.57 was stored as
    78.56999999999999; the new file holds the exact 78.57."""
    sheets = [register()]
    old = io.BytesIO()
    exports.write_xlsx_openpyxl(old, sheets)
    before, after = cells(old.getvalue()), cells(exports.xlsx_bytes(sheets))
    assert before.keys() == after.keys() == {"Register"}
    assert before["Register"].keys() == after["Register"].keys()
    for ref, (value, *rest) in before["Register"].items():
        new_value, *new_rest = after["Register"][ref]
        assert new_rest == rest, ref
        if isinstance(value, float):
            assert new_value == float(Decimal(repr(value)).quantize(Decimal("0.01"))), ref
        else:
            assert new_value == value, ref
    assert before["Register"]["F3"][0] == 78.56999999999999 and after["Register"]["F3"][0] == 78.57


def test_cells_hold_the_values_of_the_sheet():
    """Row 2 is paycheck 1; the sparse medicare zeros are blank; row 5 totals gross:
    1,000.01 + 800.99 − 0.05 = 1,800.95 and medicare 0 + 78.57 + 0 = 78.57."""
    got = cells(exports.xlsx_bytes([register()]))["Register"]
    assert got["A1"][:4] == ("paycheck_id", "s", "General", True)
    assert got["B2"][0] == 7 and "B3" not in got                      # a missing id is a blank cell
    assert got["C2"][0] == datetime(2026, 1, 9) and got["C2"][2] == "yyyy-mm-dd" and "C4" not in got
    assert got["D3"][0] == "=cmd|' /C calc'!A0" and got["D3"][1] == "s" and got["D3"][4]   # text, never a formula
    assert "D4" not in got                                             # an empty name is a blank cell
    assert got["E2"][0] == " leading space" and got["E3"][0] == "tab\there"
    assert got["E4"][0] == "bell"
    assert "F2" not in got and got["F3"][:3] == (78.57, "n", "#,##0.00")
    assert [got[f"G{r}"][0] for r in (2, 3, 4)] == [1000.01, 800.99, -0.05]
    assert got["A5"][0] == "Total" and got["G5"][0] == 1800.95 and got["F5"][0] == 78.57


def test_progress_is_reported_after_each_chunk_of_rows_and_at_the_end():
    seen = []
    sheet = exports.Sheet("Rows", pd.DataFrame({"n": range(5), "amount": [100] * 5}), ["amount"])
    exports.write_xlsx(io.BytesIO(), [sheet], progress=lambda done, total: seen.append((done, total)), every=2)
    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_control_characters_xml_cannot_hold_are_left_out_instead_of_failing_the_export():
    """openpyxl raised IllegalCharacterError for a BEL (0x07) in a memo; the text is kept without it."""
    sheet = exports.Sheet("Memo", pd.DataFrame({"memo": ["bell\x07 rings", "form\x0cfeed"]}), [])
    assert [c[0] for c in cells(exports.xlsx_bytes([sheet]))["Memo"].values()] == ["memo", "bell rings", "formfeed"]


def test_a_sheet_with_values_the_streaming_writer_does_not_know_goes_to_openpyxl():
    """A float column (a rate) is not cents, whole numbers, dates or text: openpyxl writes it as before."""
    sheet = exports.Sheet("Rates", pd.DataFrame({"client": ["Acme"], "markup": [0.125], "fee": [1250]}), ["fee"])
    assert exports._xlsx_table(sheet) is None
    got = cells(exports.xlsx_bytes([sheet]))["Rates"]
    assert got["B2"][0] == 0.125 and got["C2"][0] == 12.5 and got["A3"][0] == "Total"


def test_no_sheets_make_a_workbook_with_one_empty_sheet():
    wb = load_workbook(io.BytesIO(exports.xlsx_bytes([])))
    assert wb.sheetnames == ["Empty"]
