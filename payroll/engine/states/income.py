"""State income-tax withholding methods (flat, elected percentage, CA Method B, NY exact calculation), driven by data."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Mapping

from backoffice.errors import Issue, ValidationFailed
from backoffice.money import D, ZERO, fmt_usd, round_cents

from .rules import IncomeTax, StateRules, UnsupportedState

_STATUS_ALIASES = {
    "single": "single",
    "married": "married",
    "married_jointly": "married",
    "married_filing_jointly": "married",
    "head_of_household": "head_of_household",
    "married_single_rate": "single",
    "married_filing_separately": "single",
}
_COUNT_FIELDS = ("allowances", "additional_allowances", "dependents", "personal_exemptions")
_MONEY_FIELDS = ("additional", "annual_allowance")


@dataclass(frozen=True)
class Certificate:
    """A state withholding certificate, normalised; `given` is False when none was on file."""

    given: bool
    filing_status: str
    counts: Mapping[str, int]
    additional: Decimal
    exempt: bool
    percentage: Decimal | None
    annual_allowance: Decimal | None
    reciprocity: bool


def _pct(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"


def read_certificate(state: str, raw: Mapping[str, object]) -> Certificate:
    """Normalise the certificate fields; every bad field is reported at once (ValidationFailed)."""
    if not raw:
        return _NO_CERTIFICATE
    try:
        key = tuple(sorted(raw.items()))
        hash(key)
    except TypeError:
        return _read_certificate(state, raw)
    return _read_cached(state, key)


@lru_cache(maxsize=4096)
def _read_cached(state: str, items: tuple) -> Certificate:
    return _read_certificate(state, dict(items))


def _read_certificate(state: str, raw: Mapping[str, object]) -> Certificate:
    issues: list[Issue] = []
    status = "single"
    if "filing_status" in raw and raw["filing_status"] not in (None, ""):
        status = _STATUS_ALIASES.get(str(raw["filing_status"]).strip().lower(), "")
        if not status:
            issues.append(Issue(f"certificate.{state}.filing_status",
                                f"unknown filing status {raw['filing_status']!r}"))
            status = "single"
    counts = {}
    for name in _COUNT_FIELDS:
        value = raw.get(name, 0) or 0
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
            issues.append(Issue(f"certificate.{state}.{name}", "must be a whole number, 0 or more"))
            counts[name] = 0
        else:
            counts[name] = int(value)
    money = {}
    for name in _MONEY_FIELDS:
        value = raw.get(name)
        if value in (None, ""):
            money[name] = None
            continue
        try:
            amount = D(value)
        except (TypeError, ValueError):      # a float, a bool, or not a number at all
            amount = None
        if amount is None or not amount.is_finite() or amount < 0:
            issues.append(Issue(f"certificate.{state}.{name}", "must be an amount of 0 or more"))
            money[name] = None
        else:
            money[name] = amount
    percentage = None
    if raw.get("percentage") not in (None, ""):
        value = raw["percentage"]
        try:
            percentage = D(value)
        except (TypeError, ValueError):
            percentage = None
        if percentage is None or not percentage.is_finite() or percentage < 0:
            issues.append(Issue(f"certificate.{state}.percentage", "must be a percentage such as \"2.0\""))
            percentage = None
    if issues:
        raise ValidationFailed(issues)
    return Certificate(
        given=bool(raw),
        filing_status=status,
        counts=counts,
        additional=money["additional"] or ZERO,
        exempt=bool(raw.get("exempt", False)),
        percentage=percentage,
        annual_allowance=money["annual_allowance"],
        reciprocity=raw.get("reciprocity", True) is not False,
    )


_NO_CERTIFICATE = Certificate(given=False, filing_status="single",
                              counts={name: 0 for name in _COUNT_FIELDS}, additional=ZERO, exempt=False,
                              percentage=None, annual_allowance=None, reciprocity=True)


@dataclass(frozen=True)
class Wages:
    """This period's wages for one state's income tax, after that state's pre-tax exclusions."""

    regular: Decimal
    supplemental: Decimal
    excluded: Decimal
    ytd_gross: Decimal = ZERO    # wages paid this year before this paycheck (for year-to-date caps, e.g. MA)


