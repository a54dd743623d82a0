"""Where my hour goes: the rate breakdown sums to the bill rate to the cent and matches the invoice line for the
same hour, for bill-rate and cost-plus clients; contractors carry no employer costs; before the first paycheck the
year's statutory rates are used."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.integration.billing.conftest import ISSUED, BillingWorld

THROUGH = date(2026, 11, 8)
TODAY = date(2026, 11, 20)


@pytest.fixture
def world(db, make_user):
    return BillingWorld(db, make_user)


def _class_code(db, engagement, rate="2.0000"):
    from payroll.models_workers_comp import WorkersCompClass

    db.session.add(WorkersCompClass(state="TX", class_code="8810", description="Clerical office employees",
                                    rate_per_100=Decimal(rate), effective_from=date(2026, 1, 1)))
    engagement.wc_class_code = "8810"


def _health_employer(db, worker_id, amount="75.00"):
    from payroll.models_deductions import EmployerContribution

    db.session.add(EmployerContribution(worker_id=worker_id, code="health_employer", amount=Decimal(amount),
                                        start_date=date(2026, 1, 1)))


def _sum(b) -> Decimal:
    return b.wages + b.employer_taxes + b.benefits + b.workers_comp + b.agency_margin


def test_a_bill_rate_breakdown_sums_to_the_bill_rate_and_matches_the_invoice_line_for_the_same_hour(db, world):
    """A week of 40 approved hours at $25.00 in Texas, billed at $40.00 an hour, invoiced: the invoice line is
    40 × 40.00 = 1,600.00 at rate 40.00 — the breakdown's bill rate. The paycheck: wages 1,000.00, employer taxes
    109.50 (social security 6.2% 62.00 + Medicare 1.45% 14.50 + FUTA 0.6% 6.00 + Texas SUTA 2.7% 27.00) = 10.95% of
    wages, so per hour 25.00 × 0.1095 = 2.7375 → 2.74; health premium 75.00 over 40 h = 1.875 → 1.88; workers'
    comp 8810 at $2.00 per $100: 25.00 × 0.02 = 0.50. Margin 40.00 − 25.00 − 2.74 − 1.88 − 0.50 = 9.88."""
    from backoffice.billing.services.invoicing import create_invoices
    from backoffice.voice.breakdown_services import breakdown_of

    e = world.worker(rate="25.00")
    e.bill_rate = Decimal("40.00")
    _class_code(db, e)
    _health_employer(db, e.worker_id)
    world.time(e)
    world.approved_run()
    [inv] = create_invoices(THROUGH, issue_date=ISSUED).invoices
    [line] = inv.lines
    assert (line.unit, line.quantity, line.rate, line.amount) == ("hour", Decimal("40"), Decimal("40.00"),
                                                                 Decimal("1600.00"))
    b = breakdown_of(e, TODAY)
    assert b.bill_rate == line.rate
    assert b.as_json() == {"bill_rate": "40.00", "wages": "25.00", "employer_taxes": "2.74", "benefits": "1.88",
                           "workers_comp": "0.50", "agency_margin": "9.88"}
    assert _sum(b) == b.bill_rate
    assert (b.unit, b.basis, b.billing_method) == ("hour", "paycheck", "bill_rate")


def test_a_cost_plus_breakdown_is_the_invoice_line_divided_by_the_hours_it_paid(db, world):
    """Cost-plus at 25%: the same week and paycheck; the invoice line is cost 1,000.00 + 109.50 + 75.00 + 20.00 =
    1,204.50 plus markup 301.13 = 1,505.63 (tests/integration/billing/test_cost_plus.py). Per hour of its 40:
    bill rate 1,505.63 / 40 = 37.64075 → 37.64; wages 25.00; taxes 2.7375 → 2.74; benefits 1.875 → 1.88; workers'
    comp 0.50; margin 37.64 − 30.12 = 7.52 (the markup per hour, 7.52825, less the rounding)."""
    from backoffice.billing.services.invoicing import create_invoices
    from backoffice.voice.breakdown_services import breakdown_of

    world.client.billing_method = "cost_plus"
    world.client.markup_rate = Decimal("0.2500")
    e = world.worker(rate="25.00")
    _class_code(db, e)
    _health_employer(db, e.worker_id)
    world.time(e)
    world.approved_run()
    [inv] = create_invoices(THROUGH, issue_date=ISSUED).invoices
    [line] = inv.lines
    assert line.amount == Decimal("1505.63")
    b = breakdown_of(e, TODAY)
    assert b.bill_rate == (line.amount / 40).quantize(Decimal("0.01"))
    assert b.as_json() == {"bill_rate": "37.64", "wages": "25.00", "employer_taxes": "2.74", "benefits": "1.88",
                           "workers_comp": "0.50", "agency_margin": "7.52"}
    assert _sum(b) == b.bill_rate
    assert (b.unit, b.billing_method, b.paycheck_id) == ("hour", "cost_plus", line.paycheck_id)


def test_a_contractor_engagement_has_no_employer_taxes_benefits_or_workers_comp(db, world):
    """A 1099 contractor paid $35.00 an hour, billed $50.00: wages 35.00, margin 50.00 − 35.00 = 15.00, the rest
    zero, and the explanation says why."""
    from backoffice.voice.breakdown_services import breakdown_of

    e = world.worker(kind="contractor", rate="35.00")
    e.bill_rate = Decimal("50.00")
    world.time(e)
    world.approved_run()
    b = breakdown_of(e, TODAY)
    assert b.as_json() == {"bill_rate": "50.00", "wages": "35.00", "employer_taxes": "0.00", "benefits": "0.00",
                           "workers_comp": "0.00", "agency_margin": "15.00"}
    assert any("contractor (1099)" in s and "no employer taxes" in s for s in b.explanation)


def test_before_the_first_paycheck_the_years_statutory_employer_rates_are_used(db, world):
    """No paycheck yet: 2026 statutory rates, social security 6.2% + Medicare 1.45% + FUTA 0.6% + the agency's Texas
    SUTA 2.7% = 10.95%; 25.00 × 0.1095 = 2.7375 → 2.74; workers' comp 0.50; no benefits yet; bill 40.00 leaves
    40.00 − 25.00 − 2.74 − 0.50 = 11.76."""
    from backoffice.voice.breakdown_services import breakdown_of

    e = world.worker(rate="25.00")
    e.bill_rate = Decimal("40.00")
    _class_code(db, e)
    b = breakdown_of(e, TODAY)
    assert b.as_json() == {"bill_rate": "40.00", "wages": "25.00", "employer_taxes": "2.74", "benefits": "0.00",
                           "workers_comp": "0.50", "agency_margin": "11.76"}
    assert b.basis == "statutory" and any("10.95%" in s for s in b.explanation)


def test_an_engagement_without_a_bill_rate_is_refused_in_words(db, world):
    """A bill-rate client and no bill rate on the engagement: nothing is billed, so there is nothing to split."""
    from backoffice.errors import DomainError
    from backoffice.voice.breakdown_services import breakdown_of

    e = world.worker(rate="25.00")
    e.bill_rate = Decimal("0")
    with pytest.raises(DomainError) as exc:
        breakdown_of(e, TODAY)
    assert exc.value.code == "no_bill_rate"
