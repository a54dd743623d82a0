"""State withholding methods for KS ME MN MO MT ND that the generic annual_table cannot express (Maine's phase-out)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from backoffice.money import ZERO, fmt_usd, round_dollars

from ..model import QUIET, Steps
from .income import ANNUAL_METHODS, _annual_from_table, _subtract, _table_for
from .inputs import Certificate, Wages
from .rules import IncomeTax, StateRules

_RATIO_PLACES = Decimal("0.0001")


def _me_standard_deduction(rules: StateRules, status: str, annual: Decimal, steps: Steps) -> Decimal:
    """Maine withholding tables: the standard deduction is whole up to the phase-out start, then shrinks by the
    share of the phase-out range the annual wages have used (the ratio to four places), down to nothing."""
    itax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    prm = itax.params
    full = prm["standard_deduction"][status]
    start = prm["phase_out_start"][status]
    width = prm["phase_out_range"][status]
    if annual <= start:
        if steps is not QUIET:
            steps.append(f"Less the standard deduction for {status}: {fmt_usd(full)}")
        return full
    if prm.get("deduction_round_to_dollar"):   # the 2026 booklet: full x (end - wages) / range, whole dollars
        deduction = round_dollars(max(ZERO, full * (start + width - annual) / width))
        if steps is not QUIET:
            steps.append(f"Standard deduction phased out above {fmt_usd(start)}: {fmt_usd(full)} x "
                         f"({fmt_usd(start + width)} - {fmt_usd(annual)}) / {fmt_usd(width)}, to the dollar = "
                         f"{fmt_usd(deduction)}")
        return deduction
    ratio = max(ZERO, (start + width - annual) / width).quantize(_RATIO_PLACES, ROUND_HALF_UP)
    deduction = full * ratio
    if steps is not QUIET:
        steps.append(f"Standard deduction phased out above {fmt_usd(start)}: {fmt_usd(full)} x "
                     f"({fmt_usd(start + width)} - {fmt_usd(annual)}) / {fmt_usd(width)} = {fmt_usd(full)} x {ratio} "
                     f"= {fmt_usd(deduction)}")
    return deduction


def me_phase_out(rules: StateRules, cert: Certificate, wages: Wages, annual: Decimal, periods: int,
                 steps: Steps) -> Decimal:
    """Maine Revenue Services withholding tables, percentage method: annual wages less W-4ME allowances and the
    (phased-out) standard deduction, then the single or married rate schedule; the caller divides by the periods."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    status = "married" if cert.filing_status == "married" else "single"   # Maine prints two schedules only
    allowances = _subtract(tax, cert, status, steps, tax.subtractions, "Less")
    deduction = _me_standard_deduction(rules, status, annual, steps)
    taxable = max(ZERO, annual - allowances - deduction)
    if steps is not QUIET:
        steps.append(f"Taxable wages: {fmt_usd(annual)} - {fmt_usd(allowances)} - {fmt_usd(deduction)} = "
                     f"{fmt_usd(taxable)}")
    annual_tax = _annual_from_table(_table_for(tax, status), taxable, steps)
    if tax.params.get("annual_tax_round_to_dollar"):
        annual_tax = round_dollars(annual_tax)
        if steps is not QUIET:
            steps.append(f"Annual tax to the dollar: {fmt_usd(annual_tax)}")
    return annual_tax


ANNUAL_METHODS["me_phase_out"] = me_phase_out
