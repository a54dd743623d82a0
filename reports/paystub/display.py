"""Paystub display helpers: masked SSN/EIN/account numbers, hours, rates and dates as a paystub prints them."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from backoffice.money import D, CENT

WORKER_TYPE_LABELS = {
    "w2": "W-2 leased employee",
    "1099": "1099 independent contractor",
}

_LAST4 = re.compile(r"^\d{4}$")
_RATE_ROUNDING = D("0.00005")   # half the last digit of a rate kept to 4 decimals


# --------------------------------------------------------------------------- display helpers

def mask_ssn(last4: str) -> str:
    """SSN as shown on a paystub: ***-**-1234."""
    return f"***-**-{last4}"


def mask_ein(last4: str) -> str:
    """EIN with only its last four digits: **-***6789."""
    return f"**-***{last4}"


def mask_account(last4: str) -> str:
    """Bank account with only its last four digits: *****6789."""
    return f"*****{last4}"


def fmt_hours(hours: Decimal | None) -> str:
    """Hours with two decimals (40.00); blank for salaried or flat lines."""
    return "" if hours is None else f"{D(hours).quantize(CENT):,.2f}"


def fmt_rate(rate: Decimal | None) -> str:
    """Pay rate in dollars with 2 to 4 decimals ($25.00, $25.1250 -> $25.125); blank when none."""
    if rate is None:
        return ""
    r = D(rate)
    places = max(2, min(4, -r.normalize().as_tuple().exponent))
    return f"${r:,.{places}f}"


def fmt_date(d: date) -> str:
    """US date form: 11/20/2026."""
    return d.strftime("%m/%d/%Y")


def last4_digits(value: str) -> str:
    """Last four digits of an SSN, EIN or account number given in any punctuation ('123-45-6789' -> '6789')."""
    digits = re.sub(r"\D", "", str(value))
    if len(digits) < 4:
        raise ValueError("needs at least 4 digits")
    return digits[-4:]
