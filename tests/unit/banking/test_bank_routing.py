"""Routing and account numbers: check digits, Federal Reserve prefixes, lengths and masking."""
from __future__ import annotations

import pytest

from backoffice.banking.routing import (
    is_valid_routing_number,
    mask_account,
    validate_account_number,
    validate_bank_account,
    validate_routing_number,
)


@pytest.mark.parametrize("number, why", [
    ("011401533", "3*0+7*1+1*1+3*4+7*0+1*1+3*5+7*3+1*3 = 60"),
    ("021000021", "0+14+1+0+0+0+0+14+1 = 30"),
    ("322271627", "9+14+2+6+49+1+18+14+7 = 120"),
    ("121000358", "3+14+1+0+0+0+9+35+8 = 70"),
    ("0114 0153 3", "spaces are ignored"),
])
def test_valid_routing_numbers_have_no_issues(number, why):
    assert validate_routing_number(number) == [], why
    assert is_valid_routing_number(number)


@pytest.mark.parametrize("number, code", [
    ("011401534", "bad_check_digit"),   # weighted sum 61
    ("322271628", "bad_check_digit"),   # 9+14+2+6+49+1+18+14+8 = 121
    ("01140153", "invalid_length"),
    ("0114015333", "invalid_length"),
    ("01140153A", "invalid_format"),
    ("", "required"),
    (None, "required"),
    ("500000005", "invalid_prefix"),    # 5*3 + 5*1 = 20: check digit fine, but 50 is no Reserve prefix
    ("000000000", "invalid_prefix"),
])
def test_invalid_routing_numbers_name_the_field_and_the_reason(number, code):
    issues = validate_routing_number(number, field="bank.routing")
    assert [(i.field, i.code) for i in issues] == [("bank.routing", code)]


@pytest.mark.parametrize("number, code", [
    ("1234", None), ("12345678901234567", None), ("AB12cd34", None), ("1234-5678 90", None),
    ("123", "invalid_length"), ("123456789012345678", "invalid_length"), ("12#45", "invalid_format"),
    ("", "required"),
])
def test_account_numbers_are_4_to_17_letters_or_digits(number, code):
    issues = validate_account_number(number)
    assert [i.code for i in issues] == ([] if code is None else [code])


def test_account_issue_messages_never_repeat_the_number():
    issues = validate_account_number("98765432109876543210")
    assert issues and all("9876" not in i.message for i in issues)


def test_manual_bank_entry_reports_both_fields():
    issues = validate_bank_account("011401534", "12", routing_field="routing", account_field="account")
    assert [(i.field, i.code) for i in issues] == [("routing", "bad_check_digit"), ("account", "invalid_length")]


@pytest.mark.parametrize("number, masked", [
    ("123456789", "*****6789"), ("1111222233330000", "************0000"), ("12345", "*2345"),
    ("1234", "****"), ("", ""), (None, ""),
])
def test_mask_account_shows_only_the_last_four(number, masked):
    assert mask_account(number) == masked
