"""State methods for Alabama, Arkansas and Delaware, whose publications do not fit the generic annual table."""
from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from backoffice.errors import Issue, ValidationFailed
from backoffice.money import ZERO, fmt_pct, fmt_usd, round_dollars

from ..model import QUIET, Steps
from .income import ANNUAL_METHODS, _annual_from_table, _annual_table
from .inputs import Certificate, Wages
from .period_methods import SUPPLEMENTAL_METHODS
from .rules import IncomeTax, StateRules, UnsupportedState

# Form A-4 exemption classes: 0 (no personal exemption), S single, MS married filing separately, M married (joint),
# H head of family. A certificate may give the class as its withholding_code; otherwise it follows the status.
AL_CLASSES = ("0", "S", "MS", "M", "H")
_AL_CLASS_FOR_STATUS = {"single": "S", "married": "M", "head_of_household": "H"}


def _al_class(rules: StateRules, cert: Certificate, steps: Steps) -> str:
    code = cert.text.get("withholding_code")
    if code is not None:
        if code not in AL_CLASSES:
            raise ValidationFailed([Issue(f"certificate.{rules.state}.withholding_code",
                                          "Form A-4 exemption class must be one of 0, S, MS, M, H")])
        if steps is not QUIET:
            steps.append(f"Form A-4 exemption class {code}")
        return code
    if not cert.given:
        return "0"
    code = _AL_CLASS_FOR_STATUS[cert.filing_status]
    if steps is not QUIET:
        steps.append(f"Form A-4 exemption class {code} (filing status {cert.filing_status})")
    return code


def _al_standard_deduction(prm, code: str, gross: Decimal, quiet: bool = False) -> tuple[Decimal, str]:
    """The booklet's standard-deduction schedule: the full amount up to the phase-out start, then so much less per
    step of annual gross income begun (the first step at the start itself), never below the minimum."""
    full, start = prm["standard_deduction_full"][code], prm["standard_deduction_phase_out_from"][code]
    if gross < start:
        return full, "" if quiet else f"annual gross {fmt_usd(gross)} is below {fmt_usd(start)}: full amount"
    step, less = prm["standard_deduction_step"][code], prm["standard_deduction_decrease"][code]
    steps_begun = ((gross - start) / step).to_integral_value(ROUND_FLOOR) + 1
    floor = prm["standard_deduction_minimum"][code]
    amount = max(floor, full - steps_begun * less)
    if quiet:
        return amount, ""
    return amount, (f"{fmt_usd(full)} less {steps_begun} x {fmt_usd(less)} for each {fmt_usd(step)} of annual gross "
                    f"from {fmt_usd(start)}, not below {fmt_usd(floor)}")


def _al_dependent_amount(prm, gross: Decimal) -> Decimal:
    amount = ZERO
    for over, value in prm["dependent_exemption"]:      # rows: (annual gross more than, amount per dependent)
        if gross > over or over == 0:
            amount = value
    return amount


def _al_annual(rules: StateRules, cert: Certificate, wages: Wages, annual: Decimal, periods: int,
               steps: Steps) -> Decimal:
    """Alabama's formula: annual gross less the standard deduction (phased out by income), the annualised federal
    income tax withheld, the personal exemption for the A-4 class and the dependent exemptions; then the rate
    table (married filing jointly has its own; every other class uses the single one)."""
    tax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    prm = tax.params
    code = _al_class(rules, cert, steps)
    standard, how = _al_standard_deduction(prm, code, annual, steps is QUIET)
    if steps is not QUIET:
        steps.append(f"Less the standard deduction for class {code}: {fmt_usd(standard)} ({how})")
    federal = wages.federal_income_tax * periods
    if steps is not QUIET:
        steps.append(f"Less federal income tax withheld, annualised: {fmt_usd(wages.federal_income_tax)} x {periods} = "
                     f"{fmt_usd(federal)}")
    personal = prm["personal_exemption"][code]
    if steps is not QUIET:
        steps.append(f"Less the personal exemption for class {code}: {fmt_usd(personal)}")
    n = cert.counts["dependents"]
    per = _al_dependent_amount(prm, annual)
    dependents = per * n
    if steps is not QUIET:
        steps.append(f"Less dependent exemptions: {n} x {fmt_usd(per)} = {fmt_usd(dependents)}")
    taxable = max(ZERO, annual - standard - federal - personal - dependents)
    if steps is not QUIET:
        steps.append(f"Taxable: {fmt_usd(taxable)}")
    table = tax.tables["married" if code == "M" else "single"]
    return _annual_from_table(table, taxable, steps)


