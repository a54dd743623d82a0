"""Spreadsheet cells from user text: the one escape every CSV and XLSX export applies (formula injection)."""
from __future__ import annotations

import re

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection"): `=HYPERLINK(...)`,
# `-2+3`, `+1+1`, `@SUM(A1)`; a leading tab or carriage return is skipped by some readers before they look.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
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
