"""benefit carriers: the carriers the health plans are placed with (code, name, interchange receiver id, group
number), each plan's carrier_id

Revision ID: 0097_benefit_carriers
Revises: 0096_plan_vesting
"""
import sqlalchemy as sa
from alembic import op

from backoffice.db import BigId, UTCDateTime

revision = '0097_benefit_carriers'
down_revision = '0096_plan_vesting'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'benefit_carriers',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('code', sa.String(15), nullable=False),
        sa.Column('name', sa.String(120), nullable=False),
        sa.Column('fein', sa.String(9), nullable=False),
        sa.Column('receiver_qualifier', sa.String(2), nullable=False),
        sa.Column('receiver_id', sa.String(15), nullable=False),
        sa.Column('group_number', sa.String(30), nullable=False),
        sa.Column('contact_email', sa.String(254), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("code <> '' and code = upper(code)", name='ck_benefit_carriers_code'),
        sa.CheckConstraint("receiver_id <> ''", name='ck_benefit_carriers_receiver'),
        sa.UniqueConstraint('code', name='uq_benefit_carriers_code'),
    )
    with op.batch_alter_table('benefit_plans') as batch:
        batch.add_column(sa.Column('carrier_id', BigId, nullable=True))
        batch.create_foreign_key('fk_benefit_plans_carrier_id_benefit_carriers', 'benefit_carriers',
                                 ['carrier_id'], ['id'])
        batch.create_index('ix_benefit_plans_carrier_id', ['carrier_id'])


def downgrade():
    with op.batch_alter_table('benefit_plans') as batch:
        batch.drop_index('ix_benefit_plans_carrier_id')
        batch.drop_constraint('fk_benefit_plans_carrier_id_benefit_carriers', type_='foreignkey')
        batch.drop_column('carrier_id')
    op.drop_table('benefit_carriers')
