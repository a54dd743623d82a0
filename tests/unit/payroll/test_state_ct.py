"""Connecticut 2025 and 2026: TPG-211's withholding calculation rules (Tables A-E by CT-W4 withholding code), 6.99%
with no CT-W4, and CT Paid Leave. Circular CT's Examples 8-10 print wage-bracket TABLE amounts ($17.65, $39.97,
$78.82); the engine follows the calculation rules, so these tests assert the rules' figures for the same pays, worked
by hand below (DRS allows either method; they differ by cents)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backoffice.errors import ValidationFailed

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx, explanation, income_tax, lines
except ImportError:
    from test_state_helpers import ctx, explanation, income_tax, lines

D = Decimal
YEARS = [2025, 2026]


def _ct(year, code=None, **kw):
    cert = kw.pop("cert", None)
    if cert is None and code is not None:
        cert = {"withholding_code": code}
    return ctx("CT", year=year, pay_date=date(year, 3, 13), certificate={"CT": cert} if cert is not None else None,
               **kw)


CASES = [
    ("circular-ct-example-8-code-F-weekly", "F", dict(periods=52, gross="700"), "17.79",
     "700 x 52 = 36,400; Table A code F: 15,000 less 1,000 x 7 (36,400 is 6,400 over 30,000: 7 steps begun) = 8,000; "
     "taxable 28,400; Table B 200 + 4.5% x 18,400 = 1,028; Tables C, D 0; Table E 0.10: 1,028 x 0.90 = 925.20 / 52 "
     "= 17.792 (Circular CT's wage-bracket table prints 17.65)"),
    ("circular-ct-example-9-code-A-weekly", "A", dict(periods=52, gross="1000"), "40.24",
     "52,000; Table A code A: 0 (over 35,000); Table B 2,000 + 5.5% x 2,000 = 2,110; Table C 25 (50,250 < 52,000 "
     "<= 52,750); Table D 0; Table E 0.02: 2,135 x 0.98 = 2,092.30 / 52 = 40.236 (table prints 39.97)"),
    ("circular-ct-example-10-code-B-biweekly", "B", dict(periods=26, gross="2300"), "79.30",
     "59,800; Table A code B: 0 (over 56,000); Table B (head of household) 320 + 4.5% x 43,800 = 2,291; Table C 0 "
     "(below 78,500); Table E 0.10 (46,000-74,000): 2,291 x 0.90 = 2,061.90 / 26 = 79.303 (table prints 78.82)"),
    ("code-C-monthly", "C", dict(periods=12, gross="10000"), "441.67",
     "120,000; Table A code C: 0 (over 71,000); Table B (joint) 4,000 + 5.5% x 20,000 = 5,100; Table C: 19,500 over "
     "100,500 = 4 steps of 5,000 begun x 50 = 200; Table D 0 (below 210,000); Table E 0 (over 100,500): 5,300 / 12"),
    ("code-D-no-exemption-no-credit", "D", dict(periods=52, gross="1000"), "41.06",
     "52,000; no exemption; 2,110 + Table C 25 = 2,135, no credit / 52 = 41.058"),
    ("code-E-no-withholding", "E", dict(periods=52, gross="1000"), "0.00", "CT-W4 code E"),
    ("low-earner-below-the-exemption", "F", dict(periods=52, gross="250"), "0.00",
     "13,000 is below code F's 15,000 exemption: taxable 0"),
    ("high-earner-monthly-code-F", "F", dict(periods=12, gross="50000"), "3490.83",
     "600,000; no exemption; Table B 31,250 + 6.99% x 100,000 = 38,240; Table C 250 (over 101,500); Table D 3,400 "
     "(over 540,000); Table E 0: 41,890 / 12 = 3,490.833"),
    ("additional-withholding", None, dict(periods=52, gross="1000", cert={"withholding_code": "A", "additional": "10"}),
     "50.24", "Example 9's 40.24 + CT-W4 line 2 10.00"),
    ("reduced-withholding-line-3", None, dict(periods=52, gross="1000", cert={"withholding_code": "A", "reduction": "15"}),
     "25.24", "Example 9's 40.24 less CT-W4 line 3 15.00"),
    ("reduced-withholding-floors-at-zero", None,
     dict(periods=52, gross="1000", cert={"withholding_code": "A", "reduction": "100"}), "0.00",
     "40.24 less 100.00, not below zero"),
    ("lines-2-and-3-netted", None,
     dict(periods=52, gross="1000", cert={"withholding_code": "A", "additional": "30", "reduction": "50"}), "20.24",
     "TPG-211: de-annualise, add line 2, subtract line 3, not below zero: 40.24 + 30.00 - 50.00 = 20.24 (taking line 3 "
     "first and then adding line 2 would give 0.00 + 30.00 = 30.00)"),
    ("lines-2-and-3-netted-floors-at-zero", None,
     dict(periods=52, gross="1000", cert={"withholding_code": "A", "additional": "10", "reduction": "100"}), "0.00",
     "40.24 + 10.00 - 100.00 is negative: 0.00"),
    ("exempt-certificate", None, dict(periods=52, gross="1000", cert={"exempt": True}), "0.00", "exempt"),
    ("single-status-without-a-code-is-F", None, dict(periods=52, gross="700", cert={"filing_status": "single"}),
     "17.79", "as Example 8"),
    ("supplemental-aggregated", "F", dict(periods=52, gross="1000", supplemental="300"), "36.52",
     "regular 700 -> 17.79 (Example 8); regular + bonus 1,000 -> 52,000: exemption 0 (over 44,000), Table B 2,110, "
     "Table C 0 (below 56,500), Table E 0.10: 1,899 / 52 = 36.519 -> 36.52; bonus share 36.52 - 17.79 = 18.73"),
]


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("case_id, code, kwargs, expected, hand", CASES, ids=[c[0] for c in CASES])
def test_connecticut_by_hand_from_tpg211(year, case_id, code, kwargs, expected, hand):
    assert income_tax(_ct(year, code, **dict(kwargs))) == D(expected), hand


@pytest.mark.parametrize("year", YEARS)
def test_no_ct_w4_withholds_699_percent_with_no_exemption(year):
    """Circular CT p. 11 (as transcribed): 'withhold at a flat rate of 6.99%, without allowance for exemption';
    6.99% x 1,000 = 69.90."""
    assert income_tax(_ct(year, periods=52, gross="1000")) == D("69.90")
    assert "No CT-W4 on file" in explanation(_ct(year, periods=52, gross="1000"))


@pytest.mark.parametrize("cert, message", [({"filing_status": "married"}, "must give the withholding code"),
                                           ({"withholding_code": "G"}, "must be one of A, B, C, D, E, F")])
def test_a_married_ct_w4_must_give_its_code_and_the_code_must_exist(cert, message):
    with pytest.raises(ValidationFailed) as err:
        income_tax(_ct(2026, cert=cert))
    assert err.value.issues[0].field == "certificate.CT.withholding_code"
    assert message in err.value.issues[0].message


# Rows as TPG-211 prints them (annual salary -> amount), checked against the rules the data writes them as.
PRINTED_ROWS = [
    ("A", "24000", "Table A exemption for code A: $12,000.00"), ("A", "24500", "Table A exemption for code A: $11,000.00"),
    ("B", "55500", "Table A exemption for code B: $1,000.00"), ("C", "70500", "Table A exemption for code C: $1,000.00"),
    ("F", "44000", "Table A exemption for code F: $1,000.00"), ("F", "44001", "Table A exemption for code F: $0.00"),
    ("A", "72750", "Table C 2% phase-out add-back: $225.00"), ("A", "72751", "Table C 2% phase-out add-back: $250.00"),
    ("F", "101500", "Table C 2% phase-out add-back: $225.00"), ("B", "114501", "Table C 2% phase-out add-back: $400.00"),
    ("C", "145500", "Table C 2% phase-out add-back: $450.00"),
    ("F", "150000", "Table D recapture: $225.00"), ("F", "150001", "Table D recapture: $250.00"),
    ("F", "205000", "Table D recapture: $340.00"), ("F", "345001", "Table D recapture: $2,950.00"),
    ("F", "505000", "Table D recapture: $3,000.00"), ("D", "540001", "Table D recapture: $3,400.00"),
    ("B", "240000", "Table D recapture: $360.00"), ("B", "320001", "Table D recapture: $540.00"),
    ("B", "552000", "Table D recapture: $4,460.00"), ("B", "552001", "Table D recapture: $4,600.00"),
    ("B", "864001", "Table D recapture: $5,320.00"),
    ("C", "300001", "Table D recapture: $500.00"), ("C", "690000", "Table D recapture: $5,720.00"),
    ("C", "1000001", "Table D recapture: $6,000.00"), ("C", "1080001", "Table D recapture: $6,800.00"),
    ("F", "33300", "Table E personal credit 0.11"), ("F", "33301", "Table E personal credit 0.10"),
    ("B", "78500", "Table E personal credit 0.01"), ("C", "96001", "Table E personal credit 0.09"),
]


@pytest.mark.parametrize("code, salary, printed", PRINTED_ROWS, ids=[f"{c}-{s}" for c, s, _ in PRINTED_ROWS])
def test_the_rules_reproduce_tpg211_printed_rows(code, salary, printed):
    text = explanation(_ct(2026, code, periods=1, gross=salary))
    assert printed in text, text


@pytest.mark.parametrize("code", ["A", "B", "C", "D", "F"])
def test_withholding_never_decreases_as_wages_rise(code):
    """Every table step raises the tax (the exemption and credit fall, the add-back and recapture rise), so within
    a code the weekly withholding must not fall as the weekly wage rises."""
    previous = D("0")
    for weekly in range(0, 25001, 50):
        amount = income_tax(_ct(2026, code, periods=52, gross=str(weekly)))
        assert amount >= previous, (code, weekly, amount, previous)
        previous = amount


@pytest.mark.parametrize("year, ytd, expected", [(2026, "0", "5.00"), (2026, "184000", "2.50"),
                                                 (2025, "176000", "0.50"), (2025, "176100", "0.00")])
def test_ct_paid_leave_half_percent_up_to_the_social_security_wage_base(year, ytd, expected):
    """0.5% of 1,000 = 5.00; only the wages below the base (184,500 in 2026, 176,100 in 2025) are charged."""
    got = lines(_ct(year, "F", periods=52, gross="1000", ytd=ytd))
    assert got[("state_pfml", "CT")] == D(expected)


@pytest.mark.parametrize("year", YEARS)
def test_a_resident_working_in_pennsylvania_tops_up_to_the_connecticut_amount(year):
    """Conn. Agencies Regs. s. 12-705(a)-2(b): Connecticut withholds only what its tax exceeds the work state's.
    Weekly 1,000, code F: Connecticut 36.52 (52,000: Table B 2,110, Table E 0.10, 1,899 / 52); Pennsylvania 3.07%
    = 30.70; top-up 5.82."""
    got = lines(ctx("PA", year=year, pay_date=date(year, 3, 13), periods=52, gross="1000", residence="CT",
                    certificate={"CT": {"withholding_code": "F"}}))
    assert got[("state_income_tax", "PA")] == D("30.70")
    assert got[("state_income_tax", "CT")] == D("5.82")
