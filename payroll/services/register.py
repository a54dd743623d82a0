"""Payroll register: one row per paycheck with one column per earning, tax and deduction (a pivot of lines)."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterator

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.workers.models import Client, Worker
from payroll.models import Paycheck, PaycheckLine

BASE_COLUMNS = ("paycheck_id", "run_id", "kind", "worker_id", "worker_name", "engagement_id", "client",
                "worker_type", "work_state", "period_start", "period_end", "pay_date", "gross", "employee_taxes",
                "deductions", "net", "employer_taxes")
KIND_PREFIX = {"earning": "earning", "employee_tax": "tax", "employer_tax": "employer_tax",
               "pretax_deduction": "deduction", "posttax_deduction": "deduction"}


def line_column(kind: str, code: str, state: str) -> str:
    """Register column name of a line: earning:regular, tax:federal_income_tax, tax:state_income_tax:CA,
    employer_tax:suta:TX, deduction:401k."""
    name = f"{KIND_PREFIX[kind]}:{code}"
    return f"{name}:{state}" if state else name


def register_lines_query(run_ids: list[int]) -> sa.Select:
    """Raw rows (paycheck_id, kind, code, state, amount in cents) of the runs' lines: the one query a pivot
    needs (amount is the stored integer cents, summed per paycheck and column)."""
    return (sa.select(PaycheckLine.paycheck_id, PaycheckLine.kind, PaycheckLine.code, PaycheckLine.state,
                      sa.func.sum(sa.cast(PaycheckLine.amount, sa.BigInteger)))
            .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id).where(Paycheck.run_id.in_(run_ids))
            .group_by(PaycheckLine.paycheck_id, PaycheckLine.kind, PaycheckLine.code, PaycheckLine.state))


def register(run_ids: list[int]) -> tuple[list[str], Iterator[dict]]:
    """(columns, rows): rows are dicts with Decimal amounts, zero where a paycheck has no such line."""
    per: dict[int, dict[str, Decimal]] = {}
    columns: set[str] = set()
    for pid, kind, code, state, raw in db.session.execute(register_lines_query(run_ids)):
        col = line_column(kind, code, state)
        columns.add(col)
        per.setdefault(pid, {})[col] = Decimal(int(raw)) / 100
    order = {"earning": 0, "tax": 1, "deduction": 2, "employer_tax": 3}
    line_cols = sorted(columns, key=lambda c: (order[c.split(":")[0]], c))
    zero = Decimal("0.00")

    def rows():
        cols = [getattr(Paycheck, c) for c in ("id", "run_id", "kind", "worker_id", "engagement_id", "worker_type",
                                                "work_state", "period_start", "period_end", "pay_date", "gross",
                                                "employee_taxes", "deductions", "net", "employer_taxes")]
        stmt = (sa.select(*cols, Worker.first_name, Worker.last_name, Client.name.label("client"))
                .join(Worker, Worker.id == Paycheck.worker_id).join(Client, Client.id == Paycheck.client_id)
                .where(Paycheck.run_id.in_(run_ids)).order_by(Paycheck.run_id, Paycheck.id))
        for p in db.session.execute(stmt.execution_options(yield_per=5000)):
            first, last, client = p.first_name, p.last_name, p.client
            row = {"paycheck_id": p.id, "run_id": p.run_id, "kind": p.kind, "worker_id": p.worker_id,
                   "worker_name": f"{first} {last}", "engagement_id": p.engagement_id, "client": client,
                   "worker_type": p.worker_type, "work_state": p.work_state, "period_start": p.period_start,
                   "period_end": p.period_end, "pay_date": p.pay_date, "gross": p.gross,
                   "employee_taxes": p.employee_taxes, "deductions": p.deductions, "net": p.net,
                   "employer_taxes": p.employer_taxes}
            lines = per.get(p.id, {})
            for c in line_cols:
                row[c] = lines.get(c, zero)
            yield row

    return list(BASE_COLUMNS) + line_cols, rows()
