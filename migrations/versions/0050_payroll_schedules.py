"""payroll schedules: a schedule owns its engagements; salary periods paid once per engagement; four-eyes data

Revision ID: 0050_payroll_schedules
Revises: 0040_permission_rights

- engagements.pay_schedule_id, backfilled with the first active schedule of the engagement's frequency (the lowest
  id; an inactive one when the frequency has no active schedule), the schedule whose runs paid it before;
- paid_salary_periods: the days each salary paycheck paid. Overlapping unreleased claims of one engagement are
  refused by the database: EXCLUDE USING gist (btree_gist) on PostgreSQL, BEFORE INSERT / UPDATE triggers on
  SQLite. Backfilled from the salary paychecks not reversed, oldest first; a paycheck that overlaps an earlier one
  (a salary paid twice before this fix) is left unclaimed and printed, for payroll to reverse;
- payroll_run_contributors: who changed a run's inputs (backfilled: each run's preparer as `created`);
- payroll_reversal_requests: a paid run or paycheck is reversed by a second person carrying out a request.
"""
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

import backoffice.db

revision = '0050_payroll_schedules'
down_revision = '0040_permission_rights'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

SQLITE_OVERLAP = """
    SELECT RAISE(ABORT, 'paid_salary_periods: the engagement already has a paid salary period on these dates')
    WHERE NEW.released_at IS NULL AND EXISTS (
        SELECT 1 FROM paid_salary_periods p
        WHERE p.engagement_id = NEW.engagement_id AND p.released_at IS NULL AND p.id IS NOT NEW.id
          AND p.period_start <= NEW.period_end AND NEW.period_start <= p.period_end);
"""


