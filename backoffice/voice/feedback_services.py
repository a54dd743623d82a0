"""Feedback without fear: anonymous reports about a client (or a site of it) or the agency, shown to HR in
aggregate until the group-size floor of distinct reporters is reached for a client; the agency's public responses;
workers' ratings of clients, averaged under the same floor."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from backoffice.errors import Issue, raise_if
from backoffice.extensions import db
from backoffice.security.access import require
from backoffice.uow import transaction, unique_or_refuse
from backoffice.voice import rules
from backoffice.voice.models import ClientRating, FeedbackReport, FeedbackResponse
from backoffice.voice.services import clean_text, settings, voice_key, worker_of
from backoffice.workers.models import Client, Engagement


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
    worker_id = worker_of(user)
    require(user, "feedback", "create")
    issues = []
    if subject not in rules.FEEDBACK_SUBJECTS:
        issues.append(Issue("subject", "choose a client or the agency", "invalid_choice"))
    if topic not in rules.FEEDBACK_TOPICS:
        issues.append(Issue("topic", "choose pay, safety, respect or other", "invalid_choice"))
    body = clean_text(issues, "body", body)
    site = clean_text(issues, "site", site, required=False, limit=120)
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
    body = clean_text(issues, "body", body)
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
    worker_id = worker_of(user)
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
    if row is None:
        with unique_or_refuse("uq_voice_client_ratings_rater", "your rating was already recorded", "already_rated",
                              columns="voice_client_ratings.client_id, voice_client_ratings.rater_token"):
            db.session.add(ClientRating(client_id=cid, rater_token=token, rated_on=today, **values))
        return False
    for k, v in values.items():
        setattr(row, k, v)
    row.rated_on = today
    return True


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
