"""Which days of a run's hours a sick-leave law covers, as the run's accrual asks it: per day, and per span of days
(the law applying every calendar day from the first worked to the last covers each worked day between)."""
from __future__ import annotations

from datetime import date, timedelta

from backoffice.leave.accrual_services import _Coverage


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_a_span_inside_the_laws_first_version_is_covered_throughout():
    """Alaska's law applies from July 1, 2025 (Ballot Measure 1): July 1–10 is covered every day."""
    covered = _Coverage("AK", 20)
    assert covered.throughout(date(2025, 7, 1), date(2025, 7, 10)) is True
    assert all(covered[d] for d in _days(date(2025, 7, 1), date(2025, 7, 10)))


def test_a_span_that_starts_before_the_law_is_in_force_is_not_covered_throughout_and_each_day_says_which():
    """June 28 – July 3, 2025 in Alaska: the three June days come before the law (not in force), the three July
    days are covered; the span as a whole is not, so the accrual looks at each worked day."""
    covered = _Coverage("AK", 20)
    assert covered.throughout(date(2025, 6, 28), date(2025, 7, 3)) is False
    assert [covered[d] for d in _days(date(2025, 6, 28), date(2025, 7, 3))] == [False] * 3 + [True] * 3


def test_a_span_across_a_repeal_is_not_covered_throughout():
    """Missouri's Proposition A applied May 1 – August 27, 2025 (repealed by HB 567): August 20–30 is not covered
    throughout; August 27 is the last covered day."""
    covered = _Coverage("MO", 20)
    assert covered.throughout(date(2025, 8, 20), date(2025, 8, 30)) is False
    assert covered[date(2025, 8, 27)] is True and covered[date(2025, 8, 28)] is False
    assert covered.throughout(date(2025, 8, 20), date(2025, 8, 27)) is True


def test_a_span_is_worked_out_once_and_answers_the_same_again():
    covered = _Coverage("AK", 20)
    first = covered.throughout(date(2025, 6, 30), date(2025, 7, 2))
    assert covered.spans == {(date(2025, 6, 30), date(2025, 7, 2)): False}
    assert covered.throughout(date(2025, 6, 30), date(2025, 7, 2)) is first is False
