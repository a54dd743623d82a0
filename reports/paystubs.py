"""Paystub PDFs: a paycheck's paystub view rendered by WeasyPrint on demand with a file cache, and in bulk for a run."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from backoffice.errors import NotFound
from backoffice.extensions import db
from payroll.models import Paycheck, PayrollRun
from payroll.models_ledger import Payment
from payroll.services.paystubs import paystub_data
from reports.paystub.builder import paystub_from_dict
from reports.pdf import render_paystub, render_paystubs


def paystub_view(paycheck_id: int, *, with_explanations: bool = False):
    return paystub_from_dict(paystub_data(paycheck_id, with_explanations=with_explanations),
                             include_explanations=with_explanations)


def cache_dir() -> Path:
    d = current_app.config.get("PAYSTUB_CACHE_DIR") or os.path.join(current_app.instance_path, "paystubs")
    return Path(d)


# Runs whose paystubs are final: paid, or approved and waiting for the pay date (the bulk rendering on approval
# stores them). A calculated run can still be reversed or recalculated, and its paychecks' year to date moves
# while earlier runs are approved, so its stubs are rendered afresh on every request.
FINAL_RUN_STATES = ("approved", "paid")


def _cache_path(p: Paycheck) -> Path:
    """One file per paycheck and set of live deposits (a re-issued deposit changes the stub: a new file).

    The name also fingerprints whose paycheck it is (worker, engagement, dates, amounts, the run's creation
    time): ids alone can repeat after a database is restored or rebuilt, and a cached file must never show one
    worker another's paystub."""
    return _stored_copy(p)[0]


def _stored_copy(p: Paycheck) -> tuple[Path, bool]:
    """Where the paycheck's paystub is stored, and whether it may be stored and served from there: only for a
    final run (FINAL_RUN_STATES) and a paycheck nobody reversed. A reversed or corrected paycheck (a reversal
    points at it), or one of a reversed run, is rendered afresh on every request, so a copy made before the
    correction is never served."""
    reversal = sa.orm.aliased(Paycheck)
    state, run_created, reversed_ = db.session.execute(
        sa.select(PayrollRun.state, PayrollRun.created_at,
                  sa.select(reversal.id).where(reversal.reverses_id == p.id).exists())
        .where(PayrollRun.id == p.run_id)).one()
    deposits = db.session.execute(sa.select(Payment.id).where(Payment.paycheck_id == p.id,
                                                              Payment.status.in_(("pending", "sent")))
                                  .order_by(Payment.id)).scalars().all()
    identity = (p.worker_id, p.engagement_id, p.kind, p.period_start, p.period_end, p.pay_date, p.gross, p.net,
                deposits, run_created)
    tag = hashlib.sha256(repr(identity).encode()).hexdigest()[:20]
    return cache_dir() / str(p.run_id) / f"{p.id}-{tag}.pdf", state in FINAL_RUN_STATES and not reversed_


def paystub_pdf(paycheck_id: int) -> bytes:
    """The paystub PDF: from storage when it was rendered before and may be kept (see _stored_copy), else rendered
    now (and stored when it may be)."""
    p = db.session.get(Paycheck, paycheck_id)
    if p is None:
        raise NotFound(f"paycheck {paycheck_id} not found")
    path, storable = _stored_copy(p)
    if storable and path.exists():
        return path.read_bytes()
    pdf = render_paystub(paystub_view(paycheck_id))
    if storable:
        _write(path, pdf)
    return pdf


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)        # atomic: a reader never sees half a file


def render_paychecks(paycheck_ids: list[int], *, processes: int | None = None) -> int:
    """Render and store every paystub of these paychecks that may be stored and is not yet (reports.pdf.
    render_paystubs; a calculated run's or a reversed paycheck's stub is rendered on request instead). Returns
    how many."""
    todo = {}
    for p in db.session.execute(sa.select(Paycheck).where(Paycheck.id.in_(paycheck_ids)).order_by(Paycheck.id)
                                ).scalars():
        path, storable = _stored_copy(p)
        if storable and not path.exists():
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
