"""`make_line(...)`: how the engine's compiled modules make a `Line` (model.py) without its Python `__new__`.

`Line` is a named tuple, and a named tuple's `__new__` is a Python function (collections.namedtuple writes it as a
lambda that packs its arguments): `Line(...)` called from the compiled build (docs/compiled-engine.md) runs that
lambda in the interpreter, a frame for every line, about ten a paycheck. `make_line` packs the same fields in the
same order and makes the `Line` with `tuple.__new__`, in C once this module is compiled: the same object, equal to
and indistinguishable from `Line(...)`. Code outside the hot modules (and tests) keeps calling `Line(...)`."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Final

from .model import Line

_tuple_new: Final[Callable[..., Any]] = tuple.__new__


def make_line(code: str, amount: Decimal, steps: tuple = (), state: str | None = None, ref: str | None = None,
              locality: str | None = None) -> Line:
    """Line(code, amount, steps, state, ref, locality), built in one C call."""
    return _tuple_new(Line, (code, amount, steps, state, ref, locality))
