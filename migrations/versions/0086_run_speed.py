"""run speed: fewer index entries written per paycheck

Revision ID: 0086_run_speed
Revises: 0085_corrections

A regular run writes about ten paycheck lines per paycheck by COPY; each index is one more entry per row.
- paycheck_lines.engagement_id: a partial index over the earning lines only (the lines that name an engagement);
  tax and deduction lines (about 70% of rows) no longer enter it. `engagement_id = x` queries still use it.
- paychecks.run_id: dropped, its lookups are served by uq_paychecks_run_worker_kind (run_id leads it).
- paychecks.agency_id: dropped, nothing selects paychecks by agency (one agency per installation); the foreign key
  stays.
"""
import sqlalchemy as sa
from alembic import op

revision = '0086_run_speed'
down_revision = '0085_corrections'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_paycheck_lines_engagement_id', 'paycheck_lines')
    op.create_index('ix_paycheck_lines_engagement_id', 'paycheck_lines', ['engagement_id'],
                    postgresql_where=sa.text('engagement_id IS NOT NULL'),
                    sqlite_where=sa.text('engagement_id IS NOT NULL'))
    op.drop_index('ix_paychecks_run_id', 'paychecks')
    op.drop_index('ix_paychecks_agency_id', 'paychecks')


def downgrade():
    op.create_index('ix_paychecks_agency_id', 'paychecks', ['agency_id'])
    op.create_index('ix_paychecks_run_id', 'paychecks', ['run_id'])
    op.drop_index('ix_paycheck_lines_engagement_id', 'paycheck_lines')
    op.create_index('ix_paycheck_lines_engagement_id', 'paycheck_lines', ['engagement_id'])
