"""Worker voice services: the agency's settings and the key of the tokens, polls and the secret ballot (proposals
are in proposal_services, feedback and ratings in feedback_services, the data export in export_services). Every
write is one unit of work; the rules themselves are in voice.rules (pure)."""
from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from backoffice.errors import DomainError, Issue, NotFound, PermissionDenied, ValidationFailed, raise_if
from backoffice.extensions import db
from backoffice.money import D
from backoffice.security.access import require
from backoffice.uow import for_update, transaction, unique_or_refuse
from backoffice.voice import rules
from backoffice.voice.models import Poll, PollBallot, PollVoter, VoiceSettings
from backoffice.workers.models import ENGAGEMENT_TYPES, Engagement, Worker

MAX_TITLE = 200
MAX_TEXT = 5000
MAX_OPTIONS = 12


# ------------------------------------------------------------------------------------------ keys and settings
def voice_key() -> bytes:
    """The HMAC key of ballot and reporter tokens: VOICE_BALLOT_KEY, else one derived from SECRET_KEY. It lives
    in the server's configuration, never in the database (docs/voice.md, "Threat model")."""
    configured = current_app.config.get("VOICE_BALLOT_KEY")
    if configured:
        return str(configured).encode()
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"tandem voice ballot key", hashlib.sha256).digest()


def settings() -> VoiceSettings:
    """The agency's voice settings: the stored row, else the defaults (an unsaved row; reading writes nothing)."""
    row = db.session.execute(sa.select(VoiceSettings).order_by(VoiceSettings.id).limit(1)).scalar_one_or_none()
    return row if row is not None else VoiceSettings(proposal_threshold_share=D("0.1000"), answer_days=30,
                                                     feedback_min_group=rules.MIN_GROUP)


def _int(issues, field, raw, low, high, words) -> int | None:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high:
        issues.append(Issue(field, words, "out_of_range"))
        return None
    return value


@transaction()
def update_settings(user, *, proposal_threshold_share, answer_days, feedback_min_group) -> VoiceSettings:
    """Change the agency's numbers (every field checked, each refusal beside its field)."""
    require(user, "voice_settings", "write")
    issues = []
    try:
        share = D(str(proposal_threshold_share).strip())
    except (TypeError, ValueError, ArithmeticError):
        share = None
    if share is None or not 0 < share <= 1 or share != share.quantize(D("0.0001")):
        issues.append(Issue("proposal_threshold_share", "a share above 0 and at most 1, e.g. 0.10 for 10%",
                            "out_of_range"))
    days = _int(issues, "answer_days", answer_days, 1, 365, "from 1 to 365 days")
    floor = _int(issues, "feedback_min_group", feedback_min_group, rules.MIN_GROUP, 10_000,
                 f"at least {rules.MIN_GROUP} workers")
    raise_if(issues)
    row = settings()
    if row.id is None:
        db.session.add(row)
    row.proposal_threshold_share, row.answer_days, row.feedback_min_group = share, days, floor
    return row


def worker_of(user) -> int:
    """The signed-in worker's id: voting, proposing, reporting and rating are a worker's own acts (staff: 403)."""
    if getattr(user, "role", None) != "worker" or not getattr(user, "worker_id", None):
        raise PermissionDenied("only a worker may do this (with their own sign-in)")
    return int(user.worker_id)


# ------------------------------------------------------------------------------------------------ polls
def clean_text(issues, field, value, *, required=True, limit=MAX_TEXT) -> str:
    value = value if isinstance(value, str) else ("" if value is None else None)
    if value is None:
        issues.append(Issue(field, "must be text", "invalid_type"))
        return ""
    value = value.strip()
    if required and not value:
        issues.append(Issue(field, "is required", "required"))
    elif len(value) > limit:
        issues.append(Issue(field, f"is longer than {limit} characters", "too_long"))
    return value


