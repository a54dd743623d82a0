"""portable benefits: contribution rules per engagement, one account per worker with a running balance that the
database keeps at zero or above, its ledger (credit/use/payout/reversal, one credit per paycheck and engagement),
payout requests

Revision ID: 0093_portable_benefits
Revises: 0091_benefit_plans

- benefit_portable_rules: per engagement, per_hour (amount_per_hour) or percent_of_pay (percent, millionths),
  funded by the client or the agency, effective-dated.
- benefit_portable_accounts: one per worker (unique worker_id), `balance` with CHECK balance >= 0.
- benefit_portable_entries: signed amounts with `balance_after` (CHECK >= 0); UNIQUE (paycheck_id, engagement_id)
  makes a credit idempotent; reverses_entry_id, payout_id and use_ref are unique; reporting_category
  1099_nec_box1 | w2_wages on credits and reversals.
- benefit_portable_payouts: requested -> approved | rejected -> paid; paid as a line of the next paycheck (a
  payroll adjustment, adjustment_id unique) or, with no engagement on a pay schedule, by off-cycle ACH.
- accounts.use_for_premiums: the worker's choice to use the balance toward pooled-plan premiums each month; a
  premium use paid back with the next paycheck names its adjustment (entries.adjustment_id, unique).
- rights portable_benefit_rule, portable_benefit, portable_payout, added to a loaded permission matrix only.
"""
import sqlalchemy as sa
from alembic import op

import backoffice.db


revision = '0093_portable_benefits'
down_revision = '0091_benefit_plans'
branch_labels = None
depends_on = None

# (role, right, read, write, create, delete), as permissions.csv ships them; added to a loaded matrix only.
ROWS = [
    ("hr", "portable_benefit_rule", 1, 1, 1, 0), ("hr", "portable_benefit", 1, 0, 0, 0),
    ("hr", "portable_payout", 1, 1, 1, 0), ("finance", "portable_benefit_rule", 1, 0, 0, 0),
    ("finance", "portable_benefit", 1, 0, 0, 0), ("finance", "portable_payout", 1, 0, 0, 0),
    ("compliance", "portable_benefit", 1, 0, 0, 0), ("worker", "portable_benefit", 1, 0, 0, 0),
    ("worker", "portable_payout", 1, 0, 1, 0),
]
RIGHTS = ("portable_benefit_rule", "portable_benefit", "portable_payout")
permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))


