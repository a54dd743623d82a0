"""Portable benefits, pure: what one engagement's paid earnings credit to the worker's portable account, and how
the credit is reported (docs/benefits-portable.md)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from backoffice.money import ZERO, D, round_cents

# Hours worked: the hourly lines (a premium line repeats hours already paid at the straight rate).
HOURS_CODES = frozenset({"regular", "overtime", "double_time"})
# Not pay for work: an accountable-plan reimbursement is no wage (IRC 62(c)) and earns no contribution.
NOT_PAY_CODES = frozenset({"reimbursement"})
METHODS = ("per_hour", "percent_of_pay")
FUNDERS = ("client", "agency")
# How a credit is reported: a contractor's is nonemployee compensation (Form 1099-NEC box 1); a W-2 worker's is
# wages (W-2 box 1, 3 and 5) — see docs/benefits-portable.md for the sources.
REPORTING = {"contractor": "1099_nec_box1", "employee": "w2_wages"}


@dataclass(frozen=True, slots=True)
class Terms:
    """One engagement's contribution rule: `rate` is dollars an hour (per_hour) or a fraction of pay (0.02 = 2%)."""

    method: str
    rate: Decimal
    funded_by: str


@dataclass(frozen=True, slots=True)
class EarningLine:
    code: str
    amount: Decimal
    hours: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Credit:
    amount: Decimal
    basis: Decimal            # hours worked (per_hour) or pay (percent_of_pay) the credit was figured on
    explanation: str


def credit_for(terms: Terms, lines: Sequence[EarningLine], paid_from_account: Decimal = ZERO) -> Credit:
    """The credit one paycheck's earning lines for one engagement give under `terms`, rounded half-up to the cent
    once (not per line). Negative lines (a correction) count with their sign; a credit is never below zero.
    `paid_from_account`: the part of the lines that is the account's own money coming back (a payout or premium
    use paid as a bonus line): not pay for work, so it earns no percent-of-pay credit."""
    if terms.method not in METHODS:
        raise ValueError(f"unknown method {terms.method!r}")
    if terms.method == "per_hour":
        basis = sum((D(ln.hours) for ln in lines if ln.code in HOURS_CODES and ln.hours is not None), ZERO)
        amount = max(round_cents(basis * terms.rate), ZERO)
        words = f"{basis.normalize():f} h worked × ${terms.rate} an hour = ${amount}"
    else:
        basis = sum((D(ln.amount) for ln in lines if ln.code not in NOT_PAY_CODES), ZERO) - D(paid_from_account)
        amount = max(round_cents(basis * terms.rate), ZERO)
        words = f"{(terms.rate * 100).normalize():f}% of ${basis} pay = ${amount}"
    return Credit(amount, basis, f"{words}, funded by the {terms.funded_by}")


def reporting_category(worker_type: str) -> str:
    """`1099_nec_box1` for a contractor's credit, `w2_wages` for an employee's."""
    return REPORTING[worker_type]


def payout_line_code(engagement_type: str) -> str:
    """The paycheck line that pays money out of the account: a contractor's credit was income when made (1099-NEC
    box 1), so paying it out is not income again (`reimbursement`, no tax); a leased employee's credit is wages
    that no paycheck has withheld on yet, so it is paid as supplemental wages (`bonus`, Pub 15 section 7)."""
    return "reimbursement" if engagement_type == "contractor" else "bonus"


def reversal_amount(credited: Decimal, balance: Decimal) -> tuple[Decimal, Decimal]:
    """What a reversed paycheck takes back from the account: the credit, but never more than the balance (money
    already used toward a premium or paid out cannot be taken back from the account). Returns (taken back,
    left unrecovered)."""
    back = min(credited, max(balance, ZERO))
    return back, credited - back
