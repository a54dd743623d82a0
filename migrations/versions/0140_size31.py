"""the agency's size in each state for the paid-leave programs whose rates depend on it:
`state_registrations.employer_size` (NULL: not recorded; the largest employer's rates apply)

Revision ID: 0140_size31
Revises: 0139_tot28
"""
import sqlalchemy as sa
from alembic import op

revision = '0140_size31'
down_revision = '0139_tot28'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('state_registrations') as batch:
        batch.add_column(sa.Column('employer_size', sa.Integer(), nullable=True))
        batch.create_check_constraint('ck_state_registration_employer_size',
                                      'employer_size is null or employer_size >= 0')


def downgrade():
    with op.batch_alter_table('state_registrations') as batch:
        batch.drop_constraint('ck_state_registration_employer_size', type_='check')
        batch.drop_column('employer_size')
