"""paid leave, issue 19's remaining gaps: a policy may front-load the law's yearly amount (`leave_policies.front_load`,
the ledger's `grant` entry); a request carries the documentation a law lets the employer ask for — the worker's
stated reason and/or an uploaded note (`leave_requests.documentation`, `document`, `document_name`)

Revision ID: 0127_leave19
Revises: 0124_run18
"""
import sqlalchemy as sa
from alembic import op

revision = '0127_leave19'
down_revision = '0124_run18'
branch_labels = None
depends_on = None

_OLD_KINDS = ("kind in ('accrual','use','carryover','payout','forfeiture','restore','reversal',"
              "'adjustment','set_aside','rehire')")
_NEW_KINDS = ("kind in ('accrual','use','carryover','payout','forfeiture','restore','reversal',"
              "'adjustment','set_aside','rehire','grant')")


def upgrade():
    with op.batch_alter_table('leave_policies') as batch:
        batch.add_column(sa.Column('front_load', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('leave_requests') as batch:
        batch.add_column(sa.Column('documentation', sa.String(500), nullable=False, server_default=''))
        batch.add_column(sa.Column('document', sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column('document_name', sa.String(200), nullable=False, server_default=''))
    with op.batch_alter_table('leave_entries') as batch:
        batch.drop_constraint('ck_leave_entries_kind', type_='check')
        batch.create_check_constraint('ck_leave_entries_kind', _NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM leave_entries WHERE kind = 'grant'")
    with op.batch_alter_table('leave_entries') as batch:
        batch.drop_constraint('ck_leave_entries_kind', type_='check')
        batch.create_check_constraint('ck_leave_entries_kind', _OLD_KINDS)
    with op.batch_alter_table('leave_requests') as batch:
        batch.drop_column('document_name')
        batch.drop_column('document')
        batch.drop_column('documentation')
    with op.batch_alter_table('leave_policies') as batch:
        batch.drop_column('front_load')
