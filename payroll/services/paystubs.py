"""Paystubs: a paycheck mapped to the reports.paystub view, rendered to PDF on demand with a file cache, and in
bulk for a run."""
from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from backoffice.errors import DomainError, NotFound
from backoffice.extensions import db
from backoffice.money import ZERO
from backoffice.workers.models import Agency, Client, Worker
from payroll.models import Paycheck, PaycheckLine, PayrollRun
from payroll.models_ledger import Payment

from .explain import line_explanations

LABELS = {
    "regular": "Regular", "overtime": "Overtime", "double_time": "Double time", "salary": "Salary",
    "piece": "Piece work", "project": "Project", "bonus": "Bonus", "commission": "Commission",
    "retro": "Retroactive pay", "correction": "Correction", "reimbursement": "Reimbursement",
    "final_pay": "Final pay", "federal_income_tax": "Federal income tax", "social_security": "Social Security",
    "medicare": "Medicare", "additional_medicare": "Additional Medicare", "futa": "FUTA", "suta": "SUTA",
    "backup_withholding": "Backup withholding", "state_income_tax": "income tax", "401k": "401(k)",
    "roth_401k": "Roth 401(k)", "section125": "Section 125 premium", "hsa": "HSA", "fsa": "Health FSA",
    "garnishment": "Garnishment", "child_support": "Child support", "other": "Other deduction",
}


def describe(code: str, state: str = "") -> str:
    label = LABELS.get(code, code.replace("_", " ").capitalize())
    return f"{state} {label}" if state else label


def _addr(line1, city, state, postal, line2=""):
    return {"line1": line1 or "", "line2": line2 or "", "city": city or "", "state": state or "",
            "postal_code": postal or ""}


def paystub_data(paycheck_id: int, *, with_explanations: bool = False) -> dict:
    """The paystub dict (reports.paystub.PAYSTUB_DICT_KEYS) of one paycheck: current amounts from its lines,
    year-to-date from every paycheck of the worker in the tax year up to this one (reversals included)."""
    s = db.session
    p = s.get(Paycheck, paycheck_id)
    if p is None:
        raise NotFound(f"paycheck {paycheck_id} not found")
    worker = s.get(Worker, p.worker_id)
    if not worker.tin_last4:
        raise DomainError(f"worker {worker.id} has no TIN on file; the paystub cannot show the masked number",
                          code="no_tin")
    agency = s.get(Agency, p.agency_id) if p.agency_id else s.execute(sa.select(Agency).order_by(Agency.id)).scalar()
    client = s.get(Client, p.client_id)
    upto = sa.or_(Paycheck.pay_date < p.pay_date, sa.and_(Paycheck.pay_date == p.pay_date, Paycheck.id <= p.id))
    ytd_lines: dict[tuple, object] = defaultdict(lambda: ZERO)
    for kind, code, state, amount in s.execute(
            sa.select(PaycheckLine.kind, PaycheckLine.code, PaycheckLine.state, PaycheckLine.amount)
            .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
            .where(Paycheck.worker_id == p.worker_id, Paycheck.tax_year == p.tax_year, upto)):
        ytd_lines[(kind, code, state)] += amount
    gross_ytd = net_ytd = ZERO
    for gross, net in s.execute(sa.select(Paycheck.gross, Paycheck.net).where(
            Paycheck.worker_id == p.worker_id, Paycheck.tax_year == p.tax_year, upto)):
        gross_ytd += gross
        net_ytd += net
    explanations = line_explanations(p) if with_explanations else {}
    current: dict[tuple, list] = defaultdict(list)
    for ln in s.execute(sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == p.id)
                        .order_by(PaycheckLine.id)).scalars():
        current[(ln.kind, ln.code, ln.state)].append(ln)
    groups = {"earning": [], "employee_tax": [], "pretax_deduction": [], "posttax_deduction": [], "employer_tax": []}
    seen = set()
    for key, lines in current.items():
        seen.add(key)
        kind, code, state = key
        others = sum((ln.amount for ln in lines[1:]), ZERO)
        for i, ln in enumerate(lines):
            row = {"description": describe(code, state), "current": ln.amount,
                   "ytd": ytd_lines[key] - others if i == 0 else ln.amount}
            if kind == "earning" and ln.hours is not None and ln.rate is not None and ln.amount >= 0:
                row["hours"], row["rate"] = ln.hours, ln.rate
            steps = explanations.get(ln.id) or ln.explanation
            if with_explanations and steps:
                row["explanation"] = list(steps)
            groups[kind].append(row)
    for key, amount in ytd_lines.items():       # lines earlier this year but not in this paycheck
        if key not in seen and amount:
            kind, code, state = key
            groups[kind].append({"description": describe(code, state), "current": ZERO, "ytd": amount})
    deposits = [{"bank_name": "Direct deposit", "account_type": pay.account_type,
                 "account_number": pay.account_last4, "amount": pay.amount}
                for pay in s.execute(sa.select(Payment).where(Payment.paycheck_id == p.id,
                                                              Payment.status.in_(("pending", "sent")))
                                     .order_by(Payment.id)).scalars()]
    return {
        "paycheck_id": p.id, "check_number": f"{p.run_id}-{p.id}",
        "agency": {"legal_name": agency.legal_name, "ein": agency.ein,
                   "address": _addr(agency.address_line1, agency.city, agency.state, agency.postal_code)},
        "worker": {"name": worker.full_name, "worker_id": str(worker.id), "ssn": worker.tin_last4,
                   "address": _addr(worker.address_line1, worker.city, worker.state, worker.postal_code,
                                    worker.address_line2)},
        "client_name": client.name, "worker_type": "w2" if p.worker_type == "employee" else "1099",
        "period_start": p.period_start, "period_end": p.period_end, "pay_date": p.pay_date,
        "earnings": groups["earning"], "employee_taxes": groups["employee_tax"],
        "pre_tax_deductions": groups["pretax_deduction"], "post_tax_deductions": groups["posttax_deduction"],
        "employer_contributions": groups["employer_tax"],
        "gross": {"current": p.gross, "ytd": gross_ytd}, "net": {"current": p.net, "ytd": net_ytd},
        "deposits": deposits if p.net > 0 else [],
    }


