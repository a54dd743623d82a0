"""finance desk: the effective entry date each NACHA file asked for

Revision ID: 0089_finance_desk
Revises: 0090_classification_truth

- nacha_files.effective_date: the settlement date written in the file's batch header (the run's pay date, or the
  later banking day chosen when the pay date was past or too close for the bank's cut-off). Files made before
  this revision keep NULL: their content is encrypted, and the page shows "not recorded" for them.
"""
import sqlalchemy as sa
from alembic import op

revision = '0089_finance_desk'
down_revision = '0090_classification_truth'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('nacha_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('effective_date', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('nacha_files', schema=None) as batch_op:
        batch_op.drop_column('effective_date')
