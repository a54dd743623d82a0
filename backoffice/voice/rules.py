"""Worker voice's pure rules: unlinkable ballot tokens, tallies and turnout, when results may be shown, the
co-signing threshold of a proposal, overdue answers, and the group-size floor that keeps feedback anonymous.

No Flask, SQLAlchemy, Celery or clock: keys, counts and `today` are passed in."""
from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping

from backoffice.money import D

POLL_STATUSES = ("draft", "open", "closed")
FEEDBACK_SUBJECTS = ("client", "agency")
FEEDBACK_TOPICS = ("pay", "safety", "respect", "other")
RATING_CRITERIA = ("timely_approval", "respect", "clarity")
RATING_RANGE = (1, 5)
# The smallest group whose feedback or ratings are shown: fewer reporters than this and nothing is shown about
# the client (issue 17: "at least five reports ... so no one is singled out"). The agency may raise it (settings),
# never lower it below this.
MIN_GROUP = 5


def _token(key: bytes, *parts) -> str:
    """HMAC-SHA256 of the parts: the same worker and subject give the same token, and without `key` (kept out of
    the database) nobody can compute whose token a row holds."""
    msg = "\x1f".join(str(p) for p in parts).encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def ballot_token(key: bytes, poll_id: int, worker_id: int) -> str:
    """The key a worker's ballot is stored under: stable per (poll, worker), so a vote can be changed; unlinkable
    to the worker by anyone holding the database but not the key."""
    return _token(key, "ballot", poll_id, worker_id)


def reporter_token(key: bytes, kind: str, subject, worker_id: int) -> str:
    """A worker's pseudonym for one subject (feedback about a client, a rating of a client): counts distinct
    reporters and lets a rating be replaced, without storing who gave it."""
    return _token(key, kind, subject, worker_id)


@dataclass(frozen=True)
class Results:
    totals: dict[str, int]            # every option, in the poll's order, with its count (0 included)
    votes: int
    eligible: int

    @property
    def turnout(self) -> Decimal:
        """Share of eligible workers who voted, to 4 places (0 when none is eligible)."""
        if not self.eligible:
            return D("0.0000")
        return (D(self.votes) / D(self.eligible)).quantize(D("0.0001"))


def tally(options: Iterable[str], choices: Iterable[str], eligible: int) -> Results:
    """Count the ballots' choices per option; a choice that is not an option is an error, never silently
    dropped."""
    totals = {o: 0 for o in options}
    n = 0
    for c in choices:
        if c not in totals:
            raise ValueError(f"ballot choice {c!r} is not an option of the poll")
        totals[c] += 1
        n += 1
    return Results(totals=totals, votes=n, eligible=eligible)


def results_refusal(status: str, live_results: bool) -> str | None:
    """Why results may not be shown yet (None: they may): totals are published when the poll closes, or while it
    is open when the poll was set up with live results; a draft has none."""
    if status == "closed":
        return None
    if status == "open" and live_results:
        return None
    if status == "draft":
        return "the poll has not opened yet"
    return "the results are published when the poll closes"


def vote_refusal(status: str, eligible: bool) -> str | None:
    """Why this worker may not vote now (None: they may)."""
    if status != "open":
        return "the poll is not open for voting" if status == "draft" else "the poll is closed"
    if not eligible:
        return "you are not eligible to vote in this poll (it is for other kinds of engagement)"
    return None


def cosign_threshold(share: Decimal, active_workers: int) -> int:
    """Co-signatures (the author's included) that oblige the agency to answer: the agency's share of active
    workers, rounded up, at least 1. 10% of 37 workers = 3.7 -> 4."""
    share = D(share)
    if share <= 0 or share > 1:
        raise ValueError("the threshold share must be more than 0 and at most 1")
    return max(1, math.ceil(share * active_workers))


def answer_overdue(due_date: date | None, answered: bool, today: date) -> bool:
    """An answer is overdue once the due date has passed without one (the due date itself is still in time)."""
    return due_date is not None and not answered and today > due_date


def effective_floor(configured: int) -> int:
    """The group-size floor applied: the agency's setting, never below MIN_GROUP."""
    return max(MIN_GROUP, int(configured or 0))


def visible_groups(reporters: Mapping[object, int], floor: int) -> set:
    """The groups (clients) with at least `floor` distinct reporters: only these may be shown on their own."""
    return {k for k, n in reporters.items() if n >= floor}


def average(total: int, count: int) -> Decimal:
    """The average of `count` ratings summing to `total`, to 2 places, half-up (4+4+5 -> 4.33; 4+5 -> 4.50)."""
    if count <= 0:
        raise ValueError("no ratings")
    return (D(total) / D(count)).quantize(D("0.01"), rounding=ROUND_HALF_UP)