def state_wages(tax: IncomeTax, gross: Decimal, supplemental: Decimal, pretax: Mapping[str, Decimal],
                ytd_gross: Decimal = ZERO) -> Wages:
    excluded = sum((amount for code, amount in pretax.items() if code in tax.exempt_pretax), ZERO)
    regular = gross - supplemental - excluded
    supp = supplemental
    if regular < 0:          # pre-tax deductions larger than regular pay come out of the supplemental part
        supp = max(ZERO, supp + regular)
        regular = ZERO
    return Wages(regular, supp, excluded, ytd_gross)


def _subtract(tax: IncomeTax, cert: Certificate, status: str, steps: list[str], items, kind: str) -> Decimal:
    total = ZERO
    for s in items:
        amount = s.amounts[status]
        if s.per is None:
            value = amount
            if value:
                steps.append(f"{kind} {s.label}: {fmt_usd(value)}")
        else:
            n = cert.counts.get(s.per, 0)
            value = amount * n
            steps.append(f"{kind} {s.label}: {n} x {fmt_usd(amount)} = {fmt_usd(value)}")
        total += value
    return total


def _annual_from_table(table, taxable: Decimal, steps: list[str], flat_above=()) -> Decimal:
    for threshold, rate in reversed(flat_above):
        if taxable >= threshold:
            tax = taxable * rate
            steps.append(f"Net wages of {fmt_usd(taxable)} are at least {fmt_usd(threshold)}: "
                         f"{_pct(rate)} of the whole amount = {fmt_usd(tax)}")
            return tax
    tax, i = table.tax(taxable)
    steps.append(f"Rate table row over {fmt_usd(table.overs[i])}: {fmt_usd(table.bases[i])} plus "
                 f"{_pct(table.rates[i])} of {fmt_usd(taxable - table.overs[i])} = {fmt_usd(tax)}")
    return tax


def regular_withholding(rules: StateRules, cert: Certificate, wages: Wages, periods: int,
                        steps: list[str]) -> Decimal:
    """Unrounded withholding on this period's regular wages, appending the steps in plain English."""
    tax = rules.income_tax
    method = tax.method
    p = D(periods)
    status = cert.filing_status
    if wages.regular <= 0:
        steps.append("No regular wages this period after pre-tax exclusions.")
        return ZERO
    if method == "elected_percentage":
        rate = _elected_rate(rules, cert, steps)
        amount = wages.regular * rate
        steps.append(f"{fmt_usd(wages.regular)} x {_pct(rate)} = {fmt_usd(amount)}")
        return amount
    if method in _PERIOD_METHODS:        # methods whose publication works per pay period, not annualised
        return _PERIOD_METHODS[method](rules, cert, wages, periods, steps)
    annual = wages.regular * p
    steps.append(f"Annualised wages: {fmt_usd(wages.regular)} x {periods} pay periods = {fmt_usd(annual)}")
    if method == "flat":
        subtractions = tax.subtractions
        if not cert.given and tax.params.get("no_deductions_without_certificate"):
            subtractions = ()            # e.g. LA R-1306: no L-4 -> no standard deduction at all
            steps.append(f"No {tax.certificate_form}: no deduction is subtracted.")
        subtract = _subtract(tax, cert, status, steps, subtractions, "Less")
        if tax.params.get("certificate_annual_allowance"):
            if cert.annual_allowance is not None:
                allowance = cert.annual_allowance
                steps.append(f"Less the annual withholding allowance from {tax.certificate_form}: {fmt_usd(allowance)}")
            else:
                allowance = tax.params["default_annual_allowance"][status]
                steps.append(f"No annual allowance on {tax.certificate_form}: the default for {status}, "
                             f"{fmt_usd(allowance)}, applies")
            subtract += allowance
        taxable = max(ZERO, annual - subtract)
        annual_tax = taxable * tax.rate
        steps.append(f"Taxable: {fmt_usd(taxable)} x {_pct(tax.rate)} = {fmt_usd(annual_tax)}")
        credits = _subtract(tax, cert, status, steps, tax.credits, "Credit")
        if tax.params.get("certificate_annual_credit") and cert.annual_allowance:
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
    else:  # pragma: no cover - data validation keeps this out
        raise ValueError(f"unknown income tax method {method!r}")
    per_period = annual_tax / p
    if tax.params.get("round_to_dollar"):
        per_period = per_period.quantize(Decimal(1), ROUND_HALF_UP)
        steps.append(f"Per period: {fmt_usd(annual_tax)} / {periods}, rounded to the dollar = {fmt_usd(per_period)}")
    else:
        steps.append(f"Per period: {fmt_usd(annual_tax)} / {periods} = {fmt_usd(per_period)}")
    return per_period


