"""workers' compensation: class codes and rates per state as dated data (workers_comp_classes), the premium each
paycheck accrues per engagement (workers_comp_premiums), and the engagement's class code (engagements.wc_class_code)

Revision ID: 0116_workers_comp
Revises: 0113_engagement_remote

The rates are seeded from payroll/data/workers_comp_rates.csv by `backoffice workers-comp seed-rates` (and the demo),
not here: they are the agency's policy rates, which staff edit in the admin with history.
"""
import sqlalchemy as sa
from alembic import op

from backoffice.db import BigId, UTCDateTime

revision = '0116_workers_comp'
down_revision = '0114_billing'
branch_labels = None
depends_on = None

# (role, right, read, write, create, delete), as permissions.csv ships them; added to a loaded matrix only.
ROWS = [("hr", "workers_comp_class", 1, 1, 1, 1), ("finance", "workers_comp_class", 1, 1, 1, 0),
        ("compliance", "workers_comp_class", 1, 0, 0, 0), ("hr", "workers_comp_premium", 1, 0, 0, 0),
        ("finance", "workers_comp_premium", 1, 0, 0, 0), ("compliance", "workers_comp_premium", 1, 0, 0, 0)]
permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))


def upgrade():
    op.create_table(
        'workers_comp_classes',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('state', sa.String(2), nullable=False),
        sa.Column('class_code', sa.String(8), nullable=False),
        sa.Column('description', sa.String(200), nullable=False),
        sa.Column('basis', sa.String(8), nullable=False, server_default='payroll'),
        sa.Column('rate_per_100', sa.BigInteger(), nullable=True),
        sa.Column('rate_per_hour', sa.BigInteger(), nullable=True),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('effective_to', sa.Date(), nullable=True),
        sa.Column('source', sa.String(300), nullable=False),
        sa.Column('created_by_id', BigId,
                  sa.ForeignKey('users.id'), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.UniqueConstraint('state', 'class_code', 'effective_from', name='uq_workers_comp_classes_start'),
        sa.CheckConstraint("basis in ('payroll','hours')", name='ck_workers_comp_classes_basis'),
        sa.CheckConstraint("(basis = 'payroll' and rate_per_100 is not null and rate_per_100 >= 0 "
                           "and rate_per_hour is null) or (basis = 'hours' and rate_per_hour is not null "
                           "and rate_per_hour >= 0 and rate_per_100 is null)", name='ck_workers_comp_classes_rate'),
        sa.CheckConstraint('effective_to is null or effective_to >= effective_from',
                           name='ck_workers_comp_classes_dates'),
    )
    op.create_index('ix_workers_comp_classes_code', 'workers_comp_classes', ['state', 'class_code'])
    op.create_table(
        'workers_comp_premiums',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('paycheck_id', BigId,
                  sa.ForeignKey('paychecks.id'), nullable=False),
        sa.Column('run_id', BigId, nullable=False),
        sa.Column('engagement_id', BigId,
                  sa.ForeignKey('engagements.id'), nullable=False),
        sa.Column('client_id', BigId, nullable=True),
        sa.Column('worker_id', BigId, nullable=False),
        sa.Column('agency_id', BigId, nullable=True),
        sa.Column('class_id', BigId,
                  sa.ForeignKey('workers_comp_classes.id'), nullable=True),
        sa.Column('state', sa.String(2), nullable=False),
        sa.Column('class_code', sa.String(8), nullable=False),
        sa.Column('pay_date', sa.Date(), nullable=False),
        sa.Column('wages', sa.BigInteger(), nullable=False),
        sa.Column('overtime_excluded', sa.BigInteger(), nullable=False),
        sa.Column('hours', sa.BigInteger(), nullable=True),
        sa.Column('rate_per_100', sa.BigInteger(), nullable=True),
        sa.Column('rate_per_hour', sa.BigInteger(), nullable=True),
        sa.Column('premium', sa.BigInteger(), nullable=False),
        sa.UniqueConstraint('paycheck_id', 'engagement_id', name='uq_workers_comp_premiums_paycheck_engagement'),
    )
    op.create_index('ix_workers_comp_premiums_run_id', 'workers_comp_premiums', ['run_id'])
    op.create_index('ix_workers_comp_premiums_pay_date', 'workers_comp_premiums', ['pay_date'])
    # plain ADD COLUMN (no batch copy: engagements keeps its indexes and constraints as they are)
    op.add_column('engagements', sa.Column('wc_class_code', sa.String(8), nullable=True))

    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        rows = [{"role": role, "model": right, "can_read": bool(r), "can_write": bool(w), "can_create": bool(c),
                 "can_delete": bool(d)} for role, right, r, w, c, d in ROWS if (role, right) not in have]
        if rows:
            conn.execute(permissions.insert(), rows)


def downgrade():
    op.execute(permissions.delete().where(permissions.c.model.in_(("workers_comp_class", "workers_comp_premium"))))
    with op.batch_alter_table('engagements') as batch:
        batch.drop_column('wc_class_code')
    op.drop_index('ix_workers_comp_premiums_pay_date', table_name='workers_comp_premiums')
    op.drop_index('ix_workers_comp_premiums_run_id', table_name='workers_comp_premiums')
    op.drop_table('workers_comp_premiums')
    op.drop_index('ix_workers_comp_classes_code', table_name='workers_comp_classes')
    op.drop_table('workers_comp_classes')
