"""State income-tax withholding for one period: the annualised methods, supplemental and additional withholding."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Final

from backoffice.errors import Issue, ValidationFailed
from backoffice.money import D, ZERO, fmt_pct, fmt_usd, round_cents, round_dollars

from ..model import QUIET, Steps
from ..hotpath import cents
from .inputs import Certificate, Wages
from .period_methods import PERIOD_METHODS, SUPPLEMENTAL_METHODS
from .rules import IncomeTax, StateRules, UnsupportedState


# State-specific annualised methods, registered by the modules imported at the bottom of this file:
# name -> fn(rules, cert, wages, annual, periods, steps) -> the annual tax, unrounded (the caller divides by the
# periods and rounds as params.round_to_dollar says). Per-period methods register in period_methods.PERIOD_METHODS.
ANNUAL_METHODS: dict = {}
_ZERO_CENTS: Final = round_cents(ZERO)
_PERIODS: dict[int, Decimal] = {}       # pay periods a year as Decimals (exact), made once a frequency


def _subtract(tax: IncomeTax, cert: Certificate, status: str, steps: Steps, items, kind: str) -> Decimal:
    total = ZERO
    for s in items:
        amount = s.amounts[status]
        if s.per is None:
            value = amount
            if value:
                if steps is not QUIET:
                    steps.append(f"{kind} {s.label}: {fmt_usd(value)}")
        else:
            n = cert.counts.get(s.per, 0)
            value = amount * n
            if steps is not QUIET:
                steps.append(f"{kind} {s.label}: {n} x {fmt_usd(amount)} = {fmt_usd(value)}")
        total += value
    return total


def _annual_from_table(table, taxable: Decimal, steps: Steps, flat_above=()) -> Decimal:
    for threshold, rate in reversed(flat_above):
        if taxable >= threshold:
            tax = taxable * rate
            if steps is not QUIET:
                steps.append(f"Net wages of {fmt_usd(taxable)} are at least {fmt_usd(threshold)}: "
                             f"{fmt_pct(rate)} of the whole amount = {fmt_usd(tax)}")
            return tax
    tax, i = table.tax(taxable)
    if steps is not QUIET:
        steps.append(f"Rate table row over {fmt_usd(table.overs[i])}: {fmt_usd(table.bases[i])} plus "
                     f"{fmt_pct(table.rates[i])} of {fmt_usd(taxable - table.overs[i])} = {fmt_usd(tax)}")
    return tax


def regular_withholding(rules: StateRules, cert: Certificate, wages: Wages, periods: int,
                        steps: Steps) -> Decimal:
    """Unrounded withholding on this period's regular wages, appending the steps in plain English."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    method = tax.method
    p = _PERIODS.get(periods)
    if p is None:
        p = _PERIODS[periods] = D(periods)
    status = cert.filing_status
    if wages.regular <= 0:
        steps.append("No regular wages this period after pre-tax exclusions.")
        return ZERO
    if method == "elected_percentage":
        rate = _elected_rate(rules, cert, steps)
        amount = wages.regular * rate
        if steps is not QUIET:
            steps.append(f"{fmt_usd(wages.regular)} x {fmt_pct(rate)} = {fmt_usd(amount)}")
        return amount
    if method in PERIOD_METHODS:        # methods whose publication works per pay period, not annualised
        return PERIOD_METHODS[method](rules, cert, wages, periods, steps)
    annual = wages.regular * p
    if steps is not QUIET:
        steps.append(f"Annualised wages: {fmt_usd(wages.regular)} x {periods} pay periods = {fmt_usd(annual)}")
    if method == "annual_table":
        annual_tax = _annual_table(tax, cert, annual, steps)
    elif method == "flat":
        subtractions = tax.subtractions
        if not cert.given and tax.params.get("no_deductions_without_certificate"):
            subtractions = ()            # e.g. LA R-1306: no L-4 -> no standard deduction at all
            if steps is not QUIET:
                steps.append(f"No {tax.certificate_form}: no deduction is subtracted.")
        subtract = _subtract(tax, cert, status, steps, subtractions, "Less")
        if tax.params.get("certificate_annual_allowance"):
            if cert.annual_allowance is not None:
                allowance = cert.annual_allowance
                if steps is not QUIET:
                    steps.append(f"Less the annual withholding allowance from {tax.certificate_form}: {fmt_usd(allowance)}")
            else:
                allowance = tax.params["default_annual_allowance"][status]
                if steps is not QUIET:
                    steps.append(f"No annual allowance on {tax.certificate_form}: the default for {status}, "
                                 f"{fmt_usd(allowance)}, applies")
            subtract += allowance
        taxable = max(ZERO, annual - subtract)
        annual_tax = taxable * tax.rate
        if steps is not QUIET:
            steps.append(f"Taxable: {fmt_usd(taxable)} x {fmt_pct(tax.rate)} = {fmt_usd(annual_tax)}")
        credits = _subtract(tax, cert, status, steps, tax.credits, "Credit")
        if tax.params.get("certificate_annual_credit") and cert.annual_allowance:
            if steps is not QUIET:
                steps.append(f"Credit: the annual allowance amount from {tax.certificate_form}, "
                             f"{fmt_usd(cert.annual_allowance)}")   # e.g. IA W-4 (2024 or later) line 6
            credits += cert.annual_allowance
        annual_tax = max(ZERO, annual_tax - credits)
    elif method == "ca_method_b":
        annual_tax = _ca_method_b(tax, cert, annual, steps)
    elif method == "ny_exact":
        annual_tax = _ny_exact(tax, cert, annual, steps)
    elif method == "ut_credit":
        annual_tax = _ut_credit(tax, cert, annual, steps)
    elif method in ANNUAL_METHODS:
        annual_tax = ANNUAL_METHODS[method](rules, cert, wages, annual, periods, steps)
    else:  # pragma: no cover - data validation keeps this out
        raise ValueError(f"unknown income tax method {method!r}")
    per_period = annual_tax / p
    if tax.params.get("round_to_dollar"):
        per_period = round_dollars(per_period)
        if steps is not QUIET:
            steps.append(f"Per period: {fmt_usd(annual_tax)} / {periods}, rounded to the dollar = {fmt_usd(per_period)}")
    else:
        if steps is not QUIET:
            steps.append(f"Per period: {fmt_usd(annual_tax)} / {periods} = {fmt_usd(per_period)}")
    return per_period