@transaction()
def create_poll(user, *, title, question="", options, eligible_types=ENGAGEMENT_TYPES, live_results=False,
                closes_on: date | None = None) -> Poll:
    """A draft poll; options are the choices a ballot may hold (2 to 12, distinct)."""
    require(user, "poll", "create")
    issues = []
    title = clean_text(issues, "title", title, limit=MAX_TITLE)
    question = clean_text(issues, "question", question, required=False)
    if isinstance(options, str):
        options = [o for o in options.splitlines()]
    opts = [o.strip() for o in (options or []) if isinstance(o, str) and o.strip()]
    if len(opts) < 2 or len(opts) > MAX_OPTIONS:
        issues.append(Issue("options", f"give 2 to {MAX_OPTIONS} options, one a line"))
    elif len(set(opts)) != len(opts):
        issues.append(Issue("options", "the options must differ from each other"))
    elif any(len(o) > 200 for o in opts):
        issues.append(Issue("options", "an option is longer than 200 characters"))
    types = list(eligible_types or ())
    if not types or any(t not in ENGAGEMENT_TYPES for t in types):
        issues.append(Issue("eligible_types", f"choose one or more of {', '.join(ENGAGEMENT_TYPES)}"))
    raise_if(issues)
    poll = Poll(title=title, question=question, options=opts, eligible_types=types, live_results=bool(live_results),
                closes_on=closes_on, created_by_id=getattr(user, "id", None))
    db.session.add(poll)
    db.session.flush()
    return poll


def _poll(poll_id: int, *, lock=False) -> Poll:
    stmt = sa.select(Poll).where(Poll.id == poll_id)
    poll = db.session.execute(for_update(stmt) if lock else stmt).scalar_one_or_none()
    if poll is None:
        raise NotFound(f"poll {poll_id} not found")
    return poll


def get_poll(user, poll_id: int) -> Poll:
    """A poll a user may see: staff with the right see every one; a worker sees open and closed ones."""
    require(user, "poll", "read")
    poll = _poll(poll_id)
    if getattr(user, "role", None) == "worker" and poll.status == "draft":
        raise NotFound(f"poll {poll_id} not found")
    return poll


@transaction()
def open_poll(user, poll_id: int, now: datetime) -> Poll:
    require(user, "poll", "write")
    poll = _poll(poll_id, lock=True)
    if poll.status != "draft":
        raise DomainError(f"the poll is {poll.status}; only a draft can be opened", code="poll_not_draft")
    poll.status, poll.opened_at = "open", now
    return poll


@transaction()
def close_poll(user, poll_id: int, now: datetime) -> Poll:
    """Close the poll: no more votes or changes; the eligible count is frozen for the turnout."""
    if user is not None:
        require(user, "poll", "write")
    poll = _poll(poll_id, lock=True)
    if poll.status != "open":
        raise DomainError(f"the poll is {poll.status}; only an open poll can be closed", code="poll_not_open")
    poll.eligible_count = eligible_count(poll)
    poll.status, poll.closed_at = "closed", now
    return poll


def close_due_polls(today: date, now: datetime) -> int:
    """Close every open poll whose closing day has passed (the daily task). Returns how many."""
    ids = db.session.execute(sa.select(Poll.id).where(Poll.status == "open", Poll.closes_on.is_not(None),
                                                      Poll.closes_on < today)).scalars().all()
    for pid in ids:
        close_poll(None, pid, now)
    return len(ids)


def _eligible_workers(types):
    return (sa.select(Engagement.worker_id).join(Worker, Worker.id == Engagement.worker_id)
            .where(Engagement.status == "active", Engagement.type.in_(list(types)), Worker.status == "active")
            .distinct())


def is_eligible(poll: Poll, worker_id: int) -> bool:
    """A worker with an active engagement of one of the poll's types (one vote however many engagements)."""
    stmt = _eligible_workers(poll.eligible_types).where(Engagement.worker_id == worker_id)
    return db.session.execute(stmt.limit(1)).first() is not None


def eligible_count(poll: Poll) -> int:
    if poll.status == "closed" and poll.eligible_count is not None:
        return poll.eligible_count
    return db.session.execute(sa.select(sa.func.count()).select_from(
        _eligible_workers(poll.eligible_types).subquery())).scalar_one()


def unvoted_open_polls(worker_id: int) -> sa.Exists:
    """Whether any poll is open that this worker has not voted in (the home's task probe; eligibility aside)."""
    voted = sa.select(PollVoter.poll_id).where(PollVoter.poll_id == Poll.id, PollVoter.worker_id == worker_id)
    return sa.select(Poll.id).where(Poll.status == "open", ~voted.exists()).exists()


