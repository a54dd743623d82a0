"""Money as Decimal: one constructor, one rounding rule (half-up to the cent), integer cents for storage."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import repeat

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
ONE_HUNDRED = Decimal(100)
_ONE = Decimal(1)


# A number as a person types it: an optional sign, an optional "$", then either plain digits or digits grouped
# in threes by commas ("1,250.00"), an optional fraction and an optional exponent. A comma anywhere else
# ("12,50", a decimal comma) is refused rather than guessed at: dropping it would read 12.50 as 1250.
_NUMBER = re.compile(r"(?P<sign>[+-]?)\$?(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)"
                     r"(?P<exp>[eE][+-]?\d+)?")


_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")      # "12", "-3.50": most numbers, read without the full pattern


def D(value: object) -> Decimal:
    """The one way to make a number: from str, int or Decimal (never float); refuses NaN and infinities.

    A string may carry a "$" and thousands separators in their places ("$1,250.00"); anything else that is
    not plainly one number ("12,50", "1_000", "NaN") raises ValueError."""
    kind = type(value)
    if kind is Decimal and value.is_finite():          # the common cases first (a run makes hundreds of thousands)
        return value
    if kind is str and _PLAIN.fullmatch(value):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"money and rates are never {type(value).__name__}: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        m = _NUMBER.fullmatch(value.strip())
        if m is None:
            raise ValueError(f"not a number: {value!r}")
        try:
            return Decimal(m["sign"] + m["digits"].replace(",", "") + (m["exp"] or ""))
        except InvalidOperation as exc:                      # an exponent beyond Decimal's range
            raise ValueError(f"not a number: {value!r}") from exc
    raise TypeError(f"cannot make a number from {type(value).__name__}")


@dataclass(frozen=True)
class NumberKind:
    """What a number stands for, and so how large it may be and how many decimal places it may carry.

    The bounds are far above any real figure (a billion dollars, a year of hours) and far below what storage
    holds (integer cents in a 64-bit column): an input beyond them is a typo or an attack, refused by name."""

    name: str
    maximum: Decimal          # the largest magnitude accepted (inclusive), negative amounts likewise
    places: int               # at most this many decimal places


MONEY = NumberKind("money", Decimal("999999999.99"), 2)
HOURS = NumberKind("hours", Decimal("10000"), 2)           # a leap year has 8,784 hours
UNITS = NumberKind("units", Decimal("1000000"), 4)         # piece-work units in one period
RATE = NumberKind("rate", Decimal("1000000"), 4)           # pay or bill rate per hour, unit or period
PERCENT = NumberKind("percent", Decimal("10"), 6)          # a fraction (0.062 is 6.2%), at most 1000%


def number_problem(value: Decimal, kind: NumberKind, places: int | None = None) -> tuple[str, str] | None:
    """What is wrong with a number of this kind, as (code, message), or None. Checks the magnitude before the
    scale, so an absurd exponent is never quantized (Decimal's context would raise InvalidOperation)."""
    places = kind.places if places is None else places
    if not value.is_finite():
        return "invalid_number", "must be a finite number"
    if value.copy_abs() > kind.maximum:         # copy_abs: no context, so no Overflow on 1e999999999
        if value < 0:
            return "too_small", f"must be at least -{kind.maximum} ({kind.name})"
        return "too_large", f"must be at most {kind.maximum} ({kind.name})"
    if value != value.quantize(Decimal(1).scaleb(-places)):
        return "too_precise", f"has more than {places} decimal places"
    return None


def round_cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent: the single rounding rule for every money line."""
    if type(amount) is not Decimal or not amount.is_finite():    # a finite Decimal (nearly every call) as it is
        amount = D(amount)
    return amount.quantize(CENT, ROUND_HALF_UP)      # positional: half the time of rounding=... (the same call)


def round_dollars(amount: Decimal) -> Decimal:
    """Round half-up to the whole dollar (Pub 15-T's optional rounding, wage-bracket cells)."""
    return D(amount).quantize(_ONE, ROUND_HALF_UP)


def to_cents(amount: Decimal) -> int:
    """Decimal dollars to integer cents for storage; refuses sub-cent amounts."""
    amount = D(amount)
    q = amount.quantize(CENT)
    if q != amount:
        raise ValueError(f"{amount} has fractions of a cent; round it first")
    return int(q * 100)


def from_cents(cents: int) -> Decimal:
    """Integer cents from storage back to Decimal dollars."""
    return Decimal(int(cents)).scaleb(-2)        # exact, two places: 12345 -> 123.45, 0 -> 0.00


def from_cents_each(cents: Iterable[int]) -> list[Decimal]:
    """from_cents of each of many Python ints (a register's distinct amounts), the same Decimals made without a
    Python call each: ~40% less CPU over 100,000 amounts."""
    return list(map(Decimal.scaleb, map(Decimal, cents), repeat(-2)))


def fmt(amount: Decimal) -> str:
    """Plain string with two decimals (the JSON/API form)."""
    return str(round_cents(amount))


def fmt_usd(amount: Decimal) -> str:
    """Display form: $1,234.56 (negative as -$1,234.56)."""
    a = round_cents(amount)
    sign = "-" if a < 0 else ""
    return f"{sign}${abs(a):,.2f}"


def fmt_pct(rate: Decimal) -> str:
    """Display form of a rate as a percentage, as few digits as it needs: 0.062 -> 6.2%, 0.22 -> 22%."""
    return f"{(D(rate) * 100).normalize():f}%"


def fmt_share(fraction: Decimal) -> str:
    """A share of a whole as a percentage to at most two places: 0.6 -> 60%, 2/3 -> 66.67%."""
    return f"{(D(fraction) * 100).quantize(Decimal('0.01')).normalize():f}%"


def fmt_qty(value: Decimal | None) -> str:
    """Hours or units as people write them, as few digits as needed: 8.50 -> 8.5, 12.0000 -> 12, 1234.25 ->
    1,234.25; blank for None."""
    if value is None:
        return ""
    d = D(value).normalize()
    places = max(0, -d.as_tuple().exponent)
    return f"{d:,.{places}f}"
