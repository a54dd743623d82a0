"""Worker voice services: polls and secret ballots, proposals and the answer board, anonymous feedback and client
ratings. Every write is one unit of work; the rules themselves are in voice.rules (pure)."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from backoffice.errors import DomainError, Issue, NotFound, PermissionDenied, ValidationFailed, raise_if
from backoffice.extensions import db
from backoffice.money import D
from backoffice.security.access import require
from backoffice.uow import for_update, transaction, unique_or_refuse
from backoffice.voice import rules
from backoffice.voice.models import (ClientRating, FeedbackReport, FeedbackResponse, Poll, PollBallot, PollVoter,
                                     Proposal, ProposalSignature, VoiceSettings)
from backoffice.workers.models import ENGAGEMENT_TYPES, Client, Engagement, Worker

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


def _worker_id(user) -> int:
    if getattr(user, "role", None) != "worker" or not getattr(user, "worker_id", None):
        raise PermissionDenied("only a worker may do this (with their own sign-in)")
    return int(user.worker_id)


# ------------------------------------------------------------------------------------------------ polls
def _text(issues, field, value, *, required=True, limit=MAX_TEXT) -> str:
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
    title = _text(issues, "title", title, limit=MAX_TITLE)
    question = _text(issues, "question", question, required=False)
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


def has_voted(poll_id: int, worker_id: int) -> bool:
    return db.session.get(PollVoter, (poll_id, worker_id)) is not None


@transaction()
def cast_vote(user, poll_id: int, choice) -> bool:
    """Record the signed-in worker's choice, or replace it while the poll is open. Returns True when it replaced
    an earlier one. The choice is stored under the ballot token only; nothing returned, logged or audited says
    what it was."""
    worker_id = _worker_id(user)
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
        raise DomainError(refusal + (f" (on {poll.closes_on})" if poll.closes_on and poll.status == "open" else ""),
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


# ------------------------------------------------------------------------------------------------ proposals
def active_workers() -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(Worker)
                              .where(Worker.status == "active")).scalar_one()


@transaction()
def post_proposal(user, *, title, body, today: date) -> Proposal:
    """A worker's proposal, signed by its author; its threshold is fixed now from the agency's share."""
    worker_id = _worker_id(user)
    require(user, "proposal", "create")
    issues = []
    title = _text(issues, "title", title, limit=MAX_TITLE)
    body = _text(issues, "body", body)
    raise_if(issues)
    threshold = rules.cosign_threshold(settings().proposal_threshold_share, active_workers())
    p = Proposal(author_id=worker_id, title=title, body=body, threshold=threshold, signatures=0)
    db.session.add(p)
    db.session.flush()
    _sign(p, worker_id, today)
    return p


def _sign(p: Proposal, worker_id: int, today: date) -> None:
    """Add the worker's signature; at the threshold the proposal is due. The proposal row is changed with plain
    UPDATEs, outside the audit log: an audit row names its user, and the board promises counts, never co-signers."""
    with unique_or_refuse("uq_voice_proposal_signatures", "you have already co-signed this proposal",
                          "already_signed", columns="voice_proposal_signatures.proposal_id, "
                                                    "voice_proposal_signatures.worker_id"):
        db.session.add(ProposalSignature(proposal_id=p.id, worker_id=worker_id))
    db.session.execute(sa.update(Proposal).where(Proposal.id == p.id)
                       .values(signatures=Proposal.signatures + 1), execution_options={"synchronize_session": False})
    db.session.execute(sa.update(Proposal).where(Proposal.id == p.id, Proposal.status == "open",
                                                 Proposal.signatures >= Proposal.threshold)
                       .values(status="due", threshold_reached_on=today,
                               due_date=today + timedelta(days=settings().answer_days)),
                       execution_options={"synchronize_session": False})
    db.session.refresh(p)


@transaction()
def cosign(user, proposal_id: int, today: date) -> Proposal:
    worker_id = _worker_id(user)
    require(user, "proposal", "read")
    p = db.session.execute(for_update(sa.select(Proposal).where(Proposal.id == proposal_id))).scalar_one_or_none()
    if p is None:
        raise NotFound(f"proposal {proposal_id} not found")
    if signed(p.id, worker_id):
        raise DomainError("you have already co-signed this proposal", code="already_signed")
    _sign(p, worker_id, today)
    return p


def signed(proposal_id: int, worker_id: int) -> bool:
    return db.session.execute(sa.select(ProposalSignature.id).where(
        ProposalSignature.proposal_id == proposal_id, ProposalSignature.worker_id == worker_id)).first() is not None


@transaction()
def answer_proposal(user, proposal_id: int, answer, now: datetime) -> Proposal:
    """The agency's public answer (any proposal may be answered; one past its threshold must be)."""
    require(user, "proposal", "write")
    issues = []
    answer = _text(issues, "answer", answer)
    raise_if(issues)
    p = db.session.execute(for_update(sa.select(Proposal).where(Proposal.id == proposal_id))).scalar_one_or_none()
    if p is None:
        raise NotFound(f"proposal {proposal_id} not found")
    p.answer, p.answered_at, p.answered_by_id, p.status = answer, now, user.id, "answered"
    return p


