"""California withholding by EDD Method B worked per payroll period, as the schedules print it: Table 1 (low-income
exemption), Table 2 (estimated deductions), Table 3 (standard deduction), the period's tax rate table, Table 4
(exemption allowance credit); more than ten allowances take the one-allowance amount times the count."""
from __future__ import annotations

from decimal import Decimal

from backoffice.money import ZERO, fmt_usd

from ..model import QUIET, Steps
from .inputs import Certificate, Wages
from .period_methods import PERIOD_METHODS, _period_value
from .rules import IncomeTax, StateRules, UnsupportedState

_TABLE_ROWS = 10     # Tables 2 and 4 print 0-10 allowances; beyond that, one allowance's amount x the count


def _by_count(rules: StateRules, name: str, periods: int, n: int) -> tuple[Decimal, str]:
    itax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    row = itax.params.get(f"{name}_{periods}")
    if row is None:
        raise UnsupportedState(f"state income tax withholding for CA is not supported yet for {periods} pay periods "
                               f"a year: {rules.publication} prints no table for that payroll period")
    if n <= _TABLE_ROWS:
        return row[n], f"{n} allowance(s) in the table"
    return row[1] * n, f"{n} allowances: {n} x the one-allowance amount {fmt_usd(row[1])}"


def _ca_method_b_period(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: Steps) -> Decimal:
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    status = cert.filing_status
    if status in tax.params.get("unsupported_statuses", ()):
        raise UnsupportedState(f"state income tax withholding for CA is not supported yet for filing status "
                               f"{status} in this tax year: its rate table could not be confirmed")
    wages = pay.regular
    regular = cert.counts["allowances"]
    double = status == "head_of_household" or (status == "married" and regular >= 2)
    key = "double" if double else "single"
    lie = _period_value(rules, f"period_low_income_exemption_{key}", periods)
    if steps is not QUIET:
        steps.append(f"Table 1: low-income exemption for {status} with {regular} regular allowance(s), {periods} pay "
                     f"periods a year: {fmt_usd(lie)}")
    if wages <= lie:
        if steps is not QUIET:
            steps.append(f"Wages of {fmt_usd(wages)} are not above it: no California tax.")
        return ZERO
    extra = cert.counts["additional_allowances"]
    estimated, how = _by_count(rules, "period_estimated_deduction", periods, extra)
    if steps is not QUIET:
        steps.append(f"Table 2: less estimated deductions, {how}: {fmt_usd(estimated)}")
    standard = _period_value(rules, f"period_standard_deduction_{key}", periods)
    if steps is not QUIET:
        steps.append(f"Table 3: less the standard deduction {fmt_usd(standard)}")
    taxable = max(ZERO, wages - estimated - standard)
    if steps is not QUIET:
        steps.append(f"Taxable income: {fmt_usd(wages)} - {fmt_usd(estimated)} - {fmt_usd(standard)} = {fmt_usd(taxable)}")
    table = tax.tables[f"{status}_{periods}"]
    gross_tax, i = table.tax(taxable)
    if steps is not QUIET:
        steps.append(f"Tax rate table for {status}, {periods} pay periods a year, row over {fmt_usd(table.overs[i])}: "
                     f"{fmt_usd(table.bases[i])} plus {table.rates[i] * 100:.2f}% of {fmt_usd(taxable - table.overs[i])} "
                     f"= {fmt_usd(gross_tax)}")
    credit, how = _by_count(rules, "period_exemption_credit", periods, regular)
    if steps is not QUIET:
        steps.append(f"Table 4: less the exemption allowance credit, {how}: {fmt_usd(credit)}")
    return max(ZERO, gross_tax - credit)


PERIOD_METHODS["ca_method_b_period"] = _ca_method_b_period
