"""The FIRE file (IRS Publication 1220 for tax year 2025, Part C "Record Format Specifications and Record
Layouts") checked field by field: every record 750 bytes, the order T, A, B…, C, (K…), F, sequence numbers in
500–507 from 1, the C record's control totals equal to the B amounts, the counts in C, T and F.

Positions asserted here are read from the raw record by slicing (1-based, as printed in Pub 1220): T record
(Part C, "Transmitter 'T' Record"), A ("Payer 'A' Record"; Type of Return "NE" for 1099-NEC; amount codes 1
nonemployee compensation and 4 federal income tax withheld), B ("Payee 'B' Record" and its Form 1099-NEC
positions 544–750), C ("End of Payer 'C' Record"), K ("State Totals 'K' Record"), F ("End of Transmission 'F'
Record"). The same positions are in the moov-io/irs layout (pkg/config/specification.go), a reader written by
others from the publication. No Python validator for Pub 1220 files exists on PyPI (searched "1099", "1220",
"fire"), so the test reads the fixed positions itself rather than trusting the writer's own field table."""
from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.errors import DomainError, ValidationFailed
from compliance.engine import fire

T = fire.Transmitter(tin="84-1234567", tcc="5AB12", name="Tandem Staffing Partners LLC", address="500 Market St",
                     city="Denver", state="CO", zip="80202", contact_name="Robin Filer",
                     contact_phone="(303) 555-0100", contact_email="filings@tandem.example")
P = fire.Payer(tin="841234567", name="Tandem Staffing Partners LLC", address="500 Market St", city="Denver",
               state="CO", zip="80202", phone="303-555-0199")
ANA = fire.Payee(tin_type="SSN", tin="123450001", name="Ana María Over", address="1 Oak St", city="Austin",
                 state="TX", zip="78701", account="W1", amounts={"1": Decimal("1250.00"), "4": Decimal("0")})
COLE = fire.Payee(tin_type="EIN", tin="987654321", name="The Cole Design LLC", address="3 Elm Ave",
                  city="Boulder", state="CO", zip="80301-1234", account="W3",
                  amounts={"1": Decimal("500.00"), "4": Decimal("120.00")}, state_tax_withheld=Decimal("22.00"),
                  cfsf_state="CO", name_2="Cole Studio")


def pos(rec: str, start: int, end: int) -> str:
    return rec[start - 1:end]


def records(data: bytes) -> list[str]:
    assert len(data) % 750 == 0
    return [data[i:i + 750].decode("ascii") for i in range(0, len(data), 750)]


def test_every_record_is_750_bytes_in_order_t_a_b_b_c_f_with_sequence_numbers():
    recs = records(fire.write(2025, T, P, [ANA, COLE]))
    assert [r[0] for r in recs] == ["T", "A", "B", "B", "C", "F"]
    assert all(len(r) == 750 and r.endswith("\r\n") for r in recs)       # 749–750: CR/LF
    assert [pos(r, 500, 507) for r in recs] == [f"{i:08d}" for i in range(1, 7)]


def test_transmitter_record_fields():
    t = records(fire.write(2025, T, P, [ANA, COLE], test_file=True))[0]
    assert pos(t, 1, 1) == "T"
    assert pos(t, 2, 5) == "2025"                         # payment year
    assert pos(t, 6, 6) == " "                            # prior-year indicator: current year
    assert pos(t, 7, 15) == "841234567"                   # transmitter TIN, digits only
    assert pos(t, 16, 20) == "5AB12"                      # TCC
    assert pos(t, 21, 27) == " " * 7
    assert pos(t, 28, 28) == "T"                          # test file
    assert pos(t, 29, 29) == " "
    assert pos(t, 30, 69) == "TANDEM STAFFING PARTNERS LLC".ljust(40)
    assert pos(t, 110, 149) == "TANDEM STAFFING PARTNERS LLC".ljust(40)
    assert pos(t, 190, 229) == "500 MARKET ST".ljust(40)
    assert pos(t, 230, 269) == "DENVER".ljust(40)
    assert pos(t, 270, 271) == "CO"
    assert pos(t, 272, 280) == "80202    "
    assert pos(t, 281, 295) == " " * 15
    assert pos(t, 296, 303) == "00000002"                 # total number of payees (B records)
    assert pos(t, 304, 343) == "ROBIN FILER".ljust(40)
    assert pos(t, 344, 358) == "3035550100".ljust(15)
    assert pos(t, 359, 408) == "filings@tandem.example".ljust(50)     # e-mail keeps its case
    assert pos(t, 409, 499) == " " * 91
    assert pos(t, 518, 518) == "I"                        # in-house software: vendor block blank
    assert pos(t, 519, 748) == " " * 230
    production = records(fire.write(2025, T, P, [ANA]))[0]
    assert pos(production, 28, 28) == " "
    assert pos(records(fire.write(2024, T, P, [ANA], prior_year=True))[0], 6, 6) == "P"


