"""The bank's return/NOC file read back: addenda 99 and 98 fields by position, corrected data by change code."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import achkit
import pytest

from backoffice.errors import ValidationFailed
from payroll.payments.return_file import (Correction, ReturnItem, corrected_data_field, parse_correction,
                                          parse_return_file, write_return_file)


def _file(items):
    return write_return_file(items, odfi_routing="011000015", company_name="Tandem Staffing",
                             company_id="1123456789", created_at=datetime(2026, 12, 1, 9, 30),
                             settlement=date(2026, 12, 1))


def _item(code, trace="011000010000007", data="", amount="1234.56", account_type="checking"):
    return ReturnItem(code=code, original_trace=trace, individual_id="42", name="Ada Lovelace",
                      receiver_routing="021000021", account="000123456789", account_type=account_type,
                      amount=Decimal(amount), corrected_data=data, addenda_information="ACCOUNT CLOSED")


def test_a_return_reads_back_every_addenda_99_field():
    """Addenda 99: code at 04-06, original trace 07-21, original RDFI 28-35, information 36-79; the entry keeps
    amount $1,234.56 (0000123456 cents), individual id "42" and transaction code 21 (return of a checking
    credit). The file passes an independent parser (achkit) record by record."""
    text = _file([_item("R02")])
    rf = parse_return_file(text)
    (e,) = rf.entries
    assert (e.kind, e.code, e.original_trace, e.original_rdfi, e.amount, e.individual_id, e.transaction_code) == (
        "return", "R02", "011000010000007", "02100002", Decimal("1234.56"), "42", "21")
    assert e.addenda_information == "ACCOUNT CLOSED" and e.line == 3
    (batch,) = achkit.parse(text)["batches"]
    ((add,),) = [x["addenda"] for x in batch["entries"]]
    assert batch["sec"] == "PPD" and add["type"] == "99" and add["info"].startswith("R02011000010000007")
    assert len(text.splitlines()) % 10 == 0


@pytest.mark.parametrize("code, kwargs, expected", [
    ("C01", {"account": "99887766"}, Correction(account_number="99887766")),
    ("C02", {"routing": "121000358"}, Correction(routing_number="121000358")),
    ("C03", {"routing": "121000358", "account": "99887766"},
     Correction(routing_number="121000358", account_number="99887766")),
    ("C05", {"account_type": "savings"}, Correction(account_type="savings")),
    ("C06", {"account": "99887766", "account_type": "savings"},
     Correction(account_number="99887766", account_type="savings")),
    ("C07", {"routing": "121000358", "account": "99887766", "account_type": "checking"},
     Correction(routing_number="121000358", account_number="99887766", account_type="checking")),
])
def test_corrected_data_by_change_code(code, kwargs, expected):
    """Appendix Five layouts: C03 account from position 13, C06 transaction code at 21-22, C07 routing 1-9,
    account 10-26, transaction code 27-28 (32 = savings, 22 = checking)."""
    data = corrected_data_field(code, **kwargs)
    assert len(data) == 29
    assert parse_correction(code, data) == expected
    (e,) = parse_return_file(_file([_item(code, data=data, amount="0")])).entries
    assert (e.kind, e.code, e.correction, e.amount) == ("noc", code, expected, Decimal("0.00"))


def test_left_justified_corrected_data_separated_by_spaces_is_read_too():
    assert parse_correction("C03", "121000358 99887766") == Correction("121000358", "99887766")
    assert parse_correction("C06", "99887766 32") == Correction(account_number="99887766", account_type="savings")


def test_a_file_that_is_not_a_return_file_is_refused_naming_each_line():
    good = _file([_item("R01")]).splitlines()
    forward = good[:]
    forward[2] = "622" + forward[2][3:]                                # a forward credit, not a return
    with pytest.raises(ValidationFailed, match="row 3: transaction_code: transaction code 22 is not a return"):
        parse_return_file("\n".join(forward))
    bad_code = good[:]
    bad_code[3] = bad_code[3][:3] + "X01" + bad_code[3][6:]
    with pytest.raises(ValidationFailed, match="row 4: return_code"):
        parse_return_file("\n".join(bad_code))
    noc_in_ppd = good[:]
    noc_in_ppd[3] = "798" + "C01" + noc_in_ppd[3][6:]
    with pytest.raises(ValidationFailed, match="belongs in a COR batch"):
        parse_return_file("\n".join(noc_in_ppd))
    with pytest.raises(ValidationFailed, match="no file header"):
        parse_return_file("hello")
