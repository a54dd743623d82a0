"""What the engine's compiled modules call instead of two Python functions of the hot path (docs/compiled-engine.md).

Compiled code calls a Python function through the interpreter: a frame each time. Two such calls ran about sixteen
times a paycheck, so the compiled modules use these instead, compiled with them (the same results, in C):

- `make_line(...)` makes a `Line` (model.py). `Line` is a named tuple, and a named tuple's `__new__` is a Python
  function (collections.namedtuple writes it as a lambda that packs its arguments); `make_line` packs the same fields
  in the same order and makes the `Line` with `tuple.__new__`: the same object, equal to and indistinguishable from
  `Line(...)`. Code outside the hot modules (and tests) keeps calling `Line(...)`. `tuple_new(cls, fields)` is that
  `tuple.__new__`, for the other named tuples built many times a run (the workweek's entries, lines and results:
  every field given, in order).
- `cents(amount)` is `backoffice.money.round_cents` for a Decimal the engine computed (a product, a withholding
  amount): the same rule, half-up to the cent, quantized here; anything but a finite Decimal goes to `round_cents`
  itself, so its refusals stay the one place that says them. An input the caller has not computed (an amount as
  given) still goes through `round_cents`."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Final

from backoffice.money import CENT, round_cents

from .model import Line

tuple_new: Final[Callable[..., Any]] = tuple.__new__
_CENT: Final = CENT          # a C static in the compiled build (a module global is a dict lookup)


def make_line(code: str, amount: Decimal, steps: tuple = (), state: str | None = None, ref: str | None = None,
              locality: str | None = None) -> Line:
    """Line(code, amount, steps, state, ref, locality), built in one C call."""
    return tuple_new(Line, (code, amount, steps, state, ref, locality))


def cents(amount: Decimal) -> Decimal:
    """round_cents(amount) for a computed Decimal: half-up to the cent."""
    if amount.is_finite():
        return amount.quantize(_CENT, ROUND_HALF_UP)
    return round_cents(amount)           # NaN, infinity: refused there
