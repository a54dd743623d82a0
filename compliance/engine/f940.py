"""Form 940 (Employer's Annual Federal Unemployment (FUTA) Tax Return) with Schedule A (pure).

Lines (Form 940 for 2025 and its instructions; the wage base, net rate and the credit-reduction states per year in
data/f940.json with their sources):
- 1a the one state where state unemployment tax was paid, or 1b multi-state (Schedule A); 2 a credit-reduction
  state's wages were paid (Schedule A).
- 3 total payments to employees (wages before cafeteria-plan and other FUTA-exempt pre-tax deductions; expense
  reimbursements and employer contributions to benefit plans are not payments of wages here);
  4 payments exempt from FUTA (those pre-tax deductions: IRC 3306(b)(5)/(b)(13)/(b)(18), 125, 129, 132(f));
  5 payments over $7,000 per employee (the excess of each one's FUTA-subject payments over the wage base);
  6 = 4 + 5; 7 FUTA wages = 3 − 6; 8 = 7 × 0.006.
- 9 and 10 are 0.00: every FUTA wage here is subject to state unemployment tax, paid on time (say so on review).
- 11 the credit reduction, from Schedule A: per state, the FUTA wages paid in it × its reduction rate.
- 12 = 8 + 9 + 10 + 11; 13 FUTA deposited for the year; 14 balance due; 15 overpayment.
- 16a–16d the quarters' liabilities (each quarter's FUTA wages × 0.006; 16d also carries line 11, which is due
  with the fourth quarter, and the cent the per-quarter rounding leaves), 17 = their sum = line 12.
FUTA wages are attributed to the quarter and state of the paycheck that used the wage base (the first $7,000 paid
in the year, in pay-date order; a reversal gives back what it took)."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from backoffice.errors import DomainError
from backoffice.money import D, ZERO, fmt, round_cents

DATA_FILE = Path(__file__).with_name("data") / "f940.json"
RATE = Decimal("0.001")
QUARTER_KEYS = ("line16a", "line16b", "line16c", "line16d")


@dataclass(frozen=True)
class Rates:
    year: int
    wage_base: Decimal
    net_rate: Decimal
    credit_reduction: dict[str, Decimal] = field(default_factory=dict)
    credit_reduction_source: str = ""
    provisional: bool = False
    source: str = ""


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(DATA_FILE.read_text())


def rates(year: int) -> Rates:
    y = _data()["years"].get(str(year))
    if y is None:
        raise DomainError(f"no Form 940 figures for {year} in {DATA_FILE.name}", code="unsupported_tax_year")
    return Rates(year, D(y["wage_base"]), D(y["net_rate"]), {k: D(v) for k, v in y["credit_reduction"].items()},
                 y["credit_reduction_source"], bool(y.get("provisional")), _data()["source"])


@dataclass(frozen=True)
class Payment:
    """One released paycheck's FUTA figures: `payments` (line 3: wages, before FUTA-exempt pre-tax deductions) and
    `exempt` (line 4: those deductions); negative for a reversal. `state` is where the work was done."""

    paycheck_id: int
    worker_id: int
    pay_date: date
    state: str
    payments: Decimal
    exempt: Decimal = ZERO


@dataclass(frozen=True)
class Year:
    year: int
    payments: tuple[Payment, ...]
    deposits: Decimal = ZERO
    rates: Rates | None = None



def build(y: Year) -> dict:
    r = y.rates or rates(y.year)
    subject: dict[int, Decimal] = defaultdict(lambda: ZERO)       # FUTA-subject payments so far, per worker
    by_quarter: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_state: dict[str, Decimal] = defaultdict(lambda: ZERO)
    line3 = line4 = ZERO
    for p in sorted(y.payments, key=lambda p: (p.pay_date, p.paycheck_id)):
        if p.pay_date.year != y.year:
            raise DomainError(f"paycheck {p.paycheck_id} was paid in {p.pay_date.year}, not {y.year}",
                              code="bad_period")
        line3 += p.payments
        line4 += p.exempt
        before = subject[p.worker_id]
        after = before + p.payments - p.exempt
        used = min(after, r.wage_base) - min(before, r.wage_base)
        subject[p.worker_id] = after
        by_quarter[(p.pay_date.month - 1) // 3 + 1] += used
        by_state[p.state] += used
    line5 = sum((s - r.wage_base for s in subject.values() if s > r.wage_base), ZERO)
    line6 = line4 + line5
    line7 = line3 - line6
    line8 = round_cents(line7 * r.net_rate)
    line9 = line10 = ZERO
    schedule_a = {}
    line11 = ZERO
    for st, wages in sorted(by_state.items()):
        if wages == 0:
            continue
        rate = r.credit_reduction.get(st, ZERO)
        cr = round_cents(wages * rate)
        line11 += cr
        schedule_a[st] = {"wages": fmt(wages), "rate": str(rate.quantize(RATE)), "credit_reduction": fmt(cr)}
    line12 = line8 + line9 + line10 + line11
    line13 = y.deposits
    quarters = [round_cents(by_quarter[q] * r.net_rate) for q in (1, 2, 3)]
    quarters.append(line12 - sum(quarters, ZERO))
    states = [st for st in schedule_a]
    return {
        "year": y.year, "employees": len(subject),
        "line1a": states[0] if len(states) == 1 else "", "line1b": len(states) > 1,
        "line2": any(D(v["credit_reduction"]) != 0 for v in schedule_a.values()),
        "line3": fmt(line3), "line4": fmt(line4), "line5": fmt(line5), "line6": fmt(line6), "line7": fmt(line7),
        "line8": fmt(line8), "line9": fmt(line9), "line10": fmt(line10), "line11": fmt(line11), "line12": fmt(line12),
        "line13": fmt(line13), "line14": fmt(max(line12 - line13, ZERO)), "line15": fmt(max(line13 - line12, ZERO)),
        **{k: fmt(v) for k, v in zip(QUARTER_KEYS, quarters)}, "line17": fmt(sum(quarters, ZERO)),
        "schedule_a": schedule_a,
        "futa_wages_by_quarter": {str(q): fmt(by_quarter[q]) for q in (1, 2, 3, 4)},
        "rates": {"wage_base": str(r.wage_base), "net_rate": str(r.net_rate),
                  "credit_reduction": {k: str(v) for k, v in sorted(r.credit_reduction.items())},
                  "credit_reduction_source": r.credit_reduction_source, "provisional": r.provisional,
                  "source": r.source},
    }


INTERFACE_KEYS = ("line3", "line4", "line5", "line6", "line7", "line8", "line9", "line10", "line11", "line12",
                  "line13", "line14", "line15", "line16a", "line16b", "line16c", "line16d", "line17", "schedule_a")


def interface(content: dict) -> dict:
    """The `940 --format json` object: lines 1a–17 and `schedule_a`."""
    return {k: content[k] for k in ("line1a", "line1b", "line2", *INTERFACE_KEYS)}


def summary(content: dict) -> str:
    return (f"{content['employees']} employees · FUTA wages {content['line7']} · line 12 {content['line12']} "
            f"(credit reduction {content['line11']}) · deposits {content['line13']}")
