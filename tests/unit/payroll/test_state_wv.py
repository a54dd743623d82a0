"""West Virginia (IT-100.2A): $2,000 per exemption, the two-earner table unless IT-104 asks for the one-earner table,
withholding rounded to the whole dollar. IT-100.2A prints no worked example: hand calculations."""
from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.errors import ValidationFailed

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax

D = Decimal


def wv(exemptions=None, **extra):
    cert = dict(extra)
    if exemptions is not None:
        cert["allowances"] = exemptions
    return {"WV": cert}


CASES = [
    ("no-certificate-two-earner", dict(periods=52, gross="1000"), "34.00",
     "52,000: 1,462.88 + 4.58% x 7,000 = 1,783.48 / 52 = 34.30 -> 34"),
    ("one-earner-weekly", dict(periods=52, gross="1000", certificate=wv(1, rate_table="one_earner")), "29.00",
     "52,000 - 2,000 = 50,000: 1,106.50 + 4.22% x 10,000 = 1,528.50 / 52 = 29.39 -> 29"),
    ("monthly-two-exemptions", dict(periods=12, gross="4000", certificate=wv(2, filing_status="married")), "118.00",
     "48,000 - 4,000 = 44,000: 829.88 + 4.22% x 14,000 = 1,420.68 / 12 = 118.39 -> 118"),
    ("high-earner", dict(periods=24, gross="15000"), "662.00",
     "360,000: 1,462.88 + 4.58% x 315,000 = 15,889.88 / 24 = 662.08 -> 662"),
    ("low-earner-rounds-to-nothing", dict(periods=52, gross="50", certificate=wv(1)), "0.00",
     "2,600 - 2,000 = 600 x 2.11% = 12.66 / 52 = 0.24 -> 0"),
    ("supplemental-aggregated", dict(periods=26, gross="2000", supplemental="500"), "69.00",
     "regular 1,500: 39,000 -> 829.88 + 4.22% x 9,000 = 1,209.68 / 26 = 46.53 -> 47; all 2,000: 52,000 -> "
     "1,783.48 / 26 = 68.60 -> 69; bonus 22; 47 + 22 = 69"),
    ("additional-withholding", dict(periods=52, gross="1000", certificate=wv(0, additional="5")), "39.00", "34 + 5"),
    ("exempt", dict(periods=52, gross="1000", certificate=wv(0, exempt=True)), "0.00", "exempt"),
    ("2025-two-earner", dict(year=2025, periods=52, gross="1000"), "36.00",
     "2025: 52,000: 1,540.13 + 4.82% x 7,000 = 1,877.53 / 52 = 36.11 -> 36"),
    ("2025-one-earner", dict(year=2025, periods=52, gross="1000", certificate=wv(1, rate_table="ONE_EARNER")), "31.00",
     "2025: 50,000: 1,165.50 + 4.44% x 10,000 = 1,609.50 / 52 = 30.95 -> 31"),
]


@pytest.mark.parametrize("case_id, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_west_virginia_by_hand(case_id, kwargs, expected, hand):
    assert income_tax(ctx("WV", **kwargs)) == D(expected), hand


def test_an_unknown_table_choice_is_named():
    with pytest.raises(ValidationFailed) as err:
        income_tax(ctx("WV", certificate=wv(0, rate_table="three")))
    assert [i.field for i in err.value.issues] == ["certificate.WV.rate_table"]


def test_explanation_says_which_table():
    assert "two earners / two or more jobs" in explanation(ctx("WV"))
