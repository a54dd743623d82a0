"""NACHA PPD files: every field position checked on a hand-built example, and files read back by achkit."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import achkit
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice.errors import ValidationFailed
from payroll.payments.nacha import (AccountType, Entry, Originator, _entry_detail, _entry_issues, _entry_problems,
                                    _plain_cents, build_nacha_file, company_id_from_ein, trace_number)

ORIGINATOR = Originator(
    company_name="Tandem Staffing", immediate_destination="011401533", immediate_origin="1123456789",
    odfi_id="01140153", destination_name="First Platypus Bank", origin_name="Tandem Staffing LLC",
    ein="12-3456789", reference_code="RUN42", offset_routing="021000021", offset_account="99887766",
)
EMPLOYEE = Entry("Jane Doe", "W-1001", "322271627", "12345678", "checking", Decimal("1240.50"))
CONTRACTOR = Entry("Sam Contractor", "C-2002", "121000358", "55554444", "savings", Decimal("300.00"),
                   addenda="INV 17")
EFFECTIVE = date(2026, 11, 27)
CREATED = datetime(2026, 11, 25, 9, 30)


def a(text: str, width: int) -> str:
    """Alphanumeric field as the NACHA rules define it: left-justified, blank-filled."""
    assert len(text) <= width
    return text + " " * (width - len(text))


def build(entries=(EMPLOYEE, CONTRACTOR), **options) -> str:
    return build_nacha_file(ORIGINATOR, list(entries), effective_date=EFFECTIVE, created_at=CREATED, **options)


def test_unbalanced_file_matches_the_hand_built_records():
    """Expected records written field by field from the NACHA layout (positions in the comments).

    Entry hash = 32227162 + 12100035 = 44327197 (the RDFI 8-digit ids).
    Total credits = 1,240.50 + 300.00 = 1,540.50 -> 154050 cents. Entries + addenda = 2 + 1 = 3.
    Records = header, batch header, 2 entries, 1 addenda, batch control, file control = 7 -> 1 block,
    padded with 3 records of 94 nines.
    """
    expected = [
        # 1 | 01 | dest (4-13) | origin (14-23) | YYMMDD | HHMM | mod | 094 | 10 | 1 | names | reference
        "1" + "01" + " 011401533" + "1123456789" + "261125" + "0930" + "A" + "094" + "10" + "1"
        + a("FIRST PLATYPUS BANK", 23) + a("TANDEM STAFFING LLC", 23) + a("RUN42", 8),
        # 5 | 220 | company name (5-20) | discretionary (21-40) | company id (41-50) | PPD | description
        # (54-63) | descriptive date | effective date (70-75) | settlement (blank) | 1 | ODFI | batch number
        "5" + "220" + a("TANDEM STAFFING", 16) + a("", 20) + "1123456789" + "PPD" + a("PAYROLL", 10)
        + a("", 6) + "261127" + "   " + "1" + "01140153" + "0000001",
        # 6 | code | RDFI 8 | check digit | account (13-29) | amount (30-39) | id (40-54) | name (55-76)
        # | discretionary | addenda indicator | trace (80-94)
        "6" + "22" + "32227162" + "7" + a("12345678", 17) + "0000124050" + a("W-1001", 15)
        + a("JANE DOE", 22) + "  " + "0" + "011401530000001",
        "6" + "32" + "12100035" + "8" + a("55554444", 17) + "0000030000" + a("C-2002", 15)
        + a("SAM CONTRACTOR", 22) + "  " + "1" + "011401530000002",
        # 7 | 05 | payment information (4-83) | addenda sequence | entry detail sequence
        "7" + "05" + a("INV 17", 80) + "0001" + "0000002",
        # 8 | 220 | count | hash | debits | credits | company id | MAC | reserved | ODFI | batch number
        "8" + "220" + "000003" + "0044327197" + "000000000000" + "000000154050" + "1123456789"
        + a("", 19) + a("", 6) + "01140153" + "0000001",
        # 9 | batches | blocks | entries+addenda | hash | debits | credits | reserved
        "9" + "000001" + "000001" + "00000003" + "0044327197" + "000000000000" + "000000154050" + a("", 39),
        "9" * 94, "9" * 94, "9" * 94,
    ]
    assert build().split("\n") == expected + [""]


def test_balanced_file_adds_the_offsetting_debit_and_uses_service_class_200():
    """Offset: code 27 (checking debit) to 021000021 / 99887766 for the 1,540.50 total, trace sequence 3.

    Entry hash = 32227162 + 12100035 + 02100002 = 46427199; 2 credits + 1 offset + 1 addenda = 4 records
    counted; debits = credits.
    """
    lines = build(balanced=True).split("\n")
    assert lines[1][1:4] == "200"
    assert lines[5] == ("6" + "27" + "02100002" + "1" + a("99887766", 17) + "0000154050" + a("1123456789", 15)
                        + a("TANDEM STAFFING", 22) + "  " + "0" + "011401530000003")
    assert lines[6] == ("8" + "200" + "000004" + "0046427199" + "000000154050" + "000000154050" + "1123456789"
                        + a("", 19) + a("", 6) + "01140153" + "0000001")
    assert lines[7][:55] == "9" + "000001" + "000001" + "00000004" + "0046427199" + "000000154050" + "000000154050"


# (record index, first position, last position, expected) — positions 1-based as in the NACHA tables.
FIELD_POSITIONS = [
    (0, 1, 1, "1"), (0, 2, 3, "01"), (0, 4, 13, " 011401533"), (0, 14, 23, "1123456789"),
    (0, 24, 29, "261125"), (0, 30, 33, "0930"), (0, 34, 34, "A"), (0, 35, 37, "094"), (0, 38, 39, "10"),
    (0, 40, 40, "1"), (0, 41, 63, a("FIRST PLATYPUS BANK", 23)), (0, 64, 86, a("TANDEM STAFFING LLC", 23)),
    (0, 87, 94, a("RUN42", 8)),
    (1, 1, 1, "5"), (1, 2, 4, "220"), (1, 5, 20, a("TANDEM STAFFING", 16)), (1, 41, 50, "1123456789"),
    (1, 51, 53, "PPD"), (1, 54, 63, a("PAYROLL", 10)), (1, 70, 75, "261127"), (1, 76, 78, "   "),
    (1, 79, 79, "1"), (1, 80, 87, "01140153"), (1, 88, 94, "0000001"),
    (2, 1, 1, "6"), (2, 2, 3, "22"), (2, 4, 11, "32227162"), (2, 12, 12, "7"), (2, 13, 29, a("12345678", 17)),
    (2, 30, 39, "0000124050"), (2, 40, 54, a("W-1001", 15)), (2, 55, 76, a("JANE DOE", 22)),
    (2, 79, 79, "0"), (2, 80, 94, "011401530000001"),
    (3, 2, 3, "32"), (3, 79, 79, "1"), (3, 80, 94, "011401530000002"),
    (4, 1, 3, "705"), (4, 4, 83, a("INV 17", 80)), (4, 84, 87, "0001"), (4, 88, 94, "0000002"),
    (5, 1, 4, "8220"), (5, 5, 10, "000003"), (5, 11, 20, "0044327197"), (5, 21, 32, "000000000000"),
    (5, 33, 44, "000000154050"), (5, 45, 54, "1123456789"), (5, 80, 87, "01140153"), (5, 88, 94, "0000001"),
    (6, 1, 1, "9"), (6, 2, 7, "000001"), (6, 8, 13, "000001"), (6, 14, 21, "00000003"),
    (6, 22, 31, "0044327197"), (6, 32, 43, "000000000000"), (6, 44, 55, "000000154050"),
]


@pytest.mark.parametrize("record, first, last, expected", FIELD_POSITIONS)
def test_each_field_sits_at_its_nacha_position(record, first, last, expected):
    lines = build().split("\n")
    assert lines[record][first - 1:last] == expected


def test_achkit_reads_the_file_back_and_finds_every_total_reconciled():
    for balanced in (False, True):
        text = build(balanced=balanced)
        assert achkit.validate(text) == {"ok": True, "errors": []}
        parsed = achkit.parse(text)
        (batch,) = parsed["batches"]
        assert batch["sec"] == "PPD" and batch["description"] == "PAYROLL"
        assert batch["company_id"] == "1123456789" and batch["effective_date"] == "261127"
        credits = [e for e in batch["entries"] if e["txn_code"] in (22, 32)]
        assert [(e["routing"], e["amount_cents"], e["name"]) for e in credits] == [
            ("322271627", 124050, "JANE DOE"), ("121000358", 30000, "SAM CONTRACTOR")]
        assert credits[1]["addenda"][0]["info"] == "INV 17"
        assert batch["control"]["total_credit"] == 154050
        assert batch["control"]["total_debit"] == (154050 if balanced else 0)


def test_achkit_validator_does_fail_on_a_tampered_total():
    """The independent check can fail: change the file control's credit total and it reports it."""
    lines = build().split("\n")
    lines[6] = lines[6][:43] + "000000154051" + lines[6][55:]
    result = achkit.validate("\n".join(lines))
    assert not result["ok"]
    assert [e["code"] for e in result["errors"]] == ["BAD_FILE_CREDIT"]


