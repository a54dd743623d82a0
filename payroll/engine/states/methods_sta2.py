"""State methods for Connecticut (TPG-211 withholding calculation rules), whose tables do not fit the generic
annual table: the exemption, the 2% phase-out add-back, the recapture and the personal-credit decimal all depend on
the annual wages and on the CT-W4 withholding code."""
from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import Any, Sequence

from backoffice.errors import Issue, ValidationFailed
from backoffice.money import ZERO, fmt_pct, fmt_usd

from ..model import QUIET, Steps
from .income import ANNUAL_METHODS, _annual_from_table
from .inputs import Certificate, Wages
from .rules import IncomeTax, StateRules

# CT-W4 withholding codes: A (married filing separately, or jointly with a working spouse and combined income up to
# $100,500), B (head of household), C (married filing jointly, spouse not working), D (no exemption, no credit),
# E (no withholding), F (single). Without a code, single is F and head of household is B.
CT_CODES = ("A", "B", "C", "D", "E", "F")
_CT_CODE_FOR_STATUS = {"single": "F", "head_of_household": "B"}
# Table B: codes A, D and F share the single schedule; B has the head-of-household one, C the joint one.
_CT_TABLE_FOR_CODE = {"A": "single", "D": "single", "F": "single", "B": "head_of_household", "C": "married"}


def _steps_begun(amount: Decimal, start: Decimal, step: Decimal) -> int:
    """Steps of `step` dollars, or fraction of one, by which `amount` is more than `start` (0 at or below it)."""
    if amount <= start:
        return 0
    return int(((amount - start) / step).to_integral_value(ROUND_CEILING))


def _ct_code(rules: StateRules, cert: Certificate, steps: Steps) -> str | None:
    """The CT-W4 withholding code, or None when no CT-W4 is on file."""
    code = cert.text.get("withholding_code")
    if code is not None:
        if code not in CT_CODES:
            raise ValidationFailed([Issue(f"certificate.{rules.state}.withholding_code",
                                          "CT-W4 withholding code must be one of A, B, C, D, E, F")])
        if steps is not QUIET:
            steps.append(f"CT-W4 withholding code {code}")
        return code
    if not cert.given:
        return None
    code = _CT_CODE_FOR_STATUS.get(cert.filing_status)
    if code is None:
        raise ValidationFailed([Issue(f"certificate.{rules.state}.withholding_code",
                                      "a married employee's CT-W4 must give the withholding code (A, C or D)")])
    if steps is not QUIET:
        steps.append(f"CT-W4 withholding code {code} (filing status {cert.filing_status})")
    return code


def _ct_tpg211(rules: StateRules, cert: Certificate, wages: Wages, annual: Decimal, periods: int,
               steps: Steps) -> Decimal:
    """TPG-211: annual wages less the Table A exemption for the code; Table B tax; plus the Table C 2% phase-out
    add-back and the Table D recapture; times one less the Table E personal-credit decimal. No CT-W4 on file: a
    flat 6.99% with no exemption. Code E: nothing withheld."""
    itax: IncomeTax = rules.income_tax      # type: ignore[assignment]  # set: the caller checked
    prm = itax.params
    code = _ct_code(rules, cert, steps)
    if code is None:
        rate = prm["no_certificate_rate"]
        tax = annual * rate
        if steps is not QUIET:
            steps.append(f"No CT-W4 on file: {fmt_pct(rate)} of the annual wages with no exemption = {fmt_usd(tax)}")
        return tax
    if code == "E":
        steps.append("Withholding code E: no Connecticut withholding.")
        return ZERO
    # Table A: the exemption, less $1,000 for each $1,000 (or fraction) of annual wages above the threshold.
    full = prm["exemption"][code]
    less = prm["exemption_step"] * _steps_begun(annual, prm["exemption_phase_out_from"].get(code, ZERO),
                                                prm["exemption_step"]) if full else ZERO
    exemption = max(ZERO, full - less)
    if steps is not QUIET:
        steps.append(f"Table A exemption for code {code}: {fmt_usd(exemption)}")
    taxable = max(ZERO, annual - exemption)
    if steps is not QUIET:
        steps.append(f"Taxable: {fmt_usd(annual)} - {fmt_usd(exemption)} = {fmt_usd(taxable)}")
    tax = _annual_from_table(itax.tables[_CT_TABLE_FOR_CODE[code]], taxable, steps)
    # Table C: the 2% rate's phase-out, so much per step of annual wages above the start, up to a maximum.
    start, step, per, top = prm[f"add_back_{code}"]
    add_back = min(top, per * _steps_begun(annual, start, step))
    if steps is not QUIET:
        steps.append(f"Table C 2% phase-out add-back: {fmt_usd(add_back)}")
    # Table D: the recapture, in tiers (from, step, amount per step, the total the tier reaches).
    # Each tier starts from the total the tier before it reaches.
    recapture, reached = ZERO, ZERO
    for tier_start, tier_step, tier_per, tier_top in prm[f"recapture_{code}"]:
        n = _steps_begun(annual, tier_start, tier_step)
        if n:
            recapture = min(tier_top, reached + tier_per * n)
        reached = tier_top
    if steps is not QUIET:
        steps.append(f"Table D recapture: {fmt_usd(recapture)}")
    total = tax + add_back + recapture
    # Table E: the personal-credit decimal for the code's annual wages (code D has none).
    decimal = ZERO
    rows: Sequence[Any] = prm.get(f"credit_{code}") or ()
    for more_than, value in rows:
        if annual > more_than or more_than == rows[0][0]:
            decimal = value
    annual_tax = total * (1 - decimal)
    if steps is not QUIET:
        steps.append(f"Table E personal credit {decimal}: {fmt_usd(total)} x (1 - {decimal}) = {fmt_usd(annual_tax)}")
    return annual_tax       # CT-W4 lines 2 and 3 are added and taken per period (income.income_tax_amount)


ANNUAL_METHODS.update({"ct_tpg211": _ct_tpg211})
