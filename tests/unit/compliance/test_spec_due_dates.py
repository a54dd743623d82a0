"""Each registered form's due date for tax year 2025, by hand from the calendar (IRC §7503 moves a due date on a
weekend or legal holiday to the next business day):
- 941 Q1: April 30, 2025 (a Wednesday); Q3: October 31, 2025 (a Friday); Q4: January 31, 2026 is a Saturday → Monday
  February 2, 2026.
- 940, 945, W-2, W-3 and 1099-NEC: January 31, 2026 → February 2, 2026.
- 1095-C to workers: 30 days after January 31, 2026 = March 2, 2026 (a Monday); 1094-C electronically: March 31, 2026
  (a Tuesday)."""
from __future__ import annotations

from datetime import date

from compliance import registry
from compliance.registry import Period


def test_due_dates_of_the_2025_forms():
    due = {code: registry.spec(code).due for code in ("941", "940", "945", "w2", "w3", "1099-nec", "1095-c",
                                                         "1094-c")}
    assert due["941"](2025, Period(1)) == date(2025, 4, 30)
    assert due["941"](2025, Period(3)) == date(2025, 10, 31)
    assert due["941"](2025, Period(4)) == date(2026, 2, 2)
    for code in ("940", "945", "w2", "w3", "1099-nec"):
        assert due[code](2025, Period()) == date(2026, 2, 2), code
    assert due["1095-c"](2025, Period()) == date(2026, 3, 2)
    assert due["1094-c"](2025, Period()) == date(2026, 3, 31)
