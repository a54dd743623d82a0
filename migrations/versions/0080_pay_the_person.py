"""pay the person: one paycheck per worker per run, earning lines naming their engagement and client, separate
W-2 and contractor year to date, paycheck holds, the qualified overtime premium per paycheck

Revision ID: 0080_pay_the_person
Revises: 0070_field_policy

- paychecks: `engagement_id` and `client_id` nullable (set only when a paycheck pays one engagement); the unique
  key becomes (run_id, worker_id, worker_type, kind); `qualified_overtime_premium` (cents).
- paycheck_lines: `engagement_id`, `client_id` (earning lines; existing lines take their paycheck's).
- payroll_ytd: `worker_type` (employee | contractor), part of the unique key. Existing rows are W-2 rows: a
  database where contractor pay was already added to them keeps that history (it cannot be told apart).
- paid_salary_periods: unique per (paycheck, engagement) instead of per paycheck (one paycheck may pay the
  salary days of two engagements). On SQLite the table is rebuilt from its own CREATE statement with its
  indexes and overlap triggers.
- paycheck_holds: a worker's paycheck held out of a run, with its reason; payroll_runs.pays_holds_of_run_id.
"""
import sqlalchemy as sa
from alembic import op

revision = '0080_pay_the_person'
down_revision = '0070_field_policy'
branch_labels = None
depends_on = None


def _paid_periods_unique(pairs_from: str, pairs_to: str, name_from: str, name_to: str) -> None:
    conn = op.get_bind()
    cols_to = "paycheck_id, engagement_id" if "engagement" in pairs_to else "paycheck_id"
    if conn.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE paid_salary_periods DROP CONSTRAINT {name_from}")
        op.execute(f"ALTER TABLE paid_salary_periods ADD CONSTRAINT {name_to} UNIQUE ({cols_to})")
        return
    create = conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE type='table' AND "
                                  "name='paid_salary_periods'")).scalar()
    others = [r[0] for r in conn.execute(sa.text(
        "SELECT sql FROM sqlite_master WHERE tbl_name='paid_salary_periods' AND type IN ('index','trigger') "
        "AND sql IS NOT NULL ORDER BY type, name"))]
    if pairs_from not in create:
        raise RuntimeError(f"0080_pay_the_person: paid_salary_periods has no {pairs_from}: {create}")
    new = create.replace(pairs_from, pairs_to).replace("CREATE TABLE paid_salary_periods",
                                                       "CREATE TABLE paid_salary_periods_new", 1)
    op.execute(new)
    op.execute("INSERT INTO paid_salary_periods_new SELECT * FROM paid_salary_periods")
    op.execute("DROP TABLE paid_salary_periods")
    op.execute("ALTER TABLE paid_salary_periods_new RENAME TO paid_salary_periods")
    for sql in others:
        op.execute(sql)


