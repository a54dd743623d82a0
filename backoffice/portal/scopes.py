"""Row scopes the portal relies on: a worker reads only their own paychecks (if payroll has not registered one)."""
from __future__ import annotations

from backoffice.security import access
from backoffice.security.access import register_scope


def _register_paycheck_scope() -> None:
    try:
        from payroll.models import Paycheck
    except ImportError:  # payroll operations not installed: the paychecks page stays empty
        return
    if "worker" in access._SCOPES.get("paycheck", {}):
        return

    @register_scope("paycheck", "worker")
    def _worker_paychecks(stmt, user):
        return stmt.where(Paycheck.worker_id == user.worker_id)


_register_paycheck_scope()
