"""benefit codes: dependent-care FSA, commuter and 529 deductions; health_employer; year-to-date for 129 and 415(c)

Revision ID: 0092_benefit_codes
Revises: 0087_timesheet_review

- worker_deductions.code may be `dcfsa` (IRC 129), `commuter` (IRC 132(f)) and `529` (after tax); a commuter
  deduction says whether it is `transit` or `parking` (`commuter_kind`, each has its own monthly limit).
- employer_contributions: the code `premium_employer_share` is renamed `health_employer` (employer-paid health
  coverage, IRC 106). Stored rows are renamed, and so are the employer-contribution paycheck lines and their
  journal lines' detail: the same money under its new name, so reports and paystubs group old and new together.
- payroll_ytd gains `dcfsa` (dependent-care FSA so far, for the IRC 129 limit) and `employer_401k` (employer 401(k)
  contributions so far, for the 415(c) annual additions); existing rows start at 0.
"""
import sqlalchemy as sa
from alembic import op

import backoffice.db

revision = '0092_benefit_codes'
down_revision = '0087_timesheet_review'
branch_labels = None
depends_on = None

_ORDERS = "'child_support','garnishment','student_loan','tax_levy'"
_OLD_DEDUCTIONS = "code in ('401k','section125','hsa','fsa','roth_401k','loan','other'," + _ORDERS + ")"
_NEW_DEDUCTIONS = ("code in ('401k','section125','hsa','fsa','dcfsa','commuter','roth_401k','529','loan','other',"
                   + _ORDERS + ")")
_OLD_CONTRIBUTIONS = "code in ('401k_match','hsa_employer','premium_employer_share')"
_NEW_CONTRIBUTIONS = "code in ('401k_match','hsa_employer','health_employer')"
_COMMUTER_KIND = "commuter_kind is null or (code = 'commuter' and commuter_kind in ('transit','parking'))"


def _rename(old: str, new: str) -> None:
    op.execute(sa.text("UPDATE employer_contributions SET code = :new WHERE code = :old").bindparams(old=old, new=new))
    op.execute(sa.text("UPDATE paycheck_lines SET code = :new WHERE kind = 'employer_contribution' AND code = :old")
               .bindparams(old=old, new=new))
    op.execute(sa.text("UPDATE journal_lines SET detail = :new WHERE detail = :old").bindparams(old=old, new=new))


def upgrade():
    with op.batch_alter_table('worker_deductions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commuter_kind', sa.String(length=8), nullable=True))
        batch_op.drop_constraint('ck_worker_deductions_code', type_='check')
        batch_op.create_check_constraint('ck_worker_deductions_code', _NEW_DEDUCTIONS)
        batch_op.create_check_constraint('ck_worker_deductions_commuter_kind', _COMMUTER_KIND)
    with op.batch_alter_table('employer_contributions', schema=None) as batch_op:
        batch_op.drop_constraint('ck_employer_contributions_code', type_='check')
    _rename('premium_employer_share', 'health_employer')
    with op.batch_alter_table('employer_contributions', schema=None) as batch_op:
        batch_op.create_check_constraint('ck_employer_contributions_code', _NEW_CONTRIBUTIONS)
    with op.batch_alter_table('payroll_ytd', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dcfsa', backoffice.db.Scaled(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('employer_401k', backoffice.db.Scaled(), server_default=sa.text('0'),
                                      nullable=False))


def downgrade():
    conn = op.get_bind()
    left = conn.execute(sa.text("SELECT count(*) FROM worker_deductions WHERE code IN ('dcfsa','commuter','529')"))
    if left.scalar():
        raise RuntimeError("worker_deductions has dcfsa, commuter or 529 rows: end and remove them before going back "
                           "past 0092 (the old code list does not know them)")
    with op.batch_alter_table('payroll_ytd', schema=None) as batch_op:
        batch_op.drop_column('employer_401k')
        batch_op.drop_column('dcfsa')
    with op.batch_alter_table('employer_contributions', schema=None) as batch_op:
        batch_op.drop_constraint('ck_employer_contributions_code', type_='check')
    _rename('health_employer', 'premium_employer_share')
    with op.batch_alter_table('employer_contributions', schema=None) as batch_op:
        batch_op.create_check_constraint('ck_employer_contributions_code', _OLD_CONTRIBUTIONS)
    with op.batch_alter_table('worker_deductions', schema=None) as batch_op:
        batch_op.drop_constraint('ck_worker_deductions_commuter_kind', type_='check')
        batch_op.drop_constraint('ck_worker_deductions_code', type_='check')
        batch_op.create_check_constraint('ck_worker_deductions_code', _OLD_DEDUCTIONS)
        batch_op.drop_column('commuter_kind')