def _elected_rate(rules: StateRules, cert: Certificate, steps: list[str]) -> Decimal:
    tax = rules.income_tax
    choices = tax.params["choices"]
    default = tax.params["default_percentage"]
    if cert.percentage is None:
        steps.append(f"No {tax.certificate_form} election on file: the default rate of {default}% applies.")
        return default / 100
    if cert.percentage not in choices and cert.percentage != 0:
        raise ValidationFailed([Issue(f"certificate.{rules.state}.percentage",
                                      f"{tax.certificate_form} allows only {', '.join(str(c) + '%' for c in choices)}"
                                      " (or 0% when eligible)")])
    steps.append(f"Rate elected on {tax.certificate_form}: {cert.percentage}%")
    return cert.percentage / 100


def _ca_method_b(tax: IncomeTax, cert: Certificate, annual: Decimal, steps: list[str]) -> Decimal:
    prm = tax.params
    status = cert.filing_status
    if status in prm.get("unsupported_statuses", ()):
        raise UnsupportedState(f"state income tax withholding for CA is not supported yet for filing status "
                               f"{status} in this tax year: its rate table could not be confirmed")
    regular = cert.counts["allowances"]
    double = status == "head_of_household" or (status == "married" and regular >= 2)
    key = "double" if double else "single"
    lie = prm["low_income_exemption"][key]
    steps.append(f"Step 1: low-income exemption for {status} with {regular} regular allowance(s): {fmt_usd(lie)}")
    if annual <= lie:
        steps.append(f"Annualised wages {fmt_usd(annual)} are not above it: no California tax.")
        return ZERO
    estimated = prm["estimated_deduction_allowance"]["amount"] * cert.counts["additional_allowances"]
    steps.append(f"Step 2: less estimated deductions, {cert.counts['additional_allowances']} x "
                 f"{fmt_usd(prm['estimated_deduction_allowance']['amount'])} = {fmt_usd(estimated)}")
    standard = prm["standard_deduction"][key]
    steps.append(f"Step 3: less the standard deduction {fmt_usd(standard)}")
    taxable = max(ZERO, annual - estimated - standard)
    steps.append(f"Step 4: taxable income {fmt_usd(taxable)}")
    table_status = "married" if status == "married" else status
    gross_tax = _annual_from_table(tax.tables[table_status], taxable, steps)
    credit = prm["exemption_allowance_credit"]["amount"] * regular
    steps.append(f"Step 6: less the exemption allowance credit, {regular} x "
                 f"{fmt_usd(prm['exemption_allowance_credit']['amount'])} = {fmt_usd(credit)}")
    return max(ZERO, gross_tax - credit)


