"""Write-offs with four eyes: asked by one user, approved by another, the balance and ledger after (hand figures)."""
from __future__ import annotations

from datetime import date

import pytest

from backoffice.billing.writeoffs import approve_write_off, reject_write_off, request_write_off
from backoffice.errors import DomainError, PermissionDenied, ValidationFailed
from backoffice.money import D
from tests.factories import ClientFactory

from .receivables_support import account_balance, issued_invoice

TODAY = date(2026, 9, 30)


def test_a_write_off_needs_a_second_person_and_then_clears_the_balance(db, make_user):
    """INV 800.00, 500.00 paid → 300.00 owed. Ann asks to write off 300.00; Ann may not approve her own request;
    Bo approves: balance 0.00, written_off; 6900 bad debt 300.00; 1100 receivables 0.00."""
    from backoffice.billing.receipts import record_payment

    ann, bo = make_user("finance"), make_user("finance")
    inv = issued_invoice(ClientFactory(), "800.00", date(2026, 5, 1))
    record_payment(inv.id, {"amount": "500.00", "received_on": "2026-06-01"}, ann, today=TODAY)
    w = request_write_off(inv.id, "300.00", "client in receivership", ann, today=TODAY)
    with pytest.raises(DomainError, match="a different user must") as exc:
        approve_write_off(w.id, ann, today=TODAY)
    assert exc.value.code == "same_user"
    assert account_balance("1100") == D("300.00")
    approve_write_off(w.id, bo, today=TODAY)
    inv = w.invoice
    assert (inv.balance, inv.status, w.status, w.decided_by_id) == (D("0.00"), "written_off", "approved", bo.id)
    assert (account_balance("6900"), account_balance("1100")) == (D("300.00"), D("0.00"))


def test_a_partial_write_off_leaves_the_rest_owing_and_a_rejected_one_changes_nothing(db, make_user):
    """INV 100.00: 40.00 written off → 60.00 owed, partially_paid; a request for 60.01 is more than is owed;
    a rejected request for 10.00 leaves 60.00."""
    ann, bo = make_user("finance"), make_user("finance")
    inv = issued_invoice(ClientFactory(), "100.00", date(2026, 5, 1))
    approve_write_off(request_write_off(inv.id, "40.00", "disputed hours", ann, today=TODAY).id, bo, today=TODAY)
    with pytest.raises(ValidationFailed, match="more than the 60.00 owed"):
        request_write_off(inv.id, "60.01", "x", ann, today=TODAY)
    w = request_write_off(inv.id, "10.00", "small balance", ann, today=TODAY)
    reject_write_off(w.id, bo, today=TODAY, note="collect it")
    assert (w.invoice.balance, w.invoice.status, w.status) == (D("60.00"), "partially_paid", "rejected")
    with pytest.raises(DomainError, match="already rejected"):
        approve_write_off(w.id, bo, today=TODAY)


def test_hr_may_neither_ask_for_nor_approve_a_write_off(db, make_user):
    hr, ann = make_user("hr"), make_user("finance")
    inv = issued_invoice(ClientFactory(), "100.00", date(2026, 5, 1))
    with pytest.raises(PermissionDenied):
        request_write_off(inv.id, "1.00", "x", hr, today=TODAY)
    w = request_write_off(inv.id, "1.00", "x", ann, today=TODAY)
    with pytest.raises(PermissionDenied):
        approve_write_off(w.id, hr, today=TODAY)
