"""State withholding methods for NE, NJ, NM, OK, RI (per-period tables from annual schedules) and OR (federal subtraction)."""
from __future__ import annotations

from decimal import Decimal

from backoffice.errors import Issue, ValidationFailed
from backoffice.money import D, ZERO, fmt_pct, fmt_usd, round_cents, round_dollars

from ..model import QUIET, Steps
from .income import ANNUAL_METHODS
from .inputs import Certificate, Wages
from .period_methods import PERIOD_METHODS
from .rules import BracketTable, IncomeTax, StateRules, UnsupportedState


# (id of the annual table, periods, cumulative) -> (that table, its period rows): the rows depend on the table and
# the pay frequency only, so each state's table is derived once a frequency, not once a paycheck. The table is kept
# with its rows and compared by identity, so a reused id never answers for another table.
_PERIOD_ROWS: dict[tuple[int, int, bool], tuple[BracketTable, tuple]] = {}


def period_rows(table: BracketTable, periods: int, cumulative: bool) -> tuple[tuple[Decimal, Decimal, Decimal], ...]:
    """The payroll-period table a publication derives from its annual schedule: each row's 'over' divided by the
    periods and rounded to the dollar; each row's base amount either divided by the periods and rounded to the cent
    (NE, NJ, NM, OK: e.g. FYI-104 weekly married $41,100 -> $790, $664 -> $12.77), or built up from the period rows
    themselves (RI: weekly $82,050 -> $1,578, base $1,578 x 3.75% = $59.18). Derived once per table and frequency."""
    key = (id(table), periods, cumulative)
    hit = _PERIOD_ROWS.get(key)
    if hit is not None and hit[0] is table:
        return hit[1]
    rows = _derive_period_rows(table, periods, cumulative)
    _PERIOD_ROWS[key] = (table, rows)
    return rows


def _derive_period_rows(table: BracketTable, periods: int, cumulative: bool) -> tuple:
    p = D(periods)
    rows: list[tuple[Decimal, Decimal, Decimal]] = []
    for i, (over, base, rate) in enumerate(zip(table.overs, table.bases, table.rates)):
        floor = round_dollars(over / p)
        if cumulative and rows:
            prev_floor, prev_base, prev_rate = rows[-1]
            amount = round_cents(prev_base + (floor - prev_floor) * prev_rate)
        else:
            amount = round_cents(base / p)
        rows.append((floor, amount, rate))
    return tuple(rows)


def _period_value(rules: StateRules, name: str, periods: int) -> Decimal | None:
    itax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    values = itax.params.get(name)
    if values is None:
        return None
    value = values.get(str(periods))
    if value is None:
        raise UnsupportedState(f"state income tax withholding for {rules.state} is not supported yet for {periods} "
                               f"pay periods a year: {rules.publication} prints no figures for that payroll period")
    return value


