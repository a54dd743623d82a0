"""State withholding methods for the second KS/ME/MO batch that the generic methods cannot express: Kansas's
KW-100 percentage method, worked per pay period from the printed period tables and allowance columns."""
from __future__ import annotations

from decimal import Decimal

from backoffice.money import ZERO, fmt_pct, fmt_usd

from .inputs import Certificate, Wages
from .period_methods import PERIOD_METHODS, _period_value
from .rules import StateRules


def ks_k4_period(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: list[str]) -> Decimal:
    """Kansas KW-100 (wages paid on and after 1 July 2024), percentage method per pay period: wages less the K-4
    allowances from the period's allowance columns, then the period's single or joint table. At the single
    allowance rate the first allowance takes the personal column ($9,160 a year); at the joint rate the first two
    take the joint column ($18,320 a year; one allowance alone takes the single column); every further allowance
    takes the dependent column ($2,320 a year)."""
    tax = rules.income_tax
    joint = cert.filing_status == "married"
    n = cert.counts.get("allowances", 0)
    personal = _period_value(rules, "period_allowance_single", periods)
    dependent = _period_value(rules, "period_allowance_dependent", periods)
    if n <= 0:
        allowance, first, label = ZERO, 0, "no K-4 allowances"
    elif joint and n >= 2:
        allowance, first = _period_value(rules, "period_allowance_joint", periods), 2
        label = f"the joint personal allowance {fmt_usd(allowance)}"
    else:
        allowance, first = personal, 1
        label = f"the personal allowance {fmt_usd(personal)}"
    further = max(0, n - first)
    allowance += dependent * further
    if further:
        label += f" + {further} x {fmt_usd(dependent)}"
    steps.append(f"Less {label} ({periods} pay periods a year) = {fmt_usd(allowance)}")
    taxable = max(ZERO, pay.regular - allowance)
    status = "married" if joint else "single"
    table = tax.tables.get(f"{periods}:{status}")
    if table is None:  # pragma: no cover - the data lists a table for every period it lists allowances for
        raise ValueError(f"{rules.state}: allowances but no {status} table for {periods} periods")
    amount, i = table.tax(taxable)
    steps.append(f"{'Joint' if joint else 'Single'} table for {periods} pay periods a year, row over "
                 f"{fmt_usd(table.overs[i])}: {fmt_usd(table.bases[i])} plus {fmt_pct(table.rates[i])} of "
                 f"{fmt_usd(taxable - table.overs[i])} = {fmt_usd(amount)}")
    return amount


PERIOD_METHODS["ks_k4_period"] = ks_k4_period
