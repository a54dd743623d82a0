"""Form 1099-NEC for the year, pure: who is reported (the threshold as data per year, backup withholding), each
recipient's boxes, the totals, and the corrected return from the differences with what was filed.

Boxes (Form 1099-NEC, Rev. April 2025): 1 nonemployee compensation, 4 federal income tax withheld (backup
withholding), 5 state tax withheld, 6 state / payer's state no., 7 state income (two state rows on the form).
Who gets one (Instructions for Forms 1099-MISC and 1099-NEC): nonemployee compensation of the year's threshold or
more ($600 for 2025; $2,000 for payments after 2025, OBBBA §70433), or any amount from which federal income tax
was withheld under the backup withholding rules. The thresholds and their sources: data/f1099_nec.json."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from backoffice.errors import DomainError
from backoffice.money import ZERO, D, fmt, round_cents

_DATA = Path(__file__).with_name("data") / "f1099_nec.json"


@dataclass(frozen=True)
class Threshold:
    year: int
    amount: Decimal
    source: str


def known_years() -> list[int]:
    return sorted(int(y) for y in json.loads(_DATA.read_text())["years"])


def threshold(year: int) -> Threshold:
    years = json.loads(_DATA.read_text())["years"]
    row = years.get(str(year))
    if row is None:
        raise DomainError(f"no 1099-NEC threshold on file for {year} (from 2027 it is indexed: add the year's "
                          f"figure and its source to compliance/engine/data/f1099_nec.json)", code="no_threshold")
    return Threshold(year, D(row["threshold"]), row["source"])


@dataclass(frozen=True)
class StateAmount:
    state: str
    withheld: Decimal           # box 5
    income: Decimal             # box 7
    state_id: str = ""          # box 6: the payer's state withholding number


@dataclass(frozen=True)
class Contractor:
    """One contractor's year: the released payments summed (reversals net out)."""

    worker_id: int
    name: str
    tin_type: str               # "SSN" | "EIN"
    tin_last4: str              # '' when the contractor gave no TIN
    address: str
    city: str
    state: str
    zip: str
    box1: Decimal               # nonemployee compensation: the gross of the contractor paychecks
    box4: Decimal               # backup withholding
    states: tuple[StateAmount, ...] = field(default_factory=tuple)
    business_name: str = ""     # W-9 line 2 (business / disregarded entity name), printed under the name


def reportable(c: Contractor, limit: Decimal) -> bool:
    """At least the threshold, or any backup withholding whatever the amount."""
    return round_cents(c.box1) >= limit or round_cents(c.box4) > 0


def recipient(c: Contractor) -> dict:
    return {"worker_id": c.worker_id, "name": c.name, "tin_type": c.tin_type, "tin_last4": c.tin_last4,
            "address": c.address, "city": c.city, "state": c.state, "zip": c.zip,
            "business_name": c.business_name,
            "box1": fmt(c.box1), "box4": fmt(c.box4), "tin_missing": not c.tin_last4,
            "states": [{"state": s.state, "box5": fmt(s.withheld), "box6": s.state_id, "box7": fmt(s.income)}
                       for s in c.states if round_cents(s.withheld) or round_cents(s.income)]}


def build(year: int, contractors: list[Contractor]) -> dict:
    """The 1099-NEC content for the year: `recipients` (reported, by name), `threshold`, `totals`, and how many
    contractors were paid less and not reported."""
    t = threshold(year)
    chosen = sorted((c for c in contractors if reportable(c, t.amount)), key=lambda c: (c.name, c.worker_id))
    left = [c for c in contractors if not reportable(c, t.amount)]
    rows = [recipient(c) for c in chosen]
    return {"year": year, "threshold": fmt(t.amount), "threshold_source": t.source,
            "recipients": rows,
            "totals": {"count": len(rows), "box1": fmt(sum((D(r["box1"]) for r in rows), ZERO)),
                       "box4": fmt(sum((D(r["box4"]) for r in rows), ZERO))},
            "not_reported": {"count": len(left), "box1": fmt(sum((c.box1 for c in left), ZERO))},
            "tin_missing": sum(1 for r in rows if r["tin_missing"])}


def summary(content: dict) -> str:
    t = content.get("totals", {})
    return (f"{t.get('count', 0)} recipients, box 1 {t.get('box1', '0.00')}, box 4 {t.get('box4', '0.00')}"
            + (f", {content['tin_missing']} without TIN" if content.get("tin_missing") else ""))


_COMPARED = ("box1", "box4", "states", "name", "business_name", "tin_type", "tin_last4")


def correct(filed: dict, current: dict) -> dict | None:
    """The corrected 1099-NEC from the differences: each recipient whose return changed (amounts, state boxes,
    name or TIN) is filed again with the corrected figures (a one-transaction correction, "G" in the FIRE B
    record, Pub 1220 Part A "Corrected Returns" Error Type 1); one filed but no longer reportable (e.g. a payment
    reversed under the threshold) is corrected to zero. A recipient who was not on the filed return is a late
    original, not a correction: listed in `late_originals`. None when nothing differs."""
    before = {r["worker_id"]: r for r in filed.get("recipients", [])}
    after = {r["worker_id"]: r for r in current.get("recipients", [])}
    changed = []
    for wid, old in before.items():
        new = after.get(wid)
        if new is None:
            void = dict(old, box1=fmt(ZERO), box4=fmt(ZERO),
                        states=[dict(s, box5=fmt(ZERO), box7=fmt(ZERO)) for s in old.get("states", [])])
            changed.append(dict(void, corrected="G", change="void", prior={k: old.get(k) for k in _COMPARED}))
        elif any(new.get(k) != old.get(k) for k in _COMPARED):
            changed.append(dict(new, corrected="G", change="amounts",
                                prior={k: old.get(k) for k in _COMPARED}))
    late = [r for wid, r in after.items() if wid not in before]
    if not changed and not late:
        return None
    changed.sort(key=lambda r: (r["name"], r["worker_id"]))
    return {"kind": "corrected", "year": current.get("year", filed.get("year")),
            "recipients": changed, "late_originals": late,
            "totals": {"count": len(changed), "box1": fmt(sum((D(r["box1"]) for r in changed), ZERO)),
                       "box4": fmt(sum((D(r["box4"]) for r in changed), ZERO))},
            "corrected": current}


def corrected_summary(content: dict) -> str:
    t = content.get("totals", {})
    late = len(content.get("late_originals", []))
    return (f"{t.get('count', 0)} corrected, box 1 {t.get('box1', '0.00')}, box 4 {t.get('box4', '0.00')}"
            + (f", {late} late originals" if late else ""))
