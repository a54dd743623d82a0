"""COBRA: one case per qualified beneficiary of a qualifying event with its deadlines (benefit_cobra_cases) and the
monthly premiums billed and paid on it (benefit_cobra_premiums, unique per case and month)

Revision ID: 0099_cobra
Revises: 0098_aca_records
"""
import sqlalchemy as sa
from alembic import op

import backoffice.db

revision = '0099_cobra'
down_revision = '0098_aca_records'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
# (role, right, read, write, create, delete), as permissions.csv ships them; added to a loaded matrix only.
# HR runs the desk; finance reads cases and records payments; compliance reads; a worker reads their own.
ROWS = [
    ("hr", "cobra_case", 1, 1, 1, 0), ("hr", "cobra_premium", 1, 1, 1, 0),
    ("finance", "cobra_case", 1, 0, 0, 0), ("finance", "cobra_premium", 1, 1, 1, 0),
    ("compliance", "cobra_case", 1, 0, 0, 0), ("compliance", "cobra_premium", 1, 0, 0, 0),
    ("worker", "cobra_case", 1, 0, 0, 0), ("worker", "cobra_premium", 1, 0, 0, 0),
]
RIGHTS = ("cobra_case", "cobra_premium")
permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))


def _stamps():
    return [sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
            sa.Column('updated_at', backoffice.db.UTCDateTime(), nullable=False)]