def test_payer_record_fields():
    a = records(fire.write(2025, T, P, [ANA, COLE]))[1]
    assert pos(a, 1, 1) == "A" and pos(a, 2, 5) == "2025"
    assert pos(a, 6, 6) == " "                            # not in the Combined Federal/State program
    assert pos(a, 7, 11) == " " * 5
    assert pos(a, 12, 20) == "841234567"
    assert pos(a, 21, 24) == "    "                       # payer name control unknown: blank
    assert pos(a, 25, 25) == " "                          # last filing indicator
    assert pos(a, 26, 27) == "NE"                         # type of return: 1099-NEC
    assert pos(a, 28, 45) == "14".ljust(18)               # amount codes 1 and 4, left-justified
    assert pos(a, 46, 51) == " " * 6
    assert pos(a, 52, 52) == " "
    assert pos(a, 53, 92) == "TANDEM STAFFING PARTNERS LLC".ljust(40)
    assert pos(a, 93, 132) == " " * 40
    assert pos(a, 133, 133) == "0"                        # transfer agent indicator
    assert pos(a, 134, 173) == "500 MARKET ST".ljust(40)
    assert pos(a, 174, 213) == "DENVER".ljust(40)
    assert pos(a, 214, 215) == "CO"
    assert pos(a, 216, 224) == "80202    "
    assert pos(a, 225, 239) == "3035550199".ljust(15)
    assert pos(a, 240, 499) == " " * 260
    assert pos(a, 508, 748) == " " * 241
    only_box1 = records(fire.write(2025, T, P, [ANA]))[1]
    assert pos(only_box1, 28, 45) == "1".ljust(18)        # box 4 not used: only code 1


def test_payee_records_fields_for_an_ssn_and_an_ein():
    _, _, b1, b2, _, _ = records(fire.write(2025, T, P, [ANA, COLE]))
    assert pos(b1, 1, 1) == "B" and pos(b1, 2, 5) == "2025"
    assert pos(b1, 6, 6) == " "                           # original return
    assert pos(b1, 7, 10) == "OVER"                       # name control: surname's first four
    assert pos(b1, 11, 11) == "2"                         # TIN type 2: SSN
    assert pos(b1, 12, 20) == "123450001"
    assert pos(b1, 21, 40) == "W1".ljust(20)              # payer's account number for the payee
    assert pos(b1, 41, 54) == " " * 14                    # office code, blank
    assert pos(b1, 55, 66) == "000000125000"              # amount 1: 1,250.00 in cents
    assert pos(b1, 67, 90) == "0" * 24                    # amounts 2, 3
    assert pos(b1, 91, 102) == "000000000000"             # amount 4: none withheld
    assert pos(b1, 103, 270) == "0" * 168                 # amounts 5–9, A–H, J
    assert pos(b1, 271, 287) == " " * 17
    assert pos(b1, 288, 327) == "ANA MARIA OVER".ljust(40)   # accents dropped, upper case
    assert pos(b1, 328, 367) == " " * 40
    assert pos(b1, 368, 407) == "1 OAK ST".ljust(40)
    assert pos(b1, 408, 447) == " " * 40
    assert pos(b1, 448, 487) == "AUSTIN".ljust(40)
    assert pos(b1, 488, 489) == "TX"
    assert pos(b1, 490, 498) == "78701    "
    assert pos(b1, 499, 499) == " "
    assert pos(b1, 508, 543) == " " * 36
    assert pos(b1, 544, 544) == " "                       # second TIN notice
    assert pos(b1, 547, 547) == " "                       # direct sales indicator
    assert pos(b1, 548, 722) == " " * 175
    assert pos(b1, 723, 734) == "0" * 12                  # state income tax withheld
    assert pos(b1, 735, 746) == "0" * 12                  # local income tax withheld
    assert pos(b1, 747, 748) == "  "                      # combined federal/state code: not participating

    assert pos(b2, 7, 10) == "COLE"                       # a business: leading THE dropped
    assert pos(b2, 328, 367) == "COLE STUDIO".ljust(40)   # second payee name line
    assert pos(b2, 11, 11) == "1"                         # TIN type 1: EIN
    assert pos(b2, 12, 20) == "987654321"
    assert pos(b2, 55, 66) == "000000050000"              # 500.00
    assert pos(b2, 91, 102) == "000000012000"             # 120.00 backup withholding
    assert pos(b2, 490, 498) == "803011234"
    assert pos(b2, 723, 734) == "000000002200"            # 22.00 state tax withheld


