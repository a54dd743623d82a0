"""Annualised withholding methods of SC (WH-1603F), VA (the Employer Withholding Tables' formula), WV (IT-100.2A),
WI (W-166 alternate method), VT (GB-1210) and MD (Employer Withholding Guide, state plus county)."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from backoffice.errors import Issue, ValidationFailed
from backoffice.money import D, ZERO, fmt_pct, fmt_usd, round_cents, round_dollars

from ..model import QUIET, Steps
from .income import ANNUAL_METHODS, _annual_from_table, _annual_table, _subtract, _table_for
from .inputs import Certificate, Wages
from .period_methods import PERIOD_METHODS
from .rules import BracketTable, IncomeTax, StateRules


def _sc_wh1603f(rules: StateRules, cert: Certificate, wages: Wages, annual: Decimal, periods: int,
                steps: Steps) -> Decimal:
    """WH-1603F: annual wages less so much per allowance and, with one allowance or more, the standard deduction
    of 10% of annual wages up to a maximum; the annual table (addition method); the caller divides by the periods."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    prm = tax.params
    n = cert.counts["allowances"]
    allowances = prm["allowance"]["amount"] * n
    if steps is not QUIET:
        steps.append(f"Less SC W-4 allowances: {n} x {fmt_usd(prm['allowance']['amount'])} = {fmt_usd(allowances)}")
    if n >= 1:
        ten_percent = annual * prm["standard_deduction_rate"]["amount"]
        cap = prm["standard_deduction_max"]["amount"]
        standard = min(ten_percent, cap)
        if steps is not QUIET:
            steps.append(f"Less the standard deduction: the lesser of {fmt_pct(prm['standard_deduction_rate']['amount'])} "
                         f"of {fmt_usd(annual)} ({fmt_usd(ten_percent)}) and {fmt_usd(cap)} = {fmt_usd(standard)}")
    else:
        standard = ZERO
        steps.append("No standard deduction with zero allowances (WH-1603F).")
    taxable = max(ZERO, annual - allowances - standard)
    if steps is not QUIET:
        steps.append(f"Taxable income: {fmt_usd(taxable)}")
    return _annual_from_table(_table_for(tax, cert.filing_status), taxable, steps)


def _annual_tax_to_dollar(rules: StateRules, cert: Certificate, wages: Wages, annual: Decimal, periods: int,
                          steps: Steps) -> Decimal:
    """The rate-table method with the annual tax rounded to the whole dollar before it is divided by the pay
    periods, as Virginia's printed example does (annual tax $2,628, semimonthly $109.50)."""
    itax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    annual_tax = _annual_table(itax, cert, annual, steps)
    rounded = round_dollars(annual_tax)
    if steps is not QUIET:
        steps.append(f"Annual tax {fmt_usd(annual_tax)} rounded to the whole dollar: {fmt_usd(rounded)}")
    return rounded


