"""the leave accrual's balance writes: `ix_leave_balances_worker_id` dropped — the unique
`uq_leave_balances_worker_policy (worker_id, policy_id)` leads with the same column and serves every lookup by worker

Revision ID: 0133_leave21
Revises: 0132_tail21

A run's approval writes one balance per worker and law (11,000 per 20,000 workers); each entered two indexes that
begin with `worker_id`. Queries by worker alone (the portal's balances, a worker's removal checked by 0124's key
triggers or the foreign key) read the unique index instead.
"""
from alembic import op

revision = '0133_leave21'
down_revision = '0132_tail21'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_leave_balances_worker_id', table_name='leave_balances')


def downgrade():
    op.create_index('ix_leave_balances_worker_id', 'leave_balances', ['worker_id'])
