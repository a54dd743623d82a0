"""Worker proposals (issue 17): any worker posts, others co-sign once each; at the agency's share of active
workers the agency must answer publicly by a due date; overdue answers are flagged on the shared board."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from backoffice.errors import DomainError, ValidationFailed
from backoffice.voice import proposal_services, services

DAY = date(2026, 11, 2)


def test_a_proposal_reaches_its_threshold_and_gets_a_due_date(voice_world):
    """7 active workers, share 0.40: 2.8 -> 3 signatures. The author signs (1), two co-sign (3): due on
    2026-11-04 + 30 days = 2026-12-04."""
    services.update_settings(voice_world.hr, proposal_threshold_share="0.40", answer_days="30",
                             feedback_min_group="5")
    u = voice_world.users
    p = proposal_services.post_proposal(u[0], title="Paid briefings", body="Pay the safety briefing.", today=DAY)
    assert (p.threshold, p.signatures, p.status) == (3, 1, "open")
    proposal_services.cosign(u[1], p.id, DAY + timedelta(days=1))
    p = proposal_services.cosign(u[2], p.id, DAY + timedelta(days=2))
    assert (p.signatures, p.status, p.threshold_reached_on, p.due_date) == (
        3, "due", date(2026, 11, 4), date(2026, 12, 4))


def test_a_worker_cosigns_once_and_the_author_cannot_sign_twice(voice_world):
    u = voice_world.users
    p = proposal_services.post_proposal(u[0], title="T", body="B", today=DAY)
    proposal_services.cosign(u[1], p.id, DAY)
    for user in (u[0], u[1]):
        with pytest.raises(DomainError, match="already co-signed"):
            proposal_services.cosign(user, p.id, DAY)
    assert p.signatures == 2


def test_the_board_flags_an_overdue_answer_first_and_an_answer_clears_it(voice_world):
    """Share 0.10 of 7 = 0.7 -> 1: the author's signature reaches it at once; due 2026-11-02 + 30 = 2026-12-02;
    on 2026-12-03 it is overdue and heads the board."""
    u = voice_world.users
    proposal_services.post_proposal(u[1], title="Newer, not due", body="B", today=date(2026, 12, 1))
    late = proposal_services.post_proposal(u[0], title="Spanish paystubs", body="B", today=DAY)
    assert late.due_date == date(2026, 12, 2)
    rows = proposal_services.board(voice_world.hr, date(2026, 12, 3))
    assert rows[0].proposal.id == late.id and rows[0].overdue is True
    proposal_services.answer_proposal(voice_world.hr, late.id, "From January.", datetime(2026, 12, 3, tzinfo=timezone.utc))
    rows = proposal_services.board(u[2], date(2026, 12, 3))
    assert not any(r.overdue for r in rows)
    assert [r.proposal.answer for r in rows if r.proposal.id == late.id] == ["From January."]


def test_a_worker_may_not_answer_and_hr_may_not_post(voice_world):
    from backoffice.errors import PermissionDenied

    p = proposal_services.post_proposal(voice_world.users[0], title="T", body="B", today=DAY)
    with pytest.raises(PermissionDenied):
        proposal_services.answer_proposal(voice_world.users[1], p.id, "Yes", datetime(2026, 11, 3, tzinfo=timezone.utc))
    with pytest.raises(PermissionDenied):
        proposal_services.post_proposal(voice_world.hr, title="T", body="B", today=DAY)


def test_a_proposal_needs_a_title_and_a_body(voice_world):
    with pytest.raises(ValidationFailed) as exc:
        proposal_services.post_proposal(voice_world.users[0], title=" ", body="", today=DAY)
    assert {i.field for i in exc.value.issues} == {"title", "body"}


def test_co_signing_leaves_no_audit_row_naming_the_co_signer(db, voice_world):
    """The board promises counts, never co-signers: the author's post is on record, the co-signatures are not."""
    import sqlalchemy as sa

    from backoffice.audit import AuditLog, acting_as

    u = voice_world.users
    with acting_as(u[0]):
        p = proposal_services.post_proposal(u[0], title="T", body="B", today=DAY)
    for user in u[1:4]:
        with acting_as(user):
            proposal_services.cosign(user, p.id, DAY)
    assert p.signatures == 4
    emails = set(db.session.execute(sa.select(AuditLog.user_email)).scalars())
    assert u[0].email in emails and not emails & {user.email for user in u[1:4]}