def _wv_it100(rules: StateRules, cert: Certificate, wages: Wages, annual: Decimal, periods: int,
              steps: Steps) -> Decimal:
    """IT-100.2A: the two-earner/two-or-more-jobs table for everyone, unless the employee asked on IT-104 for the
    one-earner/one-job table (rate_table "ONE_EARNER"); less so much per exemption."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    choice = cert.text.get("rate_table", "TWO_EARNER")
    names = {"TWO_EARNER": "two_earner", "ONE_EARNER": "one_earner"}
    if choice not in names:
        raise ValidationFailed([Issue(f"certificate.{rules.state}.rate_table",
                                      "IT-104: the table is TWO_EARNER (the default) or ONE_EARNER")])
    table = tax.tables[names[choice]]
    if steps is not QUIET:
        steps.append(f"{tax.certificate_form}: the {'one earner / one job' if choice == 'ONE_EARNER' else 'two earners / two or more jobs'} "
                     "table")
    subtract = _subtract(tax, cert, cert.filing_status, steps, tax.subtractions, "Less")
    taxable = max(ZERO, annual - subtract)
    if steps is not QUIET:
        steps.append(f"Taxable wages: {fmt_usd(annual)} - {fmt_usd(subtract)} = {fmt_usd(taxable)}")
    return _annual_from_table(table, taxable, steps)


def _wi_w166(rules: StateRules, cert: Certificate, wages: Wages, annual: Decimal, periods: int,
             steps: Steps) -> Decimal:
    """W-166 alternate (annualised) method: the standard deduction for the status, reduced by a phase-out rate on
    wages above a floor (none at or above the ceiling); less $400 per exemption; the annual table."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    prm = tax.params
    status = "married" if cert.filing_status == "married" else "single"
    full = prm["deduction_full"][status]
    floor = prm["deduction_phase_out_from"][status]
    rate = prm["deduction_phase_out_rate"][status]
    deduction = full if annual < floor else max(ZERO, full - (annual - floor) * rate)
    if steps is not QUIET:
        steps.append(f"Standard deduction for {status}: {fmt_usd(full)}"
                     + (f" less {fmt_pct(rate)} of wages over {fmt_usd(floor)} = {fmt_usd(deduction)}" if annual >= floor
                        else ""))
    exemptions = _subtract(tax, cert, status, steps, tax.subtractions, "Less")
    taxable = max(ZERO, annual - deduction - exemptions)
    if steps is not QUIET:
        steps.append(f"Net wages: {fmt_usd(annual)} - {fmt_usd(deduction)} - {fmt_usd(exemptions)} = {fmt_usd(taxable)}")
    return _annual_from_table(_table_for(tax, status), taxable, steps)