def upgrade():
    _paid_periods_unique("UNIQUE (paycheck_id)", "CONSTRAINT uq_paid_salary_periods_paycheck_engagement "
                         "UNIQUE (paycheck_id, engagement_id)", "paid_salary_periods_paycheck_id_key",
                         "uq_paid_salary_periods_paycheck_engagement")
    with op.batch_alter_table('paychecks') as batch:
        batch.alter_column('engagement_id', existing_type=sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                           nullable=True)
        batch.alter_column('client_id', existing_type=sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                           nullable=True)
        batch.add_column(sa.Column('qualified_overtime_premium', sa.BigInteger(), server_default='0',
                                   nullable=False))
        batch.drop_constraint('uq_paychecks_run_engagement_kind', type_='unique')
        batch.create_unique_constraint('uq_paychecks_run_worker_kind', ['run_id', 'worker_id', 'worker_type', 'kind'])
    with op.batch_alter_table('paycheck_lines') as batch:
        batch.add_column(sa.Column('engagement_id', sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                   sa.ForeignKey('engagements.id', name='fk_paycheck_lines_engagement_id')))
        batch.add_column(sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                   sa.ForeignKey('clients.id', name='fk_paycheck_lines_client_id')))
    op.create_index('ix_paycheck_lines_engagement_id', 'paycheck_lines', ['engagement_id'])
    op.execute("UPDATE paycheck_lines SET engagement_id = (SELECT p.engagement_id FROM paychecks p WHERE "
               "p.id = paycheck_lines.paycheck_id), client_id = (SELECT p.client_id FROM paychecks p WHERE "
               "p.id = paycheck_lines.paycheck_id) WHERE kind = 'earning'")
    with op.batch_alter_table('payroll_ytd') as batch:
        batch.add_column(sa.Column('worker_type', sa.String(10), server_default='employee', nullable=False))
        batch.drop_constraint('uq_payroll_ytd_worker_year', type_='unique')
        batch.create_unique_constraint('uq_payroll_ytd_worker_year', ['worker_id', 'tax_year', 'worker_type'])
        batch.create_check_constraint('ck_payroll_ytd_type', "worker_type in ('employee','contractor')")
    with op.batch_alter_table('payroll_runs') as batch:
        batch.add_column(sa.Column('pays_holds_of_run_id', sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                   sa.ForeignKey('payroll_runs.id', name='fk_payroll_runs_pays_holds_of_run_id')))
        batch.create_index('ix_payroll_runs_pays_holds_of_run_id', ['pays_holds_of_run_id'])
    op.create_table(
        'paycheck_holds',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer, "sqlite"), sa.ForeignKey('payroll_runs.id'),
                  nullable=False),
        sa.Column('worker_id', sa.BigInteger().with_variant(sa.Integer, "sqlite"), sa.ForeignKey('workers.id'),
                  nullable=False),
        sa.Column('code', sa.String(40), nullable=False, server_default='held_by_hr'),
        sa.Column('reason', sa.String(500), nullable=False),
        sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer, "sqlite"), sa.ForeignKey('users.id')),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('released_run_id', sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                  sa.ForeignKey('payroll_runs.id')),
        sa.UniqueConstraint('run_id', 'worker_id', name='uq_paycheck_holds_run_worker'),
        sa.CheckConstraint('length(reason) > 0', name='ck_paycheck_holds_reason'),
    )
    op.create_index('ix_paycheck_holds_run_id', 'paycheck_holds', ['run_id'])
    op.create_index('ix_paycheck_holds_worker_id', 'paycheck_holds', ['worker_id'])
    op.create_index('ix_paycheck_holds_released_run_id', 'paycheck_holds', ['released_run_id'])


def downgrade():
    _paid_periods_unique("CONSTRAINT uq_paid_salary_periods_paycheck_engagement UNIQUE (paycheck_id, engagement_id)",
                         "UNIQUE (paycheck_id)", "uq_paid_salary_periods_paycheck_engagement",
                         "paid_salary_periods_paycheck_id_key")
    op.drop_table('paycheck_holds')
    with op.batch_alter_table('payroll_runs') as batch:
        batch.drop_index('ix_payroll_runs_pays_holds_of_run_id')
        batch.drop_constraint('fk_payroll_runs_pays_holds_of_run_id', type_='foreignkey')
        batch.drop_column('pays_holds_of_run_id')
    with op.batch_alter_table('payroll_ytd') as batch:
        batch.drop_constraint('ck_payroll_ytd_type', type_='check')
        batch.drop_constraint('uq_payroll_ytd_worker_year', type_='unique')
        batch.create_unique_constraint('uq_payroll_ytd_worker_year', ['worker_id', 'tax_year'])
        batch.drop_column('worker_type')
    op.drop_index('ix_paycheck_lines_engagement_id', 'paycheck_lines')
    with op.batch_alter_table('paycheck_lines') as batch:
        batch.drop_constraint('fk_paycheck_lines_client_id', type_='foreignkey')
        batch.drop_constraint('fk_paycheck_lines_engagement_id', type_='foreignkey')
        batch.drop_column('client_id')
        batch.drop_column('engagement_id')
    with op.batch_alter_table('paychecks') as batch:
        batch.drop_constraint('uq_paychecks_run_worker_kind', type_='unique')
        batch.create_unique_constraint('uq_paychecks_run_engagement_kind', ['run_id', 'engagement_id', 'kind'])
        batch.drop_column('qualified_overtime_premium')