def _ar_formula(rules: StateRules, cert: Certificate, wages: Wages, annual: Decimal, periods: int,
                steps: Steps) -> Decimal:
    """Arkansas's withholding formula: annual gross less the standard deduction; below the midpoint limit the net
    taxable income is taken at the middle of its $100 range; rate times that less the bracket's adjustment,
    rounded to the dollar; less the personal tax credit per exemption."""
    itax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    prm = itax.params
    standard = prm["standard_deduction"]
    net = max(ZERO, annual - standard)
    if steps is not QUIET:
        steps.append(f"Net taxable income: {fmt_usd(annual)} - standard deduction {fmt_usd(standard)} = {fmt_usd(net)}")
    if net < prm["midpoint_below"]:
        net = (net / 100).to_integral_value(ROUND_FLOOR) * 100 + 50
        if steps is not QUIET:
            steps.append(f"Below {fmt_usd(prm['midpoint_below'])}: the middle of its $100 range, {fmt_usd(net)}")
    if "refuse_net_from" in prm and net >= prm["refuse_net_from"]:
        raise UnsupportedState(f"state income tax withholding for AR is not supported for an annual net taxable "
                               f"income of {fmt_usd(prm['refuse_net_from'])} or more in this tax year: the "
                               f"formula's rows above it were not read")
    start, rate, adjustment = next(row for row in reversed(prm["brackets"]) if net >= row[0])
    gross_tax = round_dollars(max(ZERO, net * rate - adjustment))
    if steps is not QUIET:
        steps.append(f"Bracket from {fmt_usd(start)}: {fmt_usd(net)} x {fmt_pct(rate)} - {fmt_usd(adjustment)}, "
                     f"rounded to the dollar = {fmt_usd(gross_tax)}")
    n = cert.counts["allowances"]
    credit = prm["personal_tax_credit"] * n
    if steps is not QUIET:
        steps.append(f"Less personal tax credits: {n} x {fmt_usd(prm['personal_tax_credit'])} = {fmt_usd(credit)}")
    return max(ZERO, gross_tax - credit)


def _de_annual(rules: StateRules, cert: Certificate, wages: Wages, annual: Decimal, periods: int,
               steps: Steps) -> Decimal:
    """Delaware's annualised method: the generic annual table (standard deduction, schedule, $110 per exemption)."""
    itax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    return _annual_table(itax, cert, annual, steps)


def _de_supplemental(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: Steps) -> Decimal:
    """Delaware, supplemental wages: tax on the annualised regular wages plus the supplemental payment, less the tax
    on the annualised regular wages alone; the difference is withheld from the supplemental payment."""
    itax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    annual = pay.regular * periods
    inner: Steps = QUIET          # the inner steps are never shown
    base = _annual_table(itax, cert, annual, inner)
    combined = _annual_table(itax, cert, annual + pay.supplemental, inner)
    amount = max(ZERO, combined - base)
    if steps is not QUIET:
        steps.append(f"Supplemental wages {fmt_usd(pay.supplemental)}: annual tax on {fmt_usd(annual)} + "
                     f"{fmt_usd(pay.supplemental)} = {fmt_usd(combined)}, less annual tax on {fmt_usd(annual)} = "
                     f"{fmt_usd(base)}: {fmt_usd(amount)}")
    return amount


ANNUAL_METHODS.update({"al_annual": _al_annual, "ar_formula": _ar_formula, "de_annual": _de_annual})
SUPPLEMENTAL_METHODS.update({"de_annual": _de_supplemental})
