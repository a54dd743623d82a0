"""billing: client invoice terms, engagement overtime/double-time bill rates, task bill rates, invoice number
sequences, invoices and invoice lines, and the billing journal entries

Revision ID: 0114_billing
Revises: 0113_engagement_remote

- clients: invoice_frequency (weekly), invoice_grouping (consolidated), po_number.
- engagements: ot_bill_rate, dt_bill_rate (null: 1.5x / 2x bill_rate). task_completions: bill_rate per unit.
- invoice_sequences: the next number per agency and kind, read under a row lock at issue (gapless numbers).
- invoices, invoice_lines: lines name what they bill by a unique source_key (nothing billed twice).
- journal_entries: kind widened to 12 characters and accepts 'invoice', 'receipt', 'credit_note', 'write_off';
  invoice_id (FK invoices) and client_payment_id (its FK comes with the client_payments table).
"""
import sqlalchemy as sa
from alembic import op

import backoffice.db

revision = '0114_billing'
down_revision = '0113_engagement_remote'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
KINDS_OLD = "kind in ('payroll','payment','reversal','return','reissue','deposit')"
KINDS_NEW = ("kind in ('payroll','payment','reversal','return','reissue','deposit',"
             "'invoice','receipt','credit_note','write_off')")


def upgrade():
    with op.batch_alter_table('clients') as batch:
        batch.add_column(sa.Column('invoice_frequency', sa.String(12), server_default='weekly', nullable=False))
        batch.add_column(sa.Column('invoice_grouping', sa.String(12), server_default='consolidated',
                                   nullable=False))
        batch.add_column(sa.Column('po_number', sa.String(60), server_default='', nullable=False))
    with op.batch_alter_table('engagements') as batch:
        batch.add_column(sa.Column('ot_bill_rate', backoffice.db.Scaled(4), nullable=True))
        batch.add_column(sa.Column('dt_bill_rate', backoffice.db.Scaled(4), nullable=True))
    with op.batch_alter_table('task_completions') as batch:
        batch.add_column(sa.Column('bill_rate', backoffice.db.Scaled(4), nullable=True))

    op.create_table(
        'invoice_sequences',
        sa.Column('id', ID, primary_key=True),
        sa.Column('agency_id', ID, sa.ForeignKey('agencies.id'), nullable=False),
        sa.Column('kind', sa.String(12), nullable=False),
        sa.Column('next_number', sa.Integer(), nullable=False),
        sa.UniqueConstraint('agency_id', 'kind', name='uq_invoice_sequences_agency_kind'),
        sa.CheckConstraint("kind in ('invoice','credit_note')", name='ck_invoice_sequences_kind'),
        sa.CheckConstraint('next_number >= 1', name='ck_invoice_sequences_next'),
    )
    op.create_table(
        'invoices',
        sa.Column('id', ID, primary_key=True),
        sa.Column('agency_id', ID, sa.ForeignKey('agencies.id'), nullable=False),
        sa.Column('client_id', ID, sa.ForeignKey('clients.id'), nullable=False),
        sa.Column('kind', sa.String(12), nullable=False),
        sa.Column('number', sa.String(20), nullable=True),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('issue_date', sa.Date(), nullable=True),
        sa.Column('due_date', sa.Date(), nullable=True),
        sa.Column('po_number', sa.String(60), nullable=False),
        sa.Column('total', backoffice.db.Scaled(2), nullable=False),
        sa.Column('balance', backoffice.db.Scaled(2), nullable=False),
        sa.Column('credits_invoice_id', ID, sa.ForeignKey('invoices.id'), nullable=True),
        sa.Column('worker_id', ID, sa.ForeignKey('workers.id'), nullable=True),
        sa.Column('sent_at', backoffice.db.UTCDateTime(), nullable=True),
        sa.Column('sent_to', sa.String(254), nullable=False),
        sa.Column('memo', sa.String(500), nullable=False),
        sa.Column('created_by_id', ID, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
        sa.Column('updated_at', backoffice.db.UTCDateTime(), nullable=False),
        sa.UniqueConstraint('agency_id', 'number', name='uq_invoices_agency_number'),
        sa.CheckConstraint("kind in ('invoice','credit_note')", name='ck_invoices_kind'),
        sa.CheckConstraint("status in ('draft','sent','partially_paid','paid','written_off','void')",
                           name='ck_invoices_status'),
        sa.CheckConstraint('total >= 0 AND balance >= 0 AND balance <= total', name='ck_invoices_amounts'),
        sa.CheckConstraint("(status IN ('draft','void')) OR (number IS NOT NULL AND issue_date IS NOT NULL)",
                           name='ck_invoices_issued_numbered'),
        sa.CheckConstraint('period_end >= period_start', name='ck_invoices_period'),
        sa.CheckConstraint("kind = 'invoice' OR credits_invoice_id IS NOT NULL", name='ck_invoices_credit_of'),
    )
    op.create_index('ix_invoices_client_id', 'invoices', ['client_id'])
    op.create_index('ix_invoices_status', 'invoices', ['status'])
    op.create_index('ix_invoices_issue_date', 'invoices', ['issue_date'])
    op.create_index('ix_invoices_due_date', 'invoices', ['due_date'])
    op.create_index('ix_invoices_credits_invoice_id', 'invoices', ['credits_invoice_id'])

    op.create_table(
        'invoice_lines',
        sa.Column('id', ID, primary_key=True),
        sa.Column('invoice_id', ID, sa.ForeignKey('invoices.id', ondelete='CASCADE'), nullable=False),
        sa.Column('worker_id', ID, sa.ForeignKey('workers.id'), nullable=True),
        sa.Column('engagement_id', ID, sa.ForeignKey('engagements.id'), nullable=True),
        sa.Column('timesheet_id', ID, sa.ForeignKey('timesheets.id'), nullable=True),
        sa.Column('paycheck_id', ID, sa.ForeignKey('paychecks.id'), nullable=True),
        sa.Column('task_completion_id', ID, sa.ForeignKey('task_completions.id'), nullable=True),
        sa.Column('credits_line_id', ID, sa.ForeignKey('invoice_lines.id'), nullable=True),
        sa.Column('description', sa.String(300), nullable=False),
        sa.Column('quantity', backoffice.db.Scaled(4), nullable=False),
        sa.Column('unit', sa.String(20), nullable=False),
        sa.Column('rate', backoffice.db.Scaled(4), nullable=False),
        sa.Column('amount', backoffice.db.Scaled(2), nullable=False),
        sa.Column('breakdown', sa.JSON(), nullable=True),
        sa.Column('source_key', sa.String(80), nullable=True, unique=True),
        sa.CheckConstraint("unit in ('hour','overtime_hour','double_time_hour','unit','cost_plus','credit')",
                           name='ck_invoice_lines_unit'),
    )
    op.create_index('ix_invoice_lines_invoice_id', 'invoice_lines', ['invoice_id'])
    op.create_index('ix_invoice_lines_engagement_id', 'invoice_lines', ['engagement_id'])
    op.create_index('ix_invoice_lines_timesheet_id', 'invoice_lines', ['timesheet_id'])
    op.create_index('ix_invoice_lines_paycheck_id', 'invoice_lines', ['paycheck_id'])

    with op.batch_alter_table('journal_entries') as batch:
        batch.drop_constraint('ck_journal_entries_kind', type_='check')
        batch.alter_column('kind', existing_type=sa.String(10), type_=sa.String(12), existing_nullable=False)
        batch.create_check_constraint('ck_journal_entries_kind', KINDS_NEW)
        batch.add_column(sa.Column('invoice_id', ID, nullable=True))
        batch.add_column(sa.Column('client_payment_id', ID, nullable=True))
        batch.create_foreign_key('fk_journal_entries_invoice_id_invoices', 'invoices', ['invoice_id'], ['id'])
        batch.create_index('ix_journal_entries_invoice_id', ['invoice_id'])
        batch.create_index('ix_journal_entries_client_payment_id', ['client_payment_id'])


def downgrade():
    with op.batch_alter_table('journal_entries') as batch:
        batch.drop_index('ix_journal_entries_client_payment_id')
        batch.drop_index('ix_journal_entries_invoice_id')
        batch.drop_constraint('fk_journal_entries_invoice_id_invoices', type_='foreignkey')
        batch.drop_column('client_payment_id')
        batch.drop_column('invoice_id')
        batch.drop_constraint('ck_journal_entries_kind', type_='check')
        batch.create_check_constraint('ck_journal_entries_kind', KINDS_OLD)
        batch.alter_column('kind', existing_type=sa.String(12), type_=sa.String(10), existing_nullable=False)
    op.drop_table('invoice_lines')
    op.drop_table('invoices')
    op.drop_table('invoice_sequences')
    with op.batch_alter_table('task_completions') as batch:
        batch.drop_column('bill_rate')
    with op.batch_alter_table('engagements') as batch:
        batch.drop_column('dt_bill_rate')
        batch.drop_column('ot_bill_rate')
    with op.batch_alter_table('clients') as batch:
        batch.drop_column('po_number')
        batch.drop_column('invoice_grouping')
        batch.drop_column('invoice_frequency')