def _table_for(tax: IncomeTax, status: str):
    """The annual rate table for a filing status: tables are keyed by status; a status the publication prints no
    table for uses params.table_for_status[status] (e.g. head of household -> single)."""
    table = tax.tables.get(status)
    if table is None:
        alias = tax.params.get("table_for_status", {}).get(status)
        table = tax.tables.get(alias) if alias else tax.tables.get("single")
    return table


def _annual_table(tax: IncomeTax, cert: Certificate, annual: Decimal, steps: Steps) -> Decimal:
    """The annualised percentage method most states print: annual wages less the subtractions (a standard
    deduction, so much per allowance or exemption), the status's rate table, less credits (so much per
    exemption); the caller divides by the pay periods (and rounds to the dollar where the state says so)."""
    status = cert.filing_status
    subtractions = tax.subtractions
    if not cert.given and tax.params.get("no_deductions_without_certificate"):
        subtractions = ()
        if steps is not QUIET:
            steps.append(f"No {tax.certificate_form}: no deduction is subtracted.")
    subtract = _subtract(tax, cert, status, steps, subtractions, "Less")
    taxable = max(ZERO, annual - subtract)
    if steps is not QUIET:
        steps.append(f"Taxable wages: {fmt_usd(annual)} - {fmt_usd(subtract)} = {fmt_usd(taxable)}")
    annual_tax = _annual_from_table(_table_for(tax, status), taxable, steps)
    credits = _subtract(tax, cert, status, steps, tax.credits, "Credit")
    return max(ZERO, annual_tax - credits)


def _elected_rate(rules: StateRules, cert: Certificate, steps: Steps) -> Decimal:
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    choices = tax.params["choices"]
    default = tax.params["default_percentage"]
    if cert.percentage is None:
        if steps is not QUIET:
            steps.append(f"No {tax.certificate_form} election on file: the default rate of {default}% applies.")
        return default / 100
    if cert.percentage not in choices and cert.percentage != 0:
        raise ValidationFailed([Issue(f"certificate.{rules.state}.percentage",
                                      f"{tax.certificate_form} allows only {', '.join(str(c) + '%' for c in choices)}"
                                      " (or 0% when eligible)")])
    if steps is not QUIET:
        steps.append(f"Rate elected on {tax.certificate_form}: {cert.percentage}%")
    return cert.percentage / 100


