"""Finance-export writers: exact money text in CSV, Decimal cells and totals in XLSX, selection validation."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from backoffice.errors import ValidationFailed
from reports import exports


@pytest.mark.parametrize("cents, text", [
    (0, "0.00"), (5, "0.05"), (-5, "-0.05"), (99, "0.99"), (100, "1.00"), (-100, "-1.00"),
    (123456, "1234.56"), (-123456, "-1234.56"), (9_007_199_254_740_993, "90071992547409.93"),
])
def test_cents_text(cents, text):
    assert exports.cents_text([cents]).tolist() == [text]


@given(st.lists(st.integers(min_value=-(10 ** 15), max_value=10 ** 15), max_size=50))
def test_cents_text_is_the_exact_decimal(values):
    assert [Decimal(t) for t in exports.cents_text(values)] == [Decimal(v).scaleb(-2) for v in values]


def sheet():
    frame = pd.DataFrame({"paycheck_id": [1, 2, 3], "pay_date": ["2026-01-09", "2026-01-09", "2026-01-16"],
                          "worker": ["Ames, Ann", "Baker, Bo", "Cruz, Cy"],
                          "earning:bonus": [0, 25000, 0], "gross": [100001, 80099, -5]})
    return exports.Sheet("Register", frame, ["earning:bonus", "gross"], ["pay_date"], sparse_columns={"earning:bonus"})


def test_csv_writes_money_as_exact_decimal_text():
    rows = list(csv.DictReader(io.StringIO(exports.csv_bytes(sheet()).decode())))
    assert [r["gross"] for r in rows] == ["1000.01", "800.99", "-0.05"]
    assert [r["earning:bonus"] for r in rows] == ["0.00", "250.00", "0.00"]
    assert rows[0]["worker"] == "Ames, Ann"
    assert sum(Decimal(r["gross"]) for r in rows) == Decimal("1800.95")  # 1,000.01 + 800.99 − 0.05


def test_xlsx_has_decimal_money_dates_blank_sparse_zeros_and_a_total_row():
    """Total of gross: 1,000.01 + 800.99 − 0.05 = 1,800.95."""
    seen = []
    content = exports.xlsx_bytes([sheet()], progress=lambda done, total: seen.append((done, total)))
    ws = load_workbook(io.BytesIO(content))["Register"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("paycheck_id", "pay_date", "worker", "earning:bonus", "gross")
    body, total = rows[1:4], rows[4]
    assert [Decimal(str(r[4])).quantize(Decimal("0.01")) for r in body] == [
        Decimal("1000.01"), Decimal("800.99"), Decimal("-0.05")]
    assert body[0][1].date() == date(2026, 1, 9)
    assert body[0][3] is None and Decimal(str(body[1][3])) == Decimal("250")
    assert total[0] == "Total" and Decimal(str(total[4])).quantize(Decimal("0.01")) == Decimal("1800.95")
    assert ws["E2"].number_format == exports.MONEY_FORMAT
    assert ws["B2"].number_format == exports.DATE_FORMAT
    assert seen[-1] == (3, 3)


def test_xlsx_writes_each_sheet():
    other = exports.Sheet("By state", pd.DataFrame({"jurisdiction": ["US"], "total": [4600]}), ["total"])
    wb = load_workbook(io.BytesIO(exports.xlsx_bytes([sheet(), other])))
    assert wb.sheetnames == ["Register", "By state"]
    assert [c.value for c in wb["By state"][2]] == ["US", 46]


@pytest.mark.parametrize("args, fields", [
    ({}, ["start", "end"]),
    ({"start": "2026-02-30", "end": "soon"}, ["start", "end"]),
    ({"start": "2026-03-01", "end": "2026-02-01"}, ["end"]),
    ({"run_id": "abc"}, ["run_id"]),
    ({"run_id": "-3"}, ["run_id"]),
])
def test_selection_names_every_bad_field(args, fields):
    with pytest.raises(ValidationFailed) as exc:
        exports.parse_selection(args)
    assert [i.field for i in exc.value.issues] == fields


def test_selection_of_a_date_range():
    sel = exports.parse_selection({"start": "2026-01-01", "end": "2026-03-31"})
    assert (sel.start, sel.end, sel.run_id) == (date(2026, 1, 1), date(2026, 3, 31), None)
    assert exports.filename("gl", sel, "csv") == "gl_2026-01-01_2026-03-31.csv"


def test_kind_and_format_are_checked_together():
    with pytest.raises(ValidationFailed) as exc:
        exports.check_kind_format("payslips", "pdf")
    assert [i.field for i in exc.value.issues] == ["kind", "format"]


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_defused():
    """OWASP CSV injection: a name starting with = + - @ gets a leading apostrophe in CSV; in XLSX it stays the
    exact text in a string cell marked quotePrefix (openpyxl would otherwise store "=..." as a formula)."""
    frame = pd.DataFrame({"worker": ['=HYPERLINK("http://evil","x")', "+1 555", "@SUM(A1)", "Ames, Ann", "-5 Co"],
                          "gross": [100, 200, 300, 400, 500]})
    sheet = exports.Sheet("Register", frame, ["gross"])
    rows = list(csv.DictReader(io.StringIO(exports.csv_bytes(sheet).decode())))
    assert [r["worker"] for r in rows] == ["'=HYPERLINK(\"http://evil\",\"x\")", "'+1 555", "'@SUM(A1)", "Ames, Ann",
                                           "'-5 Co"]
    ws = load_workbook(io.BytesIO(exports.xlsx_bytes([sheet])))["Register"]
    assert ws["A2"].value == '=HYPERLINK("http://evil","x")' and ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    assert ws["A6"].value == "-5 Co" and ws["A6"].quotePrefix
    assert [ws[f"A{i}"].data_type for i in range(2, 7)] == ["s"] * 5
