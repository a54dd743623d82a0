"""The aging report read from the database, as of today and as of a past date (hand figures in each docstring)."""
from __future__ import annotations

from datetime import date

from backoffice.billing.aging import aging_report
from backoffice.money import D
from tests.factories import ClientFactory

from .receivables_support import issued_invoice


def test_aging_by_client_on_the_boundary_days(db, make_user):
    """As of 2026-06-30. Acme: invoices due 06-30 (0 days: current) 100.00, 05-31 (30: 1–30) 200.00, 05-30
    (31: 31–60) 300.00, 05-01 (60: 31–60) 400.00, 04-30 (61: 61–90) 500.00, 04-01 (90: 61–90) 600.00,
    03-31 (91: 90+) 700.00. Buckets: 100 / 200 / 700 / 1,100 / 700, total 2,800.00."""
    acme = ClientFactory(name="Acme")
    for due, total in ((date(2026, 6, 30), "100.00"), (date(2026, 5, 31), "200.00"), (date(2026, 5, 30), "300.00"),
                       (date(2026, 5, 1), "400.00"), (date(2026, 4, 30), "500.00"), (date(2026, 4, 1), "600.00"),
                       (date(2026, 3, 31), "700.00")):
        issued_invoice(acme, total, date(2026, 1, 1), terms=(due - date(2026, 1, 1)).days)
    (row,) = aging_report(date(2026, 6, 30))
    assert (row.client_name, row.current, row.days_1_30, row.days_31_60, row.days_61_90, row.days_90_plus) == (
        "Acme", D("100.00"), D("200.00"), D("700.00"), D("1100.00"), D("700.00"))
    assert row.total == D("2800.00")
    assert row.as_dict()["days_90_plus"] == D("700.00")


def test_an_invoice_issued_after_the_date_is_not_yet_owed_and_a_draft_never(db):
    """Issued 2026-07-01: absent from the report as of 2026-06-30, current as of 07-01 (due 07-31)."""
    from backoffice.billing.models import Invoice
    from backoffice.extensions import db as _db

    birch = ClientFactory(name="Birch")
    inv = issued_invoice(birch, "250.00", date(2026, 7, 1))
    draft = Invoice(agency_id=inv.agency_id, client_id=birch.id, status="draft", period_start=date(2026, 7, 1),
                    period_end=date(2026, 7, 7), total=D("99.00"), balance=D("99.00"))
    _db.session.add(draft)
    _db.session.commit()
    assert aging_report(date(2026, 6, 30)) == []
    (row,) = aging_report(date(2026, 7, 1))
    assert (row.current, row.total, row.invoices) == (D("250.00"), D("250.00"), 1)
