"""paid leave: leave policies (sick-leave laws by jurisdiction, the agency's PTO and holiday policies), balances
per worker and policy, the leave ledger (an accrual unique per run, paycheck and policy), leave requests,
leaves of absence (FMLA and state family-leave cases); the payroll adjustment codes `sick_leave` and `paid_leave` that pay approved leave; and the rights (docs/leave.md)

Revision ID: 0123_leave
Revises: 0121_notifications
"""
import sqlalchemy as sa
from alembic import op

from backoffice.db import BigId, Scaled, UTCDateTime

revision = '0123_leave'
down_revision = '0122_billgaps'
branch_labels = None
depends_on = None

_OLD_CODES = "code in ('retro','bonus','commission','correction','reimbursement','final_pay')"
_NEW_CODES = ("code in ('retro','bonus','commission','correction','reimbursement','final_pay',"
              "'sick_leave','paid_leave')")
# (role, model, read, write, create, delete), as permissions.csv ships them; added to a loaded matrix only.
ROWS = [("hr", "leave_policy", 1, 1, 1, 0), ("hr", "leave_balance", 1, 0, 0, 0), ("hr", "leave_entry", 1, 0, 1, 0),
        ("hr", "leave_request", 1, 1, 1, 0), ("finance", "leave_policy", 1, 0, 0, 0),
        ("finance", "leave_balance", 1, 0, 0, 0), ("finance", "leave_entry", 1, 0, 0, 0),
        ("finance", "leave_request", 1, 0, 0, 0), ("compliance", "leave_policy", 1, 0, 0, 0),
        ("compliance", "leave_balance", 1, 0, 0, 0), ("compliance", "leave_entry", 1, 0, 0, 0),
        ("compliance", "leave_request", 1, 0, 0, 0), ("client_approver", "leave_request", 1, 1, 0, 0),
        ("worker", "leave_policy", 1, 0, 0, 0), ("worker", "leave_balance", 1, 0, 0, 0),
        ("worker", "leave_entry", 1, 0, 0, 0), ("worker", "leave_request", 1, 1, 1, 0),
        ("hr", "leave_case", 1, 1, 1, 0), ("compliance", "leave_case", 1, 0, 0, 0), ("worker", "leave_case", 1, 0, 0, 0)]
MODELS = ("leave_policy", "leave_balance", "leave_entry", "leave_request", "leave_case")
permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))


def _stamps():
    return [sa.Column('created_at', UTCDateTime(), nullable=False),
            sa.Column('updated_at', UTCDateTime(), nullable=False)]


