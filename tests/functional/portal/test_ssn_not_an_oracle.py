"""The onboarding wizard never tells a worker whether an SSN is on file for someone else; HR is told instead.

Regression (issue 9, point 4): the wizard's profile step answered "is already on file for another worker"."""
from __future__ import annotations

import sqlalchemy as sa


def _index(digits):
    from backoffice.crypto import blind_index

    return blind_index(digits)


def test_the_onboarding_wizard_does_not_say_an_ssn_is_on_file_and_tells_hr(db, invite_and_accept):
    """A worker who types another worker's SSN in the wizard reads a message that says nothing about who holds
    it; HR finds the conflict in the audit log."""
    from backoffice.audit import AuditLog
    from tests.factories import WorkerFactory
    from tests.functional.portal.conftest import field_errors
    from tests.functional.portal.test_wizard import PROFILE

    WorkerFactory(first_name="Ola", last_name="Other", email="ola@example.com", tin="219099998", tin_last4="9998",
                  tin_index=_index("219099998"))
    p = invite_and_accept()
    r = p.post(p.step_url("profile"), {**PROFILE, "tin": "219-09-9998"})
    assert r.status_code == 422
    assert b"already on file" not in r.data
    assert field_errors(r.data)["tin"] == "this SSN cannot be used here; HR will contact you"
    flags = db.session.execute(sa.select(AuditLog).where(AuditLog.action == "tin_conflict")).scalars().all()
    assert len(flags) == 1 and flags[0].model == "worker"
