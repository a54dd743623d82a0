"""Form 941 lines for a small quarter worked by hand, Schedule B, the 941 detail, and 941-X from differences.

The quarter: Q1 2025 (line 1 counts the pay period including 12 March 2025).

Worker 1: two paychecks of $1,000.00 (10 Jan, period 23 Dec–5 Jan; 14 Mar, period 1–14 Mar): FIT 100.00 each,
  SS 1,000 × 6.2% = 62.00 employee and 62.00 employer, Medicare 1,000 × 1.45% = 14.50 and 14.50.
Worker 2: two paychecks of $100.10 (14 Feb, period 1–14 Feb; 14 Mar, period 1–14 Mar): FIT 10.00 each,
  SS 100.10 × 6.2% = 6.2062 → 6.21 each share, Medicare 100.10 × 1.45% = 1.45145 → 1.45 each share.
Worker 3: $100.00 on 14 Mar (period 1–14 Mar: FIT 10.00, SS 6.20/6.20, Medicare 1.45/1.45) reversed on 21 Mar
  (the same figures negative), then a $250,000.00 bonus on 28 Mar (period 15–28 Mar): FIT 55,000.00, SS wages
  capped at the 2025 base 176,100.00 → 10,918.20 each share, Medicare 250,000 × 1.45% = 3,625.00 each share,
  Additional Medicare on the 50,000.00 over $200,000 × 0.9% = 450.00.

Line 1: workers 1 and 2 (worker 3's 14 March paycheck was reversed; the bonus period does not hold the 12th) = 2.
Line 2: 2,000.00 + 200.20 + 250,000.00 (+100 − 100) = 252,200.20.  Line 3: 200 + 20 + 55,000 = 55,220.00.
5a: 2,000.00 + 200.20 + 176,100.00 = 178,300.20 × 0.124 = 22,109.2248 → 22,109.22.
5c: 252,200.20 × 0.029 = 7,313.8058 → 7,313.81.   5d: 50,000.00 × 0.009 = 450.00.
5e = 22,109.22 + 0.00 + 7,313.81 + 450.00 = 29,873.03; line 6 = 55,220.00 + 29,873.03 = 85,093.03.
Withheld and owed: SS 248.00 + 24.84 + 21,836.40 = 22,109.24; Medicare 58.00 + 5.80 + 7,250.00 = 7,313.80;
  Additional Medicare 450.00; together 29,873.04 → line 7 = 29,873.04 − 29,873.03 = 0.01.
Line 10 = line 12 = 85,093.04; deposits 85,000.00 → line 14 = 93.04, line 15 = 0.00.
Line 16: January 100 + 124 + 29 = 253.00; February 10 + 12.42 + 2.90 = 25.32; March 253.00 + 25.32 (+25.30
  − 25.30) + (55,000 + 21,836.40 + 7,250 + 450 = 84,536.40) = 84,814.72; total 85,093.04 = line 12.
Schedule B (semiweekly): 10 Jan 253.00; 14 Feb 25.32; 14 Mar 253.00 + 25.32 + 25.30 = 303.62; 21 Mar −25.30;
  28 Mar 84,536.40."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from backoffice.errors import DomainError
from compliance.engine import f941

ZERO = D(0)


def _row(pid, worker, pay, period, gross, fit, ss, med, *, ss_wages=None, addl_wages=ZERO, addl=ZERO,
         kind="regular", reversed_=False, sign=1):
    gross, fit = sign * D(gross), sign * D(fit)
    ss, med = sign * D(ss), sign * D(med)
    ssw = sign * D(ss_wages if ss_wages is not None else abs(gross))
    return f941.PaycheckRow(pid, worker, pay, kind, period[0], period[1], reversed_, gross=gross, wages=gross,
                            fit=fit, ss_wages=ssw, medicare_wages=gross, add_medicare_wages=sign * D(addl_wages),
                            ss_employee=ss, ss_employer=ss, medicare_employee=med, medicare_employer=med,
                            add_medicare=sign * D(addl))


MAR = (date(2025, 3, 1), date(2025, 3, 14))
ROWS = (
    _row(1, 1, date(2025, 1, 10), (date(2024, 12, 23), date(2025, 1, 5)), "1000.00", "100.00", "62.00", "14.50"),
    _row(2, 2, date(2025, 2, 14), (date(2025, 2, 1), date(2025, 2, 14)), "100.10", "10.00", "6.21", "1.45"),
    _row(3, 1, date(2025, 3, 14), MAR, "1000.00", "100.00", "62.00", "14.50"),
    _row(4, 2, date(2025, 3, 14), MAR, "100.10", "10.00", "6.21", "1.45"),
    _row(5, 3, date(2025, 3, 14), MAR, "100.00", "10.00", "6.20", "1.45", reversed_=True),
    _row(6, 3, date(2025, 3, 21), MAR, "100.00", "10.00", "6.20", "1.45", kind="reversal", sign=-1),
    _row(7, 3, date(2025, 3, 28), (date(2025, 3, 15), date(2025, 3, 28)), "250000.00", "55000.00", "10918.20",
         "3625.00", ss_wages="176100.00", addl_wages="50000.00", addl="450.00"),
)

EXPECTED = {
    "line1": 2, "line2": "252200.20", "line3": "55220.00", "line4": False,
    "line5a_col1": "178300.20", "line5a_col2": "22109.22", "line5b_col1": "0.00", "line5b_col2": "0.00",
    "line5c_col1": "252200.20", "line5c_col2": "7313.81", "line5d_col1": "50000.00", "line5d_col2": "450.00",
    "line5e": "29873.03", "line5f": "0.00", "line6": "85093.03", "line7": "0.01", "line8": "0.00", "line9": "0.00",
    "line10": "85093.04", "line11": "0.00", "line12": "85093.04", "line13": "85000.00", "line14": "93.04",
    "line15": "0.00", "line16_month1": "253.00", "line16_month2": "25.32", "line16_month3": "84814.72",
}


def test_hand_worked_quarter_every_line():
    c = f941.build(f941.Quarter(2025, 1, ROWS, deposits=D("85000.00"), depositor="monthly"))
    assert {k: c[k] for k in f941.LINE_KEYS} == EXPECTED
    assert "schedule_b" not in c and c["depositor"] == "monthly"
    assert list(f941.interface(c)) == list(f941.LINE_KEYS)


def test_semiweekly_schedule_b_per_pay_date_totals_line_12():
    c = f941.build(f941.Quarter(2025, 1, ROWS, deposits=D("85093.04"), depositor="semiweekly"))
    assert c["schedule_b"] == {"2025-01-10": "253.00", "2025-02-14": "25.32", "2025-03-14": "303.62",
                               "2025-03-21": "-25.30", "2025-03-28": "84536.40"}
    assert sum(D(v) for v in c["schedule_b"].values()) == D(c["line12"])
    assert (c["line14"], c["line15"]) == ("0.00", "0.00")
    assert list(f941.interface(c)) == [*f941.LINE_KEYS, "schedule_b"]


def test_overpayment_and_a_paycheck_outside_the_quarter():
    c = f941.build(f941.Quarter(2025, 1, ROWS, deposits=D("85100.00")))
    assert (c["line14"], c["line15"]) == ("0.00", "6.96")          # 85,100.00 − 85,093.04
    with pytest.raises(DomainError, match="outside Q2"):
        f941.build(f941.Quarter(2025, 2, ROWS))


def test_detail_rows_are_the_employee_amounts_per_paycheck():
    d = f941.detail(2025, 1, ROWS)
    assert d["columns"] == list(f941.DETAIL_COLUMNS)
    assert d["rows"][0] == [1, "2025-01-10", "1000.00", "100.00", "1000.00", "1000.00", "0.00", "0.00", "62.00",
                            "14.50", "0.00"]
    assert d["rows"][-1] == [3, "2025-03-28", "250000.00", "55000.00", "176100.00", "250000.00", "0.00",
                             "50000.00", "10918.20", "3625.00", "450.00"]
    # employee shares only: 62 + 6.21 + 62 + 6.21 + 6.20 − 6.20 + 10,918.20 = 11,054.62
    assert d["totals"]["social_security_tax"] == "11054.62"


def test_941x_from_a_reversal_in_the_filed_quarter():
    """Filed: the hand quarter. Then worker 1's 14 March paycheck is reversed on 31 March (−1,000.00 wages, FIT
    −100.00, SS −62.00 × 2, Medicare −14.50 × 2). 941-X: line 6 col 1 251,200.20, col 2 252,200.20, col 3
    −1,000.00; line 7 col 3 and 4 −100.00; line 8 col 3 −1,000.00 × 0.124 = −124.00; line 12 −1,000.00 × 0.029
    = −29.00; line 13 0; line 15 (line 7 of the 941): new 5a 177,300.20 × 0.124 = 21,985.2248 → 21,985.22, 5c
    251,200.20 × 0.029 = 7,284.8058 → 7,284.81, 5e 29,720.03, withheld 22,109.24 − 124 + 7,313.80 − 29 + 450 =
    29,720.04 → line 7 still 0.01: difference 0.00. Total column 4: −100 − 124 − 29 = −253.00 (overreported),
    which is line 12's difference too (85,093.04 → 84,840.04)."""
    filed = f941.build(f941.Quarter(2025, 1, ROWS, deposits=D("85000.00")))
    rev = _row(8, 1, date(2025, 3, 31), MAR, "1000.00", "100.00", "62.00", "14.50", kind="reversal", sign=-1)
    now = f941.build(f941.Quarter(2025, 1, ROWS + (rev,), deposits=D("85000.00")))
    x = f941.correct(filed, now)
    assert x["lines"]["line6"] == {"label": "Wages, tips, and other compensation", "form941_line": "line2",
                                   "col1": "251200.20", "col2": "252200.20", "col3": "-1000.00", "col4": None}
    assert (x["lines"]["line7"]["col3"], x["lines"]["line7"]["col4"]) == ("-100.00", "-100.00")
    assert x["lines"]["line8"]["col4"] == "-124.00"
    assert x["lines"]["line12"]["col4"] == "-29.00"
    assert x["lines"]["line13"]["col3"] == "0.00" and x["lines"]["line15"]["col3"] == "0.00"
    assert (x["total"], x["line12_difference"], x["overreported"]) == ("-253.00", "-253.00", True)
    assert x["original"] == filed and x["corrected"] == now
    assert f941.correct(filed, filed) is None


def test_rates_are_data_per_year():
    r = f941.rates(2025)
    assert (r.social_security, r.medicare, r.additional_medicare, r.additional_medicare_threshold) == (
        D("0.124"), D("0.029"), D("0.009"), D(200000))
    assert "Form 941" in r.source
    with pytest.raises(DomainError, match="no Form 941 rates for 1999"):
        f941.rates(1999)

