"""Methods for pay dates filled in by gapb: Maryland before 1 July 2025 (the Employer Withholding Guide's standard
deduction of 15% of wages between a minimum and a maximum, before H.B. 352 made it a flat amount)."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from backoffice.money import fmt_pct, fmt_usd

from ..model import Steps
from .income import ANNUAL_METHODS
from .inputs import Certificate, Wages
from .methods_std import _md_state_and_county
from .rules import FILING_STATUSES, IncomeTax, StateRules, Subtraction


def _md_percent_deduction(rules: StateRules, cert: Certificate, wages: Wages, annual: Decimal, periods: int,
                          steps: Steps) -> Decimal:
    """Annual wages less a standard deduction of a share of those wages held between the status's minimum and
    maximum; then as md_state_and_county (exemptions, state table, county rate, nothing under the annual minimum)."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    prm = tax.params
    if annual < prm["minimum_annual_wages"]["amount"]:
        return _md_state_and_county(rules, cert, wages, annual, periods, steps)
    status = "married" if cert.filing_status in ("married", "head_of_household") else "single"
    rate = prm["standard_deduction_rate"]["amount"]
    low, high = prm["standard_deduction_min"][status], prm["standard_deduction_max"][status]
    deduction = min(high, max(low, annual * rate))
    label = (f"Maryland standard deduction for withholding ({fmt_pct(rate)} of {fmt_usd(annual)}, at least "
             f"{fmt_usd(low)} and at most {fmt_usd(high)}, {status})")
    fixed = Subtraction(label=label, amounts={s: deduction for s in FILING_STATUSES})
    return _md_state_and_county(replace(rules, income_tax=replace(tax, subtractions=(fixed, *tax.subtractions))),
                                cert, wages, annual, periods, steps)


ANNUAL_METHODS.update({
    "md_percent_deduction": _md_percent_deduction,
})