def _ny_exact(tax: IncomeTax, cert: Certificate, annual: Decimal, steps: list[str]) -> Decimal:
    prm = tax.params
    status = "married" if cert.filing_status == "married" else "single"
    if cert.filing_status == "head_of_household":
        steps.append("Head of household uses the single table (IT-2104 has single/head of household together).")
    deduction = prm["deduction_allowance"][status]
    exemptions = prm["exemption_allowance"]["amount"] * cert.counts["allowances"]
    steps.append(f"Less the deduction allowance for {status}: {fmt_usd(deduction)}")
    steps.append(f"Less exemption allowances: {cert.counts['allowances']} x "
                 f"{fmt_usd(prm['exemption_allowance']['amount'])} = {fmt_usd(exemptions)}")
    taxable = max(ZERO, annual - deduction - exemptions)
    steps.append(f"Net wages: {fmt_usd(taxable)}")
    flat_above = prm.get(f"flat_above_{status}", ())
    return _annual_from_table(tax.tables[status], taxable, steps, flat_above)


def _ut_credit(tax: IncomeTax, cert: Certificate, annual: Decimal, steps: list[str]) -> Decimal:
    """Utah Pub 14: wages x rate, less a base allowance credit that phases out above a threshold."""
    prm = tax.params
    status = "married" if cert.filing_status == "married" else "single"
    gross_tax = annual * tax.rate
    steps.append(f"{fmt_usd(annual)} x {_pct(tax.rate)} = {fmt_usd(gross_tax)}")
    base = prm["base_allowance"][status]
    threshold = prm["phase_out_threshold"][status]
    over = max(ZERO, annual - threshold)
    reduction = over * prm["phase_out_rate"]["amount"]
    credit = max(ZERO, base - reduction)
    steps.append(f"Credit: base allowance for {status} {fmt_usd(base)} less {_pct(prm['phase_out_rate']['amount'])} "
                 f"of wages over {fmt_usd(threshold)} ({fmt_usd(over)} -> {fmt_usd(reduction)}) = {fmt_usd(credit)}")
    return max(ZERO, gross_tax - credit)


def _period_value(rules: StateRules, name: str, periods: int) -> Decimal:
    """A per-pay-period figure printed by the publication (params[name] keyed by pay periods a year)."""
    value = rules.income_tax.params[name].get(str(periods))
    if value is None:
        raise UnsupportedState(f"state income tax withholding for {rules.state} is not supported yet for {periods} "
                               f"pay periods a year: {rules.publication} prints no figures for that payroll period")
    return value


def _dollars(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), ROUND_HALF_UP)


def _ut_period_credit(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: list[str]) -> Decimal:
    """Utah Pub 14 schedules, per pay period with every line in whole dollars: wages x rate, less the base
    allowance reduced by the phase-out rate on wages above the period threshold."""
    wages = pay.regular
    tax = rules.income_tax
    prm = tax.params
    status = "married" if cert.filing_status == "married" else "single"
    base = _period_value(rules, f"period_base_allowance_{status}", periods)
    threshold = _period_value(rules, f"period_phase_out_threshold_{status}", periods)
    line2 = _dollars(wages * tax.rate)
    steps.append(f"Line 2: {fmt_usd(wages)} x {_pct(tax.rate)} = {fmt_usd(line2)} (whole dollars)")
    over = max(ZERO, wages - threshold)
    reduction = _dollars(over * prm["phase_out_rate"]["amount"])
    credit = max(ZERO, base - reduction)
    steps.append(f"Allowance: base {fmt_usd(base)} for {status} ({periods} periods a year) less "
                 f"{_pct(prm['phase_out_rate']['amount'])} of wages over {fmt_usd(threshold)} "
                 f"({fmt_usd(over)} -> {fmt_usd(reduction)}) = {fmt_usd(credit)}")
    amount = max(ZERO, line2 - credit)
    steps.append(f"Withholding: {fmt_usd(line2)} - {fmt_usd(credit)} = {fmt_usd(amount)}")
    return amount


