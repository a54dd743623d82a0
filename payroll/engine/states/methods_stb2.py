"""State withholding methods for the second KS/ME/MO batch that the generic methods cannot express: Kansas's
KW-100 percentage method, worked per pay period from the printed period tables and allowance columns, and a
per-period table by filing status (Montana's 2026 guide)."""
from __future__ import annotations

from decimal import Decimal
from typing import cast

from backoffice.money import ZERO, fmt_pct, fmt_usd, round_dollars

from ..model import QUIET, Steps
from .inputs import Certificate, Wages
from .period_methods import PERIOD_METHODS, _period_value
from .rules import BracketTable, IncomeTax, StateRules, UnsupportedState


def ks_k4_period(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: Steps) -> Decimal:
    """Kansas KW-100 (wages paid on and after 1 July 2024), percentage method per pay period: wages less the K-4
    allowances from the period's allowance columns, then the period's single or joint table. At the single
    allowance rate the first allowance takes the personal column ($9,160 a year); at the joint rate the first two
    take the joint column ($18,320 a year; one allowance alone takes the single column); every further allowance
    takes the dependent column ($2,320 a year)."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
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
    if steps is not QUIET:
        steps.append(f"Less {label} ({periods} pay periods a year) = {fmt_usd(allowance)}")
    taxable = max(ZERO, pay.regular - allowance)
    status = "married" if joint else "single"
    table = tax.tables.get(f"{periods}:{status}")
    if table is None:  # pragma: no cover - the data lists a table for every period it lists allowances for
        raise ValueError(f"{rules.state}: allowances but no {status} table for {periods} periods")
    amount, i = table.tax(taxable)
    if steps is not QUIET:
        steps.append(f"{'Joint' if joint else 'Single'} table for {periods} pay periods a year, row over "
                     f"{fmt_usd(table.overs[i])}: {fmt_usd(table.bases[i])} plus {fmt_pct(table.rates[i])} of "
                     f"{fmt_usd(taxable - table.overs[i])} = {fmt_usd(amount)}")
    return amount


PERIOD_METHODS["ks_k4_period"] = ks_k4_period


def status_period_table(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: Steps) -> Decimal:
    """A per-pay-period table printed for each filing status, with nothing subtracted first (e.g. Montana's 2026
    guide: W = A + B x (G - C) on the period's gross taxable wages), rounded to the whole dollar where
    params.round_to_dollar says. Tables are keyed "<periods>:<status>"; a status without its own table uses
    params.table_for_status (else single). A payroll period the publication prints no table for is refused, unless
    params.annualise_unprinted_periods: then the annual table ("1:<status>") on the annualised wages, divided back."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    status = cert.filing_status
    if f"{periods}:{status}" not in tax.tables:
        status = tax.params.get("table_for_status", {}).get(status, "single")
    table = tax.tables.get(f"{periods}:{status}")
    annual = tax.tables.get(f"1:{status}") if tax.params.get("annualise_unprinted_periods") else None
    if table is None and annual is None:
        raise UnsupportedState(f"state income tax withholding for {rules.state} is not supported yet for {periods} "
                               f"pay periods a year: {rules.publication} prints no table for that payroll period")
    label = status.replace('_', ' ').capitalize()
    if table is None:   # no table printed for this payroll: the annual table on the annualised wages
        annual = cast(BracketTable, annual)    # not None: checked above
        wages = pay.regular * periods
        annual_tax, i = annual.tax(wages)
        amount = annual_tax / periods
        if steps is not QUIET:
            steps.append(f"No table printed for {periods} pay periods a year: {label} annual table on "
                         f"{fmt_usd(pay.regular)} x {periods} = {fmt_usd(wages)}, row from {fmt_usd(annual.overs[i])}: "
                         f"{fmt_usd(annual.bases[i])} plus {fmt_pct(annual.rates[i])} of {fmt_usd(wages - annual.overs[i])} "
                         f"= {fmt_usd(annual_tax)} / {periods} = {fmt_usd(amount)}")
    else:
        amount, i = table.tax(pay.regular)
        if steps is not QUIET:
            steps.append(f"{label} table for {periods} pay periods a year, row from {fmt_usd(table.overs[i])}: "
                         f"{fmt_usd(table.bases[i])} plus {fmt_pct(table.rates[i])} of "
                         f"{fmt_usd(pay.regular - table.overs[i])} = {fmt_usd(amount)}")
    if tax.params.get("round_to_dollar"):
        amount = round_dollars(amount)
        if steps is not QUIET:
            steps.append(f"Rounded to the dollar: {fmt_usd(amount)}")
    return amount


PERIOD_METHODS["status_period_table"] = status_period_table
