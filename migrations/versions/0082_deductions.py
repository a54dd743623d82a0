"""deductions: recurring worker deductions and garnishment orders, what each paycheck took of them, employer
contributions, the employer_contribution paycheck line kind, and the rights to them

Revision ID: 0082_deductions
Revises: 0081_task_completions
"""
import sqlalchemy as sa
from alembic import op

import backoffice.db

revision = '0082_deductions'
down_revision = '0081_task_completions'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_ORDER_CODES = "('child_support','garnishment','student_loan','tax_levy')"
_PERCENT_OK = "percent is null or (percent > 0 and percent <= 1000000)"
_OLD_KINDS = "kind in ('earning','employee_tax','employer_tax','pretax_deduction','posttax_deduction')"
_NEW_KINDS = ("kind in ('earning','employee_tax','employer_tax','pretax_deduction','posttax_deduction',"
              "'employer_contribution')")

# (role, right, read, write, create, delete), as permissions.csv ships them; added to a loaded matrix only.
ROWS = [
    ("hr", "worker_deduction", 1, 1, 1, 0), ("hr", "employer_contribution", 1, 1, 1, 0),
    ("finance", "worker_deduction", 1, 1, 0, 0), ("finance", "employer_contribution", 1, 0, 0, 0),
    ("compliance", "worker_deduction", 1, 0, 0, 0), ("compliance", "employer_contribution", 1, 0, 0, 0),
    ("worker", "worker_deduction", 1, 0, 0, 0), ("worker", "employer_contribution", 1, 0, 0, 0),
]
permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))


def _timestamps():
    return [sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
            sa.Column('updated_at', backoffice.db.UTCDateTime(), nullable=False)]