def _table_key(rules: StateRules, cert: Certificate) -> tuple[str, str]:
    """(table key, words for the explanation): NJ-W4's rate table letter when given, else the status's table."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    if tax.params.get("table_from_rate_table"):
        letter = cert.text.get("rate_table")
        if letter:
            if letter not in tax.tables:
                raise ValidationFailed([Issue(f"certificate.{rules.state}.rate_table",
                                              f"{tax.certificate_form} rate tables are "
                                              f"{', '.join(sorted(tax.tables))}")])
            return letter, f"rate table {letter} chosen on {tax.certificate_form}"
        letter = tax.params["table_for_status"][cert.filing_status]
        return letter, f"rate table {letter}, the default for filing status {cert.filing_status}"
    status = cert.filing_status
    if status in tax.tables:
        return status, f"the {status.replace('_', ' ')} table"
    alias = tax.params.get("table_for_status", {}).get(status, "single")
    return alias, f"the {alias} table (filing status {status.replace('_', ' ')})"


def _period_percentage(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: Steps) -> Decimal:
    """The percentage method per pay period: wages less the printed per-period allowance value times the allowances
    (none above the publication's wage limit), then the period table derived from the annual schedule; whole
    dollars where the publication requires it (OK)."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    prm = tax.params
    wages = pay.regular
    n = cert.counts["allowances"]
    allowance = _period_value(rules, "period_allowance", periods)
    if allowance is not None:
        cutoff = _period_value(rules, "period_allowance_limit", periods)
        if cutoff is not None and wages > cutoff and n:
            if steps is not QUIET:
                steps.append(f"Wages of {fmt_usd(wages)} are over {fmt_usd(cutoff)} for {periods} pay periods a year: "
                             f"the {n} allowance(s) on {tax.certificate_form} are not subtracted.")
            n = 0
        less = allowance * n
        if steps is not QUIET:
            steps.append(f"Less {tax.certificate_form} allowances: {n} x {fmt_usd(allowance)} a period = {fmt_usd(less)}")
    else:
        less = ZERO
    taxable = max(ZERO, wages - less)
    key, words = _table_key(rules, cert)
    rows = period_rows(tax.tables[key], periods, bool(prm.get("cumulative_period_bases")))
    i = max((j for j, row in enumerate(rows) if taxable > row[0]), default=0)
    floor, base, rate = rows[i]
    amount = base + (taxable - floor) * rate if taxable > floor else base if taxable > 0 else ZERO
    if steps is not QUIET:
        steps.append(f"Net wages {fmt_usd(taxable)}; {words} for {periods} pay periods a year, row over "
                     f"{fmt_usd(floor)}: {fmt_usd(base)} plus {fmt_pct(rate)} of {fmt_usd(max(ZERO, taxable - floor))} "
                     f"= {fmt_usd(amount)}")
    if prm.get("round_to_dollar"):
        rounded = round_dollars(amount)
        if steps is not QUIET:
            steps.append(f"Rounded to the whole dollar: {fmt_usd(rounded)}")
        return rounded
    return amount


def _or_federal_cap(prm, status: str, annual: Decimal) -> Decimal:
    """Oregon's limit on the federal tax subtracted: the full amount below $50,000 of wages, then the phase-out
    table for the status (rows of [wages at least, cap])."""
    cap = prm["federal_subtraction_max"]
    if annual < prm["high_wage_threshold"]:
        return cap
    for at_least, limit in reversed(prm[f"federal_subtraction_phase_out_{status}"]):
        if annual >= at_least:
            return limit
    return cap


def _or_formula(rules: StateRules, cert: Certificate, pay: Wages, annual: Decimal, periods: int,
                steps: Steps) -> Decimal:
    """Oregon Withholding Tax Formulas (150-206-436): BASE = annual wages less the federal tax withheld (limited)
    less the standard deduction; the table for wages under or over $50,000; less the personal exemption credit per
    allowance (none above the wage limit). Without an OR-W-4 (or W-4 before 2020): a flat 8%."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    prm = tax.params
    if not cert.given:
        flat = prm["no_certificate_rate"]
        amount = annual * flat
        if steps is not QUIET:
            steps.append(f"No withholding statement on file: {fmt_pct(flat)} of {fmt_usd(annual)} = {fmt_usd(amount)}")
        return amount
    n = cert.counts["allowances"]
    status = "married" if cert.filing_status == "married" else "single"
    table = "married" if status == "married" or n >= 3 else "single"
    federal = pay.federal_income_tax * periods
    cap = _or_federal_cap(prm, status, annual)
    subtract = min(federal, cap)
    if steps is not QUIET:
        steps.append(f"Federal tax withheld, annualised: {fmt_usd(pay.federal_income_tax)} x {periods} = "
                     f"{fmt_usd(federal)}, limited to {fmt_usd(cap)}: {fmt_usd(subtract)}")
    standard = prm["standard_deduction"][table]
    who = ("married, or single with 3 or more allowances" if table == "married"
           else "single or head of household with fewer than 3 allowances")
    if steps is not QUIET:
        steps.append(f"Standard deduction ({who}): {fmt_usd(standard)}")
    base = max(ZERO, annual - subtract - standard)
    if steps is not QUIET:
        steps.append(f"BASE: {fmt_usd(annual)} - {fmt_usd(subtract)} - {fmt_usd(standard)} = {fmt_usd(base)}")
    high = annual >= prm["high_wage_threshold"]
    if high:      # the $50,000-or-more table: rows of (BASE from, base tax, rate on the excess over the floor)
        rows = prm[f"high_wage_rows_{table}"]
        floor, amount, rate = next((r for r in reversed(rows) if base >= r[0]), rows[0])
        floor = prm["high_first_row_over"][table] if (floor, amount, rate) == rows[0] else floor
    else:
        schedule = tax.tables[table]
        i = schedule.row_for(base)
        floor, amount, rate = schedule.overs[i], schedule.bases[i], schedule.rates[i]
    gross = amount + (base - floor) * rate
    if steps is not QUIET:
        steps.append(f"Table for annual wages {'of $50,000 or more' if high else 'under $50,000'}: {fmt_usd(amount)} "
                     f"plus {fmt_pct(rate)} of {fmt_usd(base - floor)} over {fmt_usd(floor)} = {fmt_usd(gross)}")
    limit = prm["allowance_wage_limit"][status]
    if n and annual > limit:
        if steps is not QUIET:
            steps.append(f"Annual wages over {fmt_usd(limit)}: no personal exemption credit for the {n} allowance(s).")
        n = 0
    credit = prm["exemption_credit"] * n
    if steps is not QUIET:
        steps.append(f"Less the personal exemption credit: {n} x {fmt_usd(prm['exemption_credit'])} = "
                     f"{fmt_usd(credit)}")
    return max(ZERO, gross - credit)


PERIOD_METHODS["period_percentage"] = _period_percentage
ANNUAL_METHODS["or_formula"] = _or_formula
