"""Moments in payroll that other domains act on. Payroll imports no domain above it, so a domain registers a
function here from its init_app and payroll calls it inside the same unit of work (what it writes commits or
rolls back with the payroll change)."""
from __future__ import annotations

from flask import current_app, has_app_context

RUN_PAID = "payroll_run_paid_hooks"                 # hook(run): a run has just moved to `paid`
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
