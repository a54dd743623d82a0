"""A flat rate worked per pay period from the publication's period figures (NC-30's percentage method, Iowa's
four-step formula): wages less the period's standard deduction and allowances, times the rate, less the period's
share of any credit, rounded as the publication says; a payroll period the publication prints no figures for is
worked by its annualized method on the annual amounts."""
from __future__ import annotations

from decimal import Decimal

from backoffice.money import ZERO, fmt_pct, fmt_usd, round_dollars

from ..model import QUIET, Steps
from .inputs import Certificate, Wages
from .period_methods import PERIOD_METHODS
from .rules import IncomeTax, StateRules


def _period_flat(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: Steps) -> Decimal:
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    prm = tax.params
    status = cert.filing_status
    n = cert.counts["allowances"]
    deduction = prm.get(f"period_standard_deduction_{status}", {}).get(str(periods))
    allowance = prm.get("period_allowance", {}).get(str(periods), ZERO if "period_allowance" not in prm else None)
    credit = _annual_credit(rules, cert, steps)
    if deduction is not None and allowance is not None:
        subtract = deduction + allowance * n
        if steps is not QUIET:
            steps.append(f"Less the {periods}-period standard deduction for {status} {fmt_usd(deduction)} and "
                         f"{n} allowance(s) x {fmt_usd(allowance)} = {fmt_usd(subtract)}")
        taxable = max(ZERO, pay.regular - subtract)
        amount = taxable * tax.rate
        if steps is not QUIET:
            steps.append(f"{fmt_usd(taxable)} x {fmt_pct(tax.rate)} = {fmt_usd(amount)}")
        if credit:
            amount = max(ZERO, amount - credit / periods)
            if steps is not QUIET:
                steps.append(f"Less the credit for the period, {fmt_usd(credit)} / {periods}: {fmt_usd(amount)}")
    else:   # the annualized method on the annual amounts, for any other payroll period
        annual = pay.regular * periods
        subtract = ZERO
        for s in tax.subtractions:
            subtract += s.amounts[status] * (cert.counts.get(s.per, 0) if s.per else 1)
        taxable = max(ZERO, annual - subtract)
        amount = max(ZERO, taxable * tax.rate - credit) / periods
        if steps is not QUIET:
            steps.append(f"No period figures printed for {periods} pay periods a year: annualized, ({fmt_usd(annual)} - "
                         f"{fmt_usd(subtract)}) x {fmt_pct(tax.rate)}" + (f" - {fmt_usd(credit)}" if credit else "")
                         + f", / {periods} = {fmt_usd(amount)}")
    if prm.get("round_to_dollar"):
        amount = round_dollars(amount)
        if steps is not QUIET:
            steps.append(f"Rounded to the whole dollar: {fmt_usd(amount)}")
    return amount


def _annual_credit(rules: StateRules, cert: Certificate, steps: Steps) -> Decimal:
    """The year's credits: so much per certificate count, and a dollar allowance written on the certificate
    (params.certificate_annual_credit, e.g. IA W-4 line 6)."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    total = ZERO
    for c in tax.credits:
        n = cert.counts.get(c.per, 0) if c.per else 1
        if n:
            total += c.amounts[cert.filing_status] * n
            if steps is not QUIET:
                steps.append(f"Credit {c.label}: {n} x {fmt_usd(c.amounts[cert.filing_status])} a year")
    if tax.params.get("certificate_annual_credit") and cert.annual_allowance:
        total += cert.annual_allowance
        if steps is not QUIET:
            steps.append(f"Credit: the annual allowance amount from {tax.certificate_form}, {fmt_usd(cert.annual_allowance)}")
    return total


PERIOD_METHODS["period_flat"] = _period_flat