def test_end_of_payer_and_end_of_transmission_records_carry_the_totals_and_counts():
    """C: 2 payees; total 1 = 1,250.00 + 500.00 = 1,750.00 → 175000 cents in 16–33; total 4 = 120.00 → 12000
    in 70–87 (the fourth 18-digit slot); the other 16 slots zero. F: one A record, 2 payees."""
    recs = records(fire.write(2025, T, P, [ANA, COLE]))
    c, f = recs[4], recs[5]
    assert pos(c, 2, 9) == "00000002"
    assert pos(c, 10, 15) == " " * 6
    assert pos(c, 16, 33) == "000000000000175000"
    assert pos(c, 34, 69) == "0" * 36
    assert pos(c, 70, 87) == "000000000000012000"
    assert pos(c, 88, 339) == "0" * 252
    assert pos(c, 340, 499) == " " * 160
    bs = [r for r in recs if r[0] == "B"]
    assert int(pos(c, 16, 33)) == sum(int(pos(b, 55, 66)) for b in bs)
    assert int(pos(c, 70, 87)) == sum(int(pos(b, 91, 102)) for b in bs)
    assert pos(f, 1, 1) == "F"
    assert pos(f, 2, 9) == "00000001"                     # number of A records
    assert pos(f, 10, 30) == "0" * 21
    assert pos(f, 31, 49) == " " * 19
    assert pos(f, 50, 57) == "00000002"                   # total payees
    assert pos(f, 58, 499) == " " * 442
    assert pos(recs[0], 296, 303) == pos(f, 50, 57) == pos(c, 2, 9)


def test_a_one_transaction_correction_has_g_in_position_6():
    fixed = fire.Payee(**{**ANA.__dict__, "amounts": {"1": Decimal("1000.00"), "4": Decimal("0")},
                          "corrected": "G"})
    b = records(fire.write(2025, T, P, [fixed]))[2]
    assert pos(b, 6, 6) == "G" and pos(b, 55, 66) == "000000100000"


def test_combined_federal_state_adds_the_state_code_and_a_k_record_after_c():
    """CF/SF on: A position 6 "1"; Cole's B carries Colorado's code 07 in 747–748; one K record after C with
    1 payee, total 1 = 500.00, total 4 = 120.00, state tax 22.00 in 707–724 and code 07 in 747–748."""
    recs = records(fire.write(2025, T, P, [ANA, COLE], cfsf=True))
    assert [r[0] for r in recs] == ["T", "A", "B", "B", "C", "K", "F"]
    assert pos(recs[1], 6, 6) == "1"
    assert pos(recs[2], 747, 748) == "  " and pos(recs[3], 747, 748) == "07"
    k = recs[5]
    assert pos(k, 2, 9) == "00000001"
    assert pos(k, 16, 33) == "000000000000050000" and pos(k, 70, 87) == "000000000000012000"
    assert pos(k, 707, 724) == "000000000000002200"
    assert pos(k, 725, 742) == "0" * 18
    assert pos(k, 747, 748) == "07"
    assert pos(k, 500, 507) == "00000006"


def test_refused_without_a_tcc_or_with_a_negative_amount():
    with pytest.raises(ValidationFailed) as e:
        fire.write(2025, fire.Transmitter(**{**T.__dict__, "tcc": ""}), P, [ANA])
    assert e.value.as_dict()["issues"][0]["field"] == "BACKOFFICE_IRS_TCC"
    neg = fire.Payee(**{**ANA.__dict__, "amounts": {"1": Decimal("-5.00")}})
    with pytest.raises(DomainError, match="negative"):
        fire.write(2025, T, P, [neg])


def test_a_payee_without_a_tin_has_blank_tin_and_tin_type():
    b = records(fire.write(2025, T, P, [fire.Payee(**{**ANA.__dict__, "tin": ""})]))[2]
    assert pos(b, 11, 20) == " " * 10


def test_the_reader_splits_a_written_file_back_into_fields():
    rows = fire.read(fire.write(2025, T, P, [ANA, COLE]))
    assert [r["_kind"] for r in rows] == ["T", "A", "B", "B", "C", "F"]
    assert rows[2]["amount_1"] == "000000125000" and rows[4]["total_4"] == "000000000000012000"
