"""Cost-plus invoices: wages + employer taxes + benefits + workers' comp + markup, for the same paychecks."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from tests.integration.billing.conftest import ISSUED

THROUGH = date(2026, 11, 8)


def _cost_plus_client(world, markup="0.2500"):
    world.client.billing_method = "cost_plus"
    world.client.markup_rate = Decimal(markup)


def _class_code(db, engagement, rate="2.0000"):
    from payroll.models_workers_comp import WorkersCompClass

    db.session.add(WorkersCompClass(state="TX", class_code="8810", description="Clerical office employees",
                                    rate_per_100=Decimal(rate), effective_from=date(2026, 1, 1)))
    engagement.wc_class_code = "8810"


def _health_employer(db, worker_id, amount="75.00"):
    from payroll.models_deductions import EmployerContribution

    db.session.add(EmployerContribution(worker_id=worker_id, code="health_employer", amount=Decimal(amount),
                                        start_date=date(2026, 1, 1)))


def test_a_cost_plus_line_is_wages_taxes_benefits_workers_comp_and_markup_of_the_same_paycheck(db, world):
    """40 h at $25.00 in Texas = wages 1,000.00. Employer taxes: social security 6.2% = 62.00, Medicare 1.45% =
    14.50, FUTA 0.6% = 6.00, Texas SUTA 2.7% = 27.00: 109.50. Employer health premium 75.00. Workers' comp class
    8810 at $2.00 per $100 of payroll: 1,000.00 / 100 × 2.00 = 20.00. Cost 1,000.00 + 109.50 + 75.00 + 20.00 =
    1,204.50; markup 25% = 301.125 → 301.13 (half up, once); line 1,505.63 — and each part equals the paycheck's
    own lines and premium."""
    from backoffice.billing.services.invoicing import create_invoices
    from payroll.models import Paycheck
    from payroll.services.workers_comp import premiums_for

    _cost_plus_client(world)
    e = world.worker(rate="25.00")
    _class_code(db, e)
    _health_employer(db, e.worker_id)
    world.time(e)
    run = world.approved_run()
    [p] = db.session.execute(sa.select(Paycheck).where(Paycheck.run_id == run.id)).scalars().all()
    [inv] = create_invoices(THROUGH, issue_date=ISSUED).invoices
    [line] = inv.lines
    b = line.breakdown
    assert (b["wages"], b["employer_taxes"], b["benefits"], b["workers_comp"], b["markup"]) == (
        "1000.00", "109.50", "75.00", "20.00", "301.13")
    assert (line.unit, line.paycheck_id, line.engagement_id, line.amount, line.source_key) == (
        "cost_plus", p.id, e.id, Decimal("1505.63"), f"pc:{p.id}:{e.id}")
    own = {k: sum((ln.amount for ln in p.lines if ln.kind == k), Decimal(0))
           for k in ("earning", "employer_tax", "employer_contribution")}
    assert (own["earning"], own["employer_tax"], own["employer_contribution"]) == (
        Decimal("1000.00"), Decimal("109.50"), Decimal("75.00"))
    assert premiums_for([p.id]) == {(p.id, e.id): Decimal("20.00")}
    assert inv.total == Decimal("1505.63") and inv.number == "INV-000001"


def test_a_paycheck_paying_two_clients_shares_its_employer_taxes_by_wages(db, world):
    """One paycheck: 30 h × $20.00 = 600.00 at Acme (cost-plus, 10%) and 10 h × $40.00 = 400.00 at Beacon (40 h,
    no overtime): wages 1,000.00, employer taxes 109.50 (as above). Acme's share 600/1,000 × 109.50 = 65.70;
    Beacon keeps the rest, 43.80 — the shares add up to the paycheck's taxes. Acme's line: 600.00 + 65.70 =
    665.70, markup 10% = 66.57, total 732.27; the breakdown says the taxes were shared."""
    from backoffice.billing.services.invoicing import create_invoices
    from tests.factories import ClientFactory, EngagementFactory

    _cost_plus_client(world, "0.1000")
    a = world.worker(rate="20.00")
    beacon = ClientFactory(name="Beacon Health", state="TX", billing_method="cost_plus", markup_rate=Decimal("0"))
    b = EngagementFactory(worker=a.worker, client=beacon, type="leased_employee", work_state="TX",
                          pay_rate=Decimal("40.00"), pay_unit="hour", pay_frequency="weekly",
                          classification="leased_employee")
    world.time(a, hours=(6, 6, 6, 6, 6, 0, 0))
    world.time(b, hours=(2, 2, 2, 2, 2, 0, 0))
    world.approved_run()
    invoices = {i.client_id: i for i in create_invoices(THROUGH, issue_date=ISSUED).invoices}
    [la] = invoices[world.client.id].lines
    [lb] = invoices[beacon.id].lines
    assert (la.breakdown["wages"], la.breakdown["employer_taxes"], la.breakdown["markup"], la.amount) == (
        "600.00", "65.70", "66.57", Decimal("732.27"))
    assert (lb.breakdown["wages"], lb.breakdown["employer_taxes"], lb.amount) == (
        "400.00", "43.80", Decimal("443.80"))
    assert "share" in la.breakdown["allocation"] and "109.50" in la.breakdown["allocation"]


def test_approved_sick_leave_pay_is_billed_as_leave_on_its_own_line(db, world):
    """40 h worked at $25.00 = 1,000.00, and 8 h of approved sick leave at $25.00 = 200.00 paid by the same run
    (a `sick_leave` adjustment): wages 1,200.00. Texas employer taxes on 1,200.00: 6.2% = 74.40, 1.45% = 17.40,
    0.6% = 7.20, 2.7% = 32.40: 131.40, shared 1,000 : 200 — 109.50 and 21.90. Work line: 1,109.50 + 25% markup
    277.375 → 277.38 = 1,386.88. Leave line: 200.00 + 21.90 = 221.90 + 55.475 → 55.48 = 277.38."""
    from backoffice.billing.services.invoicing import create_invoices
    from payroll.models import PayrollAdjustment

    _cost_plus_client(world)
    e = world.worker(rate="25.00")
    world.time(e)
    db.session.add(PayrollAdjustment(engagement_id=e.id, code="sick_leave", amount=Decimal("200.00"),
                                     hours=Decimal("8.00"), status="pending", note="8 h of paid sick leave"))
    db.session.flush()
    world.approved_run()
    [inv] = create_invoices(THROUGH, issue_date=ISSUED).invoices
    by_key = {ln.source_key.rsplit(":", 1)[-1]: ln for ln in inv.lines}
    work, leave = by_key[str(e.id)], by_key["leave"]
    assert (work.breakdown["wages"], work.breakdown["employer_taxes"], work.amount) == (
        "1000.00", "109.50", Decimal("1386.88"))
    assert (leave.breakdown["leave_pay"], leave.breakdown["employer_taxes"], leave.amount) == (
        "200.00", "21.90", Decimal("277.38"))
    assert "paid leave" in leave.description
