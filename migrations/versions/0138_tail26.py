"""the approval's negative-net check reads a partial index of the paychecks with a negative net (`WHERE net < 0`)

Revision ID: 0138_tail26
Revises: 0137_pgw25

Approving a run first refuses it if any paycheck's net is negative (`pre_run_checks`: `WHERE run_id = … AND net <
0`). That read went through `uq_paychecks_run_worker_kind` to every paycheck of the run and filtered them on the heap:
100,000 rows and ~15,000 pages, 0.08–0.10 s of the server's serial time in a 100,000-worker run, to find none.
`ix_paychecks_negative_net (run_id) WHERE net < 0` holds only the paychecks that match: a reversal's (its amounts
negated) and one the check exists to refuse — none for a regular run — so the check reads an index entry or none,
whatever the statistics say, and a paycheck written costs the predicate's test. The same on SQLite.
"""
import sqlalchemy as sa
from alembic import op

revision = '0138_tail26'
down_revision = '0137_pgw25'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_paychecks_negative_net', 'paychecks', ['run_id'], sqlite_where=sa.text('net < 0'),
                    postgresql_where=sa.text('net < 0'))


def downgrade():
    op.drop_index('ix_paychecks_negative_net', table_name='paychecks')
