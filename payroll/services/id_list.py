"""A chunk's ids named by several statements, written as one PostgreSQL array literal once (`common.id_in`).

Kept out of the compiled build (backoffice/compiled.py HOT_MODULES): mypyc cannot compile a class that inherits
from `list`, and a `cached_property` on a compiled class recomputes at every read (docs/compiled-engine.md)."""
from __future__ import annotations

from functools import cached_property
from typing import Iterable


def array_literal(ids: Iterable) -> str:
    """Integer ids as PostgreSQL reads an array constant: "{1,2,3}"."""
    return "{" + ",".join(map(str, map(int, ids))) + "}"


class IdList(list):
    """Integer ids that several statements name (a chunk's 2,500 workers, in six of its leave accrual's reads): their
    array literal is written once (0.8 ms for 2,500 ids) instead of once per statement. Not changed once used."""

    @cached_property
    def literal(self) -> str:
        return array_literal(self)
