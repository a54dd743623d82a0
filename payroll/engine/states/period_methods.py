"""State withholding methods worked per pay period from printed figures: UT schedules, period tables, MA."""
from __future__ import annotations

from decimal import Decimal

from backoffice.money import ZERO, fmt_pct, fmt_usd, round_cents, round_dollars

from ..model import QUIET, Steps
from .inputs import Certificate, Wages
from .rules import IncomeTax, StateRules, UnsupportedState


def _period_value(rules: StateRules, name: str, periods: int) -> Decimal:
    """A per-pay-period figure printed by the publication (params[name] keyed by pay periods a year)."""
    itax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    value = itax.params[name].get(str(periods))
    if value is None:
        raise UnsupportedState(f"state income tax withholding for {rules.state} is not supported yet for {periods} "
                               f"pay periods a year: {rules.publication} prints no figures for that payroll period")
    return value


def _annualised_value(rules: StateRules, name: str, periods: int) -> Decimal:
    """A per-period figure; for a payroll period the publication prints none, when its rules allow the annualized
    wages method (Massachusetts TIR 80-3), the annual figure divided by the periods (unrounded: the annualised
    computation multiplies back by the same number)."""
    itax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    printed = itax.params[name].get(str(periods))
    if printed is None and itax.params.get("annualise_unprinted_periods"):
        return itax.params[name]["1"] / periods
    return _period_value(rules, name, periods)


def _ut_period_credit(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: Steps) -> Decimal:
    """Utah Pub 14 schedules, per pay period with every line in whole dollars: wages x rate, less the base
    allowance reduced by the phase-out rate on wages above the period threshold."""
    wages = pay.regular
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    prm = tax.params
    status = "married" if cert.filing_status == "married" else "single"
    base = _period_value(rules, f"period_base_allowance_{status}", periods)
    threshold = _period_value(rules, f"period_phase_out_threshold_{status}", periods)
    line2 = round_dollars(wages * tax.rate)
    if steps is not QUIET:
        steps.append(f"Line 2: {fmt_usd(wages)} x {fmt_pct(tax.rate)} = {fmt_usd(line2)} (whole dollars)")
    over = max(ZERO, wages - threshold)
    reduction = round_dollars(over * prm["phase_out_rate"]["amount"])
    credit = max(ZERO, base - reduction)
    if steps is not QUIET:
        steps.append(f"Allowance: base {fmt_usd(base)} for {status} ({periods} periods a year) less "
                     f"{fmt_pct(prm['phase_out_rate']['amount'])} of wages over {fmt_usd(threshold)} "
                     f"({fmt_usd(over)} -> {fmt_usd(reduction)}) = {fmt_usd(credit)}")
    amount = max(ZERO, line2 - credit)
    if steps is not QUIET:
        steps.append(f"Withholding: {fmt_usd(line2)} - {fmt_usd(credit)} = {fmt_usd(amount)}")
    return amount


def _period_table(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: Steps) -> Decimal:
    """A per-pay-period rate table (e.g. Ohio's percentage method): wages less exemptions, then the table."""
    wages = pay.regular
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    if str(periods) not in tax.tables and tax.params.get("annualise_unprinted_periods"):
        return _period_table_annualised(rules, cert, wages, periods, steps)
    table = tax.tables.get(str(periods))
    per = _period_value(rules, "period_exemption", periods)
    if table is None:  # pragma: no cover - data validation pairs the two
        raise ValueError(f"{rules.state}: exemption but no table for {periods} periods")
    n = cert.counts["allowances"]
    exemption = per * n
    if steps is not QUIET:
        steps.append(f"Less {tax.certificate_form} exemptions: {n} x {fmt_usd(per)} a period = {fmt_usd(exemption)}")
    taxable = max(ZERO, wages - exemption)
    amount, i = table.tax(taxable)
    if steps is not QUIET:
        steps.append(f"Table for {periods} pay periods a year, row over {fmt_usd(table.overs[i])}: "
                     f"{fmt_usd(table.bases[i])} plus {fmt_pct(table.rates[i])} of {fmt_usd(taxable - table.overs[i])} "
                     f"= {fmt_usd(amount)}")
    return amount


