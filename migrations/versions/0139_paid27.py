"""marking a run paid fanned out per chunk: `payroll_run_chunks.paid_at`, when the chunk's share of marking the run
paid (its workers' "your paycheck is ready" notices) committed

Revision ID: 0139_paid27
Revises: 0138_tail26

Marking a run paid is one transaction for what is run-level and touches money (the NACHA file's check, the journal's
cash out, every payment marked sent, the state, the RUN_PAID hooks); the notices that tell each worker (one row per
paycheck: 100,000 in a 100,000-worker run, over half of the step's server time) are written afterwards per chunk, in
the Celery workers, one transaction per chunk, as the approval's share is (0130). The chunk's `paid_at` is written in
that transaction, under the chunk's row lock: a chunk task sent twice, or re-sent after a worker died, finds it set
and does nothing (and the notices' unique key would add nothing again). The chunks of every run paid before this
release (its notices were written with the run) get the run's `paid_at`: nothing of theirs is pending.
"""
import sqlalchemy as sa
from alembic import op

import backoffice.db

revision = '0139_paid27'
down_revision = '0138_tail26'
branch_labels = None
depends_on = None


# the chunks of a run paid already: its notices were written with it
MARK_PAID_RUNS = ("UPDATE payroll_run_chunks SET paid_at = (SELECT r.paid_at FROM payroll_runs r "
                  "WHERE r.id = payroll_run_chunks.run_id) WHERE run_id IN (SELECT id FROM payroll_runs "
                  "WHERE paid_at IS NOT NULL)")


def upgrade():
    with op.batch_alter_table('payroll_run_chunks') as batch:
        batch.add_column(sa.Column('paid_at', backoffice.db.UTCDateTime(), nullable=True))
    op.execute(MARK_PAID_RUNS)


def downgrade():
    with op.batch_alter_table('payroll_run_chunks') as batch:
        batch.drop_column('paid_at')