def test_entry_hash_keeps_the_rightmost_ten_digits():
    """400 entries to 322271627: 400 x 32227162 = 12,890,864,800 -> 11 digits -> "2890864800"."""
    entries = [Entry(f"Worker {i}", f"W{i}", "322271627", "12345678", "checking", Decimal("1.00"))
               for i in range(400)]
    lines = build(entries).split("\n")
    batch_control = next(line for line in lines if line.startswith("8"))
    assert batch_control[10:20] == "2890864800"
    assert achkit.validate(build(entries))["ok"]


def test_entries_to_one_bank_written_two_ways_each_add_its_eight_digits_to_the_hash():
    """The bank's first 8 digits are worked out once per routing number as given, and added once per entry: 3 entries
    to 322271627 (one of them written "3222-7162 7") and 2 to 121000358: 3 x 32227162 + 2 x 12100035 = 96,681,486
    + 24,200,070 = 120,881,556; each record carries the compacted number."""
    entries = [Entry(f"W {i}", f"W{i}", routing, "1234567", "checking", Decimal("10.00")) for i, routing in
               enumerate(("322271627", "121000358", "3222-7162 7", "322271627", "121000358"))]
    lines = build(entries).split("\n")
    assert next(line for line in lines if line.startswith("8"))[10:20] == "0120881556"
    assert [line[3:12] for line in lines if line.startswith("6")] == ["322271627", "121000358", "322271627",
                                                                       "322271627", "121000358"]
    assert achkit.validate(build(entries))["ok"]


