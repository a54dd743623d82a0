"""The pool's monthly cost split to clients to the cent: the largest-remainder method (Hamilton's method) in
proportion to weights (each client's workers' premiums). Pure: Decimals in, Decimals out.

Every client first gets its exact share rounded down to the cent; the cents left over (fewer than the number of
clients) go one each to the largest remainders. Ties (equal remainders) go to the larger weight, then to the key
that sorts first (the lower client id; None, the agency's own bucket, after every client). So the parts always
add up to the total exactly, and each part is within one cent of its exact share."""
from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import Decimal
from fractions import Fraction

CENT = Decimal("0.01")


def _order(key) -> tuple:
    return (key is None, key)


def largest_remainder(total: Decimal, weights: Mapping[Hashable, Decimal]) -> dict:
    """Split `total` (dollars, whole cents; negative for a credit) over the keys of `weights` (each >= 0, not all
    zero unless the total is zero) in proportion to them; returns {key: part} with the keys of `weights`."""
    if total != total.quantize(CENT):
        raise ValueError(f"the total {total} has fractions of a cent")
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must not be negative")
    if not weights:
        if total:
            raise ValueError("nothing to split the total over")
        return {}
    whole = sum((Fraction(w) for w in weights.values()), Fraction(0))
    if whole == 0:
        if total:
            raise ValueError("every weight is zero: nothing to split the total in proportion to")
        return {k: Decimal("0.00") for k in weights}
    sign = -1 if total < 0 else 1
    cents = int(abs(total) * 100)
    floors: dict = {}
    remainders: list[tuple] = []
    for key, w in weights.items():
        exact = cents * Fraction(w) / whole             # the exact share in cents (a fraction: no rounding)
        down = exact.numerator // exact.denominator
        floors[key] = down
        remainders.append((exact - down, w, key))
    left = cents - sum(floors.values())
    # largest remainder first; then the larger weight; then the key that sorts first
    remainders.sort(key=lambda r: (-r[0], -r[1], _order(r[2])))
    for _rem, _w, key in remainders[:left]:
        floors[key] += 1
    return {k: (Decimal(sign * c) / 100).quantize(CENT) for k, c in floors.items()}
