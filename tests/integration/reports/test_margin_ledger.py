"""The margin report against the ledger: revenue − cost for a period equals what the journal posted to 4000 and
6100 / 6150 / 6200 / 6300 / 6400 in the same days, to the cent (the issue's must-show). The figures: the `billed`
fixture (tests/integration/reports/conftest.py)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa


D = Decimal
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
EXPENSES = ("6100", "6150", "6200", "6300", "6400")


def ledger(start: date, end: date) -> dict[str, Decimal]:
    """Each account's movement over journal entries dated start..end: revenue credit − debit, expenses debit −
    credit (straight from journal_lines, not through any report code)."""
    from backoffice.extensions import db
    from payroll.models_ledger import JournalEntry, JournalLine

    rows = db.session.execute(
        sa.select(JournalLine.account, JournalLine.debit, JournalLine.credit)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalEntry.entry_date.between(start, end), JournalLine.account.in_(("4000",) + EXPENSES))).all()
    out = {a: D("0.00") for a in ("4000",) + EXPENSES}
    for account, debit, credit in rows:
        out[account] += (credit - debit) if account == "4000" else (debit - credit)
    return out


def test_revenue_less_cost_in_the_margin_report_equals_the_ledger_to_the_cent(db, billed):
    from reports import catalog

    report = catalog.get("gross-margin")
    filters = catalog.parse_filters(report, {"start": "2026-11-01", "end": "2026-11-30", "group": "period"})
    sheet, check = catalog.sheets(report, filters)
    t = catalog.totals(sheet)
    books = ledger(*NOVEMBER)
    cents = {k: D(v) / 100 for k, v in t.items() if k != "margin_pct"}
    # the hand figures
    assert (cents["revenue"], cents["wages"], cents["contractor_pay"], cents["employer_taxes"], cents["benefits"],
            cents["workers_comp"]) == (D("3700.00"), D("1187.50"), D("1200.00"), D("130.04"), D("0"), D("73.13"))
    assert (cents["cost"], cents["margin"], t["margin_pct"]) == (D("2590.67"), D("1109.33"), "30.0")
    # the ledger, account by account, and revenue − cost as a whole
    assert cents["revenue"] == books["4000"]
    assert (cents["wages"], cents["contractor_pay"], cents["employer_taxes"], cents["benefits"],
            cents["workers_comp"]) == tuple(books[a] for a in EXPENSES)
    assert cents["margin"] == books["4000"] - sum(books[a] for a in EXPENSES)
    assert sheet.frame["period"].tolist() == ["2026-11"]
    # the report's own ledger check (the GL export's reading of the journal) agrees on every line
    assert check.frame[["figure", "ledger", "difference"]].values.tolist() == [
        ["revenue", 370000, 0], ["wages", 118750, 0], ["contractor_pay", 120000, 0], ["employer_taxes", 13004, 0],
        ["benefits", 0, 0], ["workers_comp", 7313, 0], ["margin", 110933, 0]]


def test_margin_by_worker_splits_revenue_and_cost_per_person(db, billed):
    """Ann: 1,900.00 − (1,187.50 + 130.04 + 73.13 = 1,390.67) = 509.33 (26.8%); Cy: 1,800.00 − 1,200.00 = 600.00
    (33.3%). Together the 1,109.33 of the whole."""
    from reports import catalog

    report = catalog.get("gross-margin")
    filters = catalog.parse_filters(report, {"start": "2026-11-01", "end": "2026-11-30", "group": "worker"})
    frame = catalog.table("gross-margin", filters)
    got = {r.worker_id: (r.revenue, r.cost, r.margin, r.margin_pct) for r in frame.itertuples()}
    assert got == {billed["ann"].worker_id: (190000, 139067, 50933, "26.8"),
                   billed["cy"].worker_id: (180000, 120000, 60000, "33.3")}


def test_a_period_that_holds_the_pay_date_but_not_the_invoice_shows_cost_without_revenue(db, billed):
    """1–15 Nov holds the pay date (13th) but not the issue date (16th): cost 2,590.67, revenue 0 — as the ledger
    for those days (4000 empty)."""
    from reports import catalog

    report = catalog.get("gross-margin")
    filters = catalog.parse_filters(report, {"start": "2026-11-01", "end": "2026-11-15", "group": "period"})
    t = catalog.totals(catalog.sheets(report, filters)[0])
    books = ledger(date(2026, 11, 1), date(2026, 11, 15))
    assert (t["revenue"], t["cost"]) == (0, 259067)
    assert books["4000"] == D("0.00") and sum(books[a] for a in EXPENSES) == D("2590.67")


def test_a_credit_note_lowers_revenue_on_its_issue_date_as_the_ledger_does(db, billed):
    """Ann's overtime line ($300.00: 5 h × $60.00) was not worked: finance credits it on Fri 20 Nov (CN-000001,
    Dr 4000). November's revenue 3,700.00 − 300.00 = 3,400.00; margin 3,400.00 − 2,590.67 = 809.33 = 23.8%
    (23.80); the ledger agrees line by line. 1–19 Nov still shows the whole 3,700.00."""
    from backoffice.billing.credit_notes import credit_invoice_lines
    from reports import catalog

    invoice = billed["invoice"]
    [overtime] = [ln for ln in invoice.lines if ln.unit == "overtime_hour"]
    assert overtime.amount == D("300.00")
    note = credit_invoice_lines(invoice.id, [overtime.id], "overtime not worked", billed["world"].finance,
                                today=date(2026, 11, 20))
    assert note.number == "CN-000001"
    report = catalog.get("gross-margin")
    sheet, check = catalog.sheets(report, catalog.parse_filters(report, {"start": "2026-11-01",
                                                                         "end": "2026-11-30", "group": "period"}))
    t = catalog.totals(sheet)
    assert (t["revenue"], t["cost"], t["margin"], t["margin_pct"]) == (340000, 259067, 80933, "23.8")
    assert check.frame["difference"].tolist() == [0] * 7
    assert ledger(*NOVEMBER)["4000"] == D("3400.00")
    before = catalog.sheets(report, catalog.parse_filters(report, {"start": "2026-11-01", "end": "2026-11-19",
                                                                   "group": "client"}))[0]
    assert catalog.totals(before)["revenue"] == 370000
