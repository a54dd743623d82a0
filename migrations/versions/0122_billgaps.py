"""billing gaps: background invoicing runs (invoicing_runs, invoices.invoicing_run_id) and salary lines (the
invoice_lines unit 'salary': salaried engagements of bill-rate clients) (docs/billing.md)

Revision ID: 0122_billgaps
Revises: 0119_voice
"""
import sqlalchemy as sa
from alembic import op

import backoffice.db
from backoffice.db import BigId, UTCDateTime

revision = '0122_billgaps'
down_revision = '0121_notifications'
branch_labels = None
depends_on = None

_UNITS_OLD = "unit in ('hour','overtime_hour','double_time_hour','unit','cost_plus','credit')"
_UNITS_NEW = "unit in ('hour','overtime_hour','double_time_hour','unit','salary','cost_plus','credit')"


def upgrade():
    op.create_table(
        'invoicing_runs',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('through', sa.Date(), nullable=False),
        sa.Column('client_id', BigId, sa.ForeignKey('clients.id'), nullable=True),
        sa.Column('issue', sa.Boolean(), nullable=False),
        sa.Column('issue_date', sa.Date(), nullable=False),
        sa.Column('state', sa.String(8), nullable=False),
        sa.Column('clients_total', sa.Integer(), nullable=False),
        sa.Column('clients_done', sa.Integer(), nullable=False),
        sa.Column('invoice_count', sa.Integer(), nullable=False),
        sa.Column('invoiced_total', backoffice.db.Scaled(2), nullable=False),
        sa.Column('skipped', sa.JSON(), nullable=False),
        sa.Column('error', sa.String(1000), nullable=False),
        sa.Column('requested_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('started_at', UTCDateTime(), nullable=True),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("state in ('queued','running','done','failed')", name='ck_invoicing_runs_state'),
        sa.CheckConstraint("clients_done >= 0 AND clients_done <= clients_total", name='ck_invoicing_runs_progress'),
    )
    op.create_index('ix_invoicing_runs_state', 'invoicing_runs', ['state'])
    with op.batch_alter_table('invoices') as batch:
        batch.add_column(sa.Column('invoicing_run_id', BigId, nullable=True))
        batch.create_foreign_key('fk_invoices_invoicing_run_id_invoicing_runs', 'invoicing_runs',
                                 ['invoicing_run_id'], ['id'])
        batch.create_index('ix_invoices_invoicing_run_id', ['invoicing_run_id'])
    with op.batch_alter_table('invoice_lines') as batch:
        batch.drop_constraint('ck_invoice_lines_unit', type_='check')
        batch.create_check_constraint('ck_invoice_lines_unit', _UNITS_NEW)


def downgrade():
    left = op.get_bind().execute(sa.text("SELECT count(*) FROM invoice_lines WHERE unit = 'salary'")).scalar()
    if left:
        raise RuntimeError(f"{left} salary invoice lines exist: they cannot be kept under the old unit list")
    with op.batch_alter_table('invoice_lines') as batch:
        batch.drop_constraint('ck_invoice_lines_unit', type_='check')
        batch.create_check_constraint('ck_invoice_lines_unit', _UNITS_OLD)
    with op.batch_alter_table('invoices') as batch:
        batch.drop_index('ix_invoices_invoicing_run_id')
        batch.drop_constraint('fk_invoices_invoicing_run_id_invoicing_runs', type_='foreignkey')
        batch.drop_column('invoicing_run_id')
    op.drop_index('ix_invoicing_runs_state', table_name='invoicing_runs')
    op.drop_table('invoicing_runs')
