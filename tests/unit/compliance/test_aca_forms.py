"""Forms 1095-C and 1094-C from hand-set monthly ACA records (Instructions for Forms 1094-C and 1095-C (2025),
https://www.irs.gov/instructions/i109495c: "Line 14"–"Line 16", Form 1094-C "Part III")."""
from __future__ import annotations

from decimal import Decimal

from compliance.engine import aca
from compliance.engine.aca import AcaEmployee, AcaMonthRow


def _emp(wid: int, name: str, months: list[AcaMonthRow]) -> AcaEmployee:
    return AcaEmployee(wid, name, f"{wid:04d}", "1 Main St", "Austin", "TX", "78701", tuple(months))


def _same(status, l14, share, l16, months=range(1, 13)):
    return [AcaMonthRow(m, status, l14, Decimal(share) if share is not None else None, l16) for m in months]


def test_a_year_of_the_same_codes_is_entered_once_in_all_12_months():
    """Full time all year, offered employee + spouse + children (1E) at $85.00 a month, enrolled (2C): line 14
    "1E", line 15 "85.00", line 16 "2C", each in the All 12 Months box."""
    e = aca.employee_1095c(_emp(1, "Ann Able", _same("full_time", "1E", "85.00", "2C")))
    assert (e["line14"], e["line15"], e["line16"]) == ({"all": "1E"}, {"all": "85.00"}, {"all": "2C"})
    assert e["tin_last4"] == "0001" and e["covered_individuals"] == []


def test_a_hire_in_april_reads_month_by_month():
    """Hired in April: January–March have no ACA record (not employed: 1H, 2A); April–June the limited
    non-assessment period without an offer (1H, 2D); July–December offered 1E at $120.50 and enrolled (2C).
    Line 15 only where line 14 is 1E (July–December), blank before."""
    months = _same("full_time", "1H", None, "2D", range(4, 7)) + _same("full_time", "1E", "120.50", "2C",
                                                                        range(7, 13))
    e = aca.employee_1095c(_emp(2, "Bo Best", months))
    assert e["line14"] == {"01": "1H", "02": "1H", "03": "1H", "04": "1H", "05": "1H", "06": "1H",
                           "07": "1E", "08": "1E", "09": "1E", "10": "1E", "11": "1E", "12": "1E"}
    assert e["line15"] == {**{f"{m:02d}": "" for m in range(1, 7)}, **{f"{m:02d}": "120.50" for m in range(7, 13)}}
    assert e["line16"] == {"01": "2A", "02": "2A", "03": "2A", "04": "2D", "05": "2D", "06": "2D",
                           "07": "2C", "08": "2C", "09": "2C", "10": "2C", "11": "2C", "12": "2C"}


def test_line_15_is_blank_with_1a_and_1h_but_zero_is_a_real_share():
    """1A (qualifying offer) and 1H take no line 15 even when a share is known; 1B at $0.00 enters "0.00"."""
    months = (_same("full_time", "1A", "50.00", "", range(1, 5)) + _same("full_time", "1H", "10.00", "2B",
                                                                          range(5, 9))
              + _same("full_time", "1B", "0.00", "2G", range(9, 13)))
    e = aca.employee_1095c(_emp(3, "Cy Cole", months))
    assert [e["line15"][f"{m:02d}"] for m in (1, 5, 9, 12)] == ["", "", "0.00", "0.00"]


def test_who_gets_a_1095c_full_time_any_month_or_enrolled_when_self_insured():
    """Never full time (not_full_time, 1H/2B all year): no 1095-C. Never full time but enrolled one month (2C in
    May): a 1095-C only when the coverage is self-insured. Full time one month (March): a 1095-C."""
    part_time = _emp(4, "Di Dow", _same("not_full_time", "1H", None, "2B"))
    enrolled = _emp(5, "Ed Eck", [AcaMonthRow(m, "not_full_time", "1E" if m == 5 else "1H",
                                              Decimal("90.00") if m == 5 else None, "2C" if m == 5 else "2B")
                                  for m in range(1, 13)])
    once = _emp(6, "Flo Fay", [AcaMonthRow(m, "full_time" if m == 3 else "not_full_time", "1H", None, "2B")
                               for m in range(1, 13)])
    insured = aca.build_1095c(aca.Aca1095Input(2025, (part_time, enrolled, once)))
    assert [e["worker_id"] for e in insured["employees"]] == [6] and insured["count"] == 1
    assert insured["part3_note"].startswith("Part III is left blank")
    self_ins = aca.build_1095c(aca.Aca1095Input(2025, (part_time, enrolled, once), self_insured=True))
    assert [e["worker_id"] for e in self_ins["employees"]] == [5, 6]


