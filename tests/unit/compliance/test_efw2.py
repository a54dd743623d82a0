"""The SSA EFW2 file checked field by field against the record layouts of SSA Publication No. 42-007,
"Specifications for Filing Forms W-2 Electronically (EFW2)" (tax year 2025 is the edition targeted; the PDF
itself was not reachable from here, so every position below comes from a transcription or an independent
implementation, named per record in the SPEC_* tables' comments and in each test's docstring).

Sources (see docs/filings-w2.md, "EFW2 layout: what was verified"):
- RA: NEOGOV wiki transcription, positions 1-498:
  https://ccare.neogov.com/knowledge/Wiki.jsp?page=W2_PROCESS_GOVERNMENT_MEDIA_REPORTING&skin=raw&version=41
  and https://ccare.neogov.com/Wiki/Wiki.jsp?page=W2_EFW2_RECORD_RA&skin=raw (1-171).
- RE: https://ccare.neogov.com/Wiki/Wiki.jsp?page=W2_EFW2_RECORD_RE&skin=raw&version=5 (1-218) and
  https://ccare.neogov.com/Wiki/Wiki.jsp?page=W2_EFW2_RECORD_RT&skin=raw&version=9 (names RE position 219 the
  Employment Code) and https://ccare.neogov.com/Wiki/Diff.jsp?page=Tax+Reporting+-+AR&r1=31&r2=30 (220, 221;
  that older transcription has 222-512 blank: the employer contact fields 222-318 came later and are checked
  only against two independent open-source EFW2 writers, not against a transcription of the publication).
- RW: https://ccare.neogov.com/Wiki/Wiki.jsp?page=W2_EFW2_RECORD_RW&skin=raw (1-133) and, for code DD at
  463-473, https://ccare.neogov.com/Wiki/Wiki.jsp?page=Tax+Reporting+-+AZ&version=18 ("What's New for Tax Year
  2011"); 134-512 otherwise agree with two independent open-source EFW2 writers.
- RT: https://ccare.neogov.com/Wiki/Wiki.jsp?page=W2_EFW2_RECORD_RT&skin=reader&version=2 (1-189) and, for
  code DD at 295-309, the AZ page above; 190-512 otherwise agree with the same two open-source writers.
- RF: two open-source writers and /work/shared/reference/us-payroll-facts.md §5.4 (which cites
  https://ccare.neogov.com/Wiki/Wiki.jsp?page=W2_EFW2_RECORD_RF; that page was not found in the corpus here).

The SPEC_* tables are typed from those sources, not read from the writer's tables; the tests compare both and
then read the written records at the spec's positions. No EFW2 validator could be used: none is on PyPI, and
SSA's AccuWage is Windows-only / online in BSO."""
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

# (first, last, field) as the sources give them; the writer's names in the right-hand column.
# RA — NEOGOV W2_PROCESS_GOVERNMENT_MEDIA_REPORTING v41 for 1-498; 499-512 from two open-source writers.
SPEC_RA = [(1, 2, "id"), (3, 11, "ein"), (12, 19, "user_id"), (20, 23, "vendor_code"), (24, 28, "blank1"),
           (29, 29, "resub"), (30, 35, "resub_wfid"), (36, 37, "software_code"), (38, 94, "company_name"),
           (95, 116, "company_location"), (117, 138, "company_delivery"), (139, 160, "company_city"),
           (161, 162, "company_state"), (163, 167, "company_zip"), (168, 171, "company_zip4"),
           (172, 176, "blank2"), (177, 199, "company_foreign_state"), (200, 214, "company_foreign_postal"),
           (215, 216, "company_country"), (217, 273, "submitter_name"), (274, 295, "submitter_location"),
           (296, 317, "submitter_delivery"), (318, 339, "submitter_city"), (340, 341, "submitter_state"),
           (342, 346, "submitter_zip"), (347, 350, "submitter_zip4"), (351, 355, "blank3"),
           (356, 378, "submitter_foreign_state"), (379, 393, "submitter_foreign_postal"),
           (394, 395, "submitter_country"), (396, 422, "contact_name"), (423, 437, "contact_phone"),
           (438, 442, "contact_ext"), (443, 445, "blank4"), (446, 485, "contact_email"), (486, 488, "blank5"),
           (489, 498, "contact_fax"), (499, 499, "blank6"), (500, 500, "preparer_code"), (501, 512, "blank7")]
