"""task completions: desk work paid per task (units × rate, minutes worked), task_ref unique per engagement

Revision ID: 0081_task_completions
Revises: 0080_pay_the_person

Also gives the roles their rows for the new `task_completion` model when the permission matrix is already loaded
(a new install gets them from permissions.csv through sync-permissions).
"""
import sqlalchemy as sa
from alembic import op

import backoffice.db

revision = '0081_task_completions'
down_revision = '0080_pay_the_person'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

# (role, model, read, write, create, delete): written out, not read from permissions.csv, so this step means the
# same whenever it runs.
ROWS = [
    ("hr", "task_completion", 1, 1, 1, 1), ("finance", "task_completion", 1, 0, 0, 0),
    ("compliance", "task_completion", 1, 0, 0, 0), ("worker", "task_completion", 1, 0, 1, 0),
    ("client_approver", "task_completion", 1, 0, 1, 0), ("hr", "task_import", 0, 0, 1, 0),
]

permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))


def upgrade():
    op.create_table('task_completions',
    sa.Column('id', ID, nullable=False),
    sa.Column('engagement_id', ID, nullable=False),
    sa.Column('task_ref', sa.String(length=100), nullable=False),
    sa.Column('units', backoffice.db.Scaled(4), nullable=False),
    sa.Column('rate', backoffice.db.Scaled(4), nullable=False),
    sa.Column('amount', backoffice.db.Scaled(2), nullable=False),
    sa.Column('completed_at', backoffice.db.UTCDateTime(), nullable=False),
    sa.Column('work_date', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('paid_run_id', ID, nullable=True),
    sa.Column('created_by_id', ID, nullable=True),
    sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', backoffice.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status in ('recorded','paid')", name='ck_task_completions_status'),
    sa.CheckConstraint("source in ('api','import','admin')", name='ck_task_completions_source'),
    sa.CheckConstraint('units >= 0 AND rate >= 0 AND amount >= 0', name='ck_task_completions_amounts'),
    sa.CheckConstraint('minutes >= 0 AND minutes <= 1440', name='ck_task_completions_minutes'),
    sa.CheckConstraint("(status = 'paid') = (paid_run_id IS NOT NULL)", name='ck_task_completions_paid'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], ),
    sa.ForeignKeyConstraint(['paid_run_id'], ['payroll_runs.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('engagement_id', 'task_ref', name='uq_task_completions_engagement_ref')
    )
    with op.batch_alter_table('task_completions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_completions_engagement_id'), ['engagement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_completions_paid_run_id'), ['paid_run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_completions_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_completions_work_date'), ['work_date'], unique=False)

    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        missing = [{"role": role, "model": model, "can_read": bool(r), "can_write": bool(w), "can_create": bool(c),
                    "can_delete": bool(d)} for role, model, r, w, c, d in ROWS if (role, model) not in have]
        if missing:
            conn.execute(permissions.insert(), missing)


def downgrade():
    op.execute(permissions.delete().where(permissions.c.model.in_(("task_completion", "task_import"))))
    with op.batch_alter_table('task_completions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_completions_work_date'))
        batch_op.drop_index(batch_op.f('ix_task_completions_status'))
        batch_op.drop_index(batch_op.f('ix_task_completions_paid_run_id'))
        batch_op.drop_index(batch_op.f('ix_task_completions_engagement_id'))
    op.drop_table('task_completions')
