"""State withholding methods for the second KS/ME/MO batch that the generic annual_table cannot express:
Kansas's K-4 allowances since 1 July 2024 (the first one or two allowances are worth the personal allowance of the
allowance rate, the rest the dependent allowance)."""
from __future__ import annotations

from decimal import Decimal

from backoffice.money import ZERO, fmt_usd

from .income import ANNUAL_METHODS, _annual_from_table, _table_for
from .inputs import Certificate, Wages
from .rules import StateRules


def ks_k4_allowances(rules: StateRules, cert: Certificate, wages: Wages, annual: Decimal, periods: int,
                     steps: list[str]) -> Decimal:
    """Kansas KW-100 (rev. 2024) percentage method: annual wages less the K-4 allowances, then the single or joint
    rate table; the caller divides by the pay periods. The first allowance (single allowance rate) or the first two
    (joint rate, one for the employee and one for the spouse) are each worth params.personal_allowance; every further
    allowance (dependents, the head-of-household line) is worth params.dependent_allowance."""
    tax = rules.income_tax
    prm = tax.params
    status = cert.filing_status
    n = cert.counts.get("allowances", 0)
    personal_count = int(prm["personal_allowances"][status])
    personal = min(n, personal_count)
    further = max(0, n - personal_count)
    personal_amount = prm["personal_allowance"] * personal
    further_amount = prm["dependent_allowance"] * further
    steps.append(f"Less the K-4 personal allowance{'s' if personal != 1 else ''}: {personal} x "
                 f"{fmt_usd(prm['personal_allowance'])} = {fmt_usd(personal_amount)}")
    if further:
        steps.append(f"Less the further K-4 allowances: {further} x {fmt_usd(prm['dependent_allowance'])} = "
                     f"{fmt_usd(further_amount)}")
    taxable = max(ZERO, annual - personal_amount - further_amount)
    steps.append(f"Taxable wages: {fmt_usd(annual)} - {fmt_usd(personal_amount + further_amount)} = "
                 f"{fmt_usd(taxable)}")
    return _annual_from_table(_table_for(tax, status), taxable, steps)


ANNUAL_METHODS["ks_k4_allowances"] = ks_k4_allowances
