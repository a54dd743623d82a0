"""Invitations: HR's invite makes the worker, a pending engagement and the case, and emails a one-time link."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from backoffice.db import utcnow
from backoffice.errors import DomainError, ValidationFailed
from backoffice.security.models import User
from backoffice.workers.models import Engagement, Worker
from backoffice.onboarding.services import invitations
from backoffice.onboarding.models import Invitation, OnboardingCase
from tests.integration.onboarding.support import invite_data, make_agency, make_client


@pytest.fixture
def client_row(db):
    make_agency()
    return make_client()


def _invite(mail_config, client_row, **kw):
    return invitations.invite_worker(invite_data(client_row.id, **kw), now=utcnow(), config=mail_config,
                                     base_url="http://portal.test")


def test_an_invitation_creates_worker_engagement_case_and_sends_the_link_by_smtp(db, mail_config, mailbox, client_row):
    result = _invite(mail_config, client_row)
    assert result.sent and result.error is None
    worker = db.session.execute(sa.select(Worker)).scalar_one()
    assert (worker.email, worker.status) == ("dana.contractor@example.com", "onboarding")
    eng = db.session.execute(sa.select(Engagement)).scalar_one()
    assert (eng.type, eng.status, eng.work_state, str(eng.pay_rate)) == ("contractor", "pending", "TX", "65.0000")
    case = db.session.execute(sa.select(OnboardingCase)).scalar_one()
    # A contractor in Texas: profile, W-9, direct deposit, agreement (no W-4, no state form, no I-9).
    assert [s.step for s in case.steps] == ["profile", "w9", "direct_deposit", "agreement"]
    assert (case.status, case.current_step) == ("invited", "profile")

    (msg,) = mailbox.messages
    assert msg["To"] == "dana.contractor@example.com"
    assert "Acme Robotics" in msg["Subject"]
    link = mailbox.last_link()
    assert link.startswith("http://portal.test/portal/invite/")
    token = link.rsplit("/", 1)[1]
    inv = db.session.execute(sa.select(Invitation)).scalar_one()
    # Only the SHA-256 of the token is stored, never the token itself.
    assert inv.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in inv.token_hash
    assert inv.sent_at is not None
    # Expires INVITE_TTL_HOURS (72) after it was made.
    assert timedelta(hours=71, minutes=59) < inv.expires_at - inv.created_at <= timedelta(hours=72, seconds=1)


def test_accepting_sets_the_password_once_and_the_link_cannot_be_reused(db, mail_config, mailbox, client_row):
    _invite(mail_config, client_row)
    token = mailbox.last_link().rsplit("/", 1)[1]
    user = invitations.accept_invitation(token, "a-long-password-1", "a-long-password-1", now=utcnow(),
                                         ip="203.0.113.9")
    assert (user.role, user.email) == ("worker", "dana.contractor@example.com")
    assert user.check_password("a-long-password-1")
    case = db.session.execute(sa.select(OnboardingCase)).scalar_one()
    assert case.status == "in_progress"
    with pytest.raises(DomainError) as exc:
        invitations.accept_invitation(token, "another-password-2", "another-password-2", now=utcnow())
    assert exc.value.code == "invitation_used"
    assert "already been used" in exc.value.message
    db.session.refresh(user)
    assert user.check_password("a-long-password-1") and not user.check_password("another-password-2")


def test_an_expired_link_is_refused_and_nothing_is_created(db, mail_config, mailbox, client_row):
    _invite(mail_config, client_row)
    token = mailbox.last_link().rsplit("/", 1)[1]
    inv = db.session.execute(sa.select(Invitation)).scalar_one()
    inv.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(DomainError) as exc:
        invitations.accept_invitation(token, "a-long-password-1", "a-long-password-1", now=utcnow())
    assert exc.value.code == "invitation_expired"
    assert "expired" in exc.value.message and "Ask HR" in exc.value.message
    assert db.session.execute(sa.select(sa.func.count(User.id))).scalar() == 0
    assert db.session.execute(sa.select(OnboardingCase.status)).scalar_one() == "invited"


def test_an_unknown_token_is_not_valid(db):
    with pytest.raises(DomainError) as exc:
        invitations.check_invitation("not-a-real-token", now=utcnow())
    assert exc.value.code == "invitation_invalid"


def test_password_too_short_and_mismatch_are_both_named(db, mail_config, mailbox, client_row):
    _invite(mail_config, client_row)
    token = mailbox.last_link().rsplit("/", 1)[1]
    with pytest.raises(ValidationFailed) as exc:
        invitations.accept_invitation(token, "short", "different", now=utcnow())
    assert {i.field for i in exc.value.issues} == {"password", "password_confirm"}
    assert db.session.execute(sa.select(Invitation.accepted_at)).scalar_one() is None


def test_resending_revokes_the_old_link(db, mail_config, mailbox, client_row):
    result = _invite(mail_config, client_row)
    old = mailbox.last_link().rsplit("/", 1)[1]
    invitations.resend_invitation(result.case.id, now=utcnow(), config=mail_config, base_url="http://portal.test")
    new = mailbox.last_link().rsplit("/", 1)[1]
    assert old != new and len(mailbox.messages) == 2
    with pytest.raises(DomainError) as exc:
        invitations.check_invitation(old, now=utcnow())
    assert exc.value.code == "invitation_revoked"
    assert invitations.check_invitation(new, now=utcnow()).id != result.invitation.id


def test_invite_names_every_bad_field_and_saves_nothing(db, mail_config, mailbox, client_row):
    with pytest.raises(ValidationFailed) as exc:
        invitations.invite_worker({"email": "not-an-email", "first_name": "", "client_id": client_row.id, "type": "intern",
                           "work_state": "ZZ", "pay_rate": "-5", "start_date": "2026-13-01"},
                          now=utcnow(), config=mail_config, base_url="http://portal.test")
    fields = {i.field for i in exc.value.issues}
    assert {"email", "first_name", "last_name", "type", "work_state", "pay_rate", "start_date"} <= fields
    assert db.session.execute(sa.select(sa.func.count(Worker.id))).scalar() == 0
    assert mailbox.messages == []


def test_when_smtp_is_down_the_records_stay_and_the_result_says_so(db, app, client_row):
    config = dict(app.config, SMTP_HOST="127.0.0.1", SMTP_PORT=1)  # nothing listens on port 1
    result = invitations.invite_worker(invite_data(client_row.id), now=utcnow(), config=config,
                                       base_url="http://portal.test")
    assert not result.sent and "could not be sent" in result.error
    assert result.invitation.sent_at is None
    assert db.session.execute(sa.select(OnboardingCase.status)).scalar_one() == "invited"


def test_a_leased_employee_in_california_gets_w4_de4_and_i9(db, mail_config, client_row):
    result = _invite(mail_config, client_row, type="leased_employee", work_state="CA", email="lee@example.com")
    assert [s.step for s in result.case.steps] == ["profile", "w4", "state_certificate", "i9", "direct_deposit",
                                                   "agreement"]


def test_the_acceptance_is_in_the_audit_log_and_a_racing_second_claim_fails(db, mail_config, mailbox, client_row,
                                                                             monkeypatch):
    from backoffice.audit import AuditLog

    _invite(mail_config, client_row)
    token = mailbox.last_link().rsplit("/", 1)[1]
    inv = invitations.check_invitation(token, now=utcnow())
    invitations.accept_invitation(token, "a-long-password-1", "a-long-password-1", now=utcnow(), ip="198.51.100.7")
    rows = db.session.execute(sa.select(AuditLog).where(AuditLog.model == "invitation",
                                                        AuditLog.changes.like("%accepted_at%"))).scalars().all()
    assert [(r.record_id, r.ip) for r in rows] == [(str(inv.id), "198.51.100.7")]
    # A second request that read the link as open before the first committed: its claim finds no open row.
    monkeypatch.setattr(invitations, "check_invitation", lambda _token, now: inv)
    with pytest.raises(DomainError) as exc:
        invitations.accept_invitation(token, "b-long-password-2", "b-long-password-2", now=utcnow())
    assert exc.value.code == "invitation_used"
    user = db.session.execute(sa.select(User)).scalar_one()
    assert user.check_password("a-long-password-1")
