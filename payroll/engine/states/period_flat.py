"""A flat rate worked per pay period from the publication's period figures (NC-30's percentage method): wages
less the period's standard deduction and allowances, times the rate, rounded as the publication says; a payroll
period the publication prints no figures for is worked by its annualized method on the annual amounts."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from backoffice.money import ZERO, fmt_pct, fmt_usd

from .inputs import Certificate, Wages
from .period_methods import PERIOD_METHODS
from .rules import StateRules


def _period_flat(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: list[str]) -> Decimal:
    tax = rules.income_tax
    prm = tax.params
    status = cert.filing_status
    n = cert.counts["allowances"]
    deduction = prm.get(f"period_standard_deduction_{status}", {}).get(str(periods))
    allowance = prm.get("period_allowance", {}).get(str(periods))
    if deduction is not None and allowance is not None:
        subtract = deduction + allowance * n
        steps.append(f"Less the {periods}-period standard deduction for {status} {fmt_usd(deduction)} and "
                     f"{n} allowance(s) x {fmt_usd(allowance)} = {fmt_usd(subtract)}")
        taxable = max(ZERO, pay.regular - subtract)
        amount = taxable * tax.rate
        steps.append(f"{fmt_usd(taxable)} x {fmt_pct(tax.rate)} = {fmt_usd(amount)}")
    else:   # the annualized method on the annual amounts, for any other payroll period
        annual = pay.regular * periods
        subtract = ZERO
        for s in tax.subtractions:
            subtract += s.amounts[status] * (cert.counts.get(s.per, 0) if s.per else 1)
        taxable = max(ZERO, annual - subtract)
        amount = taxable * tax.rate / periods
        steps.append(f"No period figures printed for {periods} pay periods a year: annualized, ({fmt_usd(annual)} - "
                     f"{fmt_usd(subtract)}) x {fmt_pct(tax.rate)} / {periods} = {fmt_usd(amount)}")
    if prm.get("round_to_dollar"):
        amount = amount.quantize(Decimal(1), ROUND_HALF_UP)
        steps.append(f"Rounded to the whole dollar: {fmt_usd(amount)}")
    return amount


PERIOD_METHODS["period_flat"] = _period_flat