@dataclass(frozen=True)
class BoardRow:
    proposal: Proposal
    overdue: bool
    mine: bool
    signed: bool


def board(user, today: date) -> list[BoardRow]:
    """Every proposal for workers and HR alike: those due first (overdue flagged), then open, then answered."""
    require(user, "proposal", "read")
    rows = db.session.execute(sa.select(Proposal).order_by(Proposal.id.desc())).scalars().all()
    wid = int(user.worker_id) if getattr(user, "role", None) == "worker" and user.worker_id else None
    mine_signed = set()
    if wid:
        mine_signed = set(db.session.execute(sa.select(ProposalSignature.proposal_id)
                                             .where(ProposalSignature.worker_id == wid)).scalars())
    order = {"due": 0, "open": 1, "answered": 2}
    out = [BoardRow(p, rules.answer_overdue(p.due_date, p.status == "answered", today), p.author_id == wid,
                    p.id in mine_signed) for p in rows]
    return sorted(out, key=lambda r: (not r.overdue, order.get(r.proposal.status, 3), -r.proposal.id))


# ------------------------------------------------------------------------------------------------ feedback
def clients_of(worker_id: int) -> list[Client]:
    """Clients the worker works or worked for (the ones they may report on or rate)."""
    return list(db.session.execute(sa.select(Client).where(Client.id.in_(
        sa.select(Engagement.client_id).where(Engagement.worker_id == worker_id))).order_by(Client.name)).scalars())


def _client_for(issues, worker_id: int, client_id) -> int | None:
    try:
        cid = int(client_id)
    except (TypeError, ValueError):
        issues.append(Issue("client_id", "choose the client", "required"))
        return None
    if cid not in {c.id for c in clients_of(worker_id)}:
        issues.append(Issue("client_id", "choose a client you work or worked for", "invalid_choice"))
        return None
    return cid


@transaction()
def report_feedback(user, *, subject, topic, body, client_id=None, site="", today: date) -> None:
    """File an anonymous report. Nothing of the worker is stored but a token counting distinct reporters; the
    function returns nothing a caller could echo."""
    worker_id = _worker_id(user)
    require(user, "feedback", "create")
    issues = []
    if subject not in rules.FEEDBACK_SUBJECTS:
        issues.append(Issue("subject", "choose a client or the agency", "invalid_choice"))
    if topic not in rules.FEEDBACK_TOPICS:
        issues.append(Issue("topic", "choose pay, safety, respect or other", "invalid_choice"))
    body = _text(issues, "body", body)
    site = _text(issues, "site", site, required=False, limit=120)
    cid = _client_for(issues, worker_id, client_id) if subject == "client" else None
    raise_if(issues)
    scope = f"client:{cid}" if cid else "agency"
    db.session.add(FeedbackReport(subject=subject, client_id=cid, site=site if cid else "", topic=topic, body=body,
                                  reporter_token=rules.reporter_token(voice_key(), "feedback", scope, worker_id),
                                  reported_on=today))


@dataclass(frozen=True)
class FeedbackAggregate:
    floor: int
    by_topic: dict[str, dict[str, int]]            # subject -> topic -> reports (all reports, no client named)
    agency_reports: list[FeedbackReport]            # about the agency: no client to single out
    clients: list[tuple[Client, int, dict[str, int], list[FeedbackReport]]]   # only at or over the floor
    total: int