@pytest.mark.parametrize("count, records, blocks", [
    # records = 4 fixed (file header, batch header, batch control, file control) + entries
    (1, 5, 1), (6, 10, 1), (7, 11, 2), (16, 20, 2), (17, 21, 3),
])
def test_block_count_and_nine_padding(count, records, blocks):
    entries = [Entry(f"W {i}", f"W{i}", "011401533", "1234567", "checking", Decimal("10.00"))
               for i in range(count)]
    lines = build(entries).split("\n")[:-1]
    assert len(lines) == blocks * 10
    assert lines[records - 1][7:13] == f"{blocks:06d}"
    assert lines[records:] == ["9" * 94] * (blocks * 10 - records)


def test_trace_numbers_ascend_in_entry_order():
    entries = [Entry(f"W {i}", f"W{i}", "011401533", "1234567", "checking", Decimal("10.00")) for i in range(12)]
    traces = [line[79:94] for line in build(entries).split("\n") if line.startswith("6")]
    assert traces == [f"01140153{n:07d}" for n in range(1, 13)]
    assert trace_number("01140153", 12) == "011401530000012"


def test_crlf_line_endings_on_request():
    text = build(line_ending="\r\n")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert {len(r) for r in text.split("\r\n")[:-1]} == {94}
    assert achkit.validate(text)["ok"]


def test_long_and_accented_names_are_truncated_and_transliterated_not_refused():
    entry = Entry("José María Fernández-Villaverde", "W-9", "011401533", "1234567", "checking", Decimal("5.00"))
    line = next(line for line in build([entry]).split("\n") if line.startswith("6"))
    # JOSE MARIA FERNANDEZ-VILLAVERDE cut to 22 characters
    assert line[54:76] == "JOSE MARIA FERNANDEZ-V"


