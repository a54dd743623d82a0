"""benefit plans: the pooled master plan's plans, tiers, contribution rules, enrollment windows, dependents,
beneficiaries and enrollments; life events grow the qualifying events, their document and HR's decision

Revision ID: 0091_benefit_plans
Revises: 0087_timesheet_review

- benefit_plans (plan years, waiting period at most 90 days by CHECK: 29 CFR 2590.715-2708), benefit_plan_tiers
  (unique plan + tier), benefit_contribution_rules (unique plan + client, and one agency default per plan by a
  partial unique index), benefit_enrollment_windows, benefit_dependents (SSN encrypted), benefit_beneficiaries,
  benefit_enrollments (percents at most 100% together, a waiver needs its reason) and their dependents.
- benefit_life_events: statuses `requested`, `approved`, `denied` (a denial needs its reason), the document, who
  decided, when, and the day the worker's window closes.
- the rights benefit_plan, benefit_window, benefit_enrollment, benefit_dependent, life_event, added to a loaded
  permission matrix.
"""
import sqlalchemy as sa
from alembic import op

import backoffice.db

revision = '0091_benefit_plans'
down_revision = '0087_timesheet_review'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
ONE = 1000000
# (role, right, read, write, create, delete), as permissions.csv ships them; added to a loaded matrix only.
ROWS = [
    ("hr", "benefit_plan", 1, 1, 1, 0), ("hr", "benefit_window", 1, 1, 1, 0), ("hr", "benefit_enrollment", 1, 1, 1, 0),
    ("hr", "benefit_dependent", 1, 1, 1, 0), ("hr", "life_event", 1, 1, 1, 0),
    ("finance", "benefit_plan", 1, 0, 0, 0), ("finance", "benefit_window", 1, 0, 0, 0),
    ("finance", "benefit_enrollment", 1, 0, 0, 0), ("finance", "life_event", 1, 0, 0, 0),
    ("compliance", "benefit_plan", 1, 0, 0, 0), ("compliance", "benefit_enrollment", 1, 0, 0, 0),
    ("compliance", "life_event", 1, 0, 0, 0),
    ("worker", "benefit_plan", 1, 0, 0, 0), ("worker", "benefit_enrollment", 1, 0, 1, 0),
    ("worker", "benefit_dependent", 1, 0, 1, 0), ("worker", "life_event", 1, 0, 1, 0),
]
RIGHTS = sorted({r[1] for r in ROWS})
permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))
_OLD_STATUS = "status in ('open','processed','cancelled')"
_NEW_STATUS = "status in ('open','processed','cancelled','requested','approved','denied')"


def _timestamps():
    return [sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
            sa.Column('updated_at', backoffice.db.UTCDateTime(), nullable=False)]


def _fraction(c):
    return f"{c} is null or ({c} >= 0 and {c} <= {ONE})"


