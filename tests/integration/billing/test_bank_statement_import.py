"""Bank statement import: receipts matched to invoices and applied, the rest left for staff, all or nothing, and
the same file refused a second time (hand-made statements)."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from backoffice.billing.bank_import import import_statement, unapplied_payments
from backoffice.billing.receipts import apply_unapplied
from backoffice.errors import DomainError, ValidationFailed
from backoffice.money import D
from tests.factories import ClientFactory

from .receivables_support import account_balance, issued_invoice

TODAY = date(2026, 6, 30)


@pytest.fixture
def two_invoices(db, make_user):
    acme = ClientFactory(name="Acme Staffing Co")
    birch = ClientFactory(name="Birch Foods")
    i1 = issued_invoice(acme, "1200.00", date(2026, 6, 1), number="INV-000001")
    i2 = issued_invoice(birch, "450.00", date(2026, 6, 1), number="INV-000002")
    return make_user("finance"), acme, birch, i1, i2


def statement(*rows: str) -> bytes:
    return ("date,amount,reference,payer\n" + "".join(r + "\n" for r in rows)).encode()


def test_a_statement_pays_what_it_matches_and_lists_the_rest(two_invoices):
    """Line 2 pays 1,000.00 of INV-000001 (by number) → 200.00 left, partially paid. Line 3: Birch pays exactly
    450.00 → INV-000002 paid (by amount and client). Line 4: 77.00 from an unknown payer → unmatched, unapplied.
    Line 5: a 12.50 bank fee is skipped. Receivables 1,650.00 − 1,450.00 = 200.00; cash 1,450.00."""
    from backoffice.billing.models import Invoice
    from backoffice.extensions import db

    finance, acme, birch, i1, i2 = two_invoices
    result = import_statement(statement("2026-06-10,1000.00,PAYMENT INV-000001,ACME",
                                        "2026-06-11,450.00,ACH,Birch Foods Inc",
                                        "2026-06-12,77.00,ACH,Nobody We Know",
                                        "2026-06-12,-12.50,FEE,"), "june.csv", finance, today=TODAY)
    assert (result.rows, result.matched, result.unmatched, result.skipped) == (3, 2, 1, 1)
    i1, i2 = db.session.get(Invoice, i1.id), db.session.get(Invoice, i2.id)
    assert (i1.balance, i1.status, i2.balance, i2.status) == (D("200.00"), "partially_paid", D("0.00"), "paid")
    assert (account_balance("1100"), account_balance("1010")) == (D("200.00"), D("1450.00"))
    (left,) = unapplied_payments()
    assert (left.line_number, left.amount, left.unapplied, left.client_id) == (4, D("77.00"), D("77.00"), None)
    assert result.unmatched_rows[0]["reason"] == "no invoice number in the reference, and the payer is not a client"


def test_staff_apply_an_unmatched_receipt_by_hand(two_invoices):
    """The unknown 77.00 is Acme's: applied to INV-000001 (1,200.00 owed) it leaves 1,123.00; the payment takes
    Acme as its client and nothing is left unapplied. 77.01 would be more than the payment."""
    from backoffice.extensions import db

    finance, acme, _, i1, _ = two_invoices
    import_statement(statement("2026-06-12,77.00,ACH,Nobody We Know"), "a.csv", finance, today=TODAY)
    (p,) = unapplied_payments()
    with pytest.raises(ValidationFailed, match="more than the payment's unapplied 77.00"):
        apply_unapplied(p.id, i1.id, "77.01", finance, today=TODAY)
    apply_unapplied(p.id, i1.id, "77.00", finance, today=TODAY)
    db.session.refresh(p)
    assert (p.client_id, p.unapplied, account_balance("1100")) == (acme.id, D("0.00"), D("1573.00"))
    assert unapplied_payments() == []


def test_a_statement_with_one_bad_row_writes_nothing(two_invoices):
    from backoffice.billing.receivables_models import BankStatementImport, ClientPayment
    from backoffice.extensions import db

    finance, *_ = two_invoices
    with pytest.raises(ValidationFailed) as exc:
        import_statement(statement("2026-06-10,1000.00,INV-000001,", "2026-06-31,5.00,x,"), "bad.csv", finance,
                         today=TODAY)
    assert [(i.row, i.field) for i in exc.value.issues] == [(3, "date")]
    assert db.session.execute(sa.select(sa.func.count()).select_from(ClientPayment)).scalar() == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(BankStatementImport)).scalar() == 0
    assert account_balance("1100") == D("1650.00")


def test_the_same_file_is_refused_the_second_time(two_invoices):
    finance, *_ = two_invoices
    content = statement("2026-06-10,100.00,INV-000001,")
    import_statement(content, "june.csv", finance, today=TODAY)
    with pytest.raises(DomainError, match="already imported") as exc:
        import_statement(content, "june-again.csv", finance, today=TODAY)
    assert exc.value.code == "duplicate_statement"
    assert account_balance("1100") == D("1550.00")          # 1,650.00 − the one 100.00 receipt
