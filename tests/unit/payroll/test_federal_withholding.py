"""Federal income tax withholding tied to IRS Pub 15-T Worksheet 1A, walked by hand in each docstring."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backoffice.money import round_dollars
from payroll.engine import W4, W4Legacy, load_tables, tables_for
from payroll.engine.federal import federal_income_tax, percentage_method_withholding, split_supplemental, worksheet_1a

D = Decimal
T26 = load_tables(2026)
T25 = load_tables(2025)


def withhold(wages, periods, w4, t=T26):
    return percentage_method_withholding(D(wages), periods, w4, t)


def test_tables_are_chosen_by_the_pay_date_year():
    assert tables_for(date(2026, 1, 2)).year == 2026
    assert tables_for(date(2025, 12, 31)).year == 2025
    assert tables_for(date(2026, 1, 2)) is T26  # loaded once, cached


def test_single_standard_2026():
    """Single, Step 2 unchecked, biweekly $2,000 (2026).
    1a 2,000  1b 26  1c 52,000  1d 0  1e 52,000  1f 0  1g 8,600  1h 8,600  1i 43,400
    STANDARD Single row: at least 19,900 but less than 57,900, C 1,240.00, D 12%
    2e 43,400 − 19,900 = 23,500  2f 2,820  2g 4,060  2h 4,060 ÷ 26 = 156.1538…  3c 156.1538…  4b $156.15"""
    assert withhold("2000", 26, W4("single")) == D("156.15")


def test_single_checkbox_2026():
    """Single, Step 2 checked, biweekly $2,000 (2026).
    1c 52,000  1g 0  1i 52,000
    Checkbox Single row: at least 33,250 but less than 60,900, C 2,900.00, D 22%
    2e 18,750  2f 4,125  2g 7,025  2h 7,025 ÷ 26 = 270.1923…  4b $270.19"""
    assert withhold("2000", 26, W4("single", step2_checkbox=True)) == D("270.19")


def test_married_jointly_standard_with_step3_credits_2026():
    """MFJ, Step 2 unchecked, weekly $1,500, Step 3 credits $4,000 (2026).
    1c 78,000  1g 12,900  1i 65,100
    STANDARD MFJ row: at least 44,100 but less than 120,100, C 2,480.00, D 12%
    2e 21,000  2f 2,520  2g 5,000  2h 5,000 ÷ 52 = 96.1538…
    3a 4,000  3b 4,000 ÷ 52 = 76.9230…  3c 19.2307…  4b $19.23"""
    assert withhold("1500", 52, W4("married_jointly", step3_credits=D(4000))) == D("19.23")


def test_married_jointly_checkbox_with_step4c_2026():
    """MFJ, Step 2 checked, weekly $1,500, Step 4(c) $20 (2026).
    1c 78,000  1g 0  1i 78,000
    Checkbox MFJ row: at least 66,500 but less than 121,800, C 5,800.00, D 22%
    2e 11,500  2f 2,530  2g 8,330  2h 8,330 ÷ 52 = 160.1923…  4a 20  4b 180.1923… → $180.19"""
    assert withhold("1500", 52, W4("married_jointly", step2_checkbox=True, step4c_extra=D(20))) == D("180.19")


def test_head_of_household_standard_with_step4a_and_4b_2026():
    """HOH, Step 2 unchecked, semimonthly $3,000, Step 4(a) $6,000, Step 4(b) $10,000 (2026).
    1c 72,000  1d 6,000  1e 78,000  1f 10,000  1g 8,600  1h 18,600  1i 59,400
    STANDARD HOH row: at least 33,250 but less than 83,000, C 1,770.00, D 12%
    2e 26,150  2f 3,138  2g 4,908  2h 4,908 ÷ 24 = 204.50  4b $204.50"""
    w4 = W4("head_of_household", step4a_other_income=D(6000), step4b_deductions=D(10000))
    assert withhold("3000", 24, w4) == D("204.50")


def test_head_of_household_checkbox_2026():
    """HOH, Step 2 checked, monthly $6,000 (2026).
    1c 72,000  1g 0  1i 72,000
    Checkbox HOH row: at least 64,925 but less than 112,950, C 8,077.50, D 24%
    2e 7,075  2f 1,698  2g 9,775.50  2h 9,775.50 ÷ 12 = 814.625 → half-up $814.63"""
    assert withhold("6000", 12, W4("head_of_household", step2_checkbox=True)) == D("814.63")


def test_step4b_larger_than_income_gives_zero_not_negative():
    """Single, weekly $300, Step 4(b) $50,000: 1c 15,600, 1h 58,600, 1i = max(0, −43,000) = 0 → row 0, $0.00."""
    assert withhold("300", 52, W4("single", step4b_deductions=D(50000))) == D("0.00")


def test_step3_credits_larger_than_tentative_give_zero_plus_4c():
    """Single, weekly $1,000, Step 3 $10,000, 4(c) $5: 1i 52,000 − 8,600 = 43,400 → 4,060 annual, 2h 78.0769…;
    3b 10,000 ÷ 52 = 192.30…; 3c = max(0, −114.2…) = 0; 4b = 0 + 5 = $5.00."""
    assert withhold("1000", 52, W4("single", step3_credits=D(10000), step4c_extra=D(5))) == D("5.00")


@pytest.mark.parametrize("w4, wages, periods, expected, walk", [
    (W4Legacy("married", allowances=3, additional=D(10)), "2500", 26, "142.31",
     "1c 65,000; 1k 3 × 4,300 = 12,900; 1l 52,100; STANDARD MFJ row 44,100: 2,480 + 12% × 8,000 = 3,440; "
     "÷ 26 = 132.3077; + 4a 10 = 142.31"),
    (W4Legacy("single", allowances=1), "800", 52, "64.00",
     "1c 41,600; 1k 4,300; 1l 37,300; STANDARD Single row 19,900: 1,240 + 12% × 17,400 = 3,328; ÷ 52 = 64.00"),
    (W4Legacy("married_single_rate", allowances=0), "5000", 12, "521.83",
     "1c 60,000; 1l 60,000; STANDARD Single row 57,900: 5,800 + 22% × 2,100 = 6,262; ÷ 12 = 521.8333"),
    (W4Legacy("married", allowances=20), "1000", 52, "0.00",
     "1c 52,000; 1k 86,000; 1l = max(0, −34,000) = 0 → 0"),
])
def test_form_w4_2019_or_earlier_2026(w4, wages, periods, expected, walk):
    """2019-or-earlier certificates: lines 1j-1l with $4,300 per allowance, STANDARD schedules only
    (Married → MFJ table, Single and Married-but-single-rate → Single table). Hand walk in `walk`."""
    assert withhold(wages, periods, w4) == D(expected), walk


def test_2025_tables_single_standard_and_2019_allowance():
    """2025, Single, weekly $1,000: 1c 52,000; 1g 8,600; 1i 43,400; 2025 STANDARD Single row 18,325 (C 1,192.50,
    12%): 1,192.50 + 12% × 25,075 = 4,201.50; ÷ 52 = 80.798… → $80.80.
    2025, 2019 form Single, 2 allowances, weekly $1,000: 1k 8,600 ($4,300 each in 2025 too), 1l 43,400 → $80.80."""
    assert withhold("1000", 52, W4("single"), T25) == D("80.80")
    assert withhold("1000", 52, W4Legacy("single", allowances=2), T25) == D("80.80")


@pytest.mark.parametrize("periods, wages, expected", [
    (260, "200", "15.62"),      # daily:        4,060 ÷ 260 = 15.615…
    (52, "1000", "78.08"),      # weekly:       4,060 ÷ 52 = 78.0769…
    (26, "2000", "156.15"),     # biweekly:     4,060 ÷ 26 = 156.1538…
    (24, "2166.67", "169.17"),  # semimonthly:  1c 52,000.08 → 1i 43,400.08 → 4,060.0096 ÷ 24 = 169.1670…
    (12, "4333.33", "338.33"),  # monthly:      1c 51,999.96 → 4,059.9952 ÷ 12 = 338.3329…
    (4, "13000", "1015.00"),    # quarterly:    4,060 ÷ 4
    (2, "26000", "2030.00"),    # semiannual:   4,060 ÷ 2
    (1, "52000", "4060.00"),    # annual
])
def test_every_pay_frequency_annualises_the_same_way(periods, wages, expected):
    """Single standard, annual wage ≈ 52,000: 1i 43,400, row 19,900: 1,240 + 12% × 23,500 = 4,060 a year."""
    assert withhold(wages, periods, W4("single")) == D(expected)


def test_exempt_certificate_withholds_nothing():
    assert withhold("5000", 52, W4("single", exempt=True)) == D("0.00")
    assert withhold("5000", 52, W4Legacy("single", exempt=True)) == D("0.00")


# --- Pub 15-T 2026 wage-bracket rows (weekly, Single or MFS, Standard) --------------------------------------
WEEKLY_SINGLE_STANDARD_2026 = [  # (at least, but less than, tax) as printed in Pub 15-T 2026, section 2
    (625, 635, 34), (635, 645, 35), (645, 655, 36), (655, 665, 37), (665, 675, 38),
    (675, 685, 40), (685, 695, 41), (695, 705, 42), (705, 715, 43), (715, 725, 44),
]


@pytest.mark.parametrize("low, high, tax", WEEKLY_SINGLE_STANDARD_2026)
def test_percentage_method_at_the_bracket_midpoint_lands_on_the_wage_bracket_row(low, high, tax):
    """The percentage method at the interval midpoint, rounded to the dollar, gives the printed cell.
    e.g. $680: 1c 35,360; 1i 26,760; row 19,900: 1,240 + 12% × 6,860 = 2,063.20; ÷ 52 = 39.68 → $40."""
    mid = D(low + high) / 2
    assert round_dollars(withhold(mid, 52, W4("single"))) == D(tax)


# --- boundary cases at every row of every 2026 schedule -----------------------------------------------------
# Rows typed from Pub 15-T (2026) p. 12 (A at least, C tentative, D rate), not read from the data file.
PUB15T_2026 = {
    ("standard", "married_jointly"): [(0, "0", "0"), (19300, "0", ".10"), (44100, "2480", ".12"),
                                      (120100, "11600", ".22"), (230700, "35932", ".24"), (422850, "82048", ".32"),
                                      (531750, "116896", ".35"), (788000, "206583.50", ".37")],
    ("standard", "single"): [(0, "0", "0"), (7500, "0", ".10"), (19900, "1240", ".12"), (57900, "5800", ".22"),
                             (113200, "17966", ".24"), (209275, "41024", ".32"), (263725, "58448", ".35"),
                             (648100, "192979.25", ".37")],
    ("standard", "head_of_household"): [(0, "0", "0"), (15550, "0", ".10"), (33250, "1770", ".12"),
                                        (83000, "7740", ".22"), (121250, "16155", ".24"), (217300, "39207", ".32"),
                                        (271750, "56631", ".35"), (656150, "191171", ".37")],
    ("checkbox", "married_jointly"): [(0, "0", "0"), (16100, "0", ".10"), (28500, "1240", ".12"),
                                      (66500, "5800", ".22"), (121800, "17966", ".24"), (217875, "41024", ".32"),
                                      (272325, "58448", ".35"), (400450, "103291.75", ".37")],
    ("checkbox", "single"): [(0, "0", "0"), (8050, "0", ".10"), (14250, "620", ".12"), (33250, "2900", ".22"),
                             (60900, "8983", ".24"), (108938, "20512", ".32"), (136163, "29224", ".35"),
                             (328350, "96489.63", ".37")],
    ("checkbox", "head_of_household"): [(0, "0", "0"), (12075, "0", ".10"), (20925, "885", ".12"),
                                        (45800, "3870", ".22"), (64925, "8077.50", ".24"),
                                        (112950, "19603.50", ".32"), (140175, "28315.50", ".35"),
                                        (332375, "95585.50", ".37")],
}
BOUNDARIES = [(kind, status, i) for (kind, status), rows in PUB15T_2026.items() for i in range(1, len(rows))]


@pytest.mark.parametrize("kind, status, i", BOUNDARIES)
def test_each_row_start_and_one_dollar_below(kind, status, i):
    """Annual pay (1b = 1) with 1i exactly at a row's A gives that row's C; $1 below gives the previous row:
    C_prev + (A − 1 − A_prev) × D_prev (the checkbox rows' A are rounded to whole dollars, so the schedules are
    continuous only to within a few cents; each side is checked against its own row)."""
    rows = PUB15T_2026[(kind, status)]
    a, c, _ = rows[i]
    a_prev, c_prev, d_prev = rows[i - 1]
    w4 = W4(status, step2_checkbox=(kind == "checkbox"))
    line_1g = 0 if kind == "checkbox" else (12900 if status == "married_jointly" else 8600)
    at = withhold(D(a + line_1g), 1, w4)
    below = withhold(D(a + line_1g - 1), 1, w4)
    assert at == D(c).quantize(D("0.01"))
    assert below == (D(c_prev) + (D(a - 1 - a_prev)) * D(d_prev)).quantize(D("0.01"))


# --- supplemental wages -------------------------------------------------------------------------------------

def test_bonus_flat_22_percent_added_to_regular_withholding():
    """Weekly $1,000 regular (Single std → $78.08, see the frequency test) + $1,000 bonus × 22% = $220;
    total 298.0769… → $298.08."""
    total = federal_income_tax(D(1000), D(1000), D(0), 52, W4("single"), False, T26, [])
    assert round(total, 2) == D("298.08")


def test_supplemental_over_one_million_uses_37_percent_on_the_excess():
    """YTD supplemental $990,000, bonus $20,000: $10,000 at 22% = 2,200 and $10,000 over $1M at 37% = 3,700;
    regular weekly $0 → worksheet 0. Total $5,900."""
    assert split_supplemental(D(20000), D(990000), T26) == (D(10000), D(10000))
    total = federal_income_tax(D(0), D(20000), D(990000), 52, W4("single"), False, T26, [])
    assert total == D("5900.00")


def test_supplemental_already_over_one_million_is_all_37_percent_even_for_exempt():
    """YTD supplemental $1,200,000, bonus $10,000, exempt W-4: all $10,000 at the mandatory 37% = $3,700."""
    assert federal_income_tax(D(0), D(10000), D(1200000), 52, W4("single", exempt=True), False, T26, []) == D("3700")


def test_aggregate_method_withholds_on_regular_plus_bonus_as_one_payment():
    """Aggregate: weekly $1,000 + $500 bonus = $1,500 as one weekly payment, Single std:
    1c 78,000; 1i 69,400; row 57,900: 5,800 + 22% × 11,500 = 8,330; ÷ 52 = 160.1923… → $160.19."""
    total = federal_income_tax(D(1000), D(500), D(0), 52, W4("single"), True, T26, [])
    assert round(total, 2) == D("160.19")


def test_explanation_names_the_worksheet_lines_with_figures():
    steps: list = []
    worksheet_1a(D(2000), 26, W4("single"), T26, steps)
    from payroll.engine.model import render_steps
    text = render_steps(steps)
    assert text[0] == "1a taxable wages this pay period: $2,000.00"
    assert "1i adjusted annual wage amount (1e − 1h, not less than zero): $43,400.00" in text
    assert any(t.startswith("2b STANDARD schedule, Single or Married Filing Separately, row at least $19,900.00 "
                            "but less than $57,900.00") for t in text)
    assert "2d rate from that row: 12%" in text
    assert text[-1] == "4b 3c + 4a, amount to withhold: $156.15"


def test_explanation_of_a_2019_form_names_lines_1j_to_1l():
    """Married, 3 allowances, biweekly $2,500: 1k = 3 × $4,300 = $12,900; 1l = 65,000 − 12,900 = $52,100."""
    from payroll.engine.model import render_steps
    steps: list = []
    worksheet_1a(D(2500), 26, W4Legacy("married", allowances=3, additional=D(10)), T26, steps)
    text = render_steps(steps)
    assert "1j allowances on the 2019-or-earlier Form W-4: 3" in text
    assert "1k 1j × $4,300.00: $12,900.00" in text
    assert "1l adjusted annual wage amount (1c − 1k, not less than zero): $52,100.00" in text
    assert "4a additional withholding per period (additional amount): $10.00" in text
