"""permission rights: the rows that replace the role tuples (admin access, sign-off, fill, timesheet rights)

Revision ID: 0040_permission_rights
Revises: 0030_classification
"""
import sqlalchemy as sa
from alembic import op

revision = '0040_permission_rights'
down_revision = '0030_classification'
branch_labels = None
depends_on = None

# Who held each right before it was data (admin holds every right through its '*' row). Written out here, not
# read from permissions.csv, so this step means the same whenever it runs; `sync-permissions` adds later rows.
# (role, right, read, write, create, delete)
ROWS = [
    ("hr", "admin_access", 1, 0, 0, 0), ("finance", "admin_access", 1, 0, 0, 0),
    ("compliance", "admin_access", 1, 0, 0, 0), ("client_approver", "admin_access", 1, 0, 0, 0),
    ("hr", "classification_fill", 0, 0, 1, 0), ("client_approver", "classification_fill", 0, 0, 1, 0),
    ("hr", "classification_sign_off", 0, 1, 0, 0),
    ("hr", "timesheet_entry", 0, 1, 0, 0), ("worker", "timesheet_entry", 0, 1, 0, 0),
    ("hr", "timesheet_approval", 0, 1, 0, 0), ("client_approver", "timesheet_approval", 0, 1, 0, 0),
    ("hr", "timesheet_import", 0, 0, 1, 0),
]

permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))


def upgrade():
    # A database whose matrix was loaded keeps the rights its users had; an empty one (a new install) is
    # filled by sync-permissions as before.
    conn = op.get_bind()
    if not conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        return
    have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
    missing = [{"role": role, "model": right, "can_read": bool(r), "can_write": bool(w), "can_create": bool(c),
                "can_delete": bool(d)} for role, right, r, w, c, d in ROWS if (role, right) not in have]
    if missing:
        conn.execute(permissions.insert(), missing)


def downgrade():
    op.execute(permissions.delete().where(permissions.c.model.in_(sorted({right for _, right, *_ in ROWS}))))