def feedback_aggregate(user) -> FeedbackAggregate:
    """What HR may see: counts by subject and topic, the reports about the agency, and the reports about a client
    only once at least `floor` distinct workers have reported on it (four show nothing about that client)."""
    require(user, "feedback", "read")
    floor = rules.effective_floor(settings().feedback_min_group)
    counts = db.session.execute(sa.select(FeedbackReport.subject, FeedbackReport.topic, sa.func.count())
                                .group_by(FeedbackReport.subject, FeedbackReport.topic)).all()
    by_topic: dict[str, dict[str, int]] = {s: {t: 0 for t in rules.FEEDBACK_TOPICS} for s in rules.FEEDBACK_SUBJECTS}
    for s, t, n in counts:
        by_topic[s][t] = n
    reporters = dict(db.session.execute(
        sa.select(FeedbackReport.client_id, sa.func.count(sa.distinct(FeedbackReport.reporter_token)))
        .where(FeedbackReport.client_id.is_not(None)).group_by(FeedbackReport.client_id)).all())
    shown = rules.visible_groups(reporters, floor)
    clients = []
    if shown:
        for c in db.session.execute(sa.select(Client).where(Client.id.in_(shown)).order_by(Client.name)).scalars():
            reports = db.session.execute(sa.select(FeedbackReport).where(FeedbackReport.client_id == c.id)
                                         .order_by(FeedbackReport.reported_on.desc(), FeedbackReport.id.desc())
                                         ).scalars().all()
            topics = {t: sum(1 for r in reports if r.topic == t) for t in rules.FEEDBACK_TOPICS}
            clients.append((c, reporters[c.id], topics, reports))
    agency = db.session.execute(sa.select(FeedbackReport).where(FeedbackReport.subject == "agency")
                                .order_by(FeedbackReport.reported_on.desc(), FeedbackReport.id.desc())).scalars().all()
    return FeedbackAggregate(floor, by_topic, list(agency), clients, sum(n for _s, _t, n in counts))


@transaction()
def respond_to_feedback(user, *, subject, topic, body, client_id=None) -> FeedbackResponse:
    """The agency's public answer, shown to every worker. A client may be named only once its feedback is shown
    (at the floor), so a response cannot reveal that someone reported on a smaller group."""
    require(user, "feedback_response", "create")
    issues = []
    if subject not in rules.FEEDBACK_SUBJECTS:
        issues.append(Issue("subject", "choose a client or the agency", "invalid_choice"))
    if topic not in rules.FEEDBACK_TOPICS:
        issues.append(Issue("topic", "choose pay, safety, respect or other", "invalid_choice"))
    body = _text(issues, "body", body)
    cid = None
    if subject == "client":
        visible = {c.id for c, *_ in feedback_aggregate(user).clients}
        try:
            cid = int(client_id)
        except (TypeError, ValueError):
            cid = None
        if cid not in visible:
            issues.append(Issue("client_id", "choose a client whose feedback is shown (at the group-size floor)",
                                "invalid_choice"))
    raise_if(issues)
    row = FeedbackResponse(subject=subject, client_id=cid, topic=topic, body=body, responded_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    return row


def responses() -> list[FeedbackResponse]:
    return list(db.session.execute(sa.select(FeedbackResponse).order_by(FeedbackResponse.id.desc())).scalars())


# ------------------------------------------------------------------------------------------------ ratings
@transaction()
def rate_client(user, client_id, scores: dict, today: date) -> bool:
    """Rate a client the worker works or worked for (1–5 on each criterion); a second rating replaces the first.
    Returns True when it replaced one."""
    worker_id = _worker_id(user)
    require(user, "client_rating", "create")
    issues = []
    cid = _client_for(issues, worker_id, client_id)
    values = {}
    for name in rules.RATING_CRITERIA:
        try:
            v = int(scores.get(name))
        except (TypeError, ValueError):
            v = 0
        if not rules.RATING_RANGE[0] <= v <= rules.RATING_RANGE[1]:
            issues.append(Issue(name, "give 1 to 5", "invalid_choice"))
        values[name] = v
    raise_if(issues)
    token = rules.reporter_token(voice_key(), "rating", f"client:{cid}", worker_id)
    row = db.session.execute(sa.select(ClientRating).where(ClientRating.client_id == cid,
                                                           ClientRating.rater_token == token)).scalar_one_or_none()
    replaced = row is not None
    if row is None:
        row = ClientRating(client_id=cid, rater_token=token)
        db.session.add(row)
    for k, v in values.items():
        setattr(row, k, v)
    row.rated_on = today
    with unique_or_refuse("uq_voice_client_ratings_rater", "your rating was already recorded", "already_rated",
                          columns="voice_client_ratings.client_id, voice_client_ratings.rater_token"):
        pass
    return replaced


@dataclass(frozen=True)
class ClientScore:
    client: Client
    raters: int
    means: dict[str, object]


def ratings_aggregate() -> tuple[int, list[ClientScore]]:
    """Average ratings of each client rated by at least the floor of workers (fewer: the client is not shown)."""
    floor = rules.effective_floor(settings().feedback_min_group)
    rows = db.session.execute(sa.select(ClientRating.client_id, sa.func.count(), *(
        sa.func.sum(getattr(ClientRating, k)) for k in rules.RATING_CRITERIA)).group_by(ClientRating.client_id)).all()
    out = []
    for cid, n, *sums in rows:
        if n < floor:
            continue
        client = db.session.get(Client, cid)
        means = {k: rules.average(int(s), n) for k, s in zip(rules.RATING_CRITERIA, sums)}
        out.append(ClientScore(client, n, means))
    return floor, sorted(out, key=lambda s: s.client.name)