# RE — NEOGOV W2_EFW2_RECORD_RE v5 for 1-218, RT v9 for 219, the AR diff page for 220-221; 222-512 from two
# open-source writers.
SPEC_RE = [(1, 2, "id"), (3, 6, "tax_year"), (7, 7, "agent_indicator"), (8, 16, "ein"), (17, 25, "agent_for_ein"),
           (26, 26, "terminating"), (27, 30, "establishment"), (31, 39, "other_ein"), (40, 96, "name"),
           (97, 118, "location"), (119, 140, "delivery"), (141, 162, "city"), (163, 164, "state"),
           (165, 169, "zip"), (170, 173, "zip4"), (174, 174, "kind_of_employer"), (175, 178, "blank1"),
           (179, 201, "foreign_state"), (202, 216, "foreign_postal"), (217, 218, "country"),
           (219, 219, "employment_code"), (220, 220, "tax_jurisdiction"), (221, 221, "third_party_sick_pay"),
           (222, 248, "contact_name"), (249, 263, "contact_phone"), (264, 268, "contact_ext"),
           (269, 278, "contact_fax"), (279, 318, "contact_email"), (319, 512, "blank2")]
# RW — NEOGOV W2_EFW2_RECORD_RW for 1-133, the AZ page for 463-473 (DD); the rest from two open-source writers.
SPEC_RW = [(1, 2, "id"), (3, 11, "ssn"), (12, 26, "first_name"), (27, 41, "middle_name"), (42, 61, "last_name"),
           (62, 65, "suffix"), (66, 87, "location"), (88, 109, "delivery"), (110, 131, "city"),
           (132, 133, "state"), (134, 138, "zip"), (139, 142, "zip4"), (143, 147, "blank1"),
           (148, 170, "foreign_state"), (171, 185, "foreign_postal"), (186, 187, "country"),
           (188, 198, "box1"),        # wages, tips and other compensation
           (199, 209, "box2"),        # federal income tax withheld
           (210, 220, "box3"),        # social security wages
           (221, 231, "box4"),        # social security tax withheld
           (232, 242, "box5"),        # Medicare wages and tips
           (243, 253, "box6"),        # Medicare tax withheld
           (254, 264, "box7"),        # social security tips
           (265, 275, "blank2"),      # formerly advance EIC
           (276, 286, "box10"),       # dependent care benefits
           (287, 297, "code_D"), (298, 308, "code_E"), (309, 319, "code_F"), (320, 330, "code_G"),
           (331, 341, "code_H"), (342, 352, "blank3"),
           (353, 363, "nq457"),       # nonqualified plan section 457 distributions or contributions
           (364, 374, "code_W"),      # employer contributions to a health savings account
           (375, 385, "nq_not457"),   # nonqualified plan not section 457
           (386, 396, "code_Q"), (397, 407, "blank4"), (408, 418, "code_C"), (419, 429, "code_V"),
           (430, 440, "code_Y"), (441, 451, "code_AA"), (452, 462, "code_BB"), (463, 473, "code_DD"),
           (474, 484, "code_FF"), (485, 485, "blank5"), (486, 486, "statutory"), (487, 487, "blank6"),
           (488, 488, "retirement"), (489, 489, "sick_pay"), (490, 512, "blank7")]
# RT — NEOGOV W2_EFW2_RECORD_RT v2 for 1-189, the AZ page for 295-309 (DD); the rest from two open-source writers.
SPEC_RT = [(1, 2, "id"), (3, 9, "count"), (10, 24, "box1"), (25, 39, "box2"), (40, 54, "box3"), (55, 69, "box4"),
           (70, 84, "box5"), (85, 99, "box6"), (100, 114, "box7"), (115, 129, "blank1"), (130, 144, "box10"),
           (145, 159, "code_D"), (160, 174, "code_E"), (175, 189, "code_F"), (190, 204, "code_G"),
           (205, 219, "code_H"), (220, 234, "blank2"), (235, 249, "nq457"), (250, 264, "code_W"),
           (265, 279, "nq_not457"), (280, 294, "code_Q"),
           (295, 309, "code_DD"),     # cost of employer-sponsored health coverage (DD sits here, not after BB)
           (310, 324, "code_C"), (325, 339, "third_party_fit"), (340, 354, "code_V"), (355, 369, "code_Y"),
           (370, 384, "code_AA"), (385, 399, "code_BB"), (400, 414, "code_FF"), (415, 512, "blank3")]
