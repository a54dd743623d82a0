"""Form 940 and Schedule A for a small year worked by hand (2025: wage base $7,000, 0.6%, California's credit
reduction 1.2% per DOL's final 2025 list).

Worker A (TX): $5,000 on 10 Jan, $5,000 on 11 Apr → FUTA wages 5,000 (Q1) + 2,000 (Q2), 3,000 over the base.
Worker B (CA): $3,000 on 10 Jan of which $200 is a cafeteria-plan deduction (exempt), then $6,000 on 11 Jul →
  FUTA-subject 2,800 + 6,000 = 8,800: FUTA wages 2,800 (Q1) + 4,200 (Q3), 1,800 over the base.
Worker C (CA): $2,000 on 10 Oct, $500 of it reversed on 24 Oct → FUTA wages 1,500 (Q4).

Line 3 = 5,000 + 5,000 + 3,000 + 6,000 + 2,000 − 500 = 20,500.00; line 4 = 200.00; line 5 = 3,000 + 1,800 =
4,800.00; line 6 = 5,000.00; line 7 = 15,500.00 (= 7,000 + 7,000 + 1,500); line 8 = 15,500 × 0.006 = 93.00.
Schedule A: TX 7,000.00 at 0 → 0.00; CA 2,800 + 4,200 + 1,500 = 8,500.00 × 0.012 = 102.00 → line 11 102.00.
Line 12 = 93.00 + 102.00 = 195.00; deposits 84.00 → line 14 111.00.
Line 16: Q1 (5,000 + 2,800) × 0.006 = 46.80; Q2 2,000 × 0.006 = 12.00; Q3 4,200 × 0.006 = 25.20;
Q4 1,500 × 0.006 = 9.00 + the credit reduction 102.00 = 111.00; line 17 = 195.00 = line 12."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from compliance.engine import f940

P = f940.Payment
PAYMENTS = (
    P(1, 1, date(2025, 1, 10), "TX", D("5000.00")),
    P(2, 2, date(2025, 1, 10), "CA", D("3000.00"), D("200.00")),
    P(3, 1, date(2025, 4, 11), "TX", D("5000.00")),
    P(4, 2, date(2025, 7, 11), "CA", D("6000.00")),
    P(5, 3, date(2025, 10, 10), "CA", D("2000.00")),
    P(6, 3, date(2025, 10, 24), "CA", D("-500.00")),
)


def test_hand_worked_year_every_line_and_schedule_a():
    c = f940.build(f940.Year(2025, PAYMENTS, deposits=D("84.00")))
    assert {k: c[k] for k in f940.INTERFACE_KEYS} == {
        "line3": "20500.00", "line4": "200.00", "line5": "4800.00", "line6": "5000.00", "line7": "15500.00",
        "line8": "93.00", "line9": "0.00", "line10": "0.00", "line11": "102.00", "line12": "195.00",
        "line13": "84.00", "line14": "111.00", "line15": "0.00",
        "line16a": "46.80", "line16b": "12.00", "line16c": "25.20", "line16d": "111.00", "line17": "195.00",
        "schedule_a": {"CA": {"wages": "8500.00", "rate": "0.012", "credit_reduction": "102.00"},
                       "TX": {"wages": "7000.00", "rate": "0.000", "credit_reduction": "0.00"}}}
    assert (c["line1a"], c["line1b"], c["line2"], c["employees"]) == ("", True, True, 3)
    assert "11-10-25" in c["rates"]["credit_reduction_source"]


def test_one_state_without_credit_reduction():
    """A (TX) alone: 10,000 paid, 7,000 FUTA wages × 0.006 = 42.00; Q1 5,000 → 30.00, Q2 2,000 → 12.00."""
    c = f940.build(f940.Year(2025, (PAYMENTS[0], PAYMENTS[2]), deposits=D("42.00")))
    assert (c["line1a"], c["line1b"], c["line2"]) == ("TX", False, False)
    assert (c["line7"], c["line8"], c["line11"], c["line12"], c["line14"]) == (
        "7000.00", "42.00", "0.00", "42.00", "0.00")
    assert [c[k] for k in f940.QUARTER_KEYS] == ["30.00", "12.00", "0.00", "0.00"]
