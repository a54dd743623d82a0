"""Form 945, Annual Return of Withheld Federal Income Tax, pure: here the backup withholding from contractor
payments (this agency pays no pensions, annuities or gambling winnings, so line 1's other sources are zero).

Lines (Form 945 for 2025 and its instructions): 1 federal income tax withheld from pensions, annuities, IRAs,
gambling winnings and other nonpayroll payments (0 here); 2 backup withholding; 3 total taxes (1 + 2); 4 total
deposits for the year; 5 balance due (3 − 4 when 3 is more); 6 overpayment (4 − 3 when 4 is more); 7 the monthly
summary of the tax liability (monthly depositors; semiweekly depositors file Form 945-A instead, which has the
same liabilities by day) — kept here per month as `monthly` {"YYYY-MM": amount}, every month of the year."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from backoffice.money import ZERO, fmt, round_cents


@dataclass(frozen=True)
class Liability:
    pay_date: date
    backup_withholding: Decimal


@dataclass(frozen=True)
class F945Input:
    year: int
    liabilities: tuple[Liability, ...] = field(default_factory=tuple)    # one per contractor paycheck
    deposits: Decimal = ZERO            # deposits paid for the year (TaxDeposit tax "945")
    income_tax_withheld: Decimal = ZERO  # line 1: none from this agency's payments


def build(data: F945Input) -> dict:
    monthly = {f"{data.year}-{m:02d}": ZERO for m in range(1, 13)}
    for li in data.liabilities:
        if li.pay_date.year == data.year:
            key = f"{li.pay_date.year}-{li.pay_date.month:02d}"
            monthly[key] += round_cents(li.backup_withholding)
    line1 = round_cents(data.income_tax_withheld)
    line2 = sum(monthly.values(), ZERO)
    line3 = line1 + line2
    line4 = round_cents(data.deposits)
    return {"year": data.year,
            "line1": fmt(line1), "line2": fmt(line2), "line3": fmt(line3), "line4": fmt(line4),
            "line5": fmt(max(line3 - line4, ZERO)), "line6": fmt(max(line4 - line3, ZERO)),
            "monthly": {k: fmt(v) for k, v in monthly.items()},
            "line7_total": fmt(line2)}


def summary(content: dict) -> str:
    return (f"backup withholding {content['line2']}, deposits {content['line4']}, "
            f"due {content['line5']}" + (f", overpaid {content['line6']}" if content["line6"] != "0.00" else ""))
