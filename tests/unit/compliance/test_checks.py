"""The reconciliation checks (compliance/engine/checks.py) on hand-made contents: each case clean, then one figure
off, with the finding's figures worked out in the docstring."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from compliance.engine import checks
from compliance.engine.checks import AcaFact, DepositQuarter, I9Fact, LedgerQuarter, RecheckFact

D = Decimal


def _q941(**over):
    """A quarter of $10,000.00 wages: income tax 1,000.00; social security 10,000.00 × 12.4% = 1,240.00 and
    Medicare 10,000.00 × 2.9% = 290.00 (line 5e 1,530.00); line 12 = 1,000.00 + 1,530.00 = 2,530.00."""
    c = {"line2": "10000.00", "line3": "1000.00", "line5a_col1": "10000.00", "line5a_col2": "1240.00",
         "line5b_col1": "0.00", "line5c_col1": "10000.00", "line5c_col2": "290.00", "line5e": "1530.00",
         "line12": "2530.00", "line13": "2530.00", "depositor": "monthly", "line16_month1": "800.00",
         "line16_month2": "900.00", "line16_month3": "830.00"}
    c.update(over)
    return c


W3 = {"box1": "40000.00", "box2": "4000.00", "box3": "40000.00", "box5": "40000.00"}


def test_four_941s_agree_with_the_w3_and_the_ledger():
    """4 × 10,000.00 = 40,000.00 wages (boxes 1, 3, 5), 4 × 1,000.00 = 4,000.00 withheld (box 2); each quarter's
    ledger liabilities 2,530.00 = line 12."""
    q = {n: _q941() for n in (1, 2, 3, 4)}
    ledger = tuple(LedgerQuarter(n, D("2530.00")) for n in (1, 2, 3, 4))
    assert checks.returns_agree(2025, q, W3, ledger) == []


def test_a_941_that_differs_from_the_w3_and_the_ledger_is_named_with_the_difference():
    """Q2 line 2 is 10,010.00: the four 941s add to 40,010.00 against box 1 40,000.00 (difference −$10.00); Q3's
    ledger says 2,529.99, a cent under line 12 2,530.00."""
    q = {n: _q941() for n in (1, 3, 4)} | {2: _q941(line2="10010.00")}
    ledger = (LedgerQuarter(3, D("2529.99")),)
    found = checks.returns_agree(2025, q, W3, ledger)
    assert [(f.code, f.filing) for f in found] == [("941_w3_differ", "w3 2025"), ("941_ledger_differ", "941 2025 Q3")]
    assert "$40,000.00" in found[0].message and "$40,010.00" in found[0].message and "-$10.00" in found[0].message
    assert "(difference $0.01)" in found[1].message


def test_w3_comparison_waits_for_all_four_quarters():
    q = {1: _q941(), 2: None, 3: _q941(), 4: _q941()}
    assert checks.returns_agree(2025, q, W3) == []


def test_social_security_wages_over_the_wage_base():
    """2025 wage base $176,100 (SSA, Oct 2024): 176,100.00 is at it; 176,000.00 + 100.01 of tips (box 7) is a
    cent over."""
    w2 = {"employees": [{"worker_id": 1, "name": "At Base", "box3": "176100.00"},
                        {"worker_id": 2, "name": "Over Base", "box3": "176000.00", "box7": "100.01"}]}
    found = checks.ss_wage_base(2025, w2, D("176100.00"))
    assert [(f.code, f.worker_id) for f in found] == [("ss_over_wage_base", 2)]
    assert "$176,100.01" in found[0].message and "by $0.01" in found[0].message


def test_schedule_b_and_line_16_add_to_line_12():
    """Semiweekly: 1,000.00 + 1,530.00 = 2,530.00 = line 12 (clean); monthly: 800.00 + 900.00 + 829.99 =
    2,529.99 ≠ 2,530.00."""
    semi = _q941(depositor="semiweekly", schedule_b={"2025-01-03": "1000.00", "2025-01-17": "1530.00"})
    assert checks.liabilities_agree(2025, {1: semi}) == []
    found = checks.liabilities_agree(2025, {1: _q941(line16_month3="829.99")})
    assert [f.code for f in found] == ["line16_differs"]
    assert "$2,529.99" in found[0].message
    bad_b = _q941(depositor="semiweekly", schedule_b={"2025-01-03": "1000.00"})
    assert [f.code for f in checks.liabilities_agree(2025, {1: bad_b})] == ["schedule_b_differs"]


def test_line_12_against_the_deposit_schedules_liabilities_and_what_was_paid():
    """Liabilities recorded 2,530.00 = line 12, of which 2,000.00 paid and one deposit of 530.00 not: balance
    $530.00; line 13 (2,530.00) reports more than was paid."""
    q = {1: _q941()}
    dq = (DepositQuarter(1, D("2530.00"), D("2000.00"), 1),)
    assert checks.liabilities_agree(2025, q, dq) == []
    found = checks.deposits_agree(2025, q, dq)
    assert [f.code for f in found] == ["deposits_differ", "line13_differs"]
    assert "balance $530.00 (1 deposit(s) not paid)" in found[0].message
    assert checks.deposits_agree(2025, q, (DepositQuarter(1, D("2530.00"), D("2530.00")),)) == []
    assert [f.code for f in checks.liabilities_agree(2025, q, (DepositQuarter(1, D("2500.00"), D("0")),))] == [
        "941_liability_differs"]


def test_contractors_over_the_threshold_need_a_tin_or_backup_withholding():
    """2025 threshold $600 ("$600 or more", IRC §6041(a)): 600.00 without a TIN is a finding; 599.99 is under;
    700.00 without a TIN but with 24% backup withholding (168.00) is not."""
    nec = {"threshold": "600.00", "recipients": [
        {"worker_id": 1, "name": "At Threshold", "box1": "600.00", "box4": "0.00", "tin_missing": True},
        {"worker_id": 2, "name": "Under", "box1": "599.99", "box4": "0.00", "tin_missing": True},
        {"worker_id": 3, "name": "Withheld", "box1": "700.00", "box4": "168.00", "tin_missing": True},
        {"worker_id": 4, "name": "Has Tin", "box1": "9000.00", "box4": "0.00", "tin_last4": "1234",
         "tin_missing": False}]}
    assert [f.worker_id for f in checks.contractor_tins(2025, nec)] == [1]


def test_w2_box_4_and_box_6_against_boxes_3_and_5():
    """Box 3 50,000.00 × 6.2% = 3,100.00: 3,100.40 is within the 50-cent rounding tolerance, 3,101.00 is not.
    Box 5 50,000.00 × 1.45% = 725.00: 724.00 is a dollar short; 1,000.00 (with Additional Medicare) is fine."""
    ok = {"worker_id": 1, "name": "A", "box3": "50000.00", "box4": "3100.40", "box5": "50000.00", "box6": "1000.00"}
    bad = {"worker_id": 2, "name": "B", "box3": "50000.00", "box4": "3101.00", "box5": "50000.00", "box6": "724.00"}
    found = checks.w2_fica(2025, {"employees": [ok, bad]})
    assert [(f.code, f.worker_id) for f in found] == [("w2_box4", 2), ("w2_box6", 2)]
    assert "$3,100.00" in found[0].message and "$725.00" in found[1].message


def test_i9_missing_late_or_expired():
    """On 2026-03-10: started 03-02 with no I-9; started 03-12 (not yet at work: nothing); section 2 due 03-05
    not done; authorized until 03-09 (expired) and until 03-10 (still valid that day)."""
    today = date(2026, 3, 10)
    facts = (I9Fact(1, "No Form", 11, date(2026, 3, 2), False),
             I9Fact(2, "Not Yet", 12, date(2026, 3, 12), False),
             I9Fact(3, "Late Section2", 13, date(2026, 3, 2), True, date(2026, 3, 5), False),
             I9Fact(4, "Expired", 14, date(2025, 1, 6), True, date(2025, 1, 9), True, date(2026, 3, 9)),
             I9Fact(5, "Valid Today", 15, date(2025, 1, 6), True, date(2025, 1, 9), True, date(2026, 3, 10)))
    assert [(f.code, f.worker_id) for f in checks.i9s(facts, today)] == [
        ("i9_missing", 1), ("i9_section2_late", 3), ("i9_expired", 4)]


def test_open_rechecks_are_warnings():
    found = checks.open_rechecks((RecheckFact(7, "Ann Lee", 70, "hours_up", "hours rose", date(2026, 2, 1)),))
    assert [(f.code, f.severity, f.worker_id) for f in found] == [("recheck_open", "warning", 7)]
    assert "since 2026-02-01" in found[0].message


def test_aca_offer_without_a_safe_harbor_is_an_affordability_failure():
    """Worker 1: full time, offered (1E) at 150.00 a month with no line 16 code in January and February → one
    finding naming months 1, 2. Enrolled (2C), a qualifying offer (1A), no offer (1H) or not full time: none."""
    facts = (AcaFact(1, "Pat", 1, "full_time", "1E", D("150.00"), ""),
             AcaFact(1, "Pat", 2, "full_time", "1E", D("150.00"), ""),
             AcaFact(1, "Pat", 3, "full_time", "1E", D("150.00"), "2F"),
             AcaFact(2, "Enrolled", 1, "full_time", "1E", D("150.00"), "2C"),
             AcaFact(3, "Qualifying", 1, "full_time", "1A", D("90.00"), ""),
             AcaFact(4, "No Offer", 1, "full_time", "1H", None, ""),
             AcaFact(5, "Part Time", 1, "not_full_time", "1E", D("150.00"), ""))
    found = checks.aca_affordability(2025, facts)
    assert [(f.code, f.worker_id) for f in found] == [("aca_unaffordable", 1)]
    assert "month(s) 1, 2" in found[0].message and "$150.00" in found[0].message
