"""approval fanned out per chunk: `payroll_run_chunks.approved_at`, when the chunk's share of the run's approval
(payroll.hooks RUN_APPROVED_CHUNK: the paid leave its workers accrue and use) committed

Revision ID: 0130_run20
Revises: 0129_leave19b

A run's approval is one transaction for what is run-level (the four-eyes check, the payments, the state); what each
worker's paycheck brings about in other domains (the leave accrual: about two thirds of a 100,000-worker approval's
CPU) runs afterwards per chunk, in the Celery workers, one transaction per chunk. The chunk's `approved_at` is
written in that transaction, under the chunk's row lock: a chunk task sent twice, or re-sent after a worker died,
finds it set and does nothing. The chunks of every run approved before this release (their approval did everything
in one transaction) get the run's `approved_at`: nothing of theirs is pending.
"""
import sqlalchemy as sa
from alembic import op

import backoffice.db

revision = '0130_run20'
down_revision = '0129_leave19b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payroll_run_chunks') as batch:
        batch.add_column(sa.Column('approved_at', backoffice.db.UTCDateTime(), nullable=True))
    op.execute("UPDATE payroll_run_chunks SET approved_at = (SELECT r.approved_at FROM payroll_runs r "
               "WHERE r.id = payroll_run_chunks.run_id) WHERE run_id IN (SELECT id FROM payroll_runs "
               "WHERE approved_at IS NOT NULL)")


def downgrade():
    with op.batch_alter_table('payroll_run_chunks') as batch:
        batch.drop_column('approved_at')
