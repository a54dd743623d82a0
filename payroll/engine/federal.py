"""Federal income tax withholding: Pub 15-T Worksheet 1A, supplemental wages (Pub 15 section 7), backup withholding."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from backoffice.money import D, ZERO

from .hotpath import cents
from .model import AnyW4, Num, W4
from .tables import TaxTables

_Z: Final = D(0)
_STATUS_NAMES = {"single": "Single or Married Filing Separately", "married_jointly": "Married Filing Jointly",
                 "head_of_household": "Head of Household"}
_TABLE_NAMES: Final = {(kind, status): f"{label} schedule, {name}" for kind, label in
                (("standard", "STANDARD"), ("checkbox", "Form W-4 Step 2 Checkbox"))
                for status, name in _STATUS_NAMES.items()}


def worksheet_1a(wages: Decimal, periods: int, w4: AnyW4, t: TaxTables, steps: list) -> Decimal:
    """Pub 15-T Worksheet 1A line 4b for one period, unrounded; appends the worksheet (lines 1a-4b with their
    figures) to `steps` as one compact step that is spelled out only when the explanation is read.

    Exempt certificates are not handled here (the caller skips the worksheet for them)."""
    c = wages * periods
    if type(w4) is W4:
        # each field read once from the W-4's __dict__, where quick_init stores it (paycheck._employee says why)
        w: dict[str, Any] = w4.__dict__
        d: Decimal = w["step4a_other_income"]
        e = c + d
        f: Decimal = w["step4b_deductions"]
        status: str = w["filing_status"]
        if w["step2_checkbox"]:
            g = _Z
            g_why = "Step 2 box checked"
            kind = "checkbox"
        else:
            mfj = status == "married_jointly"
            g = t.line_1g_mfj if mfj else t.line_1g_other
            g_why = "Step 2 box not checked, married filing jointly" if mfj else "Step 2 box not checked"
            kind = "standard"
        h = f + g
        adjusted = e - h
        if adjusted < 0:
            adjusted = _Z
        step1: tuple = (d, e, f, g_why, g, h)
        credits: Decimal = w["step3_credits"]
        extra: Decimal = w["step4c_extra"]
    else:
        j = w4.allowances                     # type: ignore[union-attr]  # the else of type(w4) is W4
        k = t.allowance_2019 * j
        adjusted = c - k
        if adjusted < 0:
            adjusted = _Z
        status = "married_jointly" if w4.marital_status == "married" else "single"   # type: ignore[union-attr]
        kind = "standard"
        step1 = (j, t.allowance_2019, k)
        credits = _Z
        extra = w4.additional                 # type: ignore[union-attr]
    schedule = t.schedules[(kind, status)]
    index, (a, tentative, rate) = schedule.row_for(adjusted)
    e2 = adjusted - a
    g2 = tentative + e2 * rate
    h2 = g2 / periods
    b3 = credits / periods
    c3 = h2 - b3
    if c3 < 0:
        c3 = _Z
    b4 = c3 + extra
    steps.append((_WORKSHEET_STEPS, wages, periods, c, step1, adjusted, _TABLE_NAMES[(kind, status)], a,
                  schedule.upper(index), tentative, rate, e2, g2, h2, credits, b3, c3, extra, b4))
    return b4


def _worksheet_steps(wages, periods, c, step1, adjusted, table_name, a, upper, tentative, rate, e2, g2, h2,
                     credits, b3, c3, extra, b4) -> list:
    """Worksheet 1A spelled out line by line (called only when someone reads the explanation)."""
    out: list = [("1a taxable wages this pay period: {}", wages),
           ("1b pay periods per year: {}", Num(periods)),
           ("1c annual wage amount (1a × 1b): {}", c)]
    if len(step1) == 6:
        d, e, f, g_why, g, h = step1
        out += [("1d Form W-4 Step 4(a) other income: {}", d),
                ("1e 1c + 1d: {}", e),
                ("1f Form W-4 Step 4(b) deductions: {}", f),
                ("1g {}: {}", g_why, g),
                ("1h 1f + 1g: {}", h),
                ("1i adjusted annual wage amount (1e − 1h, not less than zero): {}", adjusted)]
        extra_label = "Step 4(c)"
    else:
        j, allowance, k = step1
        out += [("1j allowances on the 2019-or-earlier Form W-4: {}", Num(j)),
                ("1k 1j × {}: {}", allowance, k),
                ("1l adjusted annual wage amount (1c − 1k, not less than zero): {}", adjusted)]
        extra_label = "additional amount"
    out.append(("2a adjusted annual wage amount: {}", adjusted))
    if upper is None:
        out.append(("2b {}, row at least {} (and over): {}", table_name, a, a))
    else:
        out.append(("2b {}, row at least {} but less than {}: {}", table_name, a, upper, a))
    out += [("2c tentative amount from that row: {}", tentative),
            ("2d rate from that row: {}", rate),
            ("2e 2a − 2b: {}", e2),
            ("2f 2e × 2d: {}", e2 * rate),
            ("2g 2c + 2f (annual tentative withholding): {}", g2),
            ("2h 2g ÷ 1b (tentative withholding this period, rounded only at the end): {}", h2),
            ("3a Form W-4 Step 3 credits (annual): {}", credits),
            ("3b 3a ÷ 1b: {}", b3),
            ("3c 2h − 3b, not less than zero: {}", c3),
            ("4a additional withholding per period ({}): {}", extra_label, extra),
            ("4b 3c + 4a, amount to withhold: {}", b4)]
    return out


_WORKSHEET_STEPS: Final = _worksheet_steps   # a C static in the compiled build (a module global is a dict look-up)


def percentage_method_withholding(wages: Decimal, periods: int, w4: AnyW4, t: TaxTables) -> Decimal:
    """Worksheet 1A withholding for one period, rounded to the cent (0 for an exempt certificate)."""
    if w4.exempt:
        return ZERO
    return cents(worksheet_1a(wages, periods, w4, t, []))


def split_supplemental(supplemental: Decimal, ytd_supplemental: Decimal, t: TaxTables) -> tuple[Decimal, Decimal]:
    """(part at or below the $1,000,000 yearly mark, part above it) of this period's supplemental wages."""
    threshold = t.supplemental_mandatory_threshold
    after = ytd_supplemental + supplemental
    if after <= threshold:
        return supplemental, _Z
    over = after - (ytd_supplemental if ytd_supplemental > threshold else threshold)
    return supplemental - over, over


