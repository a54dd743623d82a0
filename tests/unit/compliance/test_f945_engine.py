"""Form 945 lines from contractor backup withholding and the year's deposits."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from compliance.engine import f945


def test_945_lines_and_monthly_liabilities():
    """Backup withholding 24%: 120.00 (Mar 14, on 500.00), 48.00 (Mar 28, on 200.00), 240.00 (Nov 7, on
    1,000.00), and a reversal of the Mar 28 payment (−48.00, Apr 4). Line 2 = 120 + 48 + 240 − 48 = 360.00;
    line 3 = 0 + 360.00; deposits 300.00 → line 5 balance due 60.00, line 6 0.00. Monthly: 2025-03 168.00,
    2025-04 −48.00, 2025-11 240.00; the months sum to line 3."""
    c = f945.build(f945.F945Input(2025, (
        f945.Liability(date(2025, 3, 14), Decimal("120.00")), f945.Liability(date(2025, 3, 28), Decimal("48.00")),
        f945.Liability(date(2025, 11, 7), Decimal("240.00")), f945.Liability(date(2025, 4, 4), Decimal("-48.00")),
    ), deposits=Decimal("300.00")))
    assert (c["line1"], c["line2"], c["line3"], c["line4"], c["line5"], c["line6"]) == \
        ("0.00", "360.00", "360.00", "300.00", "60.00", "0.00")
    assert c["monthly"]["2025-03"] == "168.00" and c["monthly"]["2025-04"] == "-48.00"
    assert c["monthly"]["2025-11"] == "240.00" and c["monthly"]["2025-01"] == "0.00"
    assert len(c["monthly"]) == 12
    assert sum(Decimal(v) for v in c["monthly"].values()) == Decimal(c["line3"])


def test_945_overpayment_when_deposits_exceed_the_tax():
    """Tax 100.00, deposits 150.00 → line 5 0.00, line 6 overpayment 50.00."""
    c = f945.build(f945.F945Input(2025, (f945.Liability(date(2025, 6, 1), Decimal("100.00")),),
                                  deposits=Decimal("150.00")))
    assert (c["line5"], c["line6"]) == ("0.00", "50.00")
    assert "overpaid 50.00" in f945.summary(c)
