"""Moments in payroll that other domains act on. Payroll imports no domain above it, so a domain registers a
function here from its init_app and payroll calls it inside the same unit of work (what it writes commits or
rolls back with the payroll change)."""
from __future__ import annotations

from flask import current_app, has_app_context

RUN_APPROVED = "payroll_run_approved_hooks"         # hook(run): a run has just moved to `approved` (immutable)
# hook(run, workers): the share of an approved run's consequences that is per worker (e.g. the leave the hours accrue),
# for the workers of one chunk (`workers`: their ids, sorted), in the chunk's own unit of work after the
# approval committed; the chunks run in parallel in the Celery workers, each once (payroll_run_chunks.approved_at).
# `workers` is None for a run approved without chunks: then in the approval's unit of work, for all its workers.
RUN_APPROVED_CHUNK = "payroll_run_approved_chunk_hooks"
RUN_PAID = "payroll_run_paid_hooks"                 # hook(run): a run has just moved to `paid`
PAYSTUB_LEAVE = "payroll_paystub_leave_hooks"       # hook(paycheck) -> [rows]: leave lines a paystub prints
PAYCHECKS_REVERSED = "payroll_paychecks_reversed_hooks"   # hook(reversal_run): its negative paychecks are written


def add_hook(app, moment: str, hook) -> None:
    hooks = app.extensions.setdefault(moment, [])
    if hook not in hooks:
        hooks.append(hook)


def fire(moment: str, *args) -> None:
    if not has_app_context():
        return
    for hook in current_app.extensions.get(moment, ()):
        hook(*args)


def collect(moment: str, *args) -> list:
    """Every registered hook's rows for `moment`, in registration order (none outside an app context)."""
    if not has_app_context():
        return []
    out: list = []
    for hook in current_app.extensions.get(moment, ()):
        out.extend(hook(*args) or ())
    return out
