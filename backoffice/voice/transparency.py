"""The agency's margin per hour by kind of work, as published to workers each month (pure): median and the 10th to
90th percentile range of each kind, under a group-size floor so that no single client can be picked out.

A kind of work is shown only when its engagements span at least MIN_CLIENTS distinct clients and MIN_WORKERS
distinct workers; the kinds below the floor are pooled into one "Other kinds of work" group, shown under the same
floor or not at all. No Flask, SQLAlchemy, Celery or clock. docs/rate-breakdown.md."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Sequence

from backoffice.money import D, round_cents

MIN_CLIENTS = 3
MIN_WORKERS = 5
OTHER = "Other kinds of work"


@dataclass(frozen=True, slots=True)
class MarginSample:
    """One engagement's margin per hour in the month (its rate breakdown), with whom it concerns."""

    engagement_id: int
    worker_id: int
    client_id: int
    kind: str
    margin_per_hour: Decimal
    bill_rate: Decimal


@dataclass(frozen=True, slots=True)
class KindRow:
    """One published line: a kind of work, how many engagements, workers and clients it pools, and the margin per
    hour's median and 10th and 90th percentiles (to the cent)."""

    kind: str
    engagements: int
    workers: int
    clients: int
    median: Decimal
    p10: Decimal
    p90: Decimal
    median_bill_rate: Decimal


@dataclass(frozen=True, slots=True)
class Summary:
    """A month's publication: the rows shown, how many kinds were pooled into "other", how many engagements are
    left out because even the pool is under the floor."""

    rows: tuple[KindRow, ...]
    pooled_kinds: int
    hidden_engagements: int
    min_clients: int
    min_workers: int


def percentile(values: Sequence[Decimal], q: Decimal) -> Decimal:
    """The q-th quantile (0..1) of the values by linear interpolation between the closest ranks (the usual
    "type 7" definition: position (n − 1) × q), to the cent. With five values 1..5: p10 = 1.4, median 3, p90 4.6."""
    xs = sorted(values)
    if not xs:
        raise ValueError("no values")
    pos = (len(xs) - 1) * D(q)
    lo = int(pos)
    frac = pos - lo
    hi = min(lo + 1, len(xs) - 1)
    return round_cents(xs[lo] + (xs[hi] - xs[lo]) * frac)


def _meets(group: Sequence[MarginSample], min_clients: int, min_workers: int) -> bool:
    return len({s.client_id for s in group}) >= min_clients and len({s.worker_id for s in group}) >= min_workers


def _row(kind: str, group: Sequence[MarginSample]) -> KindRow:
    margins = [s.margin_per_hour for s in group]
    return KindRow(kind, len(group), len({s.worker_id for s in group}), len({s.client_id for s in group}),
                   percentile(margins, D("0.5")), percentile(margins, D("0.1")), percentile(margins, D("0.9")),
                   percentile([s.bill_rate for s in group], D("0.5")))


def summarize(samples: Iterable[MarginSample], min_clients: int = MIN_CLIENTS,
              min_workers: int = MIN_WORKERS) -> Summary:
    """The month's rows, kinds in name order and "Other kinds of work" last: each kind that meets the floor on its
    own; the rest pooled, shown if the pool meets the floor, else left out (counted in `hidden_engagements`)."""
    if min_clients < MIN_CLIENTS or min_workers < MIN_WORKERS:
        raise ValueError(f"the floor is at least {MIN_CLIENTS} clients and {MIN_WORKERS} workers")
    by_kind: dict[str, list[MarginSample]] = {}
    for s in samples:
        by_kind.setdefault(s.kind, []).append(s)
    rows, pool, pooled = [], [], 0
    for kind in sorted(by_kind):
        group = by_kind[kind]
        if _meets(group, min_clients, min_workers):
            rows.append(_row(kind, group))
        else:
            pool += group
            pooled += 1
    hidden = 0
    if pool:
        if _meets(pool, min_clients, min_workers):
            rows.append(_row(OTHER, pool))
        else:
            hidden = len(pool)
    return Summary(tuple(rows), pooled, hidden, min_clients, min_workers)
