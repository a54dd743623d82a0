"""Federal income tax withholding: Pub 15-T Worksheet 1A, supplemental wages (Pub 15 section 7), backup withholding."""
from __future__ import annotations

from decimal import Decimal

from backoffice.money import ZERO, round_cents

from .model import AnyW4, Num, W4
from .tables import TaxTables

_Z = Decimal(0)


def worksheet_1a(wages: Decimal, periods: int, w4: AnyW4, t: TaxTables, steps: list) -> Decimal:
    """Pub 15-T Worksheet 1A line 4b for one period, unrounded; appends each worksheet line to `steps`.

    Exempt certificates are not handled here (the caller skips the worksheet for them)."""
    n = Num(periods)
    c = wages * periods
    steps.append(("1a taxable wages this pay period: {}", wages))
    steps.append(("1b pay periods per year: {}", n))
    steps.append(("1c annual wage amount (1a × 1b): {}", c))
    if type(w4) is W4:
        d = w4.step4a_other_income
        e = c + d
        f = w4.step4b_deductions
        status = w4.filing_status
        if w4.step2_checkbox:
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
        steps.append(("1d Form W-4 Step 4(a) other income: {}", d))
        steps.append(("1e 1c + 1d: {}", e))
        steps.append(("1f Form W-4 Step 4(b) deductions: {}", f))
        steps.append(("1g " + g_why + ": {}", g))
        steps.append(("1h 1f + 1g: {}", h))
        steps.append(("1i adjusted annual wage amount (1e − 1h, not less than zero): {}", adjusted))
        credits = w4.step3_credits
        extra = w4.step4c_extra
    else:
        j = w4.allowances
        k = t.allowance_2019 * j
        adjusted = c - k
        if adjusted < 0:
            adjusted = _Z
        status = "married_jointly" if w4.marital_status == "married" else "single"
        kind = "standard"
        steps.append(("1j allowances on the 2019-or-earlier Form W-4: {}", Num(j)))
        steps.append(("1k 1j × {}: {}", t.allowance_2019, k))
        steps.append(("1l adjusted annual wage amount (1c − 1k, not less than zero): {}", adjusted))
        credits = _Z
        extra = w4.additional
    schedule = t.schedules[(kind, status)]
    index, (a, tentative, rate) = schedule.row_for(adjusted)
    upper = schedule.upper(index)
    e2 = adjusted - a
    f2 = e2 * rate
    g2 = tentative + f2
    h2 = g2 / periods
    table_name = ("STANDARD" if kind == "standard" else "Form W-4 Step 2 Checkbox") + " schedule, " + \
        {"single": "Single or Married Filing Separately", "married_jointly": "Married Filing Jointly",
         "head_of_household": "Head of Household"}[status]
    steps.append(("2a adjusted annual wage amount: {}", adjusted))
    if upper is None:
        steps.append(("2b " + table_name + ", row at least {} (and over): {}", a, a))
    else:
        steps.append(("2b " + table_name + ", row at least {} but less than {}: {}", a, upper, a))
    steps.append(("2c tentative amount from that row: {}", tentative))
    steps.append(("2d rate from that row: {}", rate))
    steps.append(("2e 2a − 2b: {}", e2))
    steps.append(("2f 2e × 2d: {}", f2))
    steps.append(("2g 2c + 2f (annual tentative withholding): {}", g2))
    steps.append(("2h 2g ÷ 1b (tentative withholding this period, rounded only at the end): {}", h2))
    b3 = credits / periods
    c3 = h2 - b3
    if c3 < 0:
        c3 = _Z
    steps.append(("3a Form W-4 Step 3 credits (annual): {}", credits))
    steps.append(("3b 3a ÷ 1b: {}", b3))
    steps.append(("3c 2h − 3b, not less than zero: {}", c3))
    b4 = c3 + extra
    steps.append(("4a additional withholding per period (" +
                  ("Step 4(c)" if type(w4) is W4 else "additional amount") + "): {}", extra))
    steps.append(("4b 3c + 4a, amount to withhold: {}", b4))
    return b4


def percentage_method_withholding(wages: Decimal, periods: int, w4: AnyW4, t: TaxTables) -> Decimal:
    """Worksheet 1A withholding for one period, rounded to the cent (0 for an exempt certificate)."""
    if w4.exempt:
        return ZERO
    return round_cents(worksheet_1a(wages, periods, w4, t, []))


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
    steps.append(("Method: " + t.withholding_source,))
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
            steps.append(("Supplemental wages (bonus, commission) {} × {} flat rate (" + t.supplemental_source
                          + "): {}", below, t.supplemental_rate, flat))
            total += flat
    if above:
        mandatory = above * t.supplemental_mandatory_rate
        steps.append(("Supplemental wages over {} this year: {} × {} mandatory rate: {}",
                      t.supplemental_mandatory_threshold, above, t.supplemental_mandatory_rate, mandatory))
        total += mandatory
    return total


def backup_withholding(payment: Decimal, t: TaxTables) -> tuple[Decimal, tuple]:
    """24% backup withholding on a contractor payment when the TIN is missing or flagged (IRC 3406)."""
    amount = round_cents(payment * t.backup_rate)
    return amount, (
        ("The payee's TIN is missing or the IRS flagged it, so backup withholding applies (" + t.backup_source + ")",),
        ("Reportable payment {} × {} = {}", payment, t.backup_rate, amount),
    )
