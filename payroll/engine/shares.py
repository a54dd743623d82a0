"""Splitting a paycheck by where it was earned: the hours (or wages) worked at each place as fractions of the whole
(states: states/multistate.py; work sites: locals.compute_site_local_taxes)."""
from __future__ import annotations

from decimal import Decimal
from typing import Hashable, Sequence, TypeVar

from backoffice.errors import Issue, ValidationFailed
from backoffice.money import ZERO

P = TypeVar("P", bound=Hashable)


def fractions(pairs: Sequence[tuple[P, Decimal]], field: str, what: str) -> list[tuple[P, Decimal, Decimal]]:
    """(place, hours or wages) pairs -> (place, measure, fraction of the whole): equal places merged in the order
    first given, places with none left out. A negative measure (`field[i]`) or a total of nothing (`field`) raises
    ValidationFailed; `what` names the places in the words ("state", "work site")."""
    merged: dict[P, Decimal] = {}
    issues = []
    for i, (place, measure) in enumerate(pairs):
        if measure < 0:
            issues.append(Issue(f"{field}[{i}]", "hours or wages must be 0 or more"))
        else:
            merged[place] = merged.get(place, ZERO) + measure
    total = sum(merged.values(), ZERO)
    if not issues and total <= 0:
        issues.append(Issue(field, f"the hours or wages by {what} add up to nothing"))
    if issues:
        raise ValidationFailed(issues)
    return [(place, m, m / total) for place, m in merged.items() if m > 0]
