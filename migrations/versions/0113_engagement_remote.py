"""engagements: the employer location a remote worker is assigned to, and whether they work away from it for
their own convenience (the convenience-of-the-employer rule, docs/multistate.md)

Revision ID: 0113_engagement_remote
Revises: 0111_localities
"""
import sqlalchemy as sa
from alembic import op

revision = '0113_engagement_remote'
down_revision = '0111_localities'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('engagements') as batch:
        batch.add_column(sa.Column('office_state', sa.String(2), nullable=True))
        batch.add_column(sa.Column('remote_for_convenience', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('engagements') as batch:
        batch.drop_column('remote_for_convenience')
        batch.drop_column('office_state')
