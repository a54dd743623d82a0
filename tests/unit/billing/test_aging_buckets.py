"""Aging buckets on their boundary days, and balances summed by client (hand figures in each docstring)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from backoffice.billing.buckets import OpenItem, age, bucket_for, days_past_due, totals
from backoffice.money import D

DUE = date(2026, 1, 1)


@pytest.mark.parametrize("days, bucket", [
    (-5, "current"), (0, "current"), (1, "days_1_30"), (30, "days_1_30"), (31, "days_31_60"), (60, "days_31_60"),
    (61, "days_61_90"), (90, "days_61_90"), (91, "days_90_plus"), (400, "days_90_plus"),
])
def test_an_amount_falls_in_the_bucket_of_its_days_past_due_on_the_boundary_days(days, bucket):
    """Due 2026-01-01: on 2026-01-31 it is 30 days late (1–30); on 2026-02-01 31 (31–60); 60/61 and 90/91 alike."""
    as_of = DUE + timedelta(days=days)
    assert days_past_due(DUE, as_of) == days
    assert bucket_for(DUE, as_of) == bucket


def test_boundary_dates_written_out_as_a_person_counts_them():
    """Due March 1, 2026. March 31 is 30 days later (1–30), April 1 is 31 (31–60); April 30 is 60, May 1 is 61;
    May 30 is 90, May 31 is 91 (90+)."""
    due = date(2026, 3, 1)
    assert [bucket_for(due, d) for d in (date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 30), date(2026, 5, 1),
                                         date(2026, 5, 30), date(2026, 5, 31))] == [
        "days_1_30", "days_31_60", "days_31_60", "days_61_90", "days_61_90", "days_90_plus"]


def test_balances_are_summed_by_client_and_bucket_and_open_credit_lowers_the_total():
    """As of 2026-04-30. Acme: INV-1 1,000.00 due 04-30 (current), INV-2 250.50 due 03-31 (30 days: 1–30),
    INV-3 99.99 due 01-29 (91 days: 90+), a credit note's 40.00 unapplied → total 1,000 + 250.50 + 99.99 − 40
    = 1,310.49. Birch: INV-4 500.00 due 02-28 (61 days: 61–90); a paid invoice (balance 0) is left out."""
    as_of = date(2026, 4, 30)
    items = [
        OpenItem(1, "Acme", "invoice", D("1000.00"), date(2026, 4, 30), "INV-1", 1),
        OpenItem(1, "Acme", "invoice", D("250.50"), date(2026, 3, 31), "INV-2", 2),
        OpenItem(1, "Acme", "invoice", D("99.99"), date(2026, 1, 29), "INV-3", 3),
        OpenItem(1, "Acme", "credit_note", D("40.00"), date(2026, 4, 1), "CN-1", 9),
        OpenItem(2, "Birch", "invoice", D("500.00"), date(2026, 2, 28), "INV-4", 4),
        OpenItem(2, "Birch", "invoice", D("0.00"), date(2026, 1, 1), "INV-5", 5),
    ]
    acme, birch = age(items, as_of)
    assert (acme.current, acme.days_1_30, acme.days_31_60, acme.days_61_90, acme.days_90_plus, acme.credits) == (
        D("1000.00"), D("250.50"), D("0"), D("0"), D("99.99"), D("-40.00"))
    assert acme.total == D("1310.49")
    assert (acme.invoices, acme.oldest_days) == (3, 91)
    assert (birch.days_61_90, birch.total, birch.invoices) == (D("500.00"), D("500.00"), 1)
    all_ = totals([acme, birch])
    assert (all_.total, all_.past_due, all_.credits) == (D("1810.49"), D("850.49"), D("-40.00"))
