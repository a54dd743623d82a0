"""New York State withholding worked per pay period, as NYS-50-T-NYS Method II prints it (Table A, then the exact
calculation table for the payroll period), with Method III (whole net wages at a flat rate) for high incomes."""
from __future__ import annotations

from decimal import Decimal

from backoffice.money import ZERO, fmt_pct, fmt_usd

from ..model import QUIET, Steps
from .inputs import Certificate, Wages
from .period_methods import PERIOD_METHODS, _period_value
from .rules import IncomeTax, StateRules, UnsupportedState

# NYS-50-T-NYS "Conversion of tables to common payroll periods": a period without its own table is worked on the
# monthly table (wages / k, the table, then x k).
_CONVERTED_TO_MONTHLY = {4: 3, 2: 6}


def _ny_period_exact(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: Steps) -> Decimal:
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    prm = tax.params
    status = "married" if cert.filing_status == "married" else "single"
    if cert.filing_status == "head_of_household":
        steps.append("Head of household uses the single table (IT-2104 has single/head of household together).")
    factor = 1
    table_periods = periods
    if f"{status}_{periods}" not in tax.tables and periods in _CONVERTED_TO_MONTHLY:
        factor = _CONVERTED_TO_MONTHLY[periods]
        table_periods = 12
        if steps is not QUIET:
            steps.append(f"No table for {periods} pay periods a year: wages / {factor} on the monthly table, "
                         f"the result x {factor} (NYS-50-T-NYS conversion of tables).")
    table = tax.tables.get(f"{status}_{table_periods}")
    if table is None:
        raise UnsupportedState(f"state income tax withholding for NY is not supported yet for {periods} pay periods "
                               f"a year: {rules.publication} prints no table for that payroll period")
    wages = pay.regular / factor
    deduction = _period_value(rules, f"period_deduction_{status}", table_periods)
    per = _period_value(rules, "period_exemption", table_periods)
    n = cert.counts["allowances"]
    allowance = deduction + per * n
    if steps is not QUIET:
        steps.append(f"Table A: deduction allowance for {status} {fmt_usd(deduction)} plus {n} exemption(s) x "
                     f"{fmt_usd(per)} = {fmt_usd(allowance)}")
    net = max(ZERO, wages - allowance)
    if steps is not QUIET:
        steps.append(f"Net wages: {fmt_usd(wages)} - {fmt_usd(allowance)} = {fmt_usd(net)}")
    annualised = net * table_periods
    for threshold, rate in reversed(prm.get(f"flat_above_{status}", ())):
        if annualised >= threshold:       # Method III: the rate applies to all of the annualised net wages
            amount = annualised * rate / table_periods
            if steps is not QUIET:
                steps.append(f"Annualised net wages {fmt_usd(annualised)} are at least {fmt_usd(threshold)}: "
                             f"{fmt_pct(rate)} of the whole amount, per period {fmt_usd(amount)}")
            return amount * factor
    amount, i = table.tax(net)
    if steps is not QUIET:
        steps.append(f"Exact calculation table for {table_periods} pay periods a year, row over "
                     f"{fmt_usd(table.overs[i])}: {fmt_usd(table.bases[i])} plus {fmt_pct(table.rates[i])} of "
                     f"{fmt_usd(net - table.overs[i])} = {fmt_usd(amount)}")
    if factor != 1:
        if steps is not QUIET:
            steps.append(f"x {factor} = {fmt_usd(amount * factor)}")
    return amount * factor


PERIOD_METHODS["ny_period_exact"] = _ny_period_exact
