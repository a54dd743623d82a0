"""Paystub line words for the state programs: the state's code, then what the program is (not the line's code)."""
from __future__ import annotations

import pytest

from payroll.services.paystubs import describe


@pytest.mark.parametrize("code, state, words", [
    ("state_pfml", "OR", "OR paid family and medical leave"),
    ("state_pfml_employer", "OR", "OR paid family and medical leave (employer)"),
    ("state_disability", "CA", "CA disability insurance"),
    ("state_family_leave", "NJ", "NJ paid family leave"),
    ("state_ltc", "WA", "WA long-term care"),
    ("state_unemployment_employee", "NJ", "NJ unemployment (employee share)"),
    ("vt_child_care", "VT", "VT child care contribution"),
    ("state_income_tax", "OR", "OR income tax"),
])
def test_state_program_lines_say_what_they_are(code, state, words):
    assert describe(code, state) == words
