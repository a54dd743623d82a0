"""Runs and periods named as people write them, not "Run #12 regular 2026-11-02–2026-11-15"."""
from __future__ import annotations

from datetime import date

import pytest

from payroll.models import period_words, run_name


@pytest.mark.parametrize("start,end,words", [
    (date(2026, 11, 2), date(2026, 11, 15), "Nov 2–15, 2026"),
    (date(2026, 10, 26), date(2026, 11, 8), "Oct 26 – Nov 8, 2026"),
    (date(2026, 12, 21), date(2027, 1, 3), "Dec 21, 2026 – Jan 3, 2027"),
    (date(2026, 11, 20), date(2026, 11, 20), "Nov 20, 2026"),
])
def test_a_period_reads_as_written_by_hand(start, end, words):
    assert period_words(start, end) == words


def test_a_regular_run_names_its_schedule_period_and_pay_date_and_an_off_cycle_run_its_kind():
    assert run_name("regular", "Biweekly", date(2026, 11, 2), date(2026, 11, 15), date(2026, 11, 20)) == \
        "Biweekly run Nov 2–15, 2026 · pay Nov 20"
    # paid in the next year: the pay date says its year
    assert run_name("regular", "Biweekly", date(2026, 12, 14), date(2026, 12, 27), date(2027, 1, 1)) == \
        "Biweekly run Dec 14–27, 2026 · pay Jan 1, 2027"
    assert run_name("bonus", "", date(2026, 11, 20), date(2026, 11, 20), date(2026, 11, 20)) == \
        "Bonus run · pay Nov 20, 2026"
