"""What the forms are built from, read once: released paychecks with their tax lines summed per paycheck, and the
employer. Service layer (queries); the form builders (compliance/engine) take what these return.

A paycheck counts when its run is released (`payroll.models.released_runs`: approved or paid, or reversed after
approval) — what the paystub and the worker's year to date count. Reversals are negative paychecks on their own
pay date, so summing a quarter nets them out (the form for the reversal's quarter carries it)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Iterator

import sqlalchemy as sa
from flask import current_app

from backoffice.errors import DomainError
from backoffice.extensions import db
from backoffice.money import ZERO
from backoffice.workers.models import Agency
from payroll.models import Paycheck, PaycheckLine, released_runs

Key = tuple[str, str, str]          # (line kind, code, state)


@dataclass(frozen=True)
class PaycheckTaxes:
    """One released paycheck: `amounts[(kind, code, state)]` the sum of its lines' amounts and `wages[...]` the sum
    of their `taxable_wages` (set on the employee tax and employer tax lines: the wages each tax was computed on).
    E.g. amounts[("employee_tax", "federal_income_tax", "")], wages[("employer_tax", "futa", "")],
    amounts[("employee_tax", "state_income_tax", "CA")], amounts[("pretax_deduction", "401k", "")]."""

    paycheck_id: int
    worker_id: int
    worker_type: str                # employee | contractor
    kind: str                       # regular | reversal | reissue
    run_id: int
    pay_date: date
    work_state: str
    gross: Decimal
    net: Decimal
    qualified_overtime_premium: Decimal
    amounts: dict[Key, Decimal] = field(default_factory=dict)
    wages: dict[Key, Decimal] = field(default_factory=dict)
    # local tax lines by (kind, code, state, locality): (amount, taxable wages or None) — W-2 boxes 18-20
    locals: dict[tuple[str, str, str, str], tuple[Decimal, Decimal | None]] = field(default_factory=dict)

    def amount(self, kind: str, code: str, state: str = "") -> Decimal:
        return self.amounts.get((kind, code, state), ZERO)

    def wage(self, kind: str, code: str, state: str = "") -> Decimal:
        return self.wages.get((kind, code, state), ZERO)

    def by_state(self, kind: str, code: str) -> dict[str, Decimal]:
        return {k[2]: v for k, v in self.amounts.items() if k[0] == kind and k[1] == code}


def paycheck_taxes(first: date, last: date, worker_type: str | None = "employee",
                   worker_ids: list[int] | None = None) -> Iterator[PaycheckTaxes]:
    """Released paychecks paid from `first` to `last` (pay dates, inclusive), ordered by pay date and id, each with
    its lines summed. Two queries whatever the number of paychecks (streamed)."""
    where = [Paycheck.pay_date >= first, Paycheck.pay_date <= last, Paycheck.run_id.in_(released_runs())]
    if worker_type:
        where.append(Paycheck.worker_type == worker_type)
    if worker_ids is not None:
        where.append(Paycheck.worker_id.in_(worker_ids))
    s = db.session
    lines: dict[int, tuple[dict, dict, dict]] = defaultdict(lambda: ({}, {}, {}))
    q = (sa.select(PaycheckLine.paycheck_id, PaycheckLine.kind, PaycheckLine.code, PaycheckLine.state,
                   PaycheckLine.locality, sa.func.sum(PaycheckLine.amount), sa.func.sum(PaycheckLine.taxable_wages))
         .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id).where(*where)
         .group_by(PaycheckLine.paycheck_id, PaycheckLine.kind, PaycheckLine.code, PaycheckLine.state,
                   PaycheckLine.locality))
    for pid, kind, code, state, locality, amount, wages in s.execute(q):
        a, w, loc = lines[pid]
        key = (kind, code, state or "")
        a[key] = a.get(key, ZERO) + Decimal(amount or 0)
        if wages is not None:
            w[key] = w.get(key, ZERO) + Decimal(wages)
        if locality:
            loc[(kind, code, state or "", locality)] = (Decimal(amount or 0),
                                                        None if wages is None else Decimal(wages))
    cols = (Paycheck.id, Paycheck.worker_id, Paycheck.worker_type, Paycheck.kind, Paycheck.run_id, Paycheck.pay_date,
            Paycheck.work_state, Paycheck.gross, Paycheck.net, Paycheck.qualified_overtime_premium)
    for row in s.execute(sa.select(*cols).where(*where).order_by(Paycheck.pay_date, Paycheck.id)):
        a, w, loc = lines.get(row[0], ({}, {}, {}))
        yield PaycheckTaxes(*row, amounts=a, wages=w, locals=loc)


def employer() -> dict:
    """The employer that files (the agency, PEO-style, under its own EIN) and the e-file settings."""
    agency = db.session.execute(sa.select(Agency).order_by(Agency.id)).scalars().first()
    if agency is None:
        raise DomainError("the agency is not set up (Settings → Agency): a return names its employer",
                          code="agency_missing")
    cfg = current_app.config
    return {"id": agency.id, "name": agency.legal_name, "ein": "".join(ch for ch in agency.ein if ch.isdigit()),
            "address": agency.address_line1, "city": agency.city, "state": agency.state,
            "zip": agency.postal_code, "phone": agency.phone,
            "contact_name": cfg.get("FILER_CONTACT_NAME", ""), "contact_phone": cfg.get("FILER_CONTACT_PHONE", ""),
            "contact_email": cfg.get("FILER_CONTACT_EMAIL", ""),
            "registrations": {r.state: {"withholding_account": r.withholding_account,
                                        "suta_account": r.suta_account, "suta_rate": str(r.suta_rate)}
                              for r in agency.registrations}}


def settings() -> dict:
    cfg = current_app.config
    return {"irs_tcc": cfg.get("IRS_TCC", ""), "ssa_bso_user_id": cfg.get("SSA_BSO_USER_ID", "")}