def _period_table_annualised(rules: StateRules, cert: Certificate, wages: Decimal, periods: int,
                             steps: Steps) -> Decimal:
    """A payroll period the publication prints no table for, by its annualising formula (Ohio's optional computer
    formula): wages x periods less the annual exemptions, the annual table, divided by the periods."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    table = tax.tables["1"]
    per = tax.params["period_exemption"]["1"]
    n = cert.counts["allowances"]
    annual = wages * periods
    taxable = max(ZERO, annual - per * n)
    if steps is not QUIET:
        steps.append(f"No table for {periods} pay periods a year: annualised, {fmt_usd(wages)} x {periods} = "
                     f"{fmt_usd(annual)}, less {tax.certificate_form} exemptions {n} x {fmt_usd(per)} = "
                     f"{fmt_usd(taxable)}")
    annual_tax, i = table.tax(taxable)
    if steps is not QUIET:
        steps.append(f"Annual table, row over {fmt_usd(table.overs[i])}: {fmt_usd(table.bases[i])} plus "
                     f"{fmt_pct(table.rates[i])} of {fmt_usd(taxable - table.overs[i])} = {fmt_usd(annual_tax)}")
    amount = annual_tax / periods
    if steps is not QUIET:
        steps.append(f"Per period: {fmt_usd(annual_tax)} / {periods} = {fmt_usd(round_cents(amount))}")
    return amount


def _ma_retirement_room(rules: StateRules, pay: Wages) -> tuple[Decimal, Decimal]:
    """(rate, what is left of the annual cap) for Circular M's Social Security / Medicare deduction. The year's
    deductions so far are taken as rate x wages paid earlier this year (the context carries no YTD FICA)."""
    itax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    prm = itax.params
    rate = prm["retirement_deduction_rate"]["amount"]
    cap = prm["retirement_deduction_cap"]["amount"]
    used = min(cap, pay.ytd_gross * rate) if pay.ytd_gross > 0 else ZERO
    return rate, cap - used


def _ma_circular_m(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: Steps) -> Decimal:
    """Massachusetts Circular M percentage method: wages less Social Security/Medicare (to $2,000 a year) and the
    period's exemption amount, annualised at 5% plus the 4% surtax above the threshold, less head-of-household."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    prm = tax.params
    wages = pay.regular
    n = cert.counts["allowances"]
    limit = _annualised_value(rules, "period_no_tax_limit", periods)
    if n >= 1 and wages < limit:
        if steps is not QUIET:
            steps.append(f"Wages of {fmt_usd(wages)} with exemptions claimed are below {fmt_usd(limit)} for "
                         f"{periods} pay periods a year: no withholding.")
        return ZERO
    rate, room = _ma_retirement_room(rules, pay)
    fica = round_cents(wages * rate)
    deduction = min(fica, room)
    if steps is not QUIET:
        steps.append(f"Less Social Security and Medicare, {fmt_pct(rate)} x {fmt_usd(wages)} = {fmt_usd(fica)}, within the "
                     f"{fmt_usd(prm['retirement_deduction_cap']['amount'])} a year still open ({fmt_usd(room)}): "
                     f"{fmt_usd(deduction)}")
    per = _annualised_value(rules, "period_exemption_per", periods)
    base = _annualised_value(rules, "period_exemption_base", periods)
    exemption = per * n + base if n else ZERO
    if steps is not QUIET:
        steps.append(f"Less the exemption amount for {n} exemption(s): "
                     + (f"{n} x {fmt_usd(per)} + {fmt_usd(base)} = {fmt_usd(exemption)}" if n else "$0.00"))
    taxable = max(ZERO, wages - deduction - exemption)
    annual = taxable * periods
    threshold = prm["surtax_threshold"]["amount"]
    surtax = prm["surtax_rate"]["amount"]
    over = max(ZERO, annual - threshold)
    annual_tax = annual * tax.rate + over * surtax
    if steps is not QUIET:
        steps.append(f"Annualised: {fmt_usd(taxable)} x {periods} = {fmt_usd(annual)} x {fmt_pct(tax.rate)}"
                     + (f" plus {fmt_pct(surtax)} of {fmt_usd(over)} above {fmt_usd(threshold)}" if over else "")
                     + f" = {fmt_usd(annual_tax)}")
    amount = annual_tax / periods
    if steps is not QUIET:
        steps.append(f"Per period: {fmt_usd(annual_tax)} / {periods} = {fmt_usd(amount)}")
    if cert.filing_status == "head_of_household":
        hoh = _annualised_value(rules, "period_head_of_household", periods)
        if steps is not QUIET:
            steps.append(f"Less the head-of-household amount {fmt_usd(hoh)}")
        amount -= hoh
    return max(ZERO, amount)


def _ma_supplemental(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: Steps) -> Decimal:
    """Circular M: 5% of the supplemental payment less its Social Security/Medicare (while the $2,000 cap is open);
    the surtax case (regular wages annualised plus supplemental above the threshold) is refused, not guessed."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    threshold = tax.params["surtax_threshold"]["amount"]
    if pay.regular * periods + pay.ytd_gross + pay.supplemental > threshold:
        raise UnsupportedState(f"state income tax withholding for {rules.state} is not supported yet for supplemental "
                               f"wages when the year's wages may pass the {fmt_usd(threshold)} surtax threshold")
    rate, room = _ma_retirement_room(rules, pay)
    room -= min(round_cents(pay.regular * rate), room)
    deduction = min(round_cents(pay.supplemental * rate), room)
    adjusted = pay.supplemental - deduction
    amount = adjusted * tax.rate
    if steps is not QUIET:
        steps.append(f"Supplemental wages {fmt_usd(pay.supplemental)} less Social Security and Medicare "
                     f"{fmt_usd(deduction)} = {fmt_usd(adjusted)} x {fmt_pct(tax.rate)} = {fmt_usd(amount)}")
    return amount


PERIOD_METHODS = {"ut_period_credit": _ut_period_credit, "period_table": _period_table,
                   "ma_circular_m": _ma_circular_m}
SUPPLEMENTAL_METHODS = {"ma_circular_m": _ma_supplemental}
