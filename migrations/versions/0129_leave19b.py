"""paid leave, the worker's normal day: `engagements.normal_day_hours` (hundredths of an hour, 0 < h <= 24), read
as the day where a sick-leave cap is written "N hours or M days" (Cal. Lab. Code 246(b)(4), (d))

Revision ID: 0129_leave19b
Revises: 0128_run19
"""
import sqlalchemy as sa
from alembic import op

from backoffice.db import Scaled

revision = '0129_leave19b'
down_revision = '0128_run19'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('engagements') as batch:
        batch.add_column(sa.Column('normal_day_hours', Scaled(2), nullable=True))
        batch.create_check_constraint(
            'ck_engagements_normal_day_hours',
            'normal_day_hours is null or (normal_day_hours > 0 and normal_day_hours <= 2400)')


def downgrade():
    with op.batch_alter_table('engagements') as batch:
        batch.drop_constraint('ck_engagements_normal_day_hours', type_='check')
        batch.drop_column('normal_day_hours')