def test_offer_indicator_is_yes_at_95_percent_of_full_time_employees():
    """Column (a): 19 of 20 full-time employees offered = 95% → yes; 18 of 20 = 90% → no; 0 full time → yes."""
    assert aca.offer_indicator(20, 19) == "yes"
    assert aca.offer_indicator(20, 18) == "no"
    assert aca.offer_indicator(0, 0) == "yes"


def test_1094c_collapses_part_iii_only_when_every_month_agrees():
    """Same counts all year (10 full time, all offered; 14 employees): the All 12 Months row. March with 11
    employees in total: twelve month rows, March (c) = 11. Lines 18 and 20: the 1095-C count (10)."""
    member = {"name": "Tandem", "address": "500 Market St", "city": "Denver", "state": "CO", "zip": "80202",
              "contact_name": "Pat", "contact_phone": "303-555-0100"}
    same = aca.build_1094c(aca.Aca1094Input(2025, member, 10, {f"{m:02d}": (10, 14, 10) for m in range(1, 13)}))
    assert same["part3"] == {"all": {"offer_indicator": "yes", "full_time_count": 10, "total_count": 14,
                                     "aggregated_group": False, "transition_relief": ""}}
    assert (same["line18"], same["line19"], same["line20"], same["line21"]) == (10, True, 10, False)
    counts = {f"{m:02d}": (10, 14, 10) for m in range(1, 13)}
    counts["03"] = (10, 11, 9)                       # 9 of 10 offered = 90%: no
    months = aca.build_1094c(aca.Aca1094Input(2025, member, 10, counts))["part3"]
    assert "all" not in months and months["03"]["total_count"] == 11 and months["03"]["offer_indicator"] == "no"
    assert months["04"]["offer_indicator"] == "yes"


def test_due_dates_for_2025_forms_come_from_the_instructions_and_later_years_from_the_rule():
    """2025 forms (aca_due.json, the 2025 instructions): furnish Mon Mar 2, 2026; paper Feb 28, 2026 is a Saturday
    → Mar 2; electronic Tue Mar 31, 2026. 2027 forms by the rule: Jan 31, 2028 + 30 days = Wed Mar 1, 2028 (a
    leap year); paper Mon Feb 28, 2028; electronic Fri Mar 31, 2028."""
    assert aca.due_dates(2025) == {"furnish": "2026-03-02", "paper": "2026-03-02", "electronic": "2026-03-31"}
    assert aca.due_dates(2027) == {"furnish": "2028-03-01", "paper": "2028-02-28", "electronic": "2028-03-31"}


def test_a_correction_lists_only_the_employees_whose_form_changed():
    """Filed: Ann 1E/85.00/2C all year and Bo. Now Ann's share is 90.00 from July and Bo is unchanged: the
    corrected 1095-C carries Ann only (count 1), with the whole current content kept under "corrected"; equal
    content: None."""
    ann = _emp(1, "Ann Able", _same("full_time", "1E", "85.00", "2C"))
    bo = _emp(2, "Bo Best", _same("full_time", "1B", "20.00", "2H"))
    filed = aca.build_1095c(aca.Aca1095Input(2025, (ann, bo)))
    assert aca.correct_1095c(filed, filed) is None
    ann2 = _emp(1, "Ann Able", _same("full_time", "1E", "85.00", "2C", range(1, 7))
                + _same("full_time", "1E", "90.00", "2C", range(7, 13)))
    now = aca.build_1095c(aca.Aca1095Input(2025, (ann2, bo)))
    c = aca.correct_1095c(filed, now)
    assert [e["worker_id"] for e in c["employees"]] == [1] and c["count"] == 1 and c["corrected_form"] is True
    assert c["employees"][0]["line15"]["07"] == "90.00" and c["corrected"] == now and c["withdrawn"] == []
