"""The SSA EFW2 file checked field by field against SSA Publication No. 42-007, "Specifications for Filing Forms
W-2 Electronically (EFW2)", tax year 2025 (record layouts unchanged since the 2023 edition), its record
specifications: Code RA Submitter Record, Code RE Employer Record, Code RW Employee Wage Record, Code RT Total
Record, Code RF Final Record (the page numbers could not be checked: the PDF itself was not reachable; the
positions agree with the RA/RW/RT/RF transcriptions in /work/shared/reference/us-payroll-facts.md §5.4).
Positions below are typed from those layouts (1-based, inclusive), not read from the writer's tables. No EFW2
validator could be used: none is on PyPI, and SSA's AccuWage is Windows-only / online in BSO."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from backoffice.errors import DomainError, ValidationFailed
from compliance.engine import efw2
from compliance.engine.w2 import build_w2

from .test_w2_engine import year_input

SUB = efw2.Submitter(ein="84-1234567", user_id="AB12CD34", name="Tandem Staffing Partners LLC",
                     address="500 Market St", city="Denver", state="CO", zip="80202-1234",
                     contact_name="Jo Filer", contact_phone="(303) 555-0100", contact_email="filings@tandem.example")
SSNS = {11: "521-44-3307", 12: "521443308", 13: ""}


def f(rec: str, first: int, last: int) -> str:
    """The field at the publication's positions first–last (1-based, inclusive)."""
    return rec[first - 1:last]


@pytest.fixture
def records():
    data = efw2.write_efw2(build_w2(year_input()), SUB, lambda wid: SSNS[wid])
    assert data.endswith(b"\r\n")
    recs = data.decode("ascii").split("\r\n")[:-1]
    assert all(len(r) == 512 for r in recs)                 # every record 512 bytes, each followed by CR LF
    assert len(data) == len(recs) * 514
    return recs


def test_record_order_and_count(records):
    """One RA, one RE, an RW per W-2 (3), the RT closing the RE, the RF last (the publication's file structure)."""
    assert [r[:2] for r in records] == ["RA", "RE", "RW", "RW", "RW", "RT", "RF"]


def test_ra_submitter_record(records):
    ra = records[0]
    assert f(ra, 3, 11) == "841234567"                      # submitter's EIN, numeric only
    assert f(ra, 12, 19) == "AB12CD34"                      # BSO User ID
    assert f(ra, 20, 28) == " " * 9                         # vendor code (none) + blank
    assert f(ra, 29, 29) == "0"                             # resub indicator: not a resubmission
    assert f(ra, 30, 35) == " " * 6                         # resub WFID
    assert f(ra, 36, 37) == "98"                            # software code: in-house program
    assert f(ra, 38, 94) == "TANDEM STAFFING PARTNERS LLC".ljust(57)
    assert f(ra, 95, 116) == " " * 22                       # location address (suite, attention): none
    assert f(ra, 117, 138) == "500 MARKET ST".ljust(22)     # delivery address
    assert f(ra, 139, 160) == "DENVER".ljust(22)
    assert f(ra, 161, 162) == "CO" and f(ra, 163, 167) == "80202" and f(ra, 168, 171) == "1234"
    assert f(ra, 172, 216) == " " * 45                      # blank + foreign address fields
    assert f(ra, 217, 273) == "TANDEM STAFFING PARTNERS LLC".ljust(57)   # submitter name
    assert f(ra, 296, 317) == "500 MARKET ST".ljust(22) and f(ra, 318, 339) == "DENVER".ljust(22)
    assert f(ra, 340, 341) == "CO" and f(ra, 342, 346) == "80202" and f(ra, 347, 350) == "1234"
    assert f(ra, 396, 422) == "JO FILER".ljust(27)          # contact name
    assert f(ra, 423, 437) == "3035550100".ljust(15)        # contact phone, digits
    assert f(ra, 438, 445) == " " * 8                       # extension, blank
    assert f(ra, 446, 485) == "filings@tandem.example".ljust(40)   # contact e-mail (required)
    assert f(ra, 486, 499) == " " * 14                      # blank, fax, blank
    assert f(ra, 500, 500) == "L"                           # preparer code: self-prepared
    assert f(ra, 501, 512) == " " * 12


def test_re_employer_record(records):
    re_ = records[1]
    assert f(re_, 3, 6) == "2025"                           # tax year
    assert f(re_, 7, 7) == " "                              # agent indicator: none
    assert f(re_, 8, 16) == "841234567"                     # employer EIN
    assert f(re_, 17, 25) == " " * 9                        # agent for EIN
    assert f(re_, 26, 26) == "0"                            # terminating business: no
    assert f(re_, 27, 39) == " " * 13                       # establishment number, other EIN
    assert f(re_, 40, 96) == "TANDEM STAFFING PARTNERS LLC".ljust(57)
    assert f(re_, 119, 140) == "500 MARKET ST".ljust(22) and f(re_, 141, 162) == "DENVER".ljust(22)
    assert f(re_, 163, 164) == "CO" and f(re_, 165, 169) == "80202" and f(re_, 170, 173) == "1234"
    assert f(re_, 174, 174) == "N"                          # kind of employer: none apply
    assert f(re_, 219, 219) == "R"                          # employment code: regular (941)
    assert f(re_, 220, 220) == " "                          # tax jurisdiction: blank for the US
    assert f(re_, 221, 221) == "0"                          # third-party sick pay indicator
    assert f(re_, 222, 248) == "JO FILER".ljust(27) and f(re_, 249, 263) == "3035550100".ljust(15)
    assert f(re_, 279, 318) == "filings@tandem.example".ljust(40)
    assert f(re_, 319, 512) == " " * 194