def _period_table(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: list[str]) -> Decimal:
    """A per-pay-period rate table (e.g. Ohio's percentage method): wages less exemptions, then the table."""
    wages = pay.regular
    tax = rules.income_tax
    table = tax.tables.get(str(periods))
    per = _period_value(rules, "period_exemption", periods)
    if table is None:  # pragma: no cover - data validation pairs the two
        raise ValueError(f"{rules.state}: exemption but no table for {periods} periods")
    n = cert.counts["allowances"]
    exemption = per * n
    steps.append(f"Less {tax.certificate_form} exemptions: {n} x {fmt_usd(per)} a period = {fmt_usd(exemption)}")
    taxable = max(ZERO, wages - exemption)
    amount, i = table.tax(taxable)
    steps.append(f"Table for {periods} pay periods a year, row over {fmt_usd(table.overs[i])}: "
                 f"{fmt_usd(table.bases[i])} plus {_pct(table.rates[i])} of {fmt_usd(taxable - table.overs[i])} "
                 f"= {fmt_usd(amount)}")
    return amount


def _ma_retirement_room(rules: StateRules, pay: Wages) -> tuple[Decimal, Decimal]:
    """(rate, what is left of the annual cap) for Circular M's Social Security / Medicare deduction. The year's
    deductions so far are taken as rate x wages paid earlier this year (the context carries no YTD FICA)."""
    prm = rules.income_tax.params
    rate = prm["retirement_deduction_rate"]["amount"]
    cap = prm["retirement_deduction_cap"]["amount"]
    used = min(cap, pay.ytd_gross * rate) if pay.ytd_gross > 0 else ZERO
    return rate, cap - used


def _ma_circular_m(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: list[str]) -> Decimal:
    """Massachusetts Circular M percentage method: wages less Social Security/Medicare (to $2,000 a year) and the
    period's exemption amount, annualised at 5% plus the 4% surtax above the threshold, less head-of-household."""
    tax = rules.income_tax
    prm = tax.params
    wages = pay.regular
    n = cert.counts["allowances"]
    limit = _period_value(rules, "period_no_tax_limit", periods)
    if n >= 1 and wages < limit:
        steps.append(f"Wages of {fmt_usd(wages)} with exemptions claimed are below {fmt_usd(limit)} for "
                     f"{periods} pay periods a year: no withholding.")
        return ZERO
    rate, room = _ma_retirement_room(rules, pay)
    fica = round_cents(wages * rate)
    deduction = min(fica, room)
    steps.append(f"Less Social Security and Medicare, {_pct(rate)} x {fmt_usd(wages)} = {fmt_usd(fica)}, within the "
                 f"{fmt_usd(prm['retirement_deduction_cap']['amount'])} a year still open ({fmt_usd(room)}): "
                 f"{fmt_usd(deduction)}")
    per = _period_value(rules, "period_exemption_per", periods)
    base = _period_value(rules, "period_exemption_base", periods)
    exemption = per * n + base if n else ZERO
    steps.append(f"Less the exemption amount for {n} exemption(s): "
                 + (f"{n} x {fmt_usd(per)} + {fmt_usd(base)} = {fmt_usd(exemption)}" if n else "$0.00"))
    taxable = max(ZERO, wages - deduction - exemption)
    annual = taxable * periods
    threshold = prm["surtax_threshold"]["amount"]
    surtax = prm["surtax_rate"]["amount"]
    over = max(ZERO, annual - threshold)
    annual_tax = annual * tax.rate + over * surtax
    steps.append(f"Annualised: {fmt_usd(taxable)} x {periods} = {fmt_usd(annual)} x {_pct(tax.rate)}"
                 + (f" plus {_pct(surtax)} of {fmt_usd(over)} above {fmt_usd(threshold)}" if over else "")
                 + f" = {fmt_usd(annual_tax)}")
    amount = annual_tax / periods
    steps.append(f"Per period: {fmt_usd(annual_tax)} / {periods} = {fmt_usd(amount)}")
    if cert.filing_status == "head_of_household":
        hoh = _period_value(rules, "period_head_of_household", periods)
        steps.append(f"Less the head-of-household amount {fmt_usd(hoh)}")
        amount -= hoh
    return max(ZERO, amount)