def test_company_id_is_1_plus_ein_unless_given():
    assert company_id_from_ein("12-3456789") == "1123456789"
    given = Originator("Tandem", "011401533", "011401533", "011401533", "Bank", "Tandem", company_id="9876543210")
    line = build_nacha_file(given, [EMPLOYEE], effective_date=EFFECTIVE, created_at=CREATED).split("\n")
    assert line[0][13:23] == " 011401533"  # a 9-digit origin is written as blank + routing
    assert line[1][40:50] == "9876543210"
    assert line[1][79:87] == "01140153"  # a 9-digit ODFI routing number gives its first 8 digits


def _fields(excinfo) -> list[str]:
    return [issue.field for issue in excinfo.value.issues]


def test_bad_entries_are_refused_naming_every_bad_field():
    entries = [
        Entry("Good", "W-1", "011401533", "1234567", "checking", Decimal("10.00")),
        Entry("Bad check digit", "W-2", "011401534", "1234567", "checking", Decimal("10.00")),
        Entry("Zero", "W-3", "011401533", "1234567", "checking", Decimal("0.00")),
        Entry("Negative", "W-4", "011401533", "1234567", "savings", Decimal("-5.00")),
        Entry("Too big", "W-5", "011401533", "1234567", "checking", Decimal("100000000.00")),
        Entry("Sub-cent", "W-6", "011401533", "1234567", "checking", Decimal("1.005")),
        Entry("Wrong type", "W-7", "011401533", "12", "money market", Decimal("1.00")),
        Entry("", "W-8", "011401533", "1234567", "checking", 1.5),  # type: ignore[arg-type]
        Entry("王小明", "W-9", "011401533", "1234567", "checking", Decimal("1.00")),
    ]
    with pytest.raises(ValidationFailed) as excinfo:
        build(entries)
    assert _fields(excinfo) == [
        "entries[1].routing", "entries[2].amount", "entries[3].amount", "entries[4].amount",
        "entries[5].amount", "entries[6].account", "entries[6].account_type", "entries[7].name",
        "entries[7].amount", "entries[8].name",
    ]
    messages = {i.field: i.message for i in excinfo.value.issues}
    assert messages["entries[1].routing"].startswith("entry 2 (W-2): routing number check digit")
    assert "99,999,999.99" in messages["entries[4].amount"]


@pytest.mark.parametrize("entry, quick", [
    (Entry("Jane Doe", "W-1001", "322271627", "12345678", "checking", Decimal("1240.50")), 124050),
    (Entry("Max", "W-1", "011401533", "1234567", "savings", Decimal("99999999.99")), 9999999999),
    (Entry("Max", "W-1", "011401533", "1234567", "checking", Decimal("100000000.00")), None),   # over 10 digits
    (Entry("José Núñez", "W-1", "011401533", "1234567", "checking", Decimal("1.00")), None),   # accents dropped
    (Entry("   ", "W-1", "011401533", "1234567", "checking", Decimal("1.00")), None),          # no name
    (Entry("Tab\tName", "W-1", "011401533", "1234567", "checking", Decimal("1.00")), None),     # not printable
    (Entry("Jane", "W-1" * 6, "011401533", "1234567", "checking", Decimal("1.00")), None),     # 18 > 15
    (Entry("Jane", "W-1", "011401534", "1234567", "checking", Decimal("1.00")), None),         # check digit
    (Entry("Jane", "W-1", "0114-01533", "1234567", "checking", Decimal("1.00")), 100),         # compacted: valid
    (Entry("Jane", "W-1", "011401533", "1234-567", "checking", Decimal("1.00")), None),        # compacted
    (Entry("Jane", "W-1", "011401533", "１２３４５", "checking", Decimal("1.00")), None),       # not ASCII
    (Entry("Jane", "W-1", "011401533", "123", "checking", Decimal("1.00")), None),             # too short
    (Entry("Jane", "W-1", "011401533", "1" * 18, "checking", Decimal("1.00")), None),          # too long
    (Entry("Jane", "W-1", "011401533", "1234567", "Checking ", Decimal("1.00")), None),        # normalised
    (Entry("Jane", "W-1", "011401533", "1234567", AccountType.SAVINGS, Decimal("1.00")), None),
    (Entry("Jane", "W-1", "011401533", "1234567", "checking", Decimal("1.00"), addenda="INV 1"), None),
    (Entry("Jane", "W-1", "011401533", "1234567", "checking", Decimal("1.005")), None),        # sub-cent
    (Entry("Jane", "W-1", "011401533", "1234567", "checking", Decimal("0.00")), None),         # zero
    (Entry("Jane", "W-1", "011401533", "1234567", "checking", "12.50"), None),                 # not a Decimal
])
def test_the_quick_check_passes_only_entries_the_full_rules_find_nothing_wrong_with(entry, quick):
    """The common entry (plain ASCII name, id of at most 15, valid routing number, 4-17 ASCII letters and
    digits, "checking" or "savings", a Decimal of whole cents up to 99,999,999.99) skips the labelled checks; every
    other one goes through them. Where the quick check answers, the full rules find no issue and the same cents
    (1,240.50 → 124,050); the file is the same either way."""
    assert _plain_cents(entry) == quick
    issues, cents = _entry_problems(0, entry)
    if quick is not None:
        assert (issues, cents) == ([], quick)
    assert _entry_issues(0, entry) == ((issues, cents) if quick is None else ([], quick))