def paystub_view(paycheck_id: int, *, with_explanations: bool = False):
    from reports.paystub.builder import paystub_from_dict

    return paystub_from_dict(paystub_data(paycheck_id, with_explanations=with_explanations),
                             include_explanations=with_explanations)


def cache_dir() -> Path:
    d = current_app.config.get("PAYSTUB_CACHE_DIR") or os.path.join(current_app.instance_path, "paystubs")
    return Path(d)


def _cache_path(p: Paycheck) -> Path:
    """One file per paycheck and set of live deposits (a re-issued deposit changes the stub: a new file).

    The name also fingerprints whose paycheck it is (worker, engagement, dates, amounts, the run's creation
    time): ids alone can repeat after a database is restored or rebuilt, and a cached file must never show one
    worker another's paystub."""
    deposits = db.session.execute(sa.select(Payment.id).where(Payment.paycheck_id == p.id,
                                                              Payment.status.in_(("pending", "sent")))
                                  .order_by(Payment.id)).scalars().all()
    run_created = db.session.execute(sa.select(PayrollRun.created_at).where(PayrollRun.id == p.run_id)).scalar()
    identity = (p.worker_id, p.engagement_id, p.kind, p.period_start, p.period_end, p.pay_date, p.gross, p.net,
                deposits, run_created)
    tag = hashlib.sha256(repr(identity).encode()).hexdigest()[:20]
    return cache_dir() / str(p.run_id) / f"{p.id}-{tag}.pdf"


def paystub_pdf(paycheck_id: int) -> bytes:
    """The paystub PDF, from the cache when it was rendered before (paychecks never change)."""
    p = db.session.get(Paycheck, paycheck_id)
    if p is None:
        raise NotFound(f"paycheck {paycheck_id} not found")
    path = _cache_path(p)
    if path.exists():
        return path.read_bytes()
    from reports.pdf import render_paystub

    pdf = render_paystub(paystub_view(paycheck_id))
    _write(path, pdf)
    return pdf


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)        # atomic: a reader never sees half a file


def render_paychecks(paycheck_ids: list[int], *, processes: int | None = None) -> int:
    """Render every paystub of these paychecks not cached yet (reports.pdf.render_paystubs). Returns how many."""
    from reports.pdf import render_paystubs

    todo = {}
    for p in db.session.execute(sa.select(Paycheck).where(Paycheck.id.in_(paycheck_ids)).order_by(Paycheck.id)
                                ).scalars():
        path = _cache_path(p)
        if not path.exists():
            todo[p.id] = path
    views = (paystub_view(pid) for pid in todo)
    n = 0
    for key, pdf in render_paystubs(views, processes=processes):
        _write(todo[key], pdf)
        n += 1
    return n


def render_run(run_id: int, *, processes: int | None = None, limit: int | None = None) -> int:
    """Render every paystub of a run not cached yet, in this process (and its pool). Returns how many."""
    ids = list(db.session.execute(sa.select(Paycheck.id).where(Paycheck.run_id == run_id).order_by(Paycheck.id)
                                  .limit(limit)).scalars())
    return render_paychecks(ids, processes=processes)