# RF — two open-source writers; us-payroll-facts.md §5.4.
SPEC_RF = [(1, 2, "id"), (3, 7, "blank1"), (8, 16, "count"), (17, 512, "blank2")]


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
    """RA: https://ccare.neogov.com/knowledge/Wiki.jsp?page=W2_PROCESS_GOVERNMENT_MEDIA_REPORTING&skin=raw&version=41
    (positions 1-498); 499-512 as two open-source EFW2 writers lay them out."""
    ra = records[0]
    assert f(ra, 1, 2) == "RA"
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
    assert f(ra, 274, 295) == " " * 22                      # submitter location address
    assert f(ra, 296, 317) == "500 MARKET ST".ljust(22) and f(ra, 318, 339) == "DENVER".ljust(22)
    assert f(ra, 340, 341) == "CO" and f(ra, 342, 346) == "80202" and f(ra, 347, 350) == "1234"
    assert f(ra, 351, 395) == " " * 45                      # blank + submitter foreign address fields
    assert f(ra, 396, 422) == "JO FILER".ljust(27)          # contact name
    assert f(ra, 423, 437) == "3035550100".ljust(15)        # contact phone, digits
    assert f(ra, 438, 445) == " " * 8                       # extension, blank
    assert f(ra, 446, 485) == "filings@tandem.example".ljust(40)   # contact e-mail (required)
    assert f(ra, 486, 499) == " " * 14                      # blank, fax, blank
    assert f(ra, 500, 500) == "L"                           # preparer code: self-prepared
    assert f(ra, 501, 512) == " " * 12


def test_re_employer_record(records):
    """RE: https://ccare.neogov.com/Wiki/Wiki.jsp?page=W2_EFW2_RECORD_RE&skin=raw&version=5 (1-218),
    https://ccare.neogov.com/Wiki/Wiki.jsp?page=W2_EFW2_RECORD_RT&skin=raw&version=9 (219),
    https://ccare.neogov.com/Wiki/Diff.jsp?page=Tax+Reporting+-+AR&r1=31&r2=30 (220-221); the employer contact
    fields 222-318 and the blank 319-512 as two open-source EFW2 writers lay them out (not in any transcription
    of the publication found here)."""
    re_ = records[1]
    assert f(re_, 1, 2) == "RE"
    assert f(re_, 3, 6) == "2025"                           # tax year
    assert f(re_, 7, 7) == " "                              # agent indicator: none
    assert f(re_, 8, 16) == "841234567"                     # employer EIN
    assert f(re_, 17, 25) == " " * 9                        # agent for EIN
    assert f(re_, 26, 26) == "0"                            # terminating business: no
    assert f(re_, 27, 39) == " " * 13                       # establishment number, other EIN
    assert f(re_, 40, 96) == "TANDEM STAFFING PARTNERS LLC".ljust(57)
    assert f(re_, 97, 118) == " " * 22                      # location address
    assert f(re_, 119, 140) == "500 MARKET ST".ljust(22) and f(re_, 141, 162) == "DENVER".ljust(22)
    assert f(re_, 163, 164) == "CO" and f(re_, 165, 169) == "80202" and f(re_, 170, 173) == "1234"
    assert f(re_, 174, 174) == "N"                          # kind of employer: none apply
    assert f(re_, 175, 218) == " " * 44                     # blank, foreign state/province, postal code, country
    assert f(re_, 219, 219) == "R"                          # employment code: regular (941)
    assert f(re_, 220, 220) == " "                          # tax jurisdiction: blank for the US
    assert f(re_, 221, 221) == "0"                          # third-party sick pay indicator
    assert f(re_, 222, 248) == "JO FILER".ljust(27) and f(re_, 249, 263) == "3035550100".ljust(15)
    assert f(re_, 264, 278) == " " * 15                     # contact phone extension, contact fax
    assert f(re_, 279, 318) == "filings@tandem.example".ljust(40)
    assert f(re_, 319, 512) == " " * 194