def upgrade():
    rates = ("match_up_to_1", "match_rate_1", "match_up_to_2", "match_rate_2", "default_deferral_percent")
    money = ("deductible_individual", "deductible_family", "out_of_pocket_individual", "out_of_pocket_family")
    op.create_table(
        'benefit_plans',
        sa.Column('id', ID, nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('carrier', sa.String(length=120), nullable=False),
        sa.Column('network_type', sa.String(length=4), nullable=True),
        sa.Column('plan_year_start', sa.Date(), nullable=False),
        sa.Column('plan_year_end', sa.Date(), nullable=False),
        *[sa.Column(c, backoffice.db.Scaled(2), nullable=True) for c in money],
        sa.Column('waiting_days', sa.Integer(), nullable=False),
        sa.Column('min_weekly_hours', backoffice.db.Scaled(2), nullable=True),
        sa.Column('contractors_eligible', sa.Boolean(), nullable=False),
        sa.Column('hdhp', sa.Boolean(), nullable=False),
        *[sa.Column(c, backoffice.db.Scaled(6), nullable=True) for c in rates],
        sa.Column('max_annual_amount', backoffice.db.Scaled(2), nullable=True),
        sa.Column('commuter_kind', sa.String(length=8), nullable=True),
        sa.Column('source_note', sa.String(length=500), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("kind in ('medical','dental','vision','401k','hsa','fsa','dcfsa','commuter','529')",
                           name='ck_benefit_plans_kind'),
        sa.CheckConstraint("network_type is null or network_type in ('HMO','PPO','EPO','HDHP')",
                           name='ck_benefit_plans_network_type'),
        sa.CheckConstraint("commuter_kind is null or (kind = 'commuter' and commuter_kind in ('transit','parking'))",
                           name='ck_benefit_plans_commuter_kind'),
        sa.CheckConstraint("waiting_days >= 0 and waiting_days <= 90", name='ck_benefit_plans_waiting_days'),
        sa.CheckConstraint("plan_year_end >= plan_year_start", name='ck_benefit_plans_plan_year'),
        sa.CheckConstraint(" and ".join(f"({c} is null or {c} >= 0)" for c in money + (
            "max_annual_amount", "min_weekly_hours")), name='ck_benefit_plans_amounts'),
        sa.CheckConstraint(" and ".join(f"({_fraction(c)})" for c in rates), name='ck_benefit_plans_percents'),
        sa.CheckConstraint("(match_up_to_1 is null) = (match_rate_1 is null) and (match_up_to_2 is null) = "
                           "(match_rate_2 is null) and (match_up_to_2 is null or match_up_to_1 is not null)",
                           name='ck_benefit_plans_match_tiers'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name', 'plan_year_start', name='uq_benefit_plans_name_year'),
    )
    op.create_index('ix_benefit_plans_kind', 'benefit_plans', ['kind'], unique=False)

    op.create_table(
        'benefit_plan_tiers',
        sa.Column('id', ID, nullable=False),
        sa.Column('plan_id', ID, nullable=False),
        sa.Column('tier', sa.String(length=20), nullable=False),
        sa.Column('monthly_premium', backoffice.db.Scaled(2), nullable=False),
        sa.CheckConstraint("tier in ('employee','employee_spouse','employee_children','family')",
                           name='ck_benefit_plan_tiers_tier'),
        sa.CheckConstraint("monthly_premium >= 0", name='ck_benefit_plan_tiers_premium'),
        sa.ForeignKeyConstraint(['plan_id'], ['benefit_plans.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('plan_id', 'tier', name='uq_benefit_plan_tiers_plan_tier'),
    )
    op.create_index('ix_benefit_plan_tiers_plan_id', 'benefit_plan_tiers', ['plan_id'], unique=False)

    op.create_table(
        'benefit_contribution_rules',
        sa.Column('id', ID, nullable=False),
        sa.Column('plan_id', ID, nullable=False),
        sa.Column('client_id', ID, nullable=True),
        sa.Column('method', sa.String(length=24), nullable=False),
        sa.Column('value', backoffice.db.Scaled(6), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("method in ('percent_employee_only','percent_tier','flat')",
                           name='ck_benefit_contribution_rules_method'),
        sa.CheckConstraint(f"value >= 0 and (method = 'flat' or value <= {ONE})",
                           name='ck_benefit_contribution_rules_value'),
        sa.CheckConstraint("method <> 'flat' or value % 10000 = 0", name='ck_benefit_contribution_rules_cents'),
        sa.ForeignKeyConstraint(['plan_id'], ['benefit_plans.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['client_id'], ['clients.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('plan_id', 'client_id', name='uq_benefit_contribution_rules_plan_client'),
    )
    op.create_index('ix_benefit_contribution_rules_plan_id', 'benefit_contribution_rules', ['plan_id'])
    op.create_index('ix_benefit_contribution_rules_client_id', 'benefit_contribution_rules', ['client_id'])
    op.create_index('uq_benefit_contribution_rules_plan_default', 'benefit_contribution_rules', ['plan_id'],
                    unique=True, sqlite_where=sa.text("client_id is null"),
                    postgresql_where=sa.text("client_id is null"))

    op.create_table(
        'benefit_enrollment_windows',
        sa.Column('id', ID, nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('plan_year_start', sa.Date(), nullable=False),
        sa.Column('opens_on', sa.Date(), nullable=False),
        sa.Column('closes_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('closed_at', backoffice.db.UTCDateTime(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint("kind in ('open_enrollment')", name='ck_benefit_enrollment_windows_kind'),
        sa.CheckConstraint("status in ('scheduled','open','closed')", name='ck_benefit_enrollment_windows_status'),
        sa.CheckConstraint("closes_on >= opens_on", name='ck_benefit_enrollment_windows_dates'),
        sa.CheckConstraint("opens_on < plan_year_start", name='ck_benefit_enrollment_windows_before_year'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'plan_year_start', name='uq_benefit_enrollment_windows_kind_year'),
    )
    op.create_index('ix_benefit_enrollment_windows_status', 'benefit_enrollment_windows', ['status'])

    op.create_table(
        'benefit_dependents',
        sa.Column('id', ID, nullable=False),
        sa.Column('worker_id', ID, nullable=False),
        sa.Column('first_name', sa.String(length=100), nullable=False),
        sa.Column('last_name', sa.String(length=100), nullable=False),
        sa.Column('relationship', sa.String(length=20), nullable=False),
        sa.Column('birth_date', sa.Date(), nullable=False),
        sa.Column('ssn', backoffice.db.EncryptedString(), nullable=True),
        sa.Column('ssn_last4', sa.String(length=4), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("relationship in ('spouse','child','domestic_partner')",
                           name='ck_benefit_dependents_relationship'),
        sa.ForeignKeyConstraint(['worker_id'], ['workers.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_benefit_dependents_worker_id', 'benefit_dependents', ['worker_id'])

    op.create_table(
        'benefit_beneficiaries',
        sa.Column('id', ID, nullable=False),
        sa.Column('worker_id', ID, nullable=False),
        sa.Column('plan_kind', sa.String(length=6), nullable=False),
        sa.Column('level', sa.String(length=12), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('relationship', sa.String(length=40), nullable=False),
        sa.Column('birth_date', sa.Date(), nullable=True),
        sa.Column('dependent_id', ID, nullable=True),
        sa.Column('share_percent', backoffice.db.Scaled(6), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("plan_kind in ('401k','life')", name='ck_benefit_beneficiaries_plan_kind'),
        sa.CheckConstraint("level in ('primary','contingent')", name='ck_benefit_beneficiaries_level'),
        sa.CheckConstraint(f"share_percent > 0 and share_percent <= {ONE}", name='ck_benefit_beneficiaries_share'),
        sa.ForeignKeyConstraint(['worker_id'], ['workers.id']),
        sa.ForeignKeyConstraint(['dependent_id'], ['benefit_dependents.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_benefit_beneficiaries_worker_id', 'benefit_beneficiaries', ['worker_id'])

    with op.batch_alter_table('benefit_life_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('document', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', backoffice.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('decided_by_id', ID, nullable=True))
        batch_op.add_column(sa.Column('decision_reason', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('window_closes_on', sa.Date(), nullable=True))
        batch_op.create_foreign_key('fk_benefit_life_events_decided_by_id_users', 'users', ['decided_by_id'], ['id'])
        batch_op.drop_constraint('ck_benefit_life_events_status', type_='check')
        batch_op.create_check_constraint('ck_benefit_life_events_status', _NEW_STATUS)
        batch_op.create_check_constraint('ck_benefit_life_events_denial',
                                         "status <> 'denied' or decision_reason <> ''")

    op.create_table(
        'benefit_enrollments',
        sa.Column('id', ID, nullable=False),
        sa.Column('worker_id', ID, nullable=False),
        sa.Column('plan_id', ID, nullable=False),
        sa.Column('event', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('effective_date', sa.Date(), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=True),
        sa.Column('coverage_tier', sa.String(length=20), nullable=True),
        sa.Column('deferral_percent', backoffice.db.Scaled(6), nullable=True),
        sa.Column('roth_percent', backoffice.db.Scaled(6), nullable=True),
        sa.Column('annual_amount', backoffice.db.Scaled(2), nullable=True),
        sa.Column('waived', sa.Boolean(), nullable=False),
        sa.Column('waive_reason', sa.String(length=300), nullable=False),
        sa.Column('employee_monthly', backoffice.db.Scaled(2), nullable=True),
        sa.Column('employer_monthly', backoffice.db.Scaled(2), nullable=True),
        sa.Column('pay_periods', sa.Integer(), nullable=True),
        sa.Column('per_paycheck_employee', backoffice.db.Scaled(2), nullable=True),
        sa.Column('per_paycheck_employer', backoffice.db.Scaled(2), nullable=True),
        sa.Column('life_event_id', ID, nullable=True),
        sa.Column('window_id', ID, nullable=True),
        sa.Column('replaces_id', ID, nullable=True),
        *_timestamps(),
        sa.CheckConstraint("event in ('new_hire','open_enrollment','life_event')", name='ck_benefit_enrollments_event'),
        sa.CheckConstraint("status in ('active','ended','cancelled')", name='ck_benefit_enrollments_status'),
        sa.CheckConstraint("coverage_tier is null or coverage_tier in ('employee','employee_spouse',"
                           "'employee_children','family')", name='ck_benefit_enrollments_tier'),
        sa.CheckConstraint(f"({_fraction('deferral_percent')}) and ({_fraction('roth_percent')}) and "
                           f"coalesce(deferral_percent, 0) + coalesce(roth_percent, 0) <= {ONE}",
                           name='ck_benefit_enrollments_percents'),
        sa.CheckConstraint("annual_amount is null or annual_amount >= 0", name='ck_benefit_enrollments_amount'),
        sa.CheckConstraint("not waived or waive_reason <> ''", name='ck_benefit_enrollments_waiver_reason'),
        sa.CheckConstraint("end_date is null or end_date >= effective_date", name='ck_benefit_enrollments_dates'),
        sa.CheckConstraint("pay_periods is null or pay_periods > 0", name='ck_benefit_enrollments_pay_periods'),
        sa.ForeignKeyConstraint(['worker_id'], ['workers.id']),
        sa.ForeignKeyConstraint(['plan_id'], ['benefit_plans.id']),
        sa.ForeignKeyConstraint(['life_event_id'], ['benefit_life_events.id']),
        sa.ForeignKeyConstraint(['window_id'], ['benefit_enrollment_windows.id']),
        sa.ForeignKeyConstraint(['replaces_id'], ['benefit_enrollments.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('uq_benefit_enrollments_worker_plan_date', 'benefit_enrollments',
                    ['worker_id', 'plan_id', 'effective_date'], unique=True,
                    sqlite_where=sa.text("status <> 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'"))
    op.create_index('ix_benefit_enrollments_worker_id', 'benefit_enrollments', ['worker_id'])
    op.create_index('ix_benefit_enrollments_plan_id', 'benefit_enrollments', ['plan_id'])
    op.create_index('ix_benefit_enrollments_status', 'benefit_enrollments', ['status'])

    op.create_table(
        'benefit_enrollment_dependents',
        sa.Column('enrollment_id', ID, nullable=False),
        sa.Column('dependent_id', ID, nullable=False),
        sa.ForeignKeyConstraint(['enrollment_id'], ['benefit_enrollments.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dependent_id'], ['benefit_dependents.id']),
        sa.PrimaryKeyConstraint('enrollment_id', 'dependent_id'),
    )

    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        rows = [{"role": role, "model": right, "can_read": bool(r), "can_write": bool(w), "can_create": bool(c),
                 "can_delete": bool(d)} for role, right, r, w, c, d in ROWS if (role, right) not in have]
        if rows:
            conn.execute(permissions.insert(), rows)


def downgrade():
    op.execute(permissions.delete().where(permissions.c.model.in_(RIGHTS)))
    op.drop_table('benefit_enrollment_dependents')
    op.drop_table('benefit_enrollments')
    op.execute(sa.text("DELETE FROM benefit_life_events WHERE status IN ('requested','approved','denied')"))
    with op.batch_alter_table('benefit_life_events', schema=None) as batch_op:
        batch_op.drop_constraint('ck_benefit_life_events_denial', type_='check')
        batch_op.drop_constraint('ck_benefit_life_events_status', type_='check')
        batch_op.create_check_constraint('ck_benefit_life_events_status', _OLD_STATUS)
        batch_op.drop_constraint('fk_benefit_life_events_decided_by_id_users', type_='foreignkey')
        for c in ('window_closes_on', 'decision_reason', 'decided_by_id', 'decided_at', 'document', 'document_name'):
            batch_op.drop_column(c)
    op.drop_table('benefit_beneficiaries')
    op.drop_table('benefit_dependents')
    op.drop_table('benefit_enrollment_windows')
    op.drop_table('benefit_contribution_rules')
    op.drop_table('benefit_plan_tiers')
    op.drop_table('benefit_plans')