def _ca_method_b(tax: IncomeTax, cert: Certificate, annual: Decimal, steps: Steps) -> Decimal:
    prm = tax.params
    status = cert.filing_status
    if status in prm.get("unsupported_statuses", ()):
        raise UnsupportedState(f"state income tax withholding for CA is not supported yet for filing status "
                               f"{status} in this tax year: its rate table could not be confirmed")
    regular = cert.counts["allowances"]
    double = status == "head_of_household" or (status == "married" and regular >= 2)
    key = "double" if double else "single"
    lie = prm["low_income_exemption"][key]
    if steps is not QUIET:
        steps.append(f"Step 1: low-income exemption for {status} with {regular} regular allowance(s): {fmt_usd(lie)}")
    if annual <= lie:
        if steps is not QUIET:
            steps.append(f"Annualised wages {fmt_usd(annual)} are not above it: no California tax.")
        return ZERO
    estimated = prm["estimated_deduction_allowance"]["amount"] * cert.counts["additional_allowances"]
    if steps is not QUIET:
        steps.append(f"Step 2: less estimated deductions, {cert.counts['additional_allowances']} x "
                     f"{fmt_usd(prm['estimated_deduction_allowance']['amount'])} = {fmt_usd(estimated)}")
    standard = prm["standard_deduction"][key]
    if steps is not QUIET:
        steps.append(f"Step 3: less the standard deduction {fmt_usd(standard)}")
    taxable = max(ZERO, annual - estimated - standard)
    if steps is not QUIET:
        steps.append(f"Step 4: taxable income {fmt_usd(taxable)}")
    table_status = "married" if status == "married" else status
    gross_tax = _annual_from_table(tax.tables[table_status], taxable, steps)
    credit = prm["exemption_allowance_credit"]["amount"] * regular
    if steps is not QUIET:
        steps.append(f"Step 6: less the exemption allowance credit, {regular} x "
                     f"{fmt_usd(prm['exemption_allowance_credit']['amount'])} = {fmt_usd(credit)}")
    return max(ZERO, gross_tax - credit)


def _ny_exact(tax: IncomeTax, cert: Certificate, annual: Decimal, steps: Steps) -> Decimal:
    prm = tax.params
    status = "married" if cert.filing_status == "married" else "single"
    if cert.filing_status == "head_of_household":
        steps.append("Head of household uses the single table (IT-2104 has single/head of household together).")
    deduction = prm["deduction_allowance"][status]
    exemptions = prm["exemption_allowance"]["amount"] * cert.counts["allowances"]
    if steps is not QUIET:
        steps.append(f"Less the deduction allowance for {status}: {fmt_usd(deduction)}")
    if steps is not QUIET:
        steps.append(f"Less exemption allowances: {cert.counts['allowances']} x "
                     f"{fmt_usd(prm['exemption_allowance']['amount'])} = {fmt_usd(exemptions)}")
    taxable = max(ZERO, annual - deduction - exemptions)
    if steps is not QUIET:
        steps.append(f"Net wages: {fmt_usd(taxable)}")
    flat_above = prm.get(f"flat_above_{status}", ())
    return _annual_from_table(tax.tables[status], taxable, steps, flat_above)


def _ut_credit(tax: IncomeTax, cert: Certificate, annual: Decimal, steps: Steps) -> Decimal:
    """Utah Pub 14: wages x rate, less a base allowance credit that phases out above a threshold."""
    prm = tax.params
    status = "married" if cert.filing_status == "married" else "single"
    gross_tax = annual * tax.rate
    if steps is not QUIET:
        steps.append(f"{fmt_usd(annual)} x {fmt_pct(tax.rate)} = {fmt_usd(gross_tax)}")
    base = prm["base_allowance"][status]
    threshold = prm["phase_out_threshold"][status]
    over = max(ZERO, annual - threshold)
    reduction = over * prm["phase_out_rate"]["amount"]
    credit = max(ZERO, base - reduction)
    if steps is not QUIET:
        steps.append(f"Credit: base allowance for {status} {fmt_usd(base)} less {fmt_pct(prm['phase_out_rate']['amount'])} "
                     f"of wages over {fmt_usd(threshold)} ({fmt_usd(over)} -> {fmt_usd(reduction)}) = {fmt_usd(credit)}")
    return max(ZERO, gross_tax - credit)



