"""The secret ballot holds (issue 17): one worker one vote, changeable until the close, and nothing in the
database, the audit log or the logs ties a worker to a choice."""
from __future__ import annotations

import json
import logging
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from backoffice.errors import DomainError, ValidationFailed
from backoffice.voice import services

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
# Options no other text in the database could contain, so finding one anywhere means a choice leaked there.
OPTIONS = ["Keep plan Zebra-7731", "Switch to plan Quokka-5519", "Offer both Narwhal-2284"]


def _poll(world, **kw):
    poll = services.create_poll(world.hr, title="Dental plan", options=OPTIONS, **kw)
    services.open_poll(world.hr, poll.id, NOW)
    return poll


def test_each_worker_votes_once_and_a_changed_vote_replaces_the_first(voice_world):
    """Votes: w0 Zebra, w1 Zebra, w2 Quokka; then w0 changes to Narwhal. Totals: Zebra 1, Quokka 1, Narwhal 1;
    3 votes of 6 eligible leased employees (the contractor's engagement type is not eligible by default here)."""
    poll = _poll(voice_world, eligible_types=["leased_employee"])
    u = voice_world.users
    assert services.cast_vote(u[0], poll.id, OPTIONS[0]) is False
    assert services.cast_vote(u[1], poll.id, OPTIONS[0]) is False
    assert services.cast_vote(u[2], poll.id, OPTIONS[1]) is False
    assert services.cast_vote(u[0], poll.id, OPTIONS[2]) is True
    r = services.tally_poll(poll)
    assert r.totals == {OPTIONS[0]: 1, OPTIONS[1]: 1, OPTIONS[2]: 1}
    assert (r.votes, r.eligible) == (3, 6)


def test_a_vote_cannot_be_changed_after_the_close_and_the_eligible_count_is_frozen(voice_world):
    poll = _poll(voice_world)
    services.cast_vote(voice_world.users[0], poll.id, OPTIONS[0])
    services.close_poll(voice_world.hr, poll.id, NOW)
    with pytest.raises(DomainError, match="the poll is closed"):
        services.cast_vote(voice_world.users[0], poll.id, OPTIONS[1])
    assert services.tally_poll(poll).totals[OPTIONS[0]] == 1
    assert poll.eligible_count == 7                # six leased employees and the contractor


def test_a_worker_of_another_engagement_type_is_not_eligible(voice_world):
    poll = _poll(voice_world, eligible_types=["leased_employee"])
    with pytest.raises(DomainError, match="not eligible"):
        services.cast_vote(voice_world.contractor_user, poll.id, OPTIONS[0])


def test_a_choice_outside_the_options_is_refused_beside_the_field(voice_world):
    poll = _poll(voice_world)
    with pytest.raises(ValidationFailed) as exc:
        services.cast_vote(voice_world.users[0], poll.id, "Something else")
    assert exc.value.issues[0].field == "choice"


def test_staff_cannot_vote(voice_world):
    poll = _poll(voice_world)
    with pytest.raises(DomainError):
        services.cast_vote(voice_world.hr, poll.id, OPTIONS[0])


def _all_rows(db) -> dict[str, list[dict]]:
    out = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).mappings().all()
        out[table.name] = [{k: (str(v) if v is not None else None) for k, v in r.items()} for r in rows]
    return out


def test_no_row_of_any_table_puts_a_worker_beside_a_choice(db, voice_world):
    """Every table read back raw: an option's text is found only in the poll's own definition (the polls row and
    its creation in the audit log, written by HR) and in poll_ballots, whose rows hold the poll, a 64-hex token
    and the choice — no worker id, user id, name, e-mail or time — and the token is not any worker's id or
    e-mail hashed without the server key."""
    import hashlib

    poll = _poll(voice_world)
    for user, option in zip(voice_world.users, [OPTIONS[0], OPTIONS[1], OPTIONS[0], OPTIONS[2]]):
        services.cast_vote(user, poll.id, option)
    services.cast_vote(voice_world.users[1], poll.id, OPTIONS[2])          # a change
    db.session.commit()
    rows = _all_rows(db)
    holding = {table for table, table_rows in rows.items() if any(o in json.dumps(table_rows) for o in OPTIONS)}
    assert holding == {"polls", "audit_log", "poll_ballots"}
    audit_with_options = [r for r in rows["audit_log"] if any(o in r["changes"] for o in OPTIONS)]
    assert [(r["model"], r["action"]) for r in audit_with_options] == [("poll", "create")]
    assert audit_with_options[0]["user_email"] not in {u.email for u in voice_world.users}
    ballots = rows["poll_ballots"]
    assert len(ballots) == 4
    assert all(set(b) == {"poll_id", "token", "choice"} for b in ballots)
    identities = set()
    for w, u in zip(voice_world.workers, voice_world.users):
        identities |= {str(w.id), str(u.id), w.email, u.email, w.first_name, w.last_name}
        identities |= {hashlib.sha256(str(w.id).encode()).hexdigest(), hashlib.sha256(w.email.encode()).hexdigest()}
    for b in ballots:
        assert len(b["token"]) == 64 and b["token"] not in identities
        assert not any(v == b["token"] for ident in identities for v in (ident,))
    voters = rows["poll_voters"]
    assert sorted(int(v["worker_id"]) for v in voters) == sorted(w.id for w in voice_world.workers[:4])
    assert all(set(v) == {"poll_id", "worker_id"} for v in voters)      # who voted, never what or when


