"""receivables: bank statement imports, client payments and their applications to invoices, write-offs

Revision ID: 0115_receivables
Revises: 0116a_merge_billing_wcomp (billing and workers' comp)

- bank_statement_imports: one row per imported file; sha256 unique (the same file is refused a second time).
- client_payments: money received (manual, API, bank import), `unapplied` what is not applied yet.
- payment_applications: a payment's amount applied to one invoice.
- write_offs: requested by one user, decided by another (ck_write_offs_four_eyes).
- journal_entries.client_payment_id gets its foreign key to client_payments.
"""
import sqlalchemy as sa
from alembic import op

import backoffice.db

revision = '0115_receivables'
down_revision = '0116_workers_comp'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
MONEY = backoffice.db.Scaled(2)


def upgrade():
    op.create_table(
        'bank_statement_imports',
        sa.Column('id', ID, primary_key=True),
        sa.Column('filename', sa.String(255), nullable=False),
        sa.Column('sha256', sa.String(64), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('matched', sa.Integer(), nullable=False),
        sa.Column('unmatched', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.Integer(), nullable=False),
        sa.Column('total', MONEY, nullable=False),
        sa.Column('status', sa.String(12), nullable=False),
        sa.Column('created_by_id', ID, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
        sa.UniqueConstraint('sha256', name='uq_bank_statement_imports_sha256'),
        sa.CheckConstraint("status in ('imported')", name='ck_bank_statement_imports_status'),
    )
    op.create_table(
        'client_payments',
        sa.Column('id', ID, primary_key=True),
        sa.Column('client_id', ID, sa.ForeignKey('clients.id'), nullable=True),
        sa.Column('amount', MONEY, nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('reference', sa.String(200), nullable=False),
        sa.Column('memo', sa.String(200), nullable=False),
        sa.Column('payer', sa.String(200), nullable=False),
        sa.Column('method', sa.String(8), nullable=False),
        sa.Column('source', sa.String(12), nullable=False),
        sa.Column('import_id', ID, sa.ForeignKey('bank_statement_imports.id'), nullable=True),
        sa.Column('line_number', sa.Integer(), nullable=True),
        sa.Column('match_note', sa.String(200), nullable=False),
        sa.Column('unapplied', MONEY, nullable=False),
        sa.Column('created_by_id', ID, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint('amount > 0', name='ck_client_payments_amount'),
        sa.CheckConstraint('unapplied >= 0 AND unapplied <= amount', name='ck_client_payments_unapplied'),
        sa.CheckConstraint("method in ('ach','check','wire','card','other')", name='ck_client_payments_method'),
        sa.CheckConstraint("source in ('manual','api','bank_import')", name='ck_client_payments_source'),
        sa.CheckConstraint("source <> 'bank_import' OR import_id IS NOT NULL", name='ck_client_payments_import'),
        sa.CheckConstraint('client_id IS NOT NULL OR unapplied = amount', name='ck_client_payments_client'),
    )
    op.create_index('ix_client_payments_client_id', 'client_payments', ['client_id'])
    op.create_index('ix_client_payments_received_on', 'client_payments', ['received_on'])
    op.create_index('ix_client_payments_import_id', 'client_payments', ['import_id'])
    op.create_table(
        'payment_applications',
        sa.Column('id', ID, primary_key=True),
        sa.Column('payment_id', ID, sa.ForeignKey('client_payments.id'), nullable=False),
        sa.Column('invoice_id', ID, sa.ForeignKey('invoices.id'), nullable=False),
        sa.Column('amount', MONEY, nullable=False),
        sa.Column('applied_on', sa.Date(), nullable=False),
        sa.Column('created_by_id', ID, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint('amount > 0', name='ck_payment_applications_amount'),
    )
    op.create_index('ix_payment_applications_payment_id', 'payment_applications', ['payment_id'])
    op.create_index('ix_payment_applications_invoice_id', 'payment_applications', ['invoice_id'])
    op.create_table(
        'write_offs',
        sa.Column('id', ID, primary_key=True),
        sa.Column('invoice_id', ID, sa.ForeignKey('invoices.id'), nullable=False),
        sa.Column('amount', MONEY, nullable=False),
        sa.Column('reason', sa.String(500), nullable=False),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('requested_by_id', ID, sa.ForeignKey('users.id'), nullable=False),
        sa.Column('requested_on', sa.Date(), nullable=False),
        sa.Column('decided_by_id', ID, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('decided_on', sa.Date(), nullable=True),
        sa.Column('decision_note', sa.String(500), nullable=False),
        sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint('amount > 0', name='ck_write_offs_amount'),
        sa.CheckConstraint("status in ('requested','approved','rejected')", name='ck_write_offs_status'),
        sa.CheckConstraint('decided_by_id IS NULL OR decided_by_id <> requested_by_id',
                           name='ck_write_offs_four_eyes'),
        sa.CheckConstraint("(status = 'requested') = (decided_by_id IS NULL)", name='ck_write_offs_decided'),
    )
    op.create_index('ix_write_offs_invoice_id', 'write_offs', ['invoice_id'])
    op.create_index('ix_write_offs_status', 'write_offs', ['status'])
    with op.batch_alter_table('journal_entries') as batch:
        batch.create_foreign_key('fk_journal_entries_client_payment_id_client_payments', 'client_payments',
                                 ['client_payment_id'], ['id'])


def downgrade():
    with op.batch_alter_table('journal_entries') as batch:
        batch.drop_constraint('fk_journal_entries_client_payment_id_client_payments', type_='foreignkey')
    op.drop_table('write_offs')
    op.drop_table('payment_applications')
    op.drop_table('client_payments')
    op.drop_table('bank_statement_imports')