def supplemental_withholding(rules: StateRules, cert: Certificate, wages: Wages, periods: int, regular: Decimal,
                             steps: Steps) -> Decimal:
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    if wages.supplemental <= 0:
        return ZERO
    if tax.method in SUPPLEMENTAL_METHODS:
        return SUPPLEMENTAL_METHODS[tax.method](rules, cert, wages, periods, steps)
    if tax.params.get("supplemental_aggregate"):
        combined = Wages(wages.regular + wages.supplemental, ZERO, wages.excluded, wages.ytd_gross,
                         wages.federal_income_tax)
        inner: Steps = QUIET         # the inner steps are never shown
        total = regular_withholding(rules, cert, combined, periods, inner)
        amount = total - regular
        if steps is not QUIET:
            steps.append(f"Supplemental wages {fmt_usd(wages.supplemental)} by the aggregate method: withholding on "
                         f"regular plus supplemental {fmt_usd(total)} less withholding on regular {fmt_usd(regular)} "
                         f"= {fmt_usd(amount)}")
        return max(ZERO, amount)
    if tax.method == "elected_percentage":
        rate = _elected_rate(rules, cert, QUIET)
    else:
        rate = tax.supplemental_rate        # type: ignore[assignment]  # set for a method that reaches here
        other_rate = tax.supplemental_rate_other
        if other_rate is not None and wages.supplemental_other > 0:
            # a rate of its own for commissions and other non-bonus supplemental wages (CA: 6.6%, bonuses 10.23%)
            other = wages.supplemental_other
            bonus = wages.supplemental - other
            amount = bonus * rate + other * other_rate
            if steps is not QUIET:
                if bonus:
                    steps.append(f"Bonus {fmt_usd(bonus)} x {fmt_pct(rate)} "
                                 f"({tax.supplemental_label or 'flat supplemental rate'}) = {fmt_usd(bonus * rate)}")
                steps.append(f"Commission (supplemental wages other than a bonus) {fmt_usd(other)} x "
                             f"{fmt_pct(other_rate)} ({tax.supplemental_other_label or 'supplemental rate'}) = "
                             f"{fmt_usd(other * other_rate)}")
            return amount
    amount = wages.supplemental * rate
    if steps is not QUIET:
        steps.append(f"Supplemental wages {fmt_usd(wages.supplemental)} x {fmt_pct(rate)} "
                     f"({tax.supplemental_label or 'flat supplemental rate'}) = {fmt_usd(amount)}")
    return amount


def income_tax_amount(rules: StateRules, cert: Certificate, wages: Wages, periods: int,
                      steps: Steps) -> Decimal:
    """Rounded state income-tax withholding for one period (regular + supplemental + additional)."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    if cert.exempt:
        if steps is not QUIET:
            steps.append(f"The employee claims exemption from {rules.state} withholding on {tax.certificate_form}.")
        return ZERO
    if cert.fixed_withholding is not None:
        return _fixed(rules, cert, wages, steps)
    alien = _ZERO_CENTS
    if cert.nonresident_alien:
        cert, alien = _nonresident_alien(rules, cert, wages, periods, steps)
    regular = cents(regular_withholding(rules, cert, wages, periods, steps))
    if wages.supplemental > 0:
        supplemental = cents(supplemental_withholding(rules, cert, wages, periods, regular, steps))
    else:                               # what supplemental_withholding gives then (ZERO), rounded: without the call
        supplemental = _ZERO_CENTS
    total = regular + supplemental
    if cert.additional:
        if steps is not QUIET:
            steps.append(f"Plus additional withholding requested on {tax.certificate_form}: {fmt_usd(cert.additional)}")
        total += cert.additional
    if alien:
        if steps is not QUIET:
            steps.append(f"Plus the nonresident alien's additional amount for the pay period: {fmt_usd(alien)}")
        total += alien
    if cert.reduction:
        total = _reduced(rules, cert, total, steps)
    total = cents(max(ZERO, total))
    if (supplemental or cert.additional or alien) and steps is not QUIET:
        parts = [fmt_usd(regular), fmt_usd(supplemental)] + ([fmt_usd(cert.additional)] if cert.additional else []) \
            + ([fmt_usd(alien)] if alien else [])
        less = f" - {fmt_usd(cert.reduction)}" if cert.reduction else ""
        steps.append(f"Total {rules.state} withholding: {' + '.join(parts)}{less} = {fmt_usd(total)}"
                     + (" (never below zero)" if cert.reduction else ""))
    return total


def _reduced(rules: StateRules, cert: Certificate, total: Decimal, steps: Steps) -> Decimal:
    """The certificate's reduction per pay period (CT-W4 line 3, a negative L-4 line 7) taken from the computed
    withholding with any additional amount already added, never below zero (TPG-211: de-annualise, add CT-W4 line 2,
    subtract line 3, not below zero). A state whose certificate has no such line (params.certificate_reduction not
    set) refuses it by name."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    if not tax.params.get("certificate_reduction"):
        raise ValidationFailed([Issue(f"certificate.{rules.state}.reduction",
                                      f"{tax.certificate_form} has no reduced-withholding line")])
    reduced = max(ZERO, total - cert.reduction)
    if steps is not QUIET:
        steps.append(f"Less the reduction per pay period on {tax.certificate_form}, {fmt_usd(cert.reduction)}: "
                     f"{fmt_usd(total)} - {fmt_usd(cert.reduction)} = {fmt_usd(reduced)} (never below zero)")
    return reduced