def upgrade():
    op.create_table('benefit_portable_accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('worker_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('balance', backoffice.db.Scaled(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('use_for_premiums', sa.Boolean(), nullable=False),
    sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', backoffice.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint('balance >= 0', name='ck_benefit_portable_accounts_balance'),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('worker_id')
    )
    op.create_table('benefit_portable_payouts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('worker_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount', backoffice.db.Scaled(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('decided_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decided_at', backoffice.db.UTCDateTime(), nullable=True),
    sa.Column('decision_note', sa.String(length=500), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('payment_ref', sa.String(length=60), nullable=True),
    sa.Column('adjustment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', backoffice.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("method in ('next_paycheck','off_cycle_ach')", name='ck_benefit_portable_payouts_method'),
    sa.CheckConstraint("status <> 'paid' or (paid_on is not null and payment_ref is not null)", name='ck_benefit_portable_payouts_paid'),
    sa.CheckConstraint("status in ('requested','approved','rejected','paid')", name='ck_benefit_portable_payouts_status'),
    sa.CheckConstraint('amount > 0', name='ck_benefit_portable_payouts_amount'),
    sa.ForeignKeyConstraint(['adjustment_id'], ['payroll_adjustments.id'], ),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('adjustment_id')
    )
    with op.batch_alter_table('benefit_portable_payouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_portable_payouts_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_benefit_portable_payouts_worker_id'), ['worker_id'], unique=False)

    op.create_table('benefit_portable_rules',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('engagement_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('amount_per_hour', backoffice.db.Scaled(), nullable=True),
    sa.Column('percent', backoffice.db.Scaled(6), nullable=True),
    sa.Column('funded_by', sa.String(length=8), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', backoffice.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("(method = 'per_hour' and amount_per_hour > 0 and percent is null) or (method = 'percent_of_pay' and percent > 0 and percent <= 1000000 and amount_per_hour is null)", name='ck_benefit_portable_rules_rate'),
    sa.CheckConstraint("funded_by in ('client','agency')", name='ck_benefit_portable_rules_funded_by'),
    sa.CheckConstraint("method in ('per_hour','percent_of_pay')", name='ck_benefit_portable_rules_method'),
    sa.CheckConstraint('end_date is null or end_date >= start_date', name='ck_benefit_portable_rules_dates'),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('benefit_portable_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_portable_rules_engagement_id'), ['engagement_id'], unique=False)

    op.create_table('benefit_portable_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('worker_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('amount', backoffice.db.Scaled(), nullable=False),
    sa.Column('balance_after', backoffice.db.Scaled(), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('engagement_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('paycheck_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('rule_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('funded_by', sa.String(length=8), nullable=True),
    sa.Column('basis', backoffice.db.Scaled(4), nullable=True),
    sa.Column('reporting_category', sa.String(length=16), nullable=True),
    sa.Column('tax_year', sa.Integer(), nullable=True),
    sa.Column('reverses_entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('payout_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('use_ref', sa.String(length=80), nullable=True),
    sa.Column('adjustment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('memo', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("(kind = 'credit' and amount > 0) or (kind <> 'credit' and amount <= 0)", name='ck_benefit_portable_entries_sign'),
    sa.CheckConstraint("kind <> 'credit' or (paycheck_id is not null and engagement_id is not null and reporting_category is not null)", name='ck_benefit_portable_entries_credit'),
    sa.CheckConstraint("kind <> 'payout' or payout_id is not null", name='ck_benefit_portable_entries_payout'),
    sa.CheckConstraint("kind <> 'reversal' or reverses_entry_id is not null", name='ck_benefit_portable_entries_reversal'),
    sa.CheckConstraint("kind in ('credit','use','payout','reversal')", name='ck_benefit_portable_entries_kind'),
    sa.CheckConstraint("reporting_category is null or reporting_category in ('1099_nec_box1','w2_wages')", name='ck_benefit_portable_entries_reporting'),
    sa.CheckConstraint('balance_after >= 0', name='ck_benefit_portable_entries_balance_after'),
    sa.ForeignKeyConstraint(['account_id'], ['benefit_portable_accounts.id'], ),
    sa.ForeignKeyConstraint(['adjustment_id'], ['payroll_adjustments.id'], ),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], ),
    sa.ForeignKeyConstraint(['paycheck_id'], ['paychecks.id'], ),
    sa.ForeignKeyConstraint(['payout_id'], ['benefit_portable_payouts.id'], ),
    sa.ForeignKeyConstraint(['reverses_entry_id'], ['benefit_portable_entries.id'], ),
    sa.ForeignKeyConstraint(['rule_id'], ['benefit_portable_rules.id'], ),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('paycheck_id', 'engagement_id', name='uq_benefit_portable_entries_paycheck_engagement'),
    sa.UniqueConstraint('adjustment_id'),
    sa.UniqueConstraint('payout_id'),
    sa.UniqueConstraint('reverses_entry_id'),
    sa.UniqueConstraint('use_ref')
    )
    with op.batch_alter_table('benefit_portable_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_portable_entries_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_benefit_portable_entries_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_benefit_portable_entries_engagement_id'), ['engagement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_benefit_portable_entries_entry_date'), ['entry_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_benefit_portable_entries_worker_id'), ['worker_id'], unique=False)

    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        rows = [{"role": role, "model": right, "can_read": bool(r), "can_write": bool(w), "can_create": bool(c),
                 "can_delete": bool(d)} for role, right, r, w, c, d in ROWS if (role, right) not in have]
        if rows:
            conn.execute(permissions.insert(), rows)


def downgrade():
    op.execute(permissions.delete().where(permissions.c.model.in_(RIGHTS)))
    with op.batch_alter_table('benefit_portable_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefit_portable_entries_worker_id'))
        batch_op.drop_index(batch_op.f('ix_benefit_portable_entries_entry_date'))
        batch_op.drop_index(batch_op.f('ix_benefit_portable_entries_engagement_id'))
        batch_op.drop_index(batch_op.f('ix_benefit_portable_entries_client_id'))
        batch_op.drop_index(batch_op.f('ix_benefit_portable_entries_account_id'))

    op.drop_table('benefit_portable_entries')
    with op.batch_alter_table('benefit_portable_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefit_portable_rules_engagement_id'))

    op.drop_table('benefit_portable_rules')
    with op.batch_alter_table('benefit_portable_payouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefit_portable_payouts_worker_id'))
        batch_op.drop_index(batch_op.f('ix_benefit_portable_payouts_status'))

    op.drop_table('benefit_portable_payouts')
    op.drop_table('benefit_portable_accounts')
