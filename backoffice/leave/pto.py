"""The agency's own PTO policies, pure: hours earned per hour worked, stopped by the policy's yearly accrual cap
and balance cap (figures from the policy record, not a law). No Flask, database or clock."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PLACES = Decimal("0.0001")
ZERO = Decimal("0")


@dataclass(frozen=True)
class PtoAccrual:
    accrued: Decimal
    balance: Decimal
    accrued_this_year: Decimal
    capped: bool
    explanation: tuple[str, ...]


def _show(value: Decimal) -> str:
    return format(value.normalize(), "f")


def accrue_pto(name: str, rate: Decimal, worked: Decimal, balance: Decimal, accrued_this_year: Decimal,
               annual_cap: Decimal | None = None, balance_cap: Decimal | None = None) -> PtoAccrual:
    """`worked` hours × `rate`, to four places half up, limited to what the yearly cap and the balance cap leave."""
    earned = (worked * rate).quantize(PLACES, rounding=ROUND_HALF_UP)
    room = [earned]
    if annual_cap is not None:
        room.append(max(annual_cap - accrued_this_year, ZERO))
    if balance_cap is not None:
        room.append(max(balance_cap - balance, ZERO))
    accrued = min(room)
    lines = [f"{name}: {_show(worked)} hours worked × {_show(rate)} = {_show(earned)} hours."]
    if accrued < earned:
        which = []
        if annual_cap is not None and accrued == max(annual_cap - accrued_this_year, ZERO):
            which.append(f"the yearly cap of {_show(annual_cap)} hours")
        if balance_cap is not None and accrued == max(balance_cap - balance, ZERO):
            which.append(f"the balance cap of {_show(balance_cap)} hours")
        lines.append(f"Accrual stopped at {' and '.join(which)}: {_show(accrued)} hours accrued.")
    return PtoAccrual(accrued, balance + accrued, accrued_this_year + accrued, accrued < earned,
                      tuple(lines + [f"Balance {_show(balance)} → {_show(balance + accrued)} hours."]))
