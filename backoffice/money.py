"""Money as Decimal: one constructor, one rounding rule (half-up to the cent), integer cents for storage."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
ONE_HUNDRED = Decimal(100)


def D(value: object) -> Decimal:
    """The one way to make a number: from str, int or Decimal (never float)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"money and rates are never {type(value).__name__}: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip().replace(",", "").replace("$", ""))
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
    raise TypeError(f"cannot make a number from {type(value).__name__}")


def round_cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent: the single rounding rule for every money line."""
    return D(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def round_dollars(amount: Decimal) -> Decimal:
    """Round half-up to the whole dollar (Pub 15-T's optional rounding, wage-bracket cells)."""
    return D(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def to_cents(amount: Decimal) -> int:
    """Decimal dollars to integer cents for storage; refuses sub-cent amounts."""
    amount = D(amount)
    q = amount.quantize(CENT)
    if q != amount:
        raise ValueError(f"{amount} has fractions of a cent; round it first")
    return int(q * 100)


def from_cents(cents: int) -> Decimal:
    """Integer cents from storage back to Decimal dollars."""
    return (Decimal(int(cents)) / ONE_HUNDRED).quantize(CENT)


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
