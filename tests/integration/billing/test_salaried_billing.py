"""Salaried engagements at bill-rate clients: each paycheck's salary billed at the engagement's bill rate, in the
same unit as its pay rate (hand figures in each docstring)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from tests.integration.billing.conftest import ISSUED

THROUGH = date(2026, 11, 8)
REVERSED_ON = date(2026, 11, 20)


def _invoice(issue_date=ISSUED):
    from backoffice.billing.services.invoicing import create_invoices

    return create_invoices(THROUGH, None, issue_date=issue_date, issue=True)


def test_a_salaried_placement_bills_its_weeks_salary_at_the_yearly_bill_rate(db, world):
    """$52,000 a year paid weekly: the week's paycheck pays 52,000 ÷ 52 = $1,000.00 of salary. Billed at $78,000 a
    year: 1,000.00 × 78,000 ÷ 52,000 = $1,500.00, one salary line naming the paycheck (`sal:<paycheck>:<eng>`),
    beside an hourly worker's 40 h × $30.00 = $1,200.00: INV-000001 $2,700.00. A second pass bills nothing."""
    from payroll.models import Paycheck

    salaried = world.worker(rate="52000.00", unit="year")
    salaried.bill_rate = Decimal("78000.00")
    hourly = world.worker(rate="20.00")
    hourly.bill_rate = Decimal("30.00")
    world.time(hourly)
    run = world.approved_run()
    result = _invoice()
    [inv] = result.invoices
    assert result.skipped == []
    pc = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id,
                                                      Paycheck.worker_id == salaried.worker_id)).scalar_one()
    [line] = [ln for ln in inv.lines if ln.unit == "salary"]
    assert (line.quantity, line.rate, line.amount, line.paycheck_id, line.engagement_id, line.source_key) == (
        Decimal("1"), Decimal("1500.00"), Decimal("1500.00"), pc.id, salaried.id, f"sal:{pc.id}:{salaried.id}")
    assert line.breakdown == {"salary": "1000.00", "pay_rate": "52000.0000", "bill_rate": "78000.0000",
                              "per": "year"}
    assert (inv.number, inv.total) == ("INV-000001", Decimal("2700.00"))
    assert _invoice().invoices == []


def test_a_weekly_salary_without_a_bill_rate_waits_and_says_why(db, world):
    """$1,100.00 a week, no bill rate: nothing is billed and the pass names the week; set to $1,650.00 a week,
    the next pass bills 1,100.00 × 1,650 ÷ 1,100 = $1,650.00."""
    e = world.worker(rate="1100.00", unit="week")
    world.approved_run()
    first = _invoice()
    assert first.invoices == []
    assert first.skipped == ["Acme Logistics: Pat1 Lee1's salary for 2026-11-02 to 2026-11-08 is not billed: the "
                             "engagement has no bill rate (per week, like its pay rate; set it, then invoice again)"]
    e.bill_rate = Decimal("1650.00")
    assert [i.total for i in _invoice().invoices] == [Decimal("1650.00")]


def test_a_reversed_salary_is_credited_and_its_re_issue_billed_once(db, world):
    """$1,500.00 billed for the $1,000.00 week (INV-000001). The run is reversed: CN-000001 credits $1,500.00
    (found through the paycheck the line names). Re-issued and approved, the copy's $1,000.00 is billed once
    more: INV-000002 $1,500.00 naming the re-issued paycheck."""
    from backoffice.billing.models import Invoice
    from payroll.models import Paycheck
    from payroll.services import runs
    from payroll.services.corrections import reissue_paycheck, reverse_run

    e = world.worker(rate="52000.00", unit="year")
    e.bill_rate = Decimal("78000.00")
    run = world.approved_run()
    [first] = _invoice().invoices
    pc = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalar_one()
    reverse_run(run.id, world.hr, "wrong client", on=REVERSED_ON)
    db.session.expire_all()
    note = db.session.execute(sa.select(Invoice).where(Invoice.kind == "credit_note")).scalar_one()
    assert (note.number, note.total, note.credits_invoice_id) == ("CN-000001", Decimal("1500.00"), first.id)
    assert _invoice(REVERSED_ON).invoices == []
    correction = reissue_paycheck(pc.id, world.hr)
    runs.approve_run(correction.id, world.hr2)
    db.session.expire_all()
    again = db.session.execute(sa.select(Paycheck).where(Paycheck.reissue_of_id == pc.id)).scalar_one()
    [second] = _invoice(REVERSED_ON).invoices
    assert [(ln.unit, ln.paycheck_id, ln.amount) for ln in second.lines] == [("salary", again.id,
                                                                              Decimal("1500.00"))]
    assert second.number == "INV-000002"


def test_the_salary_line_reads_as_its_arithmetic_on_the_pdf_without_a_cost_plus_breakdown(db, world, pdftotext):
    """The $1,500.00 salary line (1,000.00 × 78,000 ÷ 52,000) prints its description, "salary" as its unit and the
    amount; no cost-plus breakdown (wages · employer taxes · …) is printed for it."""
    from backoffice.billing.services.documents import invoice_pdf

    e = world.worker(rate="52000.00", unit="year")
    e.bill_rate = Decimal("78000.00")
    world.approved_run()
    [inv] = _invoice().invoices
    import subprocess

    out = subprocess.run([pdftotext, "-", "-"], input=invoice_pdf(inv), capture_output=True, check=True)
    text = " ".join(out.stdout.decode().split())
    assert "1,000.00 paid × bill 78,000.00 ÷ pay 52,000.00 a year" in text, text
    assert "1,500.00" in text and "employer taxes" not in text
