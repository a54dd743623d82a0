"""corrections: engagement rate history with retro status, one retro adjustment per rate change, manual checks

Revision ID: 0085_corrections
Revises: 0083_money_loop

- engagement_rates: each pay rate of an engagement from its effective date, who entered it, and the retro
  decision on a back-dated change (none / pending / confirmed / dismissed, with the amount).
- payroll_adjustments.rate_change_id: the rate change a retro adjustment pays, unique (confirming twice cannot
  add the difference twice).
- payments: `method` (ach | check), `check_number` unique per agency (check_agency_id), `check_date`,
  `voided_at` / `void_reason`; status `voided`; a check needs no bank account (ck_payments_account).

Existing payments become method `ach`; nothing else is touched.
"""
import sqlalchemy as sa
from alembic import op

revision = '0085_corrections'
down_revision = '0083_money_loop'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table(
        'engagement_rates',
        sa.Column('id', ID, primary_key=True),
        sa.Column('engagement_id', ID, sa.ForeignKey('engagements.id', name='fk_engagement_rates_engagement_id_engagements'),
                  nullable=False),
        sa.Column('rate', sa.BigInteger(), nullable=False),
        sa.Column('previous_rate', sa.BigInteger(), nullable=True),
        sa.Column('effective_date', sa.Date(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('retro_status', sa.String(length=10), nullable=False),
        sa.Column('retro_amount', sa.BigInteger(), nullable=True),
        sa.Column('created_by_id', ID, sa.ForeignKey('users.id', name='fk_engagement_rates_created_by_id_users'),
                  nullable=True),
        sa.Column('decided_by_id', ID, sa.ForeignKey('users.id', name='fk_engagement_rates_decided_by_id_users'),
                  nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('rate >= 0', name='ck_engagement_rates_rate'),
        sa.CheckConstraint("retro_status in ('none','pending','confirmed','dismissed')",
                           name='ck_engagement_rates_retro_status'),
    )
    op.create_index('ix_engagement_rates_engagement_id', 'engagement_rates', ['engagement_id'])
    op.create_index('ix_engagement_rates_retro_status', 'engagement_rates', ['retro_status'])
    with op.batch_alter_table('payroll_adjustments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rate_change_id', ID, nullable=True))
        batch_op.create_foreign_key('fk_payroll_adjustments_rate_change_id_engagement_rates', 'engagement_rates',
                                    ['rate_change_id'], ['id'])
        batch_op.create_index('ix_payroll_adjustments_rate_change_id', ['rate_change_id'], unique=True)
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=5), server_default='ach', nullable=False))
        batch_op.add_column(sa.Column('check_number', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('check_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('check_agency_id', ID, nullable=True))
        batch_op.add_column(sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.String(length=200), server_default='', nullable=False))
        batch_op.create_foreign_key('fk_payments_check_agency_id_agencies', 'agencies', ['check_agency_id'], ['id'])
        batch_op.drop_constraint('ck_payments_status', type_='check')
        batch_op.create_check_constraint('ck_payments_status',
                                         "status in ('pending','sent','returned','reissued','held','voided')")
        batch_op.drop_constraint('ck_payments_account', type_='check')
        batch_op.create_check_constraint(
            'ck_payments_account', "method = 'check' or status in ('held','reissued') or bank_account_id is not null")
        batch_op.create_check_constraint('ck_payments_method', "method in ('ach','check')")
        batch_op.create_check_constraint(
            'ck_payments_check_fields', "(method = 'check') = (check_number is not null and check_date is not null)")
        batch_op.create_unique_constraint('uq_payments_check_number', ['check_agency_id', 'check_number'])


def downgrade():
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT count(*) FROM payments WHERE method = 'check' OR status = 'voided'")).scalar():
        raise RuntimeError("0085_corrections: manual checks are recorded; they cannot be kept by the older schema")
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint('uq_payments_check_number', type_='unique')
        batch_op.drop_constraint('ck_payments_check_fields', type_='check')
        batch_op.drop_constraint('ck_payments_method', type_='check')
        batch_op.drop_constraint('ck_payments_account', type_='check')
        batch_op.create_check_constraint('ck_payments_account',
                                         "status in ('held','reissued') or bank_account_id is not null")
        batch_op.drop_constraint('ck_payments_status', type_='check')
        batch_op.create_check_constraint('ck_payments_status',
                                         "status in ('pending','sent','returned','reissued','held')")
        batch_op.drop_constraint('fk_payments_check_agency_id_agencies', type_='foreignkey')
        for col in ('void_reason', 'voided_at', 'check_agency_id', 'check_date', 'check_number', 'method'):
            batch_op.drop_column(col)
    with op.batch_alter_table('payroll_adjustments', schema=None) as batch_op:
        batch_op.drop_index('ix_payroll_adjustments_rate_change_id')
        batch_op.drop_constraint('fk_payroll_adjustments_rate_change_id_engagement_rates', type_='foreignkey')
        batch_op.drop_column('rate_change_id')
    op.drop_index('ix_engagement_rates_retro_status', table_name='engagement_rates')
    op.drop_index('ix_engagement_rates_engagement_id', table_name='engagement_rates')
    op.drop_table('engagement_rates')
