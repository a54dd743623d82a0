"""field policy: client approvers no longer fill in, run or read classification assessments

Revision ID: 0070_field_policy
Revises: 0040_permission_rights

`sync-permissions` only adds rows (it never narrows a matrix an admin may have edited), so the rights taken from
client approvers by issue 9 are removed here, in databases whose matrix was loaded. The field policy itself is
data shipped with the code (backoffice/security/field_policy.csv) and needs no table.
"""
import sqlalchemy as sa
from alembic import op

revision = '0070_field_policy'
down_revision = '0060_sessions_mfa'
branch_labels = None
depends_on = None

# (role, model, read, write, create, delete) as permissions.csv shipped them before.
REVOKED = [
    ("client_approver", "classification", 1, 1, 1, 0),
    ("client_approver", "classification_evidence", 1, 1, 1, 0),
    ("client_approver", "classification_recheck", 1, 0, 0, 0),
    ("client_approver", "classification_fill", 0, 0, 1, 0),
]

permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))


def upgrade():
    for role, model, *_ in REVOKED:
        op.execute(permissions.delete().where(permissions.c.role == role, permissions.c.model == model))


def downgrade():
    conn = op.get_bind()
    if not conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        return
    have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
    rows = [{"role": role, "model": model, "can_read": bool(r), "can_write": bool(w), "can_create": bool(c),
             "can_delete": bool(d)} for role, model, r, w, c, d in REVOKED if (role, model) not in have]
    if rows:
        conn.execute(permissions.insert(), rows)
