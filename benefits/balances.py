"""What a worker has put in and received so far, from their released paychecks: the 401(k) by source with its
vesting, and the HSA/FSA/commuter/529 amounts of this year (the portal's benefits page reads these)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.money import ZERO, D
from payroll.models import Paycheck, PaycheckLine, released_runs
from payroll.services.ledger import raw_sum

# (paycheck line kind, code) -> the source a participant's statement names
SOURCES_401K = {("pretax_deduction", "401k"): "employee_traditional",
                ("posttax_deduction", "roth_401k"): "employee_roth",
                ("employer_contribution", "401k_match"): "employer_match"}
SOURCE_LABELS = {"employee_traditional": "Your traditional (pre-tax) deferrals", "employee_roth": "Your Roth deferrals",
                 "employer_match": "Employer match"}
ACCOUNT_LINES = {("pretax_deduction", "hsa"): "HSA (your contributions)",
                 ("employer_contribution", "hsa_employer"): "HSA (employer)",
                 ("pretax_deduction", "fsa"): "Health FSA", ("pretax_deduction", "dcfsa"): "Dependent care FSA",
                 ("pretax_deduction", "commuter"): "Commuter", ("posttax_deduction", "529"): "529 education savings"}


@dataclass(frozen=True)
class Source:
    source: str
    label: str
    contributed: Decimal
    vested_percent: Decimal
    vested: Decimal


def _totals(worker_id: int, pairs, year: int | None = None) -> dict[tuple, Decimal]:
    kinds = sorted({k for k, _ in pairs})
    codes = sorted({c for _, c in pairs})
    stmt = (sa.select(PaycheckLine.kind, PaycheckLine.code, raw_sum(PaycheckLine.amount))
            .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
            .where(Paycheck.worker_id == worker_id, Paycheck.run_id.in_(released_runs()),
                   PaycheckLine.kind.in_(kinds), PaycheckLine.code.in_(codes))
            .group_by(PaycheckLine.kind, PaycheckLine.code))
    if year is not None:
        stmt = stmt.where(Paycheck.tax_year == year)
    out = {}
    for kind, code, total in db.session.execute(stmt):
        if (kind, code) in pairs:
            out[(kind, code)] = D(int(total or 0)) / 100        # the column stores integer cents
    return out


def retirement_by_source(worker_id: int, employer_vested_percent: Decimal | None) -> list[Source]:
    """The 401(k) contributions of every released paycheck by source. The worker's own deferrals are always 100%
    vested (IRC 411(a)(1)); the match is vested at `employer_vested_percent` (0–100) when known, else shown as 0."""
    totals = _totals(worker_id, SOURCES_401K)
    out = []
    for pair, source in SOURCES_401K.items():
        amount = totals.get(pair, ZERO)
        pct = D(100) if source != "employer_match" else (D(employer_vested_percent)
                                                         if employer_vested_percent is not None else ZERO)
        out.append(Source(source, SOURCE_LABELS[source], amount, pct, (amount * pct / 100).quantize(D("0.01"))))
    return out


def accounts_this_year(worker_id: int, year: int) -> list[tuple[str, Decimal]]:
    """(label, amount) of each account line with money in it this year (HSA, FSA, DCFSA, commuter, 529)."""
    totals = _totals(worker_id, ACCOUNT_LINES, year)
    return [(label, totals[pair]) for pair, label in ACCOUNT_LINES.items() if totals.get(pair)]