def test_rw_employee_wage_records(records):
    """RW: https://ccare.neogov.com/Wiki/Wiki.jsp?page=W2_EFW2_RECORD_RW&skin=raw (1-133),
    https://ccare.neogov.com/Wiki/Wiki.jsp?page=Tax+Reporting+-+AZ&version=18 (DD at 463-473); 134-512 as two
    open-source EFW2 writers lay them out. Ana (worker 11): box 1 8,800.00 → 00000880000 in 188–198; the other
    figures as in test_w2_engine."""
    ana, ben, cara = records[2:5]
    assert f(ana, 1, 2) == "RW"
    assert f(ana, 3, 11) == "521443307"                     # full SSN, digits only
    assert f(ana, 12, 26) == "ANA".ljust(15) and f(ana, 27, 41) == " " * 15 and f(ana, 42, 61) == "RUIZ".ljust(20)
    assert f(ana, 62, 65) == " " * 4                        # suffix
    assert f(ana, 66, 87) == " " * 22                       # location address
    assert f(ana, 88, 109) == "12 OCEAN AVE".ljust(22) and f(ana, 110, 131) == "SAN DIEGO".ljust(22)
    assert f(ana, 132, 133) == "CA" and f(ana, 134, 138) == "92101" and f(ana, 139, 142) == " " * 4
    assert f(ana, 143, 187) == " " * 45                     # blank, foreign state/province, postal code, country
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
    assert f(ana, 353, 363) == "0" * 11                     # nonqualified plan section 457
    assert f(ana, 364, 374) == "00000030000"                # code W
    assert f(ana, 375, 385) == "0" * 11                     # nonqualified plan not section 457
    assert f(ana, 386, 396) == "0" * 11                     # code Q
    assert f(ana, 397, 407) == " " * 11                     # blank
    assert f(ana, 408, 440) == "0" * 33                     # codes C, V, Y
    assert f(ana, 441, 451) == "00000030000"                # code AA
    assert f(ana, 452, 462) == "0" * 11                     # code BB
    assert f(ana, 463, 473) == "00000120000"                # code DD
    assert f(ana, 474, 484) == "0" * 11                     # code FF
    assert f(ana, 485, 485) == " " and f(ana, 487, 487) == " "
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
    """RT (SPEC_RT's sources): each total at its position is the sum of the matching RW field. Before this check
    the writer had RT 295-414 one field off (C at 295, DD at 385): AA totals landed in Y's place, DD in BB's."""
    rws, rt = records[2:5], records[5]
    assert f(rt, 1, 2) == "RT" and f(rt, 3, 9) == "0000003"
    pairs = [((188, 198), (10, 24)), ((199, 209), (25, 39)), ((210, 220), (40, 54)), ((221, 231), (55, 69)),
             ((232, 242), (70, 84)), ((243, 253), (85, 99)), ((254, 264), (100, 114)), ((276, 286), (130, 144)),
             ((287, 297), (145, 159)), ((298, 308), (160, 174)), ((309, 319), (175, 189)),
             ((320, 330), (190, 204)), ((331, 341), (205, 219)), ((353, 363), (235, 249)),
             ((364, 374), (250, 264)), ((375, 385), (265, 279)), ((386, 396), (280, 294)),
             ((463, 473), (295, 309)), ((408, 418), (310, 324)), ((419, 429), (340, 354)),
             ((430, 440), (355, 369)), ((441, 451), (370, 384)), ((452, 462), (385, 399)),
             ((474, 484), (400, 414))]
    for (a, b), (c, d) in pairs:
        assert len(f(rt, c, d)) == 15
        assert int(f(rt, c, d)) == sum(int(f(r, a, b)) for r in rws), (c, d)
    assert f(rt, 10, 24) == "000000022072000"               # 220,720.00
    assert f(rt, 55, 69) == "000000001162004"               # 11,620.04
    assert int(f(rt, 295, 309)) > 0 and int(f(rt, 370, 384)) > 0   # DD and AA totals are where SSA reads them
    assert f(rt, 325, 339) == "0" * 15                      # income tax withheld by third-party sick-pay payer
    assert f(rt, 115, 129) == " " * 15 and f(rt, 220, 234) == " " * 15 and f(rt, 415, 512) == " " * 98


def test_rf_final_record(records):
    """RF: two open-source EFW2 writers and us-payroll-facts.md §5.4 (citing the NEOGOV W2_EFW2_RECORD_RF page)."""
    rf = records[-1]
    assert f(rf, 1, 2) == "RF"
    assert f(rf, 3, 7) == " " * 5 and f(rf, 8, 16) == "000000003" and f(rf, 17, 512) == " " * 496


def test_layout_tables_cover_512_positions_without_gaps():
    for layout in (efw2.RA, efw2.RE, efw2.RW, efw2.RT, efw2.RF):
        pos = 1
        for first, last, _ in layout:
            assert first == pos and last >= first
            pos = last + 1
        assert pos == 513


@pytest.mark.parametrize("layout,spec", [(efw2.RA, SPEC_RA), (efw2.RE, SPEC_RE), (efw2.RW, SPEC_RW),
                                         (efw2.RT, SPEC_RT), (efw2.RF, SPEC_RF)],
                         ids=["RA", "RE", "RW", "RT", "RF"])
def test_every_field_position_and_length_matches_the_published_layout(layout, spec):
    """Every field the writer defines, at the first–last positions (hence length) of the sources above."""
    assert [tuple(x) for x in layout] == spec


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