def federal_income_tax(regular: Decimal, supplemental: Decimal, ytd_supplemental: Decimal, periods: int,
                       w4: AnyW4, aggregate: bool, t: TaxTables, steps: list) -> Decimal:
    """Federal income tax for the period (unrounded) on income-tax wages split into regular and supplemental."""
    steps.append(("Method: {}", t.withholding_source))
    below, above = split_supplemental(supplemental, ytd_supplemental, t) if supplemental else (_Z, _Z)
    total = _Z
    if w4.exempt:
        steps.append(("Form W-4 claims exemption from withholding: no income tax withheld on regular wages",))
        if below:
            steps.append(("Supplemental wages of {} of an exempt employee: no withholding", below))
    elif aggregate and below:
        steps.append(("Aggregate method (Pub 15 section 7): supplemental wages {} are added to regular wages {} "
                      "and withheld on as one payment", below, regular))
        total = worksheet_1a(regular + below, periods, w4, t, steps)
    else:
        total = worksheet_1a(regular, periods, w4, t, steps)
        if below:
            flat = below * t.supplemental_rate
            steps.append(("Supplemental wages (bonus, commission) {} × {} flat rate ({}): {}",
                          below, t.supplemental_rate, t.supplemental_source, flat))
            total += flat
    if above:
        mandatory = above * t.supplemental_mandatory_rate
        steps.append(("Supplemental wages over {} this year: {} × {} mandatory rate: {}",
                      t.supplemental_mandatory_threshold, above, t.supplemental_mandatory_rate, mandatory))
        total += mandatory
    return total


def backup_withholding(payment: Decimal, t: TaxTables) -> tuple[Decimal, tuple]:
    """24% backup withholding on a contractor payment when the TIN is missing or flagged (IRC 3406)."""
    amount = cents(payment * t.backup_rate)
    return amount, (
        ("The payee's TIN is missing or the IRS flagged it, so backup withholding applies ({})", t.backup_source),
        ("Reportable payment {} × {} = {}", payment, t.backup_rate, amount),
    )