def test_rw_employee_wage_records(records):
    """Ana (worker 11): box 1 8,800.00 → 00000880000 in 188–198; the other figures as in test_w2_engine."""
    ana, ben, cara = records[2:5]
    assert f(ana, 3, 11) == "521443307"                     # full SSN, digits only
    assert f(ana, 12, 26) == "ANA".ljust(15) and f(ana, 27, 41) == " " * 15 and f(ana, 42, 61) == "RUIZ".ljust(20)
    assert f(ana, 62, 65) == " " * 4                        # suffix
    assert f(ana, 88, 109) == "12 OCEAN AVE".ljust(22) and f(ana, 110, 131) == "SAN DIEGO".ljust(22)
    assert f(ana, 132, 133) == "CA" and f(ana, 134, 138) == "92101" and f(ana, 139, 142) == " " * 4
    assert f(ana, 188, 198) == "00000880000"                # box 1
    assert f(ana, 199, 209) == "00000100000"                # box 2
    assert f(ana, 210, 220) == "00000940000"                # box 3
    assert f(ana, 221, 231) == "00000058280"                # box 4
    assert f(ana, 232, 242) == "00000940000"                # box 5
    assert f(ana, 243, 253) == "00000013630"                # box 6
    assert f(ana, 254, 264) == "0" * 11                     # box 7 social security tips
    assert f(ana, 265, 275) == " " * 11                     # blank (was advance EIC)
    assert f(ana, 276, 286) == "0" * 11                     # box 10
    assert f(ana, 287, 297) == "00000060000"                # code D
    assert f(ana, 298, 341) == "0" * 44                     # codes E, F, G, H
    assert f(ana, 342, 352) == " " * 11                     # blank
    assert f(ana, 364, 374) == "00000030000"                # code W
    assert f(ana, 441, 451) == "00000030000"                # code AA
    assert f(ana, 463, 473) == "00000120000"                # code DD
    assert f(ana, 486, 486) == "0" and f(ana, 488, 488) == "1" and f(ana, 489, 489) == "0"
    assert f(ana, 490, 512) == " " * 23

    assert f(ben, 3, 11) == "521443308" and f(ben, 27, 41) == "T".ljust(15)
    assert f(ben, 210, 220) == "00017610000"                # box 3 at the wage base 176,100.00
    assert f(ben, 221, 231) == "00001091820"                # box 4 10,918.20
    assert f(ben, 243, 253) == "00000313500"                # box 6 3,135.00
    assert f(ben, 488, 488) == "0"                          # no retirement plan

    assert f(cara, 3, 11) == "000000000"                    # no SSN on file: zeros
    assert f(cara, 276, 286) == "00000008000"               # box 10 dependent care 80.00


def test_rt_totals_are_the_sum_of_the_rw_records(records):
    rws, rt = records[2:5], records[5]
    assert f(rt, 3, 9) == "0000003"
    pairs = [((188, 198), (10, 24)), ((199, 209), (25, 39)), ((210, 220), (40, 54)), ((221, 231), (55, 69)),
             ((232, 242), (70, 84)), ((243, 253), (85, 99)), ((254, 264), (100, 114)), ((276, 286), (130, 144)),
             ((287, 297), (145, 159)), ((364, 374), (250, 264)), ((441, 451), (355, 369)), ((463, 473), (385, 399))]
    for (a, b), (c, d) in pairs:
        assert int(f(rt, c, d)) == sum(int(f(r, a, b)) for r in rws), (c, d)
        assert len(f(rt, c, d)) == 15
    assert f(rt, 10, 24) == "000000022072000"               # 220,720.00
    assert f(rt, 55, 69) == "000000001162004"               # 11,620.04
    assert f(rt, 115, 129) == " " * 15 and f(rt, 415, 512) == " " * 98


def test_rf_final_record(records):
    rf = records[-1]
    assert f(rf, 3, 7) == " " * 5 and f(rf, 8, 16) == "000000003" and f(rf, 17, 512) == " " * 496


def test_layout_tables_cover_512_positions_without_gaps():
    for layout in (efw2.RA, efw2.RE, efw2.RW, efw2.RT, efw2.RF):
        pos = 1
        for first, last, _ in layout:
            assert first == pos and last >= first
            pos = last + 1
        assert pos == 513


def test_refusals():
    w2 = build_w2(year_input())
    with pytest.raises(ValidationFailed) as e:
        efw2.write_efw2(w2, efw2.Submitter(**{**SUB.__dict__, "user_id": ""}), lambda wid: "")
    assert e.value.as_dict()["issues"][0]["field"] == "BACKOFFICE_SSA_BSO_USER_ID"
    with pytest.raises(ValidationFailed):
        efw2.write_efw2(w2, efw2.Submitter(**{**SUB.__dict__, "contact_email": ""}), lambda wid: "")
    bad = {**w2, "employees": [{**w2["employees"][0], "box1": "-5.00"}]}
    with pytest.raises(DomainError, match="negative"):
        efw2.write_efw2(bad, SUB, lambda wid: "")
    tt = {**w2, "tax_year": 2026, "employees": [{**w2["employees"][0], "box12": [{"code": "TT", "amount": "1.00"}]}]}
    with pytest.raises(DomainError, match="TT"):
        efw2.write_efw2(tt, SUB, lambda wid: "")
    assert efw2.text("José Ñúñez-O'Neil", 10) == "JOSE NUNEZ"
    assert efw2.money(D("12.3"), 11, "x") == "00000001230"
