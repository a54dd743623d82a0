"""Receivables aging (pure): which bucket an open balance falls in on a date, and the buckets summed by client.

Days past due = as_of − due_date, in calendar days. An invoice due on or after `as_of` is `current` (due today is
not yet late); then 1–30, 31–60, 61–90 and "90+" (91 days and more) past due. Open credit (a credit note's amount
not yet applied to an invoice) is not aged: it is shown in its own `credits` column, negative, and lowers the
client's total.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Iterable

from backoffice.money import ZERO

# (field, label) in the order a page, CSV or chart shows them
BUCKETS = (("current", "Current"), ("days_1_30", "1–30"), ("days_31_60", "31–60"), ("days_61_90", "61–90"),
           ("days_90_plus", "90+"))
BUCKET_FIELDS = tuple(f for f, _ in BUCKETS)
# the largest days-past-due of each bucket but the last (current: not past due at all)
_UPPER = ((0, "current"), (30, "days_1_30"), (60, "days_31_60"), (90, "days_61_90"))


def days_past_due(due_date: date, as_of: date) -> int:
    """Calendar days from the due date to `as_of` (negative when not yet due)."""
    return (as_of - due_date).days


def bucket_for(due_date: date, as_of: date) -> str:
    """The bucket field an amount due on `due_date` falls in on `as_of`."""
    days = days_past_due(due_date, as_of)
    for upper, name in _UPPER:
        if days <= upper:
            return name
    return "days_90_plus"


@dataclass(frozen=True)
class OpenItem:
    """One open balance on `as_of`: an invoice's (kind "invoice", aged by its due date) or a credit note's unapplied
    credit (kind "credit_note", a positive amount the client may use)."""

    client_id: int
    client_name: str
    kind: str
    balance: Decimal
    due_date: date
    number: str = ""
    invoice_id: int | None = None


@dataclass
class AgingRow:
    """One client's open receivables by bucket on a date (money as Decimal)."""

    client_id: int | None
    client_name: str
    current: Decimal = ZERO
    days_1_30: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    days_90_plus: Decimal = ZERO
    credits: Decimal = ZERO            # open credit, as a negative amount
    invoices: int = 0                  # how many invoices are open
    oldest_days: int = 0               # the most days past due of any open invoice (0: none is late)
    items: list[OpenItem] = field(default_factory=list, repr=False)

    @property
    def past_due(self) -> Decimal:
        return self.days_1_30 + self.days_31_60 + self.days_61_90 + self.days_90_plus

    @property
    def total(self) -> Decimal:
        return self.current + self.past_due + self.credits

    def as_dict(self) -> dict:
        out = {"client_id": self.client_id, "client_name": self.client_name}
        out.update({f: getattr(self, f) for f in BUCKET_FIELDS})
        out.update(credits=self.credits, total=self.total, invoices=self.invoices, oldest_days=self.oldest_days)
        return out


def age(items: Iterable[OpenItem], as_of: date) -> list[AgingRow]:
    """Open items summed by client and bucket on `as_of`, one row per client (by name, then id); clients whose
    open items net to nothing and have no open invoice are left out."""
    rows: dict[int, AgingRow] = {}
    for item in items:
        if item.balance == 0:
            continue
        row = rows.get(item.client_id)
        if row is None:
            row = rows[item.client_id] = AgingRow(item.client_id, item.client_name)
        row.items.append(item)
        if item.kind == "credit_note":
            row.credits -= item.balance
            continue
        bucket = bucket_for(item.due_date, as_of)
        setattr(row, bucket, getattr(row, bucket) + item.balance)
        row.invoices += 1
        row.oldest_days = max(row.oldest_days, days_past_due(item.due_date, as_of))
    return sorted(rows.values(), key=lambda r: (r.client_name.lower(), r.client_id))


def totals(rows: Iterable[AgingRow]) -> AgingRow:
    """All clients' rows added up (client_id None, name "Total")."""
    out = AgingRow(None, "Total")
    for r in rows:
        for f in BUCKET_FIELDS + ("credits",):
            setattr(out, f, getattr(out, f) + getattr(r, f))
        out.invoices += r.invoices
        out.oldest_days = max(out.oldest_days, r.oldest_days)
    return out
