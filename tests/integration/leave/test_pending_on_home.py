"""The balances the portal home shows: each policy's pending hours summed in one query, the same as the request
form's check (pending_hours) — submitted and approved requests count, cancelled and declined ones do not."""
from __future__ import annotations

from decimal import Decimal

from tests.integration.leave.test_requests import _ask, ana  # noqa: F401 - the fixture


def test_submitted_and_approved_hours_are_pending_and_cancelled_or_declined_ones_are_not(db, world, ana):  # noqa: F811
    """Balance 25.3333 h (24 opening + 40 ÷ 30 accrued). Asked: 8 h (waiting), 4 h (approved), 2 h (cancelled),
    3 h (declined): pending 8 + 4 = 12 h, available 25.3333 − 12 = 13.3333 h."""
    from backoffice.leave import services

    eng, policy, user, approver = ana
    _ask(user, policy, "8")
    services.approve_request(approver, _ask(user, policy, "4").id)
    services.cancel_request(user, _ask(user, policy, "2").id)
    services.decline_request(approver, _ask(user, policy, "3").id, note="short-staffed")
    [view] = services.balances_of(eng.worker_id)
    assert (view.balance, view.pending, view.available) == (Decimal("25.3333"), Decimal("12"), Decimal("13.3333"))
    assert view.pending == services.pending_hours(eng.worker_id, policy.id)