def upgrade():
    op.create_table(
        'benefit_cobra_cases',
        sa.Column('id', ID, nullable=False),
        sa.Column('worker_id', ID, nullable=False),
        sa.Column('dependent_id', ID, nullable=True),
        sa.Column('beneficiary', sa.String(8), nullable=False),
        sa.Column('life_event_id', ID, nullable=True),
        sa.Column('event_kind', sa.String(24), nullable=False),
        sa.Column('event_date', sa.Date(), nullable=False),
        sa.Column('loss_rule', sa.String(12), nullable=False),
        sa.Column('employer_is_administrator', sa.Boolean(), nullable=False),
        sa.Column('plans', sa.JSON(), nullable=False),
        sa.Column('coverage_tier', sa.String(20), nullable=False),
        sa.Column('monthly_cost', backoffice.db.Scaled(2), nullable=False),
        sa.Column('loss_of_coverage', sa.Date(), nullable=False),
        sa.Column('coverage_start', sa.Date(), nullable=False),
        sa.Column('administrator_notice_due', sa.Date(), nullable=False),
        sa.Column('administrator_notified_on', sa.Date(), nullable=True),
        sa.Column('election_notice_due', sa.Date(), nullable=False),
        sa.Column('election_notice_sent_on', sa.Date(), nullable=True),
        sa.Column('election_deadline', sa.Date(), nullable=False),
        sa.Column('elected_on', sa.Date(), nullable=True),
        sa.Column('waived_on', sa.Date(), nullable=True),
        sa.Column('first_premium_due', sa.Date(), nullable=True),
        sa.Column('max_months', sa.Integer(), nullable=False),
        sa.Column('coverage_max_end', sa.Date(), nullable=False),
        sa.Column('disability_extended', sa.Boolean(), nullable=False),
        sa.Column('coverage_end', sa.Date(), nullable=True),
        sa.Column('status', sa.String(24), nullable=False),
        sa.Column('billed_with_id', ID, nullable=True),
        sa.Column('explanation', sa.JSON(), nullable=False),
        sa.Column('next_action', sa.String(60), nullable=False),
        sa.Column('next_due_on', sa.Date(), nullable=True),
        sa.Column('election_notice_pdf', sa.LargeBinary(), nullable=True),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('closed_at', backoffice.db.UTCDateTime(), nullable=True),
        *_stamps(),
        sa.CheckConstraint("status in ('pending_notice','notified','elected','waived','expired',"
                           "'terminated_nonpayment','ended')", name='ck_benefit_cobra_cases_status'),
        sa.CheckConstraint("event_kind in ('termination','reduction_of_hours','reclassification','divorce',"
                           "'legal_separation','dependent_child','death','medicare_entitlement')",
                           name='ck_benefit_cobra_cases_event_kind'),
        sa.CheckConstraint("beneficiary in ('employee','spouse','child')", name='ck_benefit_cobra_cases_beneficiary'),
        sa.CheckConstraint("loss_rule in ('end_of_month','event_date')", name='ck_benefit_cobra_cases_loss_rule'),
        sa.CheckConstraint("coverage_tier in ('employee','employee_spouse','employee_children','family')",
                           name='ck_benefit_cobra_cases_tier'),
        sa.CheckConstraint("(beneficiary = 'employee') = (dependent_id is null)",
                           name='ck_benefit_cobra_cases_beneficiary_dependent'),
        sa.CheckConstraint('monthly_cost >= 0', name='ck_benefit_cobra_cases_cost'),
        sa.CheckConstraint('max_months between 18 and 36', name='ck_benefit_cobra_cases_max_months'),
        sa.CheckConstraint('coverage_max_end >= coverage_start and coverage_start > loss_of_coverage',
                           name='ck_benefit_cobra_cases_dates'),
        sa.CheckConstraint("status <> 'elected' or elected_on is not null", name='ck_benefit_cobra_cases_elected'),
        sa.CheckConstraint("status <> 'waived' or waived_on is not null", name='ck_benefit_cobra_cases_waived'),
        sa.ForeignKeyConstraint(['worker_id'], ['workers.id']),
        sa.ForeignKeyConstraint(['dependent_id'], ['benefit_dependents.id']),
        sa.ForeignKeyConstraint(['life_event_id'], ['benefit_life_events.id']),
        sa.ForeignKeyConstraint(['billed_with_id'], ['benefit_cobra_cases.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('benefit_cobra_cases') as batch:
        batch.create_index('ix_benefit_cobra_cases_worker_id', ['worker_id'])
        batch.create_index('ix_benefit_cobra_cases_dependent_id', ['dependent_id'])
        batch.create_index('ix_benefit_cobra_cases_life_event_id', ['life_event_id'])
        batch.create_index('ix_benefit_cobra_cases_status', ['status'])
        batch.create_index('ix_benefit_cobra_cases_next_due_on', ['next_due_on'])
    op.create_index('uq_benefit_cobra_cases_worker_event', 'benefit_cobra_cases',
                    ['worker_id', 'event_kind', 'event_date'], unique=True,
                    sqlite_where=sa.text('dependent_id is null'), postgresql_where=sa.text('dependent_id is null'))
    op.create_index('uq_benefit_cobra_cases_dependent_event', 'benefit_cobra_cases',
                    ['dependent_id', 'event_kind', 'event_date'], unique=True,
                    sqlite_where=sa.text('dependent_id is not null'),
                    postgresql_where=sa.text('dependent_id is not null'))
    op.create_table(
        'benefit_cobra_premiums',
        sa.Column('id', ID, nullable=False),
        sa.Column('case_id', ID, nullable=False),
        sa.Column('coverage_month', sa.Date(), nullable=False),
        sa.Column('month_number', sa.Integer(), nullable=False),
        sa.Column('amount_due', backoffice.db.Scaled(2), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('grace_end', sa.Date(), nullable=False),
        sa.Column('paid_amount', backoffice.db.Scaled(2), nullable=True),
        sa.Column('paid_on', sa.Date(), nullable=True),
        sa.Column('recorded_by_id', ID, nullable=True),
        *_stamps(),
        sa.CheckConstraint('amount_due >= 0 and (paid_amount is null or paid_amount > 0)',
                           name='ck_benefit_cobra_premiums_amounts'),
        sa.CheckConstraint('(paid_amount is null) = (paid_on is null)', name='ck_benefit_cobra_premiums_paid'),
        sa.CheckConstraint('grace_end >= due_date and month_number >= 1', name='ck_benefit_cobra_premiums_dates'),
        sa.ForeignKeyConstraint(['case_id'], ['benefit_cobra_cases.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', 'coverage_month', name='uq_benefit_cobra_premiums_case_month'),
    )
    with op.batch_alter_table('benefit_cobra_premiums') as batch:
        batch.create_index('ix_benefit_cobra_premiums_case_id', ['case_id'])
        batch.create_index('ix_benefit_cobra_premiums_grace_end', ['grace_end'])

    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        rows = [{"role": role, "model": right, "can_read": bool(r), "can_write": bool(w), "can_create": bool(c),
                 "can_delete": bool(d)} for role, right, r, w, c, d in ROWS if (role, right) not in have]
        if rows:
            conn.execute(permissions.insert(), rows)


def downgrade():
    op.execute(permissions.delete().where(permissions.c.model.in_(RIGHTS)))
    op.drop_table('benefit_cobra_premiums')
    op.drop_index('uq_benefit_cobra_cases_dependent_event', table_name='benefit_cobra_cases')
    op.drop_index('uq_benefit_cobra_cases_worker_event', table_name='benefit_cobra_cases')
    op.drop_table('benefit_cobra_cases')