def upgrade():
    op.create_table('worker_deductions',
    sa.Column('id', _ID, nullable=False),
    sa.Column('worker_id', _ID, nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('amount', backoffice.db.Scaled(), nullable=True),
    sa.Column('percent', backoffice.db.Scaled(6), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('goal', backoffice.db.Scaled(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('external_ref', sa.String(length=60), nullable=True),
    sa.Column('hsa_coverage', sa.String(length=10), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('case_number', sa.String(length=60), nullable=True),
    sa.Column('issuing_state', sa.String(length=2), nullable=True),
    sa.Column('issuing_agency', sa.String(length=120), nullable=True),
    sa.Column('received_date', sa.Date(), nullable=True),
    sa.Column('supports_other_family', sa.Boolean(), nullable=False),
    sa.Column('arrears_over_12_weeks', sa.Boolean(), nullable=False),
    sa.Column('payee_name', sa.String(length=120), nullable=True),
    sa.Column('payee_address', sa.String(length=300), nullable=True),
    sa.Column('payee_fips', sa.String(length=7), nullable=True),
    *_timestamps(),
    sa.CheckConstraint("code in ('401k','section125','hsa','fsa','roth_401k','loan','other','child_support',"
                       "'garnishment','student_loan','tax_levy')", name='ck_worker_deductions_code'),
    sa.CheckConstraint("status in ('active','paused','completed','ended')", name='ck_worker_deductions_status'),
    sa.CheckConstraint("source in ('hr','benefits','court_order')", name='ck_worker_deductions_source'),
    sa.CheckConstraint("(amount is null) <> (percent is null)", name='ck_worker_deductions_amount_or_percent'),
    sa.CheckConstraint("amount is null or amount > 0", name='ck_worker_deductions_amount'),
    sa.CheckConstraint(_PERCENT_OK, name='ck_worker_deductions_percent'),
    sa.CheckConstraint("goal is null or goal > 0", name='ck_worker_deductions_goal'),
    sa.CheckConstraint("end_date is null or end_date >= start_date", name='ck_worker_deductions_dates'),
    sa.CheckConstraint("hsa_coverage is null or hsa_coverage in ('self_only','family')",
                       name='ck_worker_deductions_hsa_coverage'),
    sa.CheckConstraint("not code in " + _ORDER_CODES + " or (case_number is not null and received_date is not null "
                       "and payee_name is not null)", name='ck_worker_deductions_order'),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('external_ref')
    )
    op.create_index(op.f('ix_worker_deductions_worker_id'), 'worker_deductions', ['worker_id'], unique=False)
    op.create_index('ix_worker_deductions_worker_dates', 'worker_deductions', ['worker_id', 'start_date'],
                    unique=False)

    op.create_table('deduction_takes',
    sa.Column('id', _ID, nullable=False),
    sa.Column('deduction_id', _ID, nullable=False),
    sa.Column('paycheck_id', _ID, nullable=False),
    sa.Column('worker_id', _ID, nullable=False),
    sa.Column('pay_date', sa.Date(), nullable=False),
    sa.Column('amount', backoffice.db.Scaled(), nullable=False),
    sa.Column('remittance_status', sa.String(length=10), nullable=False),
    sa.Column('remitted_on', sa.Date(), nullable=True),
    sa.Column('remittance_ref', sa.String(length=60), nullable=True),
    sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("remittance_status in ('none','due','remitted')", name='ck_deduction_takes_remittance'),
    sa.CheckConstraint("remittance_status <> 'remitted' or remitted_on is not null",
                       name='ck_deduction_takes_remitted_on'),
    sa.ForeignKeyConstraint(['deduction_id'], ['worker_deductions.id'], ),
    sa.ForeignKeyConstraint(['paycheck_id'], ['paychecks.id'], ),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('paycheck_id', 'deduction_id', name='uq_deduction_takes_paycheck_deduction')
    )
    for col in ('deduction_id', 'paycheck_id', 'worker_id'):
        op.create_index(op.f(f'ix_deduction_takes_{col}'), 'deduction_takes', [col], unique=False)

    rates = ("match_up_to_1", "match_rate_1", "match_up_to_2", "match_rate_2")
    op.create_table('employer_contributions',
    sa.Column('id', _ID, nullable=False),
    sa.Column('worker_id', _ID, nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('amount', backoffice.db.Scaled(), nullable=True),
    sa.Column('percent', backoffice.db.Scaled(6), nullable=True),
    *[sa.Column(c, backoffice.db.Scaled(6), nullable=True) for c in rates],
    sa.Column('hsa_coverage', sa.String(length=10), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('external_ref', sa.String(length=60), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    *_timestamps(),
    sa.CheckConstraint("code in ('401k_match','hsa_employer','premium_employer_share')",
                       name='ck_employer_contributions_code'),
    sa.CheckConstraint("status in ('active','ended')", name='ck_employer_contributions_status'),
    sa.CheckConstraint("source in ('hr','benefits')", name='ck_employer_contributions_source'),
    sa.CheckConstraint("(case when amount is null then 0 else 1 end) + (case when percent is null then 0 else 1 "
                       "end) + (case when match_up_to_1 is null then 0 else 1 end) = 1",
                       name='ck_employer_contributions_one_formula'),
    sa.CheckConstraint("amount is null or amount > 0", name='ck_employer_contributions_amount'),
    sa.CheckConstraint(_PERCENT_OK, name='ck_employer_contributions_percent'),
    sa.CheckConstraint("(match_up_to_1 is null) = (match_rate_1 is null) and (match_up_to_2 is null) = "
                       "(match_rate_2 is null) and (match_up_to_2 is null or match_up_to_1 is not null)",
                       name='ck_employer_contributions_tiers'),
    sa.CheckConstraint("match_up_to_1 is null or code = '401k_match'", name='ck_employer_contributions_match'),
    sa.CheckConstraint(" and ".join(f"({c} is null or ({c} > 0 and {c} <= 1000000))" for c in rates),
                       name='ck_employer_contributions_rates'),
    sa.CheckConstraint("end_date is null or end_date >= start_date", name='ck_employer_contributions_dates'),
    sa.CheckConstraint("hsa_coverage is null or hsa_coverage in ('self_only','family')",
                       name='ck_employer_contributions_hsa_coverage'),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('external_ref')
    )
    op.create_index(op.f('ix_employer_contributions_worker_id'), 'employer_contributions', ['worker_id'],
                    unique=False)

    # The new line kind is 21 characters: the column grows from 18 to 24.
    with op.batch_alter_table('paycheck_lines', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=18), type_=sa.String(length=24),
                              existing_nullable=False)
        batch_op.drop_constraint('ck_paycheck_lines_kind', type_='check')
        batch_op.create_check_constraint('ck_paycheck_lines_kind', _NEW_KINDS)

    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        rows = [{"role": role, "model": right, "can_read": bool(r), "can_write": bool(w), "can_create": bool(c),
                 "can_delete": bool(d)} for role, right, r, w, c, d in ROWS if (role, right) not in have]
        if rows:
            conn.execute(permissions.insert(), rows)


def downgrade():
    op.execute(permissions.delete().where(permissions.c.model.in_(("worker_deduction", "employer_contribution"))))
    op.execute(sa.text("DELETE FROM paycheck_lines WHERE kind = 'employer_contribution'"))
    with op.batch_alter_table('paycheck_lines', schema=None) as batch_op:
        batch_op.drop_constraint('ck_paycheck_lines_kind', type_='check')
        batch_op.create_check_constraint('ck_paycheck_lines_kind', _OLD_KINDS)
        batch_op.alter_column('kind', existing_type=sa.String(length=24), type_=sa.String(length=18),
                              existing_nullable=False)
    op.drop_table('employer_contributions')
    op.drop_table('deduction_takes')
    op.drop_table('worker_deductions')