def polls_to_vote_in(user, worker_id: int) -> list[Poll]:
    """The open polls this worker may vote in and has not, newest first: the portal home's tasks, in one or two
    statements however many polls are open (is_eligible and has_voted per poll cost two each)."""
    require(user, "poll", "read")
    voted = sa.select(PollVoter.poll_id).where(PollVoter.poll_id == Poll.id, PollVoter.worker_id == worker_id)
    polls = db.session.execute(sa.select(Poll).where(Poll.status == "open", ~voted.exists())
                               .order_by(Poll.id.desc())).scalars().all()
    if not polls:
        return []
    types = set(db.session.execute(sa.select(Engagement.type).join(Worker, Worker.id == Engagement.worker_id).where(
        Engagement.worker_id == worker_id, Engagement.status == "active", Worker.status == "active")).scalars())
    return [p for p in polls if types.intersection(p.eligible_types)]


def has_voted(poll_id: int, worker_id: int) -> bool:
    return db.session.get(PollVoter, (poll_id, worker_id)) is not None


@transaction()
def cast_vote(user, poll_id: int, choice) -> bool:
    """Record the signed-in worker's choice, or replace it while the poll is open. Returns True when it replaced
    an earlier one. The choice is stored under the ballot token only; nothing returned, logged or audited says
    what it was."""
    worker_id = worker_of(user)
    require(user, "poll", "read")
    poll = _poll(poll_id, lock=True)
    if poll.status == "draft" or not isinstance(choice, str) or not choice.strip():
        if poll.status == "draft":
            raise NotFound(f"poll {poll_id} not found")
        raise ValidationFailed([Issue("choice", "is required: one of the poll's options", "required")])
    refusal = rules.vote_refusal(poll.status, is_eligible(poll, worker_id))
    if refusal:
        raise DomainError(refusal, code="vote_refused")
    choice = choice.strip()
    if choice not in poll.options:
        raise ValidationFailed([Issue("choice", "must be one of the poll's options: " + "; ".join(poll.options),
                                      "invalid_choice")])
    token = rules.ballot_token(voice_key(), poll.id, worker_id)
    ballot = db.session.get(PollBallot, (poll.id, token))
    if has_voted(poll.id, worker_id):
        if ballot is None:
            # the key changed since this worker voted: a second ballot would count them twice
            raise DomainError("your earlier ballot cannot be matched (the ballot key was changed); ask HR",
                              code="ballot_key_changed")
        ballot.choice = choice
        return True
    with unique_or_refuse("uq_poll_voters", "your vote was already recorded", "already_voted",
                          columns="poll_voters.poll_id, poll_voters.worker_id"):
        db.session.add(PollVoter(poll_id=poll.id, worker_id=worker_id))
        db.session.add(PollBallot(poll_id=poll.id, token=token, choice=choice))
    return False


def results(user, poll_id: int) -> rules.Results:
    """Totals and turnout, once they may be published (409 with the reason before)."""
    poll = get_poll(user, poll_id)
    refusal = rules.results_refusal(poll.status, poll.live_results)
    if refusal:
        raise DomainError(refusal + (f" (after {poll.closes_on})" if poll.closes_on and poll.status == "open" else ""),
                          code="results_not_published")
    return tally_poll(poll)


def tally_poll(poll: Poll) -> rules.Results:
    """The count itself (callers decide whether it may be shown): choices grouped in the database, so no row
    leaves it."""
    counts = db.session.execute(sa.select(PollBallot.choice, sa.func.count()).where(PollBallot.poll_id == poll.id)
                                .group_by(PollBallot.choice)).all()
    choices = [c for c, n in counts for _ in range(n)]
    return rules.tally(poll.options, choices, eligible_count(poll))


def polls_for(user) -> list[Poll]:
    """Polls a user may see, newest first (a worker: open and closed ones)."""
    require(user, "poll", "read")
    stmt = sa.select(Poll).order_by(Poll.id.desc())
    if getattr(user, "role", None) == "worker":
        stmt = stmt.where(Poll.status != "draft")
    return list(db.session.execute(stmt).scalars())
