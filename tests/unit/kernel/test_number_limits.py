"""Numbers from people: D() reads what a person means or refuses it; each kind of number has a range and a scale,
and the shared validator names the field instead of failing with a server error."""
from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice import validation as v
from backoffice.money import HOURS, MONEY, PERCENT, RATE, UNITS, D, number_problem


@pytest.mark.parametrize("raw,value", [
    ("1250", "1250"), ("1,250.00", "1250.00"), ("$1,250.00", "1250.00"), ("-$5.25", "-5.25"),
    ("12,345,678.9", "12345678.9"), (" 7.5 ", "7.5"), ("1e3", "1E+3"), (".5", "0.5"),
])
def test_d_reads_plain_numbers_and_thousands_separators_in_their_places(raw, value):
    assert D(raw) == Decimal(value)


@pytest.mark.parametrize("raw", [
    "12,50",        # a decimal comma: 12.50 to a European, 1250 if the comma were dropped; refused, never guessed
    "1,2,3", "1,2345", ",5", "1,,000", "1_000", "12.5$", "$$5", "NaN", "nan", "Infinity", "-inf", "sNaN", "",
    "1.2.3", "0x10",
])
def test_d_refuses_what_is_not_plainly_one_number(raw):
    with pytest.raises(ValueError):
        D(raw)


def test_d_refuses_a_decimal_that_is_not_finite():
    with pytest.raises(ValueError):
        D(Decimal("NaN"))


@pytest.mark.parametrize("kind,value,ok", [
    (MONEY, "999999999.99", True), (MONEY, "1000000000.00", False), (MONEY, "-999999999.99", True),
    (MONEY, "0.001", False), (MONEY, "1e30", False), (MONEY, "1e-30", False),
    (HOURS, "8784", True), (HOURS, "10000.01", False), (HOURS, "7.25", True), (HOURS, "7.255", False),
    (UNITS, "1000000", True), (UNITS, "1e30", False), (UNITS, "0.0001", True), (UNITS, "0.00001", False),
    (RATE, "1000000", True), (RATE, "1000000.0001", False), (RATE, "25.1234", True),
    (PERCENT, "0.4500", True), (PERCENT, "10", True), (PERCENT, "10.000001", False), (PERCENT, "1e30", False),
])
def test_each_kind_of_number_has_a_range_and_a_scale(kind, value, ok):
    assert (number_problem(Decimal(value), kind) is None) is ok


@pytest.mark.parametrize("raw,code", [
    ("1e30", "too_large"), ("-1e30", "too_small"), ("NaN", "invalid_number"), ("Infinity", "invalid_number"),
    ("1e-30", "too_precise"), ("12,50", "invalid_number"), ("1e999999999", "too_large"),
])
def test_the_shared_validator_names_the_field_for_absurd_numbers(raw, code):
    issues: list = []
    assert v.amount("markup_rate", raw, issues, kind=PERCENT, places=4) is None
    assert [(i.field, i.code) for i in issues] == [("markup_rate", code)]


def test_the_shared_validator_keeps_a_sensible_number():
    issues: list = []
    assert v.amount("pay_rate", "1,250.5", issues, kind=RATE, places=4) == Decimal("1250.5")
    assert issues == []