def _ma_supplemental(rules: StateRules, cert: Certificate, pay: Wages, periods: int, steps: list[str]) -> Decimal:
    """Circular M: 5% of the supplemental payment less its Social Security/Medicare (while the $2,000 cap is open);
    the surtax case (regular wages annualised plus supplemental above the threshold) is refused, not guessed."""
    tax = rules.income_tax
    threshold = tax.params["surtax_threshold"]["amount"]
    if pay.regular * periods + pay.ytd_gross + pay.supplemental > threshold:
        raise UnsupportedState(f"state income tax withholding for {rules.state} is not supported yet for supplemental "
                               f"wages when the year's wages may pass the {fmt_usd(threshold)} surtax threshold")
    rate, room = _ma_retirement_room(rules, pay)
    room -= min(round_cents(pay.regular * rate), room)
    deduction = min(round_cents(pay.supplemental * rate), room)
    adjusted = pay.supplemental - deduction
    amount = adjusted * tax.rate
    steps.append(f"Supplemental wages {fmt_usd(pay.supplemental)} less Social Security and Medicare "
                 f"{fmt_usd(deduction)} = {fmt_usd(adjusted)} x {_pct(tax.rate)} = {fmt_usd(amount)}")
    return amount


_PERIOD_METHODS = {"ut_period_credit": _ut_period_credit, "period_table": _period_table,
                   "ma_circular_m": _ma_circular_m}
_SUPPLEMENTAL_METHODS = {"ma_circular_m": _ma_supplemental}


def supplemental_withholding(rules: StateRules, cert: Certificate, wages: Wages, periods: int, regular: Decimal,
                             steps: list[str]) -> Decimal:
    tax = rules.income_tax
    if wages.supplemental <= 0:
        return ZERO
    if tax.method in _SUPPLEMENTAL_METHODS:
        return _SUPPLEMENTAL_METHODS[tax.method](rules, cert, wages, periods, steps)
    if tax.params.get("supplemental_aggregate"):
        combined = Wages(wages.regular + wages.supplemental, ZERO, wages.excluded, wages.ytd_gross)
        inner: list[str] = []
        total = regular_withholding(rules, cert, combined, periods, inner)
        amount = total - regular
        steps.append(f"Supplemental wages {fmt_usd(wages.supplemental)} by the aggregate method: withholding on "
                     f"regular plus supplemental {fmt_usd(total)} less withholding on regular {fmt_usd(regular)} "
                     f"= {fmt_usd(amount)}")
        return max(ZERO, amount)
    if tax.method == "elected_percentage":
        rate = _elected_rate(rules, cert, [])
    else:
        rate = tax.supplemental_rate
    amount = wages.supplemental * rate
    steps.append(f"Supplemental wages {fmt_usd(wages.supplemental)} x {_pct(rate)} "
                 f"({tax.supplemental_label or 'flat supplemental rate'}) = {fmt_usd(amount)}")
    return amount


def income_tax_amount(rules: StateRules, cert: Certificate, wages: Wages, periods: int,
                      steps: list[str]) -> Decimal:
    """Rounded state income-tax withholding for one period (regular + supplemental + additional)."""
    tax = rules.income_tax
    if cert.exempt:
        steps.append(f"The employee claims exemption from {rules.state} withholding on {tax.certificate_form}.")
        return ZERO
    regular = round_cents(regular_withholding(rules, cert, wages, periods, steps))
    supplemental = round_cents(supplemental_withholding(rules, cert, wages, periods, regular, steps))
    total = regular + supplemental
    if cert.additional:
        steps.append(f"Plus additional withholding requested on {tax.certificate_form}: {fmt_usd(cert.additional)}")
        total += cert.additional
    total = round_cents(max(ZERO, total))
    if supplemental or cert.additional:
        parts = [fmt_usd(regular), fmt_usd(supplemental)] + ([fmt_usd(cert.additional)] if cert.additional else [])
        steps.append(f"Total {rules.state} withholding: {' + '.join(parts)} = {fmt_usd(total)}")
    return total