def test_the_audit_log_records_the_poll_but_no_ballot_voter_or_choice(db, voice_world):
    from backoffice.audit import AuditLog

    poll = _poll(voice_world)
    services.cast_vote(voice_world.users[0], poll.id, OPTIONS[0])
    services.cast_vote(voice_world.users[0], poll.id, OPTIONS[1])
    services.close_poll(voice_world.hr, poll.id, NOW)
    entries = db.session.execute(sa.select(AuditLog)).scalars().all()
    assert {e.model for e in entries if e.model in ("poll", "poll_ballots", "poll_voters")} == {"poll"}
    for e in entries:
        if (e.model, e.action) != ("poll", "create"):       # the poll's definition lists its options
            assert not any(o in e.changes for o in OPTIONS), (e.model, e.changes)
        assert e.model not in ("poll_ballots", "poll_voters")
    # the poll's own entries (created, opened, closed by HR) never name a voter
    assert not {e.user_email for e in entries} & {u.email for u in voice_world.users}


def test_voting_writes_no_log_line_with_the_choice_or_the_voter(db, voice_world, caplog):
    poll = _poll(voice_world)
    with caplog.at_level(logging.DEBUG):
        services.cast_vote(voice_world.users[0], poll.id, OPTIONS[0])
        services.cast_vote(voice_world.users[0], poll.id, OPTIONS[1])
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert not any(o in text for o in OPTIONS)
    assert voice_world.users[0].email not in text


def test_a_changed_server_key_refuses_a_change_instead_of_counting_the_worker_twice(app, voice_world):
    poll = _poll(voice_world)
    services.cast_vote(voice_world.users[0], poll.id, OPTIONS[0])
    saved = app.config.get("VOICE_BALLOT_KEY")
    app.config["VOICE_BALLOT_KEY"] = "a rotated key"
    try:
        with pytest.raises(DomainError, match="ballot key"):
            services.cast_vote(voice_world.users[0], poll.id, OPTIONS[1])
    finally:
        app.config["VOICE_BALLOT_KEY"] = saved
    assert services.tally_poll(poll).votes == 1


def test_results_are_refused_while_the_poll_is_open_unless_it_shows_them_live(voice_world):
    closed_later = _poll(voice_world)
    with pytest.raises(DomainError, match="published when the poll closes") as exc:
        services.results(voice_world.users[0], closed_later.id)
    assert exc.value.status_code == 409
    live = _poll(voice_world, live_results=True)
    services.cast_vote(voice_world.users[0], live.id, OPTIONS[2])
    assert services.results(voice_world.users[1], live.id).totals[OPTIONS[2]] == 1


def test_a_worker_cannot_see_a_draft_poll(voice_world):
    from backoffice.errors import NotFound

    draft = services.create_poll(voice_world.hr, title="Not yet", options=["A", "B"])
    with pytest.raises(NotFound):
        services.get_poll(voice_world.users[0], draft.id)
    assert draft not in services.polls_for(voice_world.users[0])
    assert draft in services.polls_for(voice_world.hr)


def test_a_poll_needs_two_distinct_options_and_known_engagement_types(voice_world):
    with pytest.raises(ValidationFailed) as exc:
        services.create_poll(voice_world.hr, title="", options=["Only one"], eligible_types=["volunteer"])
    assert {i.field for i in exc.value.issues} == {"title", "options", "eligible_types"}


def test_due_polls_close_on_the_day_after_their_closing_day(voice_world):
    poll = _poll(voice_world, closes_on=date(2026, 11, 21))
    keep = _poll(voice_world, closes_on=date(2026, 11, 22))
    assert services.close_due_polls(date(2026, 11, 22), NOW) == 1
    assert (poll.status, keep.status) == ("closed", "open")