def _nonresident_alien(rules: StateRules, cert: Certificate, wages: Wages, periods: int,
                       steps: Steps) -> tuple[Certificate, Decimal]:
    """A nonresident alien (NC-4 NRA): withheld as single, plus the publication's additional amount for the pay period
    (params.nonresident_alien_additional, NC-30: the amount that takes back the standard deduction the formula
    allows). Refused by name where the state prints no such amounts, for a pay period it prints none for, and for
    low annual wages, where NC-30 limits the amount by a rule whose printed example the data could not reconcile."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    amounts = tax.params.get("nonresident_alien_additional")
    if not amounts:
        raise ValidationFailed([Issue(f"certificate.{rules.state}.nonresident_alien",
                                      f"the nonresident-alien withholding amounts for {rules.state} in "
                                      f"{rules.tax_year} are not in the data")])
    amount = amounts.get(str(periods))
    if amount is None:
        raise UnsupportedState(f"state income tax withholding for {rules.state} is not supported yet for a "
                               f"nonresident alien paid {periods} times a year: the publication's additional amounts "
                               f"are for weekly, biweekly, semimonthly and monthly payrolls only")
    floor = tax.params["nonresident_alien_low_wage_limit"]
    if (wages.regular + wages.supplemental) * periods <= floor:
        raise UnsupportedState(f"state income tax withholding for {rules.state} is not supported yet for a "
                               f"nonresident alien whose annualised wages are not more than {fmt_usd(floor)}: the "
                               f"publication limits the additional amount then, and its example could not be "
                               f"reconciled with its rounding rule")
    if steps is not QUIET:
        steps.append(f"Nonresident alien ({tax.certificate_form} NRA): withheld as single"
                     + ("" if cert.filing_status == "single" else f" (not {cert.filing_status})")
                     + f", plus {fmt_usd(amount)} a pay period.")
    return replace(cert, filing_status="single"), amount


def _fixed(rules: StateRules, cert: Certificate, wages: Wages, steps: Steps) -> Decimal:
    """An amount the certificate directs the employer to withhold each pay period instead of the standard calculation
    (MO W-4 line 3, 'reduced withholding'). Refused by name where the state's certificate has no such line, and with
    supplemental wages or an additional amount, which the form does not say how to combine with it."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    amount: Decimal = cert.fixed_withholding     # type: ignore[assignment]  # set: the caller checked
    if not tax.params.get("certificate_fixed_withholding"):
        raise ValidationFailed([Issue(f"certificate.{rules.state}.fixed_withholding",
                                      f"{tax.certificate_form} has no line for an amount withheld instead of the "
                                      f"calculation")])
    if wages.supplemental > 0 or cert.additional:
        raise UnsupportedState(f"state income tax withholding for {rules.state} is not supported yet for a "
                               f"{tax.certificate_form} that names an amount to withhold instead of the standard "
                               f"calculation together with " + ("supplemental wages" if wages.supplemental > 0 else
                                                                "an additional amount")
                               + ": the form does not say how the two combine")
    if wages.regular <= 0:
        if steps is not QUIET:
            steps.append("No wages this period: nothing is withheld.")
        return _ZERO_CENTS
    if steps is not QUIET:
        steps.append(f"{tax.certificate_form} directs the employer to withhold {fmt_usd(amount)} each pay period "
                     f"instead of the standard calculation.")
    return cents(amount)


# The state-method modules register themselves (they import from this module, hence at the bottom).
from . import methods_std  # noqa: E402,F401  (SC VA VT WI WV MD)
from . import methods_stc  # noqa: E402,F401  (NE NJ NM OK OR RI)
from . import ca_period, ny_period, period_flat  # noqa: E402,F401  (CA Method B, NYS-50 Method II, NC-30/IA per period)
from . import methods_sta  # noqa: E402,F401  (AL, AR, DE)
from . import methods_sta2  # noqa: E402,F401  (CT)
from . import methods_stb  # noqa: E402,F401  (KS ME MN MO MT ND)
from . import methods_stb2  # noqa: E402,F401  (KS, second batch)
from . import methods_gapb  # noqa: E402,F401  (MD before 1 July 2025)
