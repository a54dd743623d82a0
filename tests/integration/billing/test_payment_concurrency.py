"""Four payments of 400.00 on one 1,000.00 invoice fired at once from four threads (each its own connection): the
lock on the invoice row serialises them, so two are recorded (balance 200.00) and two are refused as more than
the balance — never a lost update, never a balance below zero. The step after the locked read sleeps 0.3 s, so
without the lock every thread would read 1,000.00 and all four would be written."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.integration.payroll.test_concurrency import _slow, race

pytestmark = pytest.mark.real_commits


def test_simultaneous_payments_on_one_invoice_are_serialised(app, db, make_user, monkeypatch):
    from backoffice.billing import receipts
    from backoffice.billing.models import Invoice
    from backoffice.billing.receivables_models import PaymentApplication
    from tests.factories import ClientFactory
    from tests.integration.billing.receivables_support import account_balance, issued_invoice

    finance = make_user("finance")
    inv = issued_invoice(ClientFactory(name="Acme"), "1000.00", date(2026, 6, 1))
    db.session.commit()
    ids = (inv.id, finance.id)
    _slow(monkeypatch, receipts, "check_open")

    def pay(load_user):
        return receipts.record_payment(ids[0], {"amount": "400.00", "received_on": "2026-06-10"}, load_user(ids[1]),
                                       today=date(2026, 6, 30))[1].balance

    results = race(app, pay)
    assert not [r for r in results if r[0] == "crash"], results
    assert sorted(r[1] for r in results if r[0] == "ok") == [Decimal("200.00"), Decimal("600.00")]
    refused = [r for r in results if r[0] == "refused"]
    assert len(refused) == 2 and all("more than the balance" in r[2] for r in refused), results
    db.session.expire_all()
    assert db.session.get(Invoice, inv.id).balance == Decimal("200.00")
    assert db.session.execute(sa.select(sa.func.count()).select_from(PaymentApplication)).scalar() == 2
    assert account_balance("1100") == Decimal("200.00")
