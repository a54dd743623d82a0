"""State wage reports, withholding reconciliations and new-hire reports, pure (compliance/engine/state_reports.py),
with hand-worked figures."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as Dec

from compliance.engine import state_reports as sr


def _row(wid, first, last, gross, suta, sitw, sit, booked="0"):
    return sr.StateWageRow(wid, first, "", last, f"{wid:04d}", Dec(gross), Dec(suta), Dec(sitw), Dec(sit),
                           Dec(booked))


def _ca_quarter():
    """Two CA employees in 2025 Q1 at the agency's 3.4% rate:
    Zed Adams: gross 12,000.00, SUTA wages 7,000.00 (CA's base reached), PIT wages 11,500.00, PIT 600.00;
    Amy Baker: gross 3,250.50, SUTA wages 3,250.50, PIT wages 3,250.50, PIT 97.52.
    Totals: gross 15,250.50; SUTA wages 10,250.50; PIT wages 14,750.50; PIT 697.52;
    SUTA due 10,250.50 × 0.034 = 348.517 → 348.52. A worker with nothing in the quarter is left out."""
    rows = (_row(2, "Amy", "Baker", "3250.50", "3250.50", "3250.50", "97.52", "110.52"),
            _row(1, "Zed", "Adams", "12000.00", "7000.00", "11500.00", "600.00", "238.00"),
            _row(3, "Nil", "Zero", "0", "0", "0", "0"))
    return sr.StateWageInput(2025, 1, "CA", Dec("0.034"), "CA-UI-1", "CA-WH-1", rows)


def test_state_wage_totals_and_suta_due():
    c = sr.build_state_wage(_ca_quarter())
    assert [e["name"] for e in c["employees"]] == ["Zed Adams", "Amy Baker"]       # by last name
    assert c["totals"] == {"count": 2, "gross": "15250.50", "suta_wages": "10250.50", "sit_wages": "14750.50",
                           "sit_withheld": "697.52", "suta_due": "348.52", "suta_booked": "348.52"}
    assert c["employees"][0]["suta_wages"] == "7000.00" and c["employees"][0]["tin_last4"] == "0001"


def test_state_wage_csv_follows_the_states_layout_with_the_full_ssn_from_the_lookup():
    """CA: the DE 9C columns (SSN, first, M.I., last, total subject wages, PIT wages, PIT withheld); the SSN from
    tin_of (the export's audited reveal), never from the content."""
    c = sr.build_state_wage(_ca_quarter())
    text = sr.state_wage_csv(c, {"ein": "841234567"}, lambda wid: f"52144{wid:04d}").decode()
    lines = text.splitlines()
    assert lines[0] == ("Social Security Number,Employee First Name,M.I.,Employee Last Name,Total Subject Wages,"
                        "PIT Wages,PIT Withheld")
    assert lines[1] == "521440001,Zed,,Adams,12000.00,11500.00,600.00"
    assert len(lines) == 3


def test_florida_excess_wages_and_the_generic_layout_elsewhere():
    """FL RT-6: excess = gross − taxable: 12,000.00 − 7,000.00 = 5,000.00. NV has no layout here: generic."""
    c = sr.build_state_wage(_ca_quarter()) | {"state": "FL"}
    lines = sr.state_wage_csv(c, {}, lambda wid: "000000000").decode().splitlines()
    assert lines[0].split(",")[2:] == ["Gross Wages Paid This Quarter", "Excess Wages", "Taxable Wages"]
    assert lines[1].endswith("12000.00,5000.00,7000.00")
    assert sr.layout("NV")["generic"] is True and sr.layout("CA")["generic"] is False


def test_state_wage_due_is_the_last_day_of_the_month_after_the_quarter_off_weekends():
    """2025: Q1 Wed Apr 30; Q2 Thu Jul 31; Q3 Fri Oct 31; Q4 Jan 31, 2026 is a Saturday → Mon Feb 2."""
    assert [sr.state_wage_due(2025, q, "CA") for q in (1, 2, 3, 4)] == [
        date(2025, 4, 30), date(2025, 7, 31), date(2025, 10, 31), date(2026, 2, 2)]


def test_state_recon_compares_box_17_with_the_quarters_and_the_deposits():
    """Quarters' PIT: 600.00, 700.00, 650.00, 710.25 → box 17 = 2,660.25 (wages 10,000 + 11,000 + 10,500 +
    11,200 = 42,700.00). Deposits by their period's quarter: Q1 600.00; Q2 700.00; Q3 650.00; Q4 (Oct–Nov) 470.25
    + December 240.00 unpaid = 710.25 → total 2,660.25 balanced; without December: 2,420.25, short by 240.00."""
    deps = (sr.ReconDeposit(date(2025, 1, 1), date(2025, 3, 31), Dec("600.00"), "paid", date(2025, 4, 15)),
            sr.ReconDeposit(date(2025, 4, 1), date(2025, 6, 30), Dec("700.00"), "paid", date(2025, 7, 15)),
            sr.ReconDeposit(date(2025, 7, 1), date(2025, 9, 30), Dec("650.00"), "paid", date(2025, 10, 15)),
            sr.ReconDeposit(date(2025, 10, 1), date(2025, 11, 30), Dec("470.25"), "paid", date(2025, 12, 15)),
            sr.ReconDeposit(date(2025, 12, 1), date(2025, 12, 31), Dec("240.00"), "due", None))
    quarters = {1: (Dec("10000"), Dec("600.00")), 2: (Dec("11000"), Dec("700.00")),
                3: (Dec("10500"), Dec("650.00")), 4: (Dec("11200"), Dec("710.25"))}
    c = sr.build_state_recon(sr.StateReconInput(2025, "CA", "CA-WH-1", 3, quarters, deps))
    assert c["w2"] == {"count": 3, "box16": "42700.00", "box17": "2660.25"}
    assert c["deposits"]["total"] == "2660.25" and c["deposits"]["unpaid"] == "240.00"
    assert c["quarters"]["4"] == {"wages": "11200.00", "withheld": "710.25", "deposited": "710.25",
                                  "difference": "0.00"}
    assert c["balanced"] is True
    short = sr.build_state_recon(sr.StateReconInput(2025, "CA", "", 3, quarters, deps[:4]))
    assert (short["balanced"], short["difference"], short["quarters"]["4"]["difference"]) == (False, "240.00",
                                                                                              "240.00")
    csv_lines = sr.state_recon_csv(c).decode().splitlines()
    assert csv_lines[0] == "state,tax_year,period,wages,withheld,deposited,difference"
    assert csv_lines[-1] == "CA,2025,year,42700.00,2660.25,2660.25,0.00"


def test_hires_first_engagement_and_rehire_after_60_days_but_not_a_second_placement():
    """Worker 1: first engagement Feb 10, 2025 → hire; a second client from May 1 while still employed → none.
    Worker 2: employed to Jan 15, 2025, back Mar 20: 16 + 28 + 20 = 64 days > 60 → rehire.
    Worker 3: employed to Mar 1, 2025, back Apr 15: 30 + 15 = 45 days → no new report.
    Worker 4: started Dec 1, 2024 → hired before the year."""
    engs = [(1, "CA", date(2025, 2, 10), None), (1, "TX", date(2025, 5, 1), None),
            (2, "CA", date(2024, 1, 1), date(2025, 1, 15)), (2, "CA", date(2025, 3, 20), None),
            (3, "TX", date(2024, 6, 1), date(2025, 3, 1)), (3, "TX", date(2025, 4, 15), None),
            (4, "CA", date(2024, 12, 1), None)]
    got = sorted(sr.hires_from_engagements(engs, date(2025, 1, 1), date(2025, 12, 31)))
    assert got == [(1, "CA", date(2025, 2, 10), False), (2, "CA", date(2025, 3, 20), True)]


def test_new_hire_due_twenty_days_after_hire_or_the_states_own_period():
    """Hired Feb 10, 2025 in CA (20 days) → due Mar 2; in AL (7 days) → Feb 17; NV: not in the data, the federal
    default 20 days, reported as defaulted."""
    h = sr.Hire(1, "Zed", "Q", "Adams", "0001", "1 Main St", "Reno", "NV", "89501", date(2025, 2, 10))
    er = {"name": "Tandem", "address": "500 Market St", "city": "Denver", "state": "CO", "zip": "80202"}
    ca = sr.build_new_hire(sr.NewHireInput(2025, 1, "CA", er, (h,)))
    assert (ca["hires"][0]["due_date"], ca["days"], ca["days_defaulted"]) == ("2025-03-02", 20, False)
    al = sr.build_new_hire(sr.NewHireInput(2025, 1, "AL", er, (h,)))
    assert al["hires"][0]["due_date"] == "2025-02-17"
    nv = sr.build_new_hire(sr.NewHireInput(2025, 1, "NV", er, (h,)))
    assert nv["days_defaulted"] is True and sr.new_hire_due(nv["hires"]) == date(2025, 3, 2)
    text = sr.new_hire_csv(nv, "841234567", lambda wid: "521440001").decode().splitlines()
    assert text[0].split(",")[:7] == ["employer_fein", "employer_name", "employer_address", "employer_city",
                                      "employer_state", "employer_zip", "employee_ssn"]
    assert text[1] == ("841234567,Tandem,500 Market St,Denver,CO,80202,521440001,Zed,Q,Adams,1 Main St,Reno,NV,"
                       "89501,2025-02-10,N,NV")
