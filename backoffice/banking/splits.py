"""Direct-deposit splits: a paycheck's net pay over a worker's accounts, to the cent (pure)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Sequence

from backoffice.errors import Issue, raise_if
from backoffice.money import CENT, ONE_HUNDRED, ZERO, D, round_cents


class SplitKind(str, Enum):
    """How one deposit account's share is set."""

    FIXED = "fixed"          # a fixed dollar amount
    PERCENT = "percent"      # a percentage of net pay
    REMAINDER = "remainder"  # whatever is left (exactly one account per worker)


@dataclass(frozen=True)
class DepositInstruction:
    """One of a worker's deposit accounts and its share of net pay.

    account_key: the caller's id for the account (never the account number itself).
    priority: lower comes first; fixed amounts are filled in this order when net pay runs short.
    amount: dollars, for FIXED; percent: 0 < percent <= 100 of net pay, for PERCENT.
    """

    account_key: str
    kind: SplitKind | str
    priority: int = 0
    amount: Decimal | None = None
    percent: Decimal | None = None


@dataclass(frozen=True)
class DepositPart:
    """The amount that goes to one account."""

    account_key: str
    amount: Decimal


def validate_instructions(instructions: Sequence[DepositInstruction]) -> list[Issue]:
    """Every issue with a worker's deposit instructions (empty when they can split any net pay)."""
    issues: list[Issue] = []
    if not instructions:
        return [Issue("deposit_accounts", "at least one deposit account is required", "required")]
    seen: set[str] = set()
    remainder_count = 0
    percent_total = ZERO
    for index, instruction in enumerate(instructions):
        prefix = f"deposit_accounts[{index}]"
        key = str(instruction.account_key or "")
        if not key:
            issues.append(Issue(f"{prefix}.account_key", "account is required", "required"))
        elif key in seen:
            issues.append(Issue(f"{prefix}.account_key", "the same account appears twice", "duplicate"))
        seen.add(key)
        try:
            kind = SplitKind(instruction.kind)
        except ValueError:
            issues.append(Issue(f"{prefix}.kind", "kind must be fixed, percent or remainder"))
            continue
        if kind is SplitKind.REMAINDER:
            remainder_count += 1
        elif kind is SplitKind.FIXED:
            amount = _decimal(instruction.amount)
            if amount is None or not amount.is_finite():
                issues.append(Issue(f"{prefix}.amount", "a fixed split needs an amount in dollars", "required"))
            elif amount <= 0:
                issues.append(Issue(f"{prefix}.amount", f"amount must be more than zero, not {amount}"))
            elif amount != amount.quantize(CENT):
                issues.append(Issue(f"{prefix}.amount", f"amount {amount} has fractions of a cent"))
        else:
            percent = _decimal(instruction.percent)
            if percent is None or not percent.is_finite():
                issues.append(Issue(f"{prefix}.percent", "a percentage split needs a percentage", "required"))
            elif not ZERO < percent <= ONE_HUNDRED:
                issues.append(Issue(f"{prefix}.percent", f"percentage must be more than 0 and at most 100, "
                                                         f"not {percent}"))
            else:
                percent_total += percent
    if remainder_count == 0:
        issues.append(Issue("deposit_accounts", "one account must take the remainder of net pay", "required"))
    elif remainder_count > 1:
        issues.append(Issue("deposit_accounts", "only one account can take the remainder of net pay"))
    if percent_total > ONE_HUNDRED:
        issues.append(Issue("deposit_accounts", f"percentages add up to {percent_total}, more than 100"))
    return issues


def split_net_pay(net: Decimal, instructions: Sequence[DepositInstruction]) -> list[DepositPart]:
    """Net pay split over the accounts: fixed amounts first, then percentages of net, then the remainder.

    Fixed amounts are filled in priority order (then input order) and each takes at most what is left,
    so when net pay is less than the fixed amounts the earlier accounts are filled first. Each percentage
    is round_cents(net * percent / 100), again capped at what is left. The remainder account takes the
    rest. Parts are in that order; accounts whose share is zero are left out, so every part can be paid as
    an ACH credit. The parts always add up to net exactly.
    """
    issues = validate_instructions(instructions)
    net_amount = _decimal(net)
    if net_amount is None or not net_amount.is_finite():
        issues.append(Issue("net", "net pay must be a Decimal number of dollars"))
    elif net_amount < 0:
        issues.append(Issue("net", f"net pay is negative ({net_amount}); nothing can be deposited"))
    elif net_amount != net_amount.quantize(CENT):
        issues.append(Issue("net", f"net pay {net_amount} has fractions of a cent"))
    raise_if(issues)

    order = sorted(range(len(instructions)), key=lambda i: (instructions[i].priority, i))
    by_kind = {kind: [instructions[i] for i in order if SplitKind(instructions[i].kind) is kind]
               for kind in SplitKind}
    left = net_amount.quantize(CENT)
    parts: list[DepositPart] = []
    for instruction in by_kind[SplitKind.FIXED]:
        share = min(D(instruction.amount).quantize(CENT), left)
        parts.append(DepositPart(instruction.account_key, share))
        left -= share
    for instruction in by_kind[SplitKind.PERCENT]:
        share = min(round_cents(net_amount * D(instruction.percent) / ONE_HUNDRED), left)
        parts.append(DepositPart(instruction.account_key, share))
        left -= share
    parts.append(DepositPart(by_kind[SplitKind.REMAINDER][0].account_key, left))
    return [part for part in parts if part.amount > 0]


def _decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        return D(value)
    except (TypeError, ValueError):
        return None

