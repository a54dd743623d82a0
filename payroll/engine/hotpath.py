"""What the engine's compiled modules call instead of Python functions of the hot path (docs/compiled-engine.md).

Compiled code calls a Python function through the interpreter: a frame each time. Such calls ran about twenty
times a paycheck, so the compiled modules use these instead, compiled with them (the same results, in C):

- `make_line(...)` makes a `Line` (model.py). `Line` is a named tuple, and a named tuple's `__new__` is a Python
  function (collections.namedtuple writes it as a lambda that packs its arguments); `make_line` packs the same fields
  in the same order and makes the `Line` with `tuple.__new__`: the same object, equal to and indistinguishable from
  `Line(...)`. Code outside the hot modules (and tests) keeps calling `Line(...)`. `tuple_new(cls, fields)` is that
  `tuple.__new__`, for the other named tuples built many times a run (the workweek's entries, lines and results:
  every field given, in order).
- `cents(amount)` is `backoffice.money.round_cents`: a finite Decimal (nearly every call: products, withholding
  amounts, amounts as given) is quantized here, half-up to the cent, as `round_cents` does it; anything else (an
  int or str amount as given, a Decimal subclass, NaN, infinity) goes to `round_cents` itself, so its conversions
  and refusals stay the one place that says them. It quantizes through a context of its own, Decimal's default
  (28 digits, its exponent limits and traps) rounding half up: `round_cents`'s `amount.quantize(CENT,
  ROUND_HALF_UP)` under the default context, which is the only one the house uses (nothing sets another), at
  half the cost (a context's `quantize` takes two positional arguments and does not look up the thread's context).
- `periods_per_year(frequency)` is `PayFrequency.periods_per_year` (a property: a frame, and an enum's hash is a
  Python method too), looked up by identity in a table made once from that property.
- `federal_filing_status(w4)` is `w4.federal_filing_status`: a Form W-4 2020's is its `filing_status` field (the
  property returns it), read here without the property's frame; a 2019 form's property (it maps the marital
  status) is called as before.
- `age_at_year_end(birth_date, year)` is `backoffice.periods.age_at_year_end` (the kernel module cannot be compiled:
  it is imported before the compiled build is installed), by the same rule.
- `record(cls, names, values)` is `cls(*values)` for a `@quick_init` record (model.py) given every field in order:
  quick_init's `__init__` only stores each field in the new instance's `__dict__`, and `record` stores the same
  fields in the same order from C, without the interpreted `__init__` (its frame was a quarter of a record's
  cost: 4,300 instructions against 6,000 for a 13-field record). A paycheck builds three records with every
  field (StateContext, YearToDate, PaycheckResult)."""
from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any, Callable, Final, Sequence, TypeVar

from backoffice.money import CENT, round_cents
from backoffice.periods import PayFrequency

from .model import AnyW4, Line, W4

tuple_new: Final[Callable[..., Any]] = tuple.__new__
_CENT: Final = CENT          # a C static in the compiled build (a module global is a dict lookup)
_LINE: Final = Line          # the same, for the classes (make_line and cents run about ten times a paycheck each)
_DECIMAL: Final = Decimal
# Decimal's default context rounding half up (see cents): a context made now copies decimal.DefaultContext's settings
_HALF_UP_QUANTIZE: Final[Callable[[Decimal, Decimal], Decimal]] = Context(rounding=ROUND_HALF_UP).quantize
_IS_FINITE: Final[Callable[[Decimal], bool]] = Decimal.is_finite
_NEW: Final[Callable[[type], Any]] = object.__new__

R = TypeVar("R")


def make_line(code: str, amount: Decimal, steps: tuple = (), state: str | None = None, ref: str | None = None,
              locality: str | None = None) -> Line:
    """Line(code, amount, steps, state, ref, locality), built in one C call."""
    return tuple_new(_LINE, (code, amount, steps, state, ref, locality))


def cents(amount: object) -> Decimal:
    """round_cents(amount): half-up to the cent."""
    if type(amount) is _DECIMAL and _IS_FINITE(amount):
        return _HALF_UP_QUANTIZE(amount, _CENT)
    return round_cents(amount)  # type: ignore[arg-type]  # an amount as given: converted or refused there


_PERIODS: Final = tuple((f, f.periods_per_year) for f in PayFrequency)


def periods_per_year(frequency: PayFrequency) -> int:
    """frequency.periods_per_year."""
    for f, n in _PERIODS:
        if f is frequency:
            return n
    return frequency.periods_per_year


def federal_filing_status(w4: AnyW4) -> str:
    """w4.federal_filing_status."""
    if type(w4) is W4:
        return w4.filing_status
    return w4.federal_filing_status


def age_at_year_end(birth_date: date, year: int) -> int:
    """backoffice.periods.age_at_year_end(birth_date, year): every birthday of the year has come by 31 December."""
    return year - birth_date.year


def record(cls: type[R], names: tuple[str, ...], values: tuple) -> R:
    """cls(*values), for a @quick_init record given every field in order; `names` are its fields' names
    (record_fields(cls))."""
    if len(values) != len(names):
        raise TypeError(f"{cls.__name__} takes {len(names)} fields, {len(values)} given")
    obj = _NEW(cls)
    d: dict[str, Any] = obj.__dict__
    for i in range(len(names)):
        d[names[i]] = values[i]
    return obj


def record_fields(cls: type) -> tuple[str, ...]:
    """The names of a @quick_init record's fields, in order, for record()."""
    return tuple(f.name for f in fields(cls))


class Replay:
    """The words of a line computed with explain=False: `words(ctx, index)` runs `compute(ctx)` again with its
    explanations (the computation is pure, so the figures and the words are those of the first call) and keeps
    (ctx, its explained lines) for the last context read, so every line of one paycheck computes once. The pair is
    one tuple, replaced whole, so a thread never sees one context's lines paired with another's."""

    def __init__(self, compute: Callable[[Any], Sequence[Any]]) -> None:
        self.compute = compute
        self.last: tuple = (None, ())

    def words(self, ctx: object, index: int) -> tuple[str, ...]:
        last = self.last
        if last[0] is not ctx:
            last = self.last = (ctx, self.compute(ctx))
        return last[1][index].explanation
