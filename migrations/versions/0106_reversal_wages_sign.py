"""reversal lines' taxable wages negated like their amounts: a reversal made before this release copied its
original's taxable wages unsigned onto its negated lines (payroll/services/corrections.py now negates them), so sums
of taxable wages (the tax liability report, the filings) counted a reversed paycheck's wages twice

Revision ID: 0106_reversal_wages_sign
Revises: 0105_filing_delivery
"""
from alembic import op

revision = '0106_reversal_wages_sign'
down_revision = '0105_filing_delivery'
branch_labels = None
depends_on = None

# A reversal's lines mirror a regular paycheck's, whose taxable wages are never negative: a positive one on a
# reversal is an unsigned copy. Idempotent (a second run finds none).
_FLIP = ("UPDATE paycheck_lines SET taxable_wages = -taxable_wages WHERE taxable_wages > 0 AND paycheck_id IN "
         "(SELECT id FROM paychecks WHERE kind = 'reversal')")


def upgrade():
    op.execute(_FLIP)


def downgrade():
    op.execute("UPDATE paycheck_lines SET taxable_wages = -taxable_wages WHERE taxable_wages < 0 AND paycheck_id IN "
               "(SELECT id FROM paychecks WHERE kind = 'reversal')")
