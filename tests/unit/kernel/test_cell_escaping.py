"""Spreadsheet cells: text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.exports import escape_cell


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "-2+3", "+1+1", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert escape_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["-12.50", "+3", "-0.05", "1234.56", "-7"])
def test_numeric_text_stays_as_it_is(text):
    assert escape_cell(text) == text


@pytest.mark.parametrize("value", [Decimal("-12.50"), -7, 3, None, "Lee", "O'Brien", "", "a=b"])
def test_numbers_and_harmless_text_are_unchanged(value):
    assert escape_cell(value) == value