def _md_state_and_county(rules: StateRules, cert: Certificate, wages: Wages, annual: Decimal, periods: int,
                         steps: Steps) -> Decimal:
    """Maryland Employer Withholding Guide: annual wages less the standard deduction and $3,200 per MW507
    exemption; the state withholding table (its first rate 4.75%: the guide disregards the lower return rates)
    plus the county (or nonresident) rate on the same taxable wages; nothing below the annual minimum."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    prm = tax.params
    minimum = prm["minimum_annual_wages"]["amount"]
    if annual < minimum:
        if steps is not QUIET:
            steps.append(f"Annualised wages below {fmt_usd(minimum)}: no Maryland tax is withheld.")
        return ZERO
    status = "married" if cert.filing_status in ("married", "head_of_household") else "single"
    if not cert.given and "no_certificate_allowances" in prm:
        n = int(prm["no_certificate_allowances"]["amount"])
        cert = replace(cert, counts={**cert.counts, "allowances": n})
    subtract = _subtract(tax, cert, status, steps, tax.subtractions, "Less")
    taxable = max(ZERO, annual - subtract)
    if steps is not QUIET:
        steps.append(f"Taxable wages: {fmt_usd(annual)} - {fmt_usd(subtract)} = {fmt_usd(taxable)}")
    state_tax = _annual_from_table(tax.tables[status], taxable, steps)
    county = _county_code(cert.text.get("county"))
    rates = prm["county_rates"]
    if county is None:
        county = prm["default_county"][0]
        if steps is not QUIET:
            steps.append(f"No county on {tax.certificate_form}: {county}, the highest local rate, is used so that "
                         "too little is never withheld.")
    elif county not in rates and f"county_tiers_{county}_single" not in prm:
        raise ValidationFailed([Issue(f"certificate.{rules.state}.county",
                                      f"not a Maryland county code: {county!r}")])
    tiers = prm.get(f"county_tiers_{county}_{status}")
    if tiers is not None:
        rate = _tier_rate(tiers, taxable)
        if steps is not QUIET:
            steps.append(f"{county}: rate for taxable wages of {fmt_usd(taxable)} ({status} schedule): {fmt_pct(rate)}")
    else:
        rate = rates[county]
    local = taxable * rate
    if steps is not QUIET:
        steps.append(f"Local tax ({county}): {fmt_usd(taxable)} x {fmt_pct(rate)} = {fmt_usd(local)}")
    return state_tax + local


# (id of the annual table, periods) -> (that table, its period table): built once per table and pay frequency (the
# table kept and compared by identity, so a reused id never answers for another table)
_VT_PERIOD_TABLES: dict[tuple[int, int], tuple[BracketTable, BracketTable]] = {}


def vt_period_table(annual: BracketTable, periods: int) -> BracketTable:
    """GB-1210's table for a pay period, built as the printed tables are: each row starts at the annual figure
    divided by the pay periods, rounded to the whole dollar; each row's base is the tax on the rows below it at
    those rounded widths, rounded to the cent (2025 weekly single: 74 / 1,024 / 2,375 / 4,875; 31.83, 120.99, 310.99)."""
    hit = _VT_PERIOD_TABLES.get((id(annual), periods))
    if hit is not None and hit[0] is annual:
        return hit[1]
    table = _build_vt_period_table(annual, periods)
    _VT_PERIOD_TABLES[(id(annual), periods)] = (annual, table)
    return table


def _build_vt_period_table(annual: BracketTable, periods: int) -> BracketTable:
    p = D(periods)
    overs = tuple(round_dollars(over / p) for over in annual.overs)
    bases, running = [], ZERO
    for i, over in enumerate(overs):
        if i:
            running += (over - overs[i - 1]) * annual.rates[i - 1]
        bases.append(round_cents(running))
    return BracketTable(overs, tuple(bases), annual.rates)


def _vt_period_tables(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: Steps) -> Decimal:
    """Vermont GB-1210 percentage method, per pay period: wages less the allowances (the annual allowance divided by
    the pay periods, to the cent, times the W-4VT count), then the period's table for the status."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    status = "married" if cert.filing_status == "married" else "single"
    allowance = tax.subtractions[0]
    per = round_cents(allowance.amounts[status] / D(periods))
    n = cert.counts[allowance.per]        # type: ignore[index]  # the W-4VT allowance is per a count
    deduction = per * n
    if steps is not QUIET:
        steps.append(f"Less {tax.certificate_form} allowances: {n} x {fmt_usd(per)} a period "
                     f"({fmt_usd(allowance.amounts[status])} / {periods}) = {fmt_usd(deduction)}")
    taxable = max(ZERO, pay.regular - deduction)
    table = vt_period_table(_table_for(tax, status), periods)
    amount, i = table.tax(taxable)
    if steps is not QUIET:
        steps.append(f"{status.capitalize()} table for {periods} pay periods a year, row over {fmt_usd(table.overs[i])}: "
                     f"{fmt_usd(table.bases[i])} plus {fmt_pct(table.rates[i])} of {fmt_usd(taxable - table.overs[i])} "
                     f"= {fmt_usd(amount)}")
    return amount


def _county_code(name: str | None) -> str | None:
    """MW507's county as the data's code: "Prince George's County" -> PRINCE_GEORGES, "St. Mary's" -> ST_MARYS."""
    if name is None:
        return None
    code = name.upper().replace("'", "").replace(".", "").replace("-", " ").strip()
    if code.endswith(" COUNTY"):
        code = code[: -len(" COUNTY")]
    return "_".join(code.split())


def _tier_rate(rows: tuple, taxable: Decimal) -> Decimal:
    """Income-tiered county rate: rows of (up to and including, rate); the last row has no ceiling (0)."""
    for ceiling, rate in rows:
        if ceiling == 0 or taxable <= ceiling:
            return rate
    return rows[-1][1]


ANNUAL_METHODS.update({
    "sc_wh1603f": _sc_wh1603f,
    "annual_tax_to_dollar": _annual_tax_to_dollar,
    "wv_it100": _wv_it100,
    "wi_w166": _wi_w166,
    "md_state_and_county": _md_state_and_county,
})
PERIOD_METHODS["vt_period_tables"] = _vt_period_tables
