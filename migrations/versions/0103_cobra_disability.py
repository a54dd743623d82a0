"""COBRA disability determination: the dates HR records from the Social Security Administration's determination
(onset, determined, the administrator told), which extend the case's maximum to 29 months

Revision ID: 0103_cobra_disability
Revises: 0102_premium_bills
"""
import sqlalchemy as sa
from alembic import op

revision = '0103_cobra_disability'
down_revision = '0102_premium_bills'
branch_labels = None
depends_on = None

_CHECK = ("(disability_onset is null) = (disability_determined_on is null) and "
          "(disability_onset is null) = (disability_notified_on is null)")


def upgrade():
    with op.batch_alter_table('benefit_cobra_cases') as batch:
        for col in ('disability_onset', 'disability_determined_on', 'disability_notified_on'):
            batch.add_column(sa.Column(col, sa.Date(), nullable=True))
        batch.create_check_constraint('ck_benefit_cobra_cases_disability', _CHECK)


def downgrade():
    with op.batch_alter_table('benefit_cobra_cases') as batch:
        batch.drop_constraint('ck_benefit_cobra_cases_disability', type_='check')
        for col in ('disability_notified_on', 'disability_determined_on', 'disability_onset'):
            batch.drop_column(col)
