"""ACA records: monthly ACA status with the 1095-C line 14/15/16 codes (benefit_aca_months), the per-worker
enrollment window a full-time finding opens for a stability period (benefit_aca_windows), the enrollment event
`aca_full_time`, and the `aca_month` right (HR, finance and compliance read; a worker reads their own)

Revision ID: 0098_aca_records
Revises: 0097_benefit_carriers
"""
import sqlalchemy as sa
from alembic import op

import backoffice.db
from backoffice.db import Scaled

revision = '0098_aca_records'
down_revision = '0097_benefit_carriers'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
# (role, right, read, write, create, delete), as permissions.csv ships them; added to a loaded matrix only.
ROWS = [("hr", "aca_month", 1, 0, 0, 0), ("finance", "aca_month", 1, 0, 0, 0), ("compliance", "aca_month", 1, 0, 0, 0),
        ("worker", "aca_month", 1, 0, 0, 0)]
permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))
_OLD_EVENTS = "event in ('new_hire','open_enrollment','life_event')"
_NEW_EVENTS = "event in ('new_hire','open_enrollment','life_event','aca_full_time')"


def _stamps():
    return [sa.Column('created_at', backoffice.db.UTCDateTime(), nullable=False),
            sa.Column('updated_at', backoffice.db.UTCDateTime(), nullable=False)]


def upgrade():
    op.create_table(
        'benefit_aca_months',
        sa.Column('id', ID, nullable=False),
        sa.Column('worker_id', ID, nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(24), nullable=False),
        sa.Column('basis', sa.String(10), nullable=False),
        sa.Column('hours', Scaled(2), nullable=False),
        sa.Column('average_monthly_hours', Scaled(2), nullable=True),
        sa.Column('measurement_start', sa.Date(), nullable=True),
        sa.Column('measurement_end', sa.Date(), nullable=True),
        sa.Column('stability_start', sa.Date(), nullable=True),
        sa.Column('stability_end', sa.Date(), nullable=True),
        sa.Column('line14', sa.String(2), nullable=False),
        sa.Column('employee_share', Scaled(2), nullable=True),
        sa.Column('line16', sa.String(2), nullable=False),
        sa.Column('explanation', sa.JSON(), nullable=False),
        sa.Column('computed_at', backoffice.db.UTCDateTime(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(['worker_id'], ['workers.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('worker_id', 'year', 'month', name='uq_benefit_aca_months_worker_month'),
        sa.CheckConstraint('month between 1 and 12', name='ck_benefit_aca_months_month'),
        sa.CheckConstraint("status in ('full_time','not_full_time','in_initial_measurement','non_employee')",
                           name='ck_benefit_aca_months_status'),
        sa.CheckConstraint("basis in ('look_back','monthly')", name='ck_benefit_aca_months_basis'),
        sa.CheckConstraint("line14 in ('1A','1B','1C','1D','1E','1F','1H')", name='ck_benefit_aca_months_line14'),
        sa.CheckConstraint("line16 = '' or line16 in ('2A','2B','2C','2D','2F','2G','2H')",
                           name='ck_benefit_aca_months_line16'),
        sa.CheckConstraint('employee_share is null or employee_share >= 0', name='ck_benefit_aca_months_share'),
        sa.CheckConstraint('(stability_start is null) = (stability_end is null) and (stability_end is null or '
                           'stability_end >= stability_start)', name='ck_benefit_aca_months_stability'),
    )
    for col in ('worker_id', 'status', 'line14', 'line16'):
        op.create_index(f'ix_benefit_aca_months_{col}', 'benefit_aca_months', [col])
    op.create_table(
        'benefit_aca_windows',
        sa.Column('id', ID, nullable=False),
        sa.Column('worker_id', ID, nullable=False),
        sa.Column('stability_start', sa.Date(), nullable=False),
        sa.Column('stability_end', sa.Date(), nullable=False),
        sa.Column('opens_on', sa.Date(), nullable=False),
        sa.Column('closes_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(8), nullable=False),
        sa.Column('reason', sa.String(1000), nullable=False),
        sa.Column('emailed_at', backoffice.db.UTCDateTime(), nullable=True),
        sa.Column('email_error', sa.String(300), nullable=False),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.Column('life_event_id', ID, nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(['worker_id'], ['workers.id']),
        sa.ForeignKeyConstraint(['life_event_id'], ['benefit_life_events.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('worker_id', 'stability_start', name='uq_benefit_aca_windows_worker_start'),
        sa.CheckConstraint("status in ('open','closed','ended')", name='ck_benefit_aca_windows_status'),
        sa.CheckConstraint('stability_end >= stability_start and closes_on >= opens_on',
                           name='ck_benefit_aca_windows_dates'),
    )
    op.create_index('ix_benefit_aca_windows_worker_id', 'benefit_aca_windows', ['worker_id'])
    op.create_index('ix_benefit_aca_windows_status', 'benefit_aca_windows', ['status'])
    op.create_table(
        'benefit_aca_prior_hours',
        sa.Column('id', ID, nullable=False),
        sa.Column('worker_id', ID, nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('hours', backoffice.db.Scaled(2), nullable=False),
        sa.Column('source', sa.String(200), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(['worker_id'], ['workers.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('worker_id', 'month', name='uq_benefit_aca_prior_hours_worker_month'),
        sa.CheckConstraint('hours >= 0', name='ck_benefit_aca_prior_hours_hours'),
    )
    op.create_index('ix_benefit_aca_prior_hours_worker_id', 'benefit_aca_prior_hours', ['worker_id'])
    with op.batch_alter_table('benefit_enrollments') as batch:
        batch.drop_constraint('ck_benefit_enrollments_event', type_='check')
        batch.create_check_constraint('ck_benefit_enrollments_event', _NEW_EVENTS)

    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        rows = [{"role": role, "model": right, "can_read": bool(r), "can_write": bool(w), "can_create": bool(c),
                 "can_delete": bool(d)} for role, right, r, w, c, d in ROWS if (role, right) not in have]
        if rows:
            conn.execute(permissions.insert(), rows)


def downgrade():
    op.execute(permissions.delete().where(permissions.c.model == "aca_month"))
    op.execute("delete from benefit_enrollments where event = 'aca_full_time'")
    with op.batch_alter_table('benefit_enrollments') as batch:
        batch.drop_constraint('ck_benefit_enrollments_event', type_='check')
        batch.create_check_constraint('ck_benefit_enrollments_event', _OLD_EVENTS)
    op.drop_table('benefit_aca_prior_hours')
    op.drop_table('benefit_aca_windows')
    op.drop_table('benefit_aca_months')
