"""Spreadsheet cells from user text: the one escape every CSV and XLSX export applies (formula injection), and the
admin's list exports written with it."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timezone
from decimal import Decimal

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection"): `=HYPERLINK(...)`,
# `-2+3`, `+1+1`, `@SUM(A1)`; a leading tab or carriage return is skipped by some readers before they look.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_START)   # each is one character: csv_lines tests a cell's first one
# Plain numbers ("-12.50", "+3") start with a sign but compute nothing: they stay numbers in the sheet.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_number_text(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


def runs_as_formula(value) -> bool:
    """Whether a spreadsheet would compute `value` rather than show it (text only; numbers are numbers)."""
    return isinstance(value, str) and value.startswith(FORMULA_START) and not is_number_text(value)


def escape_cell(value):
    """`value` as a CSV cell a spreadsheet shows and never runs: text starting with =, +, -, @, tab or CR gets a
    leading apostrophe (the spreadsheets' own "this is text" mark); numbers, number text and other values are
    returned unchanged. An XLSX writer keeps the exact text instead, in a string cell marked quotePrefix (the same
    mark, stored as a style): see `runs_as_formula`."""
    return "'" + value if runs_as_formula(value) else value


# ------------------------------------------------------------------ rows as CSV or XLSX (the admin's list exports)
CSV_ROWS_PER_CHUNK = 200   # a streamed piece: one write to the client each, not one per line (2,000 workers: 10)


def csv_lines(headers, rows):
    """CSV text in pieces of up to CSV_ROWS_PER_CHUNK lines (for a streamed response), every cell through
    escape_cell."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([escape_cell(h) for h in headers])
    n = 0
    for values in rows:
        # escape_cell, written out for the cells of a text row (each a str): thousands of rows per export
        cells = ["" if v is None else str(v) for v in values]
        writer.writerow([("'" + c) if c[:1] in _FORMULA_FIRST and not is_number_text(c) else c for c in cells])
        n += 1
        if n % CSV_ROWS_PER_CHUNK == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    out = buf.getvalue()
    if out or n % CSV_ROWS_PER_CHUNK:
        yield out


def xlsx_bytes(headers, rows) -> bytes:
    """A one-sheet workbook (openpyxl, write-only): bold header; numbers, dates and booleans typed; text as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Export")
    ws.freeze_panes = "A2"
    head = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = Font(bold=True)
        cell.data_type = "s"
        head.append(cell)
    ws.append(head)
    for values in rows:
        ws.append([_xlsx_cell(ws, WriteOnlyCell, v) for v in values])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_cell(ws, cell_class, value):
    if value is None or value == "":
        return None
    if isinstance(value, bool) or isinstance(value, (int, Decimal)):
        return value
    if isinstance(value, datetime):
        cell = cell_class(ws, value=value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, date):
        cell = cell_class(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    text = str(value)
    cell = cell_class(ws, value=text)
    cell.data_type = "s"                 # never "f": openpyxl would store "=..." as a formula
    if runs_as_formula(text):
        cell.quotePrefix = True          # and a spreadsheet keeps it text when the cell is edited
    return cell
