"""notifications to workers: one row per event (paycheck ready, enrollment open, document needed, a week of time
approved or sent back) under a unique key, read and e-mailed once; and their rights

Revision ID: 0121_notifications
Revises: 0120_rate_transparency
"""
import sqlalchemy as sa
from alembic import op

from backoffice.db import BigId, UTCDateTime

revision = '0121_notifications'
down_revision = '0120_rate_transparency'
branch_labels = None
depends_on = None

# (role, model, read, write, create, delete), as permissions.csv ships them; added to a loaded matrix only.
ROWS = [("hr", "notification", 1, 0, 0, 0), ("worker", "notification", 1, 1, 0, 0)]
permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))
KINDS = ("paycheck_ready", "enrollment_open", "document_needed", "timesheet_approved", "timesheet_rejected",
         "timesheet_disputed")


def upgrade():
    op.create_table(
        'notifications',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('worker_id', BigId, sa.ForeignKey('workers.id'), nullable=False),
        sa.Column('kind', sa.String(24), nullable=False),
        sa.Column('key', sa.String(120), nullable=False),
        sa.Column('title', sa.String(200), nullable=False),
        sa.Column('body', sa.String(1000), nullable=False),
        sa.Column('ref_id', sa.BigInteger(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('read_at', UTCDateTime(), nullable=True),
        sa.Column('emailed_at', UTCDateTime(), nullable=True),
        sa.Column('email_attempts', sa.Integer(), nullable=False),
        sa.Column('email_error', sa.String(300), nullable=False),
        sa.UniqueConstraint('key', name='uq_notifications_key'),
        sa.CheckConstraint("kind in (" + ",".join(repr(k) for k in KINDS) + ")", name='ck_notifications_kind'),
    )
    op.create_index('ix_notifications_kind', 'notifications', ['kind'])
    op.create_index('ix_notifications_worker_read', 'notifications', ['worker_id', 'read_at'])
    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        rows = [dict(role=r, model=m, can_read=bool(a), can_write=bool(b), can_create=bool(c), can_delete=bool(d))
                for r, m, a, b, c, d in ROWS if (r, m) not in have]
        if rows:
            conn.execute(permissions.insert(), rows)


def downgrade():
    op.execute(permissions.delete().where(permissions.c.model == "notification", permissions.c.role != "admin"))
    op.drop_index('ix_notifications_worker_read', table_name='notifications')
    op.drop_index('ix_notifications_kind', table_name='notifications')
    op.drop_table('notifications')
