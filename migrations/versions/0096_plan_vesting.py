"""plan vesting and automatic escalation: a 401(k) plan's vesting schedule for the match, its automatic escalation
(step and cap), the match true-up option; enrollments given by default are marked auto_enrolled; 401(k) deferrals
as a dollar amount a paycheck (deferral_amount, roth_amount) as well as a percent

Revision ID: 0096_plan_vesting
Revises: 0093_portable_benefits
"""
import sqlalchemy as sa
from alembic import op

from backoffice.db import Scaled

revision = '0096_plan_vesting'
down_revision = '0093_portable_benefits'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('benefit_plans') as batch:
        batch.add_column(sa.Column('vesting_schedule', sa.String(10), server_default='immediate', nullable=False))
        batch.add_column(sa.Column('escalation_step', Scaled(6), nullable=True))
        batch.add_column(sa.Column('escalation_cap', Scaled(6), nullable=True))
        batch.add_column(sa.Column('match_true_up', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.create_check_constraint('ck_benefit_plans_vesting_schedule',
                                      "vesting_schedule in ('immediate','cliff_2','cliff_3','graded_6')")
        batch.create_check_constraint('ck_benefit_plans_escalation',
                                      "(escalation_step is null) = (escalation_cap is null) and (escalation_step "
                                      "is null or (escalation_step > 0 and escalation_cap <= 150000))")
    with op.batch_alter_table('benefit_enrollments') as batch:
        batch.add_column(sa.Column('auto_enrolled', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('deferral_amount', Scaled(2), nullable=True))
        batch.add_column(sa.Column('roth_amount', Scaled(2), nullable=True))
        batch.create_check_constraint('ck_benefit_enrollments_deferral_amounts',
                                      "(deferral_percent is null or deferral_amount is null) and (roth_percent is "
                                      "null or roth_amount is null) and coalesce(deferral_amount, 1) > 0 and "
                                      "coalesce(roth_amount, 1) > 0")


def downgrade():
    with op.batch_alter_table('benefit_enrollments') as batch:
        batch.drop_constraint('ck_benefit_enrollments_deferral_amounts', type_='check')
        for col in ('roth_amount', 'deferral_amount', 'auto_enrolled'):
            batch.drop_column(col)
    with op.batch_alter_table('benefit_plans') as batch:
        batch.drop_constraint('ck_benefit_plans_escalation', type_='check')
        batch.drop_constraint('ck_benefit_plans_vesting_schedule', type_='check')
        for col in ('match_true_up', 'escalation_cap', 'escalation_step', 'vesting_schedule'):
            batch.drop_column(col)
