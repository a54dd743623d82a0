"""money loop: tax deposits, bank return/NOC files, 'deposit' journal entries

Revision ID: 0083_money_loop
Revises: 0082_deductions

- tax_deposits: one deposit per tax, state and period (uq_tax_deposits_period with a sequence for late
  liabilities), paid once (status due → paid, its journal entry unique).
- bank_files: the bank's return/NOC files, encrypted, unique by SHA-256 (a second import changes nothing).
- bank_file_entries: each return/NOC and its outcome; a (payment, code) pair counts once
  (uq_bank_file_entries_counted, partial).
- journal_entries.kind accepts 'deposit'; payments.trace_number indexed (returns are matched by it).
"""
import sqlalchemy as sa
from alembic import op

import backoffice.db

revision = '0083_money_loop'
down_revision = '0082_deductions'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
KINDS_OLD = "kind in ('payroll','payment','reversal','return','reissue')"
KINDS_NEW = "kind in ('payroll','payment','reversal','return','reissue','deposit')"


def upgrade():
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.drop_constraint('ck_journal_entries_kind', type_='check')
        batch_op.create_check_constraint('ck_journal_entries_kind', KINDS_NEW)

    op.create_table(
        'tax_deposits',
        sa.Column('id', ID, primary_key=True),
        sa.Column('agency_id', ID, sa.ForeignKey('agencies.id'), nullable=True),
        sa.Column('authority', sa.String(80), nullable=False),
        sa.Column('tax', sa.String(8), nullable=False),
        sa.Column('state', sa.String(2), server_default='', nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('seq', sa.Integer(), server_default='1', nullable=False),
        sa.Column('due_date', sa.Date(), nullable=True),
        sa.Column('rule', sa.String(300), server_default='', nullable=False),
        sa.Column('amount', backoffice.db.Scaled(), nullable=False),
        sa.Column('breakdown', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(6), server_default='due', nullable=False),
        sa.Column('paid_on', sa.Date(), nullable=True),
        sa.Column('confirmation', sa.String(40), server_default='', nullable=False),
        sa.Column('journal_entry_id', ID, sa.ForeignKey('journal_entries.id'), nullable=True, unique=True),
        sa.Column('paid_by_id', ID, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("tax in ('941','945','940','SIT','SUI','SPROG')", name='ck_tax_deposits_tax'),
        sa.CheckConstraint("status in ('due','paid')", name='ck_tax_deposits_status'),
        sa.CheckConstraint('amount > 0', name='ck_tax_deposits_amount'),
        sa.CheckConstraint("status = 'due' or (paid_on is not null and journal_entry_id is not null)",
                           name='ck_tax_deposits_paid'),
        sa.UniqueConstraint('agency_id', 'tax', 'state', 'period_start', 'period_end', 'seq',
                            name='uq_tax_deposits_period'),
    )
    for col in ('agency_id', 'tax', 'state', 'due_date', 'status'):
        op.create_index(f'ix_tax_deposits_{col}', 'tax_deposits', [col])

    op.create_table(
        'bank_files',
        sa.Column('id', ID, primary_key=True),
        sa.Column('kind', sa.String(10), server_default='returns', nullable=False),
        sa.Column('filename', sa.String(200), server_default='', nullable=False),
        sa.Column('sha256', sa.String(64), nullable=False, unique=True),
        sa.Column('content', backoffice.db.EncryptedString(), nullable=False),
        sa.Column('returns', sa.Integer(), nullable=False),
        sa.Column('nocs', sa.Integer(), nullable=False),
        sa.Column('matched', sa.Integer(), nullable=False),
        sa.Column('unmatched', sa.Integer(), nullable=False),
        sa.Column('already', sa.Integer(), nullable=False),
        sa.Column('imported_by_id', ID, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('imported_at', backoffice.db.UTCDateTime(), nullable=False),
    )
    op.create_table(
        'bank_file_entries',
        sa.Column('id', ID, primary_key=True),
        sa.Column('file_id', ID, sa.ForeignKey('bank_files.id'), nullable=False),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(6), nullable=False),
        sa.Column('code', sa.String(3), nullable=False),
        sa.Column('original_trace', sa.String(15), nullable=False),
        sa.Column('individual_id', sa.String(15), nullable=False),
        sa.Column('amount', backoffice.db.Scaled(), nullable=False),
        sa.Column('payment_id', ID, sa.ForeignKey('payments.id'), nullable=True),
        sa.Column('bank_account_id', ID, sa.ForeignKey('bank_accounts.id'), nullable=True),
        sa.Column('counted', sa.Boolean(), nullable=False),
        sa.Column('outcome', sa.String(12), nullable=False),
        sa.Column('message', sa.String(300), nullable=False),
        sa.CheckConstraint("kind in ('return','noc')", name='ck_bank_file_entries_kind'),
    )
    op.create_index('ix_bank_file_entries_file_id', 'bank_file_entries', ['file_id'])
    op.create_index('ix_bank_file_entries_payment_id', 'bank_file_entries', ['payment_id'])
    # a return is matched to its payment by original trace number (and paycheck id): index the lookup
    op.create_index('ix_payments_trace_number', 'payments', ['trace_number'])
    op.create_index('uq_bank_file_entries_counted', 'bank_file_entries', ['payment_id', 'code'], unique=True,
                    sqlite_where=sa.text('counted'), postgresql_where=sa.text('counted'))


def downgrade():
    if op.get_bind().execute(sa.text("SELECT count(*) FROM journal_entries WHERE kind = 'deposit'")).scalar():
        raise RuntimeError("0083_money_loop: deposit journal entries exist; they cannot be dropped (append-only)")
    op.drop_index('ix_payments_trace_number', table_name='payments')
    op.drop_table('bank_file_entries')
    op.drop_table('bank_files')
    op.drop_table('tax_deposits')
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.drop_constraint('ck_journal_entries_kind', type_='check')
        batch_op.create_check_constraint('ck_journal_entries_kind', KINDS_OLD)