def upgrade():
    conn = op.get_bind()
    pg = conn.dialect.name == "postgresql"

    # --- engagements.pay_schedule_id (a plain ADD COLUMN on SQLite: no table rebuild of a much-referenced table)
    if pg:
        op.add_column('engagements', sa.Column('pay_schedule_id', ID, nullable=True))
        op.create_foreign_key('fk_engagements_pay_schedule_id', 'engagements', 'pay_schedules',
                              ['pay_schedule_id'], ['id'])
    else:
        op.execute("ALTER TABLE engagements ADD COLUMN pay_schedule_id INTEGER REFERENCES pay_schedules (id)")
    op.create_index(op.f('ix_engagements_pay_schedule_id'), 'engagements', ['pay_schedule_id'], unique=False)
    op.execute("""
        UPDATE engagements SET pay_schedule_id = (
            SELECT s.id FROM pay_schedules s WHERE s.frequency = engagements.pay_frequency
            ORDER BY s.active DESC, s.id LIMIT 1)
    """)

    # --- who changed a run's inputs
    op.create_table('payroll_run_contributors',
    sa.Column('id', ID, nullable=False),
    sa.Column('run_id', ID, nullable=False),
    sa.Column('user_id', ID, nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('ref', sa.String(length=40), nullable=False),
    sa.Column('at', backoffice.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("role in ('created','calculated','time_entered','time_approved','adjustment','rate_change')",
                       name='ck_run_contributors_role'),
    sa.ForeignKeyConstraint(['run_id'], ['payroll_runs.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('run_id', 'user_id', 'role', 'ref', name='uq_run_contributors')
    )
    op.create_index(op.f('ix_payroll_run_contributors_run_id'), 'payroll_run_contributors', ['run_id'], unique=False)
    op.execute("""
        INSERT INTO payroll_run_contributors (run_id, user_id, role, ref, at)
        SELECT id, prepared_by_id, 'created', '', created_at FROM payroll_runs WHERE prepared_by_id IS NOT NULL
    """)

    # --- two people to reverse paid money
    op.create_table('payroll_reversal_requests',
    sa.Column('id', ID, nullable=False),
    sa.Column('run_id', ID, nullable=False),
    sa.Column('paycheck_id', ID, nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_by_id', ID, nullable=False),
    sa.Column('approved_by_id', ID, nullable=True),
    sa.Column('approved_at', backoffice.db.UTCDateTime(), nullable=True),
    sa.Column('reversal_run_id', ID, nullable=True),
    sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', backoffice.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status in ('open','done')", name='ck_reversal_requests_status'),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['paycheck_id'], ['paychecks.id'], ),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['reversal_run_id'], ['payroll_runs.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['payroll_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_payroll_reversal_requests_run_id'), 'payroll_reversal_requests', ['run_id'],
                    unique=False)

    # --- salary periods, paid once per engagement
    op.create_table('paid_salary_periods',
    sa.Column('id', ID, nullable=False),
    sa.Column('engagement_id', ID, nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('paycheck_id', ID, nullable=False),
    sa.Column('run_id', ID, nullable=False),
    sa.Column('released_at', backoffice.db.UTCDateTime(), nullable=True),
    sa.Column('released_by_paycheck_id', ID, nullable=True),
    sa.CheckConstraint('period_end >= period_start', name='ck_paid_salary_periods_dates'),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], ),
    sa.ForeignKeyConstraint(['paycheck_id'], ['paychecks.id'], ),
    sa.ForeignKeyConstraint(['released_by_paycheck_id'], ['paychecks.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['payroll_runs.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('paycheck_id')
    )
    op.create_index(op.f('ix_paid_salary_periods_engagement_id'), 'paid_salary_periods', ['engagement_id'],
                    unique=False)
    op.create_index(op.f('ix_paid_salary_periods_run_id'), 'paid_salary_periods', ['run_id'], unique=False)
    _backfill_paid_periods(conn)
    if pg:
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute("""
            ALTER TABLE paid_salary_periods ADD CONSTRAINT ex_paid_salary_periods_overlap
            EXCLUDE USING gist (engagement_id WITH =, daterange(period_start, period_end, '[]') WITH &&)
            WHERE (released_at IS NULL)
        """)
    else:
        op.execute(f"CREATE TRIGGER tr_paid_salary_periods_overlap_insert BEFORE INSERT ON paid_salary_periods "
                   f"BEGIN {SQLITE_OVERLAP} END")
        op.execute(f"CREATE TRIGGER tr_paid_salary_periods_overlap_update BEFORE UPDATE OF engagement_id, "
                   f"period_start, period_end, released_at ON paid_salary_periods BEGIN {SQLITE_OVERLAP} END")


def _backfill_paid_periods(conn) -> None:
    """Claim the days of every salary paycheck not reversed, oldest first; one that overlaps an earlier claim is the
    double payment this migration stops, left unclaimed and named so that payroll reverses it."""
    rows = conn.execute(sa.text("""
        SELECT p.id, p.engagement_id, p.period_start, p.period_end, p.run_id
        FROM paychecks p
        WHERE p.kind IN ('regular', 'reissue')
          AND EXISTS (SELECT 1 FROM paycheck_lines l WHERE l.paycheck_id = p.id AND l.kind = 'earning'
                      AND l.code = 'salary')
          AND NOT EXISTS (SELECT 1 FROM paychecks r WHERE r.reverses_id = p.id)
        ORDER BY p.id
    """).columns(sa.column('id'), sa.column('engagement_id'), sa.column('period_start', sa.Date),
                 sa.column('period_end', sa.Date), sa.column('run_id'))).all()
    claimed = defaultdict(list)
    keep, doubles = [], []
    for pid, eng, start, end, run_id in rows:
        if any(s <= end and start <= e for s, e in claimed[eng]):
            doubles.append(pid)
            continue
        claimed[eng].append((start, end))
        keep.append({"paycheck_id": pid, "engagement_id": eng, "period_start": start, "period_end": end,
                     "run_id": run_id})
    if keep:
        table = sa.table('paid_salary_periods', sa.column('paycheck_id'), sa.column('engagement_id'),
                         sa.column('period_start', sa.Date), sa.column('period_end', sa.Date), sa.column('run_id'))
        conn.execute(table.insert(), keep)
    if doubles:
        print(f"0050_payroll_schedules: salary paychecks overlapping an earlier paid period (paid twice; reverse "
              f"them): {', '.join(f'#{d}' for d in doubles)}")


def downgrade():
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        op.execute("DROP TRIGGER IF EXISTS tr_paid_salary_periods_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS tr_paid_salary_periods_overlap_update")
    op.drop_index(op.f('ix_paid_salary_periods_run_id'), table_name='paid_salary_periods')
    op.drop_index(op.f('ix_paid_salary_periods_engagement_id'), table_name='paid_salary_periods')
    op.drop_table('paid_salary_periods')
    op.drop_index(op.f('ix_payroll_reversal_requests_run_id'), table_name='payroll_reversal_requests')
    op.drop_table('payroll_reversal_requests')
    op.drop_index(op.f('ix_payroll_run_contributors_run_id'), table_name='payroll_run_contributors')
    op.drop_table('payroll_run_contributors')
    op.drop_index(op.f('ix_engagements_pay_schedule_id'), table_name='engagements')
    with op.batch_alter_table('engagements') as batch:
        if conn.dialect.name == "postgresql":
            batch.drop_constraint('fk_engagements_pay_schedule_id', type_='foreignkey')
        batch.drop_column('pay_schedule_id')