def test_the_largest_ten_digit_amount_is_accepted():
    entry = Entry("Max", "W-1", "011401533", "1234567", "checking", Decimal("99999999.99"))
    line = next(line for line in build([entry]).split("\n") if line.startswith("6"))
    assert line[29:39] == "9999999999"


def test_bad_originator_and_options_are_refused_together():
    bad = Originator("", "011401534", "12345", "0114", "Bank", "Co")
    with pytest.raises(ValidationFailed) as excinfo:
        build_nacha_file(bad, [], effective_date=date(2026, 11, 20), created_at=CREATED, file_id_modifier="ab",
                         company_entry_description="PAYROLL BONUS", balanced=True, line_ending="\r")
    assert _fields(excinfo) == [
        "originator.company_name", "originator.immediate_destination", "originator.immediate_origin",
        "originator.odfi_id", "originator.ein", "originator.offset_routing", "originator.offset_account",
        "effective_date", "file_id_modifier", "company_entry_description", "line_ending", "entries",
    ]


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
routings = st.sampled_from(["011401533", "021000021", "322271627", "121000358"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(amounts, routings, st.sampled_from(["checking", "savings"]), st.booleans()),
                min_size=1, max_size=30),
       st.booleans())
def test_any_valid_payroll_reconciles_under_achkit(rows, balanced):
    entries = [Entry(f"Worker {i}", f"W{i}", routing, "1234567", kind, amount, addenda="memo" if memo else None)
               for i, (amount, routing, kind, memo) in enumerate(rows)]
    text = build(entries, balanced=balanced)
    assert achkit.validate(text) == {"ok": True, "errors": []}
    lines = text.split("\n")[:-1]
    assert len(lines) % 10 == 0 and {len(line) for line in lines} == {94}
    total = sum(int(amount * 100) for amount, *_ in rows)
    assert achkit.parse(text)["control"]["total_credit"] == total


def test_a_plain_entrys_record_is_the_one_the_field_by_field_formatting_writes():
    """Entries the quick check passes are written with one format; each record is the same 94 characters the
    field-by-field formatting (`_entry_detail`) writes for it — upper-cased name, id and account letters, a name of
    more than 22 characters cut to 22, an id of exactly 15, a routing number written with a hyphen compacted, a
    savings account's code 32 — and entries it does not pass (an accented name) still come out as before."""
    entries = [
        Entry("jane o'doe-smith", "W-1001", "322271627", "12345678", "checking", Decimal("1240.50")),
        Entry("Bartholomew Maximilian Worthington", "PAYCHECK-123456", "0114-01533", "ab12cd34EF", "savings",
              Decimal("0.01")),
        Entry("José Núñez", "W-7", "121000358", "5555", "checking", Decimal("99999999.99")),
    ]
    assert [_plain_cents(e) is not None for e in entries] == [True, True, False]
    records = build(entries).splitlines()[2:5]
    codes = ["22", "32", "22"]
    for sequence, (entry, code, record) in enumerate(zip(entries, codes, records), start=1):
        routing = entry.routing.replace("-", "")
        assert record == _entry_detail(code, routing, entry.account, int(entry.amount * 100), entry.individual_id,
                                       entry.name, False, f"01140153{sequence:07d}")
        assert len(record) == 94
    assert records[1][12:29] == a("AB12CD34EF", 17) and records[1][54:76] == "BARTHOLOMEW MAXIMILIAN"
    assert records[2][54:76] == a("JOSE NUNEZ", 22)