def upgrade():
    op.create_table(
        'leave_policies',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('code', sa.String(40), nullable=False),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('kind', sa.String(10), nullable=False),
        sa.Column('jurisdiction', sa.String(20), nullable=False),
        sa.Column('client_id', BigId, sa.ForeignKey('clients.id'),
                  nullable=True),
        sa.Column('engagement_type', sa.String(20), nullable=False),
        sa.Column('accrual_rate', Scaled(6), nullable=True),
        sa.Column('annual_accrual_cap', Scaled(4), nullable=True),
        sa.Column('balance_cap', Scaled(4), nullable=True),
        sa.Column('allow_advance', sa.Boolean(), nullable=False),
        sa.Column('advance_limit', Scaled(4), nullable=False),
        sa.Column('approver', sa.String(16), nullable=False),
        sa.Column('reasons', sa.JSON(), nullable=False),
        sa.Column('documentation_after_days', sa.Integer(), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        *_stamps(),
        sa.CheckConstraint("kind in ('sick_law','pto','holiday')", name='ck_leave_policies_kind'),
        sa.CheckConstraint("approver in ('hr','client_approver')", name='ck_leave_policies_approver'),
        sa.CheckConstraint("kind <> 'sick_law' or jurisdiction <> ''", name='ck_leave_policies_jurisdiction'),
        sa.CheckConstraint('advance_limit >= 0', name='ck_leave_policies_advance'),
        sa.UniqueConstraint('code', name='uq_leave_policies_code'),
    )
    op.create_index('ix_leave_policies_kind', 'leave_policies', ['kind'])
    op.create_index('ix_leave_policies_jurisdiction', 'leave_policies', ['jurisdiction'])
    op.create_index('ix_leave_policies_client_id', 'leave_policies', ['client_id'])
    op.create_table(
        'leave_balances',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('worker_id', BigId, sa.ForeignKey('workers.id'),
                  nullable=False),
        sa.Column('policy_id', BigId,
                  sa.ForeignKey('leave_policies.id'), nullable=False),
        sa.Column('balance', Scaled(4), nullable=False),
        sa.Column('policy_year_start', sa.Date(), nullable=False),
        sa.Column('accrued_this_year', Scaled(4), nullable=False),
        sa.Column('used_this_year', Scaled(4), nullable=False),
        sa.Column('usable_from', sa.Date(), nullable=True),
        *_stamps(),
        sa.UniqueConstraint('worker_id', 'policy_id', name='uq_leave_balances_worker_policy'),
    )
    op.create_index('ix_leave_balances_worker_id', 'leave_balances', ['worker_id'])
    op.create_index('ix_leave_balances_policy_id', 'leave_balances', ['policy_id'])
    op.create_table(
        'leave_requests',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('worker_id', BigId, sa.ForeignKey('workers.id'),
                  nullable=False),
        sa.Column('policy_id', BigId,
                  sa.ForeignKey('leave_policies.id'), nullable=False),
        sa.Column('engagement_id', BigId,
                  sa.ForeignKey('engagements.id'), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=False),
        sa.Column('hours', Scaled(2), nullable=False),
        sa.Column('reason', sa.String(20), nullable=False),
        sa.Column('note', sa.String(500), nullable=False),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('decided_by_id', BigId, sa.ForeignKey('users.id'),
                  nullable=True),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.Column('decision_note', sa.String(500), nullable=False),
        sa.Column('rate', Scaled(4), nullable=True),
        sa.Column('rate_method', sa.String(300), nullable=False),
        sa.Column('adjustment_id', BigId,
                  sa.ForeignKey('payroll_adjustments.id'), nullable=True),
        sa.Column('paid_run_id', BigId,
                  sa.ForeignKey('payroll_runs.id'), nullable=True),
        *_stamps(),
        sa.CheckConstraint("status in ('submitted','approved','declined','cancelled','paid')",
                           name='ck_leave_requests_status'),
        sa.CheckConstraint('hours > 0', name='ck_leave_requests_hours'),
        sa.CheckConstraint('end_date >= start_date', name='ck_leave_requests_dates'),
        sa.UniqueConstraint('adjustment_id', name='uq_leave_requests_adjustment_id'),
    )
    for col in ('worker_id', 'policy_id', 'engagement_id', 'start_date', 'status', 'paid_run_id'):
        op.create_index(f'ix_leave_requests_{col}', 'leave_requests', [col])
    op.create_table(
        'leave_entries',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('worker_id', BigId, sa.ForeignKey('workers.id'),
                  nullable=False),
        sa.Column('policy_id', BigId,
                  sa.ForeignKey('leave_policies.id'), nullable=False),
        sa.Column('kind', sa.String(12), nullable=False),
        sa.Column('on', sa.Date(), nullable=False),
        sa.Column('hours', Scaled(4), nullable=False),
        sa.Column('balance_after', Scaled(4), nullable=False),
        sa.Column('hours_worked', Scaled(4), nullable=True),
        sa.Column('capped', sa.Boolean(), nullable=False),
        sa.Column('run_id', BigId, sa.ForeignKey('payroll_runs.id'),
                  nullable=True),
        sa.Column('paycheck_id', BigId,
                  sa.ForeignKey('paychecks.id'), nullable=True),
        sa.Column('request_id', BigId,
                  sa.ForeignKey('leave_requests.id'), nullable=True),
        sa.Column('explanation', sa.JSON(), nullable=False),
        sa.Column('created_by_id', BigId, sa.ForeignKey('users.id'),
                  nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind in ('accrual','use','carryover','payout','forfeiture','restore','reversal',"
                           "'adjustment','set_aside','rehire')", name='ck_leave_entries_kind'),
        sa.UniqueConstraint('kind', 'run_id', 'paycheck_id', 'policy_id', name='uq_leave_entries_run_paycheck'),
        sa.UniqueConstraint('kind', 'request_id', name='uq_leave_entries_request'),
    )
    for col in ('worker_id', 'policy_id', 'kind', 'on', 'run_id', 'paycheck_id', 'request_id'):
        op.create_index(f'ix_leave_entries_{col}', 'leave_entries', [col])
    op.create_table(
        'leave_cases',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('worker_id', BigId, sa.ForeignKey('workers.id'), nullable=False),
        sa.Column('program', sa.String(10), nullable=False),
        sa.Column('reason', sa.String(12), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('expected_end', sa.Date(), nullable=True),
        sa.Column('returned_on', sa.Date(), nullable=True),
        sa.Column('status', sa.String(8), nullable=False),
        sa.Column('eligible', sa.Boolean(), nullable=True),
        sa.Column('job_protected', sa.Boolean(), nullable=False),
        sa.Column('hours_12_months', Scaled(2), nullable=True),
        sa.Column('employees_within_75_miles', sa.Integer(), nullable=True),
        sa.Column('explanation', sa.JSON(), nullable=False),
        sa.Column('note', sa.String(500), nullable=False),
        sa.Column('created_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        *_stamps(),
        sa.CheckConstraint("program in ('fmla','ca_pfl','ca_cfra','ny_pfl','wa_pfml','ma_pfml','nj_fli','co_famli',"
                           "'other')", name='ck_leave_cases_program'),
        sa.CheckConstraint("reason in ('own_health','family_care','bonding','military','other')",
                           name='ck_leave_cases_reason'),
        sa.CheckConstraint("status in ('open','closed')", name='ck_leave_cases_status'),
    )
    for col in ('worker_id', 'program', 'start_date', 'status'):
        op.create_index(f'ix_leave_cases_{col}', 'leave_cases', [col])
    with op.batch_alter_table('payroll_adjustments', schema=None) as batch_op:
        batch_op.drop_constraint('ck_adjustments_code', type_='check')
        batch_op.create_check_constraint('ck_adjustments_code', _NEW_CODES)
    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        rows = [dict(role=r, model=m, can_read=bool(a), can_write=bool(b), can_create=bool(c), can_delete=bool(d))
                for r, m, a, b, c, d in ROWS if (r, m) not in have]
        if rows:
            conn.execute(permissions.insert(), rows)


def downgrade():
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT count(*) FROM payroll_adjustments WHERE code IN ('sick_leave','paid_leave')")
                    ).scalar():
        raise RuntimeError("payroll_adjustments has sick_leave or paid_leave rows: the code list before 0123 does "
                           "not know them")
    with op.batch_alter_table('payroll_adjustments', schema=None) as batch_op:
        batch_op.drop_constraint('ck_adjustments_code', type_='check')
        batch_op.create_check_constraint('ck_adjustments_code', _OLD_CODES)
    op.execute(permissions.delete().where(permissions.c.model.in_(MODELS), permissions.c.role != "admin"))
    for table in ('leave_cases', 'leave_entries', 'leave_requests', 'leave_balances', 'leave_policies'):
        op.drop_table(table)
