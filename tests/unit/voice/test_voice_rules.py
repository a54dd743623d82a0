"""Worker voice's pure rules: ballot tokens, tallies, when results show, the co-signing threshold, overdue answers
and the group-size floor (hand arithmetic in each docstring)."""
from __future__ import annotations

import hashlib
import hmac
from datetime import date
from decimal import Decimal

import pytest

from backoffice.voice import rules

KEY = b"k" * 32


def test_a_ballot_token_is_the_hmac_of_poll_and_worker_and_the_same_each_time():
    """HMAC-SHA256(key, "ballot␟7␟42"), recomputed here with the standard library."""
    expected = hmac.new(KEY, "ballot\x1f7\x1f42".encode(), hashlib.sha256).hexdigest()
    assert rules.ballot_token(KEY, 7, 42) == expected == rules.ballot_token(KEY, 7, 42)
    assert len(expected) == 64


def test_ballot_tokens_differ_by_worker_by_poll_and_by_key():
    tokens = {rules.ballot_token(KEY, 7, 42), rules.ballot_token(KEY, 7, 43), rules.ballot_token(KEY, 8, 42),
              rules.ballot_token(b"other key", 7, 42)}
    assert len(tokens) == 4


def test_a_reporter_token_is_not_the_ballot_token_of_the_same_worker():
    """Different purposes ("feedback" vs "ballot") give unrelated tokens: one cannot be matched to the other."""
    assert rules.reporter_token(KEY, "feedback", "client:3", 42) != rules.ballot_token(KEY, 3, 42)


def test_tally_counts_every_option_including_those_nobody_chose():
    """Ballots A, B, A of 5 eligible: A 2, B 1, C 0; turnout 3/5 = 0.6000."""
    r = rules.tally(["A", "B", "C"], ["A", "B", "A"], eligible=5)
    assert r.totals == {"A": 2, "B": 1, "C": 0}
    assert list(r.totals) == ["A", "B", "C"]
    assert r.votes == 3 and r.turnout == Decimal("0.6000")


def test_turnout_rounds_to_four_places_and_is_zero_with_nobody_eligible():
    """2 of 3 = 0.66666… -> 0.6667."""
    assert rules.tally(["A"], ["A", "A"], eligible=3).turnout == Decimal("0.6667")
    assert rules.tally(["A"], [], eligible=0).turnout == Decimal("0.0000")


def test_a_ballot_choice_that_is_not_an_option_is_an_error_not_dropped():
    with pytest.raises(ValueError):
        rules.tally(["A", "B"], ["A", "Z"], eligible=2)


@pytest.mark.parametrize("status,live,shown", [
    ("draft", False, False), ("draft", True, False), ("open", False, False), ("open", True, True),
    ("closed", False, True), ("closed", True, True)])
def test_results_show_after_the_close_or_live_while_open_only_if_the_poll_says_so(status, live, shown):
    assert (rules.results_refusal(status, live) is None) is shown


def test_a_vote_is_refused_in_words_when_closed_or_not_eligible():
    assert rules.vote_refusal("open", True) is None
    assert rules.vote_refusal("closed", True) == "the poll is closed"
    assert "not eligible" in rules.vote_refusal("open", False)


@pytest.mark.parametrize("share,active,needed", [
    ("0.10", 37, 4),      # 3.7 rounded up
    ("0.10", 40, 4),      # exactly 4.0
    ("0.25", 10, 3),      # 2.5 -> 3
    ("0.05", 5, 1),       # 0.25 -> 1
    ("0.10", 0, 1),       # never below one signature (the author's)
])
def test_the_cosign_threshold_is_the_share_of_active_workers_rounded_up(share, active, needed):
    assert rules.cosign_threshold(Decimal(share), active) == needed


def test_a_threshold_share_outside_zero_to_one_is_refused():
    for bad in ("0", "1.5", "-0.1"):
        with pytest.raises(ValueError):
            rules.cosign_threshold(Decimal(bad), 10)


def test_an_answer_is_overdue_only_after_its_due_date_and_only_while_unanswered():
    due = date(2026, 11, 30)
    assert rules.answer_overdue(due, False, date(2026, 11, 30)) is False     # the due day itself is in time
    assert rules.answer_overdue(due, False, date(2026, 12, 1)) is True
    assert rules.answer_overdue(due, True, date(2026, 12, 9)) is False
    assert rules.answer_overdue(None, False, date(2026, 12, 9)) is False


def test_the_floor_is_never_below_five_and_only_groups_at_the_floor_are_visible():
    """Setting 3 -> 5 applies; setting 8 -> 8. With floor 5: client 1 (4 reporters) hidden, client 2 (5) shown."""
    assert rules.effective_floor(3) == 5 and rules.effective_floor(8) == 8
    assert rules.visible_groups({1: 4, 2: 5, 3: 9}, 5) == {2, 3}


def test_average_rating_is_rounded_half_up_to_the_cent():
    """4+4+5 = 13 / 3 = 4.333… -> 4.33; 4+5 = 9 / 2 = 4.50; seven 1s and a 2 = 9 / 8 = 1.125 -> 1.13 (half-up; half-even would
    give 1.12)."""
    assert rules.average(13, 3) == Decimal("4.33")
    assert rules.average(9, 2) == Decimal("4.50")
    assert rules.average(9, 8) == Decimal("1.13")
