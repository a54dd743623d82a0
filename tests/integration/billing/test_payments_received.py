"""Payments received: partial then full payment, refusals field by field, unapplied bank cash applied by hand, and
receivables in the ledger equal to the open balances (hand figures in each docstring)."""
from __future__ import annotations

from datetime import date

import pytest

from backoffice.billing.receipts import record_payment
from backoffice.errors import DomainError, ValidationFailed
from backoffice.money import D
from tests.factories import ClientFactory

from .receivables_support import account_balance, issued_invoice

TODAY = date(2026, 6, 30)


def test_two_partial_payments_move_the_invoice_to_partially_paid_then_paid(db, make_user):
    """INV for 1,000.00. Pay 400.00 → balance 600.00, partially_paid; pay 600.00 → 0.00, paid. The ledger: 1100
    debited 1,000 at issue, credited 400 + 600 → 0.00; cash 1010 = 1,000.00; revenue 4000 = −1,000.00 (credit)."""
    finance = make_user("finance")
    inv = issued_invoice(ClientFactory(name="Acme"), "1000.00", date(2026, 6, 1))
    pay, inv = record_payment(inv.id, {"amount": "400.00", "received_on": "2026-06-10", "reference": "chk 1001",
                                       "method": "check"}, finance, today=TODAY)
    assert (inv.balance, inv.status, pay.unapplied, pay.source) == (D("600.00"), "partially_paid", D("0.00"), "manual")
    assert account_balance("1100") == D("600.00")
    _, inv = record_payment(inv.id, {"amount": "600.00", "received_on": "2026-06-20"}, finance, today=TODAY)
    assert (inv.balance, inv.status) == (D("0.00"), "paid")
    assert (account_balance("1100"), account_balance("1010"), account_balance("4000")) == (
        D("0.00"), D("1000.00"), D("-1000.00"))


def test_bad_payments_are_refused_naming_each_field(db, make_user):
    """Balance 250.00: 250.01 is more than the balance; 0 is not more than 0; a future date and a bad method are
    named too; a paid invoice refuses any payment."""
    finance = make_user("finance")
    inv = issued_invoice(ClientFactory(), "250.00", date(2026, 6, 1))
    with pytest.raises(ValidationFailed) as exc:
        record_payment(inv.id, {"amount": "250.01", "received_on": "2026-07-01", "method": "bitcoin"}, finance,
                       today=TODAY)
    assert {(i.field, i.code) for i in exc.value.issues} == {("amount", "more_than_balance"),
                                                             ("received_on", "future"), ("method", "invalid")}
    with pytest.raises(ValidationFailed) as exc:
        record_payment(inv.id, {"amount": "0", "received_on": "2026-05-01"}, finance, today=TODAY)
    assert {(i.field, i.code) for i in exc.value.issues} == {("amount", "not_positive"),
                                                             ("received_on", "before_issue")}
    record_payment(inv.id, {"amount": "250.00", "received_on": "2026-06-02"}, finance, today=TODAY)
    with pytest.raises(DomainError, match="is paid: nothing is owed"):
        record_payment(inv.id, {"amount": "1.00", "received_on": "2026-06-02"}, finance, today=TODAY)


def test_hr_and_approvers_may_not_record_payments(db, make_user):
    from backoffice.errors import PermissionDenied

    c = ClientFactory()
    inv = issued_invoice(c, "10.00", date(2026, 6, 1))
    for user in (make_user("hr"), make_user("client_approver", client_id=c.id)):
        with pytest.raises(PermissionDenied):
            record_payment(inv.id, {"amount": "1.00", "received_on": "2026-06-02"}, user, today=TODAY)


def test_receivables_in_the_ledger_equal_the_sum_of_open_balances(db, make_user):
    """Three invoices 1,000.00 + 500.00 + 120.00 = 1,620.00 issued; 300.00 paid on the first, the third paid in
    full (120.00): open balances 700.00 + 500.00 = 1,200.00 = the 1100 account; the aging total agrees."""
    from backoffice.billing.aging import aging_report
    from backoffice.billing.buckets import totals

    finance = make_user("finance")
    a, b = ClientFactory(name="A"), ClientFactory(name="B")
    i1 = issued_invoice(a, "1000.00", date(2026, 6, 1))
    issued_invoice(b, "500.00", date(2026, 6, 2))
    i3 = issued_invoice(b, "120.00", date(2026, 6, 3))
    record_payment(i1.id, {"amount": "300.00", "received_on": "2026-06-05"}, finance, today=TODAY)
    record_payment(i3.id, {"amount": "120.00", "received_on": "2026-06-05"}, finance, today=TODAY)
    assert account_balance("1100") == D("1200.00")
    assert totals(aging_report(TODAY)).total == D("1200.00")
    # as of 2026-06-04, before either payment: all 1,620.00 was owed
    assert totals(aging_report(date(2026, 6, 4))).total == D("1620.00")
