"""Migration 0070 takes the classification rights from client approvers in a database whose matrix was loaded
(`sync-permissions` only ever adds rows), and its downgrade gives them back."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa

from backoffice.security.models import Permission

PATH = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0070_field_policy.py"


def _run(db, step: str) -> None:
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    spec = importlib.util.spec_from_file_location("m0070", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with Operations.context(MigrationContext.configure(db.session.connection())):
        getattr(module, step)()


def _approver_rows(db) -> set[str]:
    return set(db.session.execute(sa.select(Permission.model).where(Permission.role == "client_approver"))
               .scalars())


def test_upgrade_removes_the_approvers_classification_rights_and_downgrade_restores_them(db):
    db.session.add_all([Permission(role="client_approver", model="classification", can_read=True, can_write=True,
                                   can_create=True),
                        Permission(role="client_approver", model="classification_fill", can_create=True)])
    db.session.flush()
    _run(db, "upgrade")
    assert _approver_rows(db) == {"client", "engagement", "worker", "timesheet", "admin_access",
                                  "timesheet_approval", "timesheet_dispute", "task_completion", "invoice",
                                  "leave_request"}
    _run(db, "downgrade")
    assert _approver_rows(db) >= {"classification", "classification_evidence", "classification_recheck",
                                  "classification_fill"}
