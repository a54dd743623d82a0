"""timesheet review: disputed status with a reason, and each timesheet's approval history

Revision ID: 0087_timesheet_review
Revises: 0089_finance_desk

- timesheets.status may be `disputed` (the client's approver contests the time; HR or the worker fixes it and
  submits again); `disputed_reason` keeps the approver's reason as `rejected_reason` keeps a rejection's.
- timesheet_events: one row per step (entered, changed, imported, submitted, approved, rejected, disputed): who,
  when, from which status to which and why; a rejection or dispute without a reason is refused by a CHECK.

- the `timesheet_dispute` right (client approvers), added to a loaded permission matrix.

Existing timesheets get no history rows (their past is in the audit log); nothing else is touched.
"""
import sqlalchemy as sa
from alembic import op

revision = '0087_timesheet_review'
down_revision = '0089_finance_desk'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
# (role, right, read, write, create, delete), as permissions.csv ships them; added to a loaded matrix only.
ROWS = [("client_approver", "timesheet_dispute", 0, 1, 0, 0)]
permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))


def upgrade():
    with op.batch_alter_table('timesheets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disputed_reason', sa.String(length=500), server_default='', nullable=False))
        batch_op.drop_constraint('ck_timesheets_status', type_='check')
        batch_op.create_check_constraint('ck_timesheets_status',
                                         "status in ('draft','submitted','approved','rejected','disputed')")
    op.create_table(
        'timesheet_events',
        sa.Column('id', ID, primary_key=True),
        sa.Column('timesheet_id', ID, sa.ForeignKey('timesheets.id', name='fk_timesheet_events_timesheet_id_timesheets',
                                                    ondelete='CASCADE'), nullable=False),
        sa.Column('action', sa.String(length=10), nullable=False),
        sa.Column('from_status', sa.String(length=12), nullable=True),
        sa.Column('to_status', sa.String(length=12), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('user_id', ID, sa.ForeignKey('users.id', name='fk_timesheet_events_user_id_users'), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("action in ('create','save','import','submit','approve','reject','dispute')",
                           name='ck_timesheet_events_action'),
        sa.CheckConstraint("action not in ('reject','dispute') or reason <> ''", name='ck_timesheet_events_reason'),
    )
    op.create_index('ix_timesheet_events_timesheet_id', 'timesheet_events', ['timesheet_id'])
    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        rows = [{"role": role, "model": right, "can_read": bool(r), "can_write": bool(w), "can_create": bool(c),
                 "can_delete": bool(d)} for role, right, r, w, c, d in ROWS if (role, right) not in have]
        if rows:
            conn.execute(permissions.insert(), rows)


def downgrade():
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT count(*) FROM timesheets WHERE status = 'disputed'")).scalar():
        raise RuntimeError("0087_timesheet_review: disputed timesheets exist; the older schema cannot keep them")
    op.execute(permissions.delete().where(permissions.c.model == "timesheet_dispute"))
    op.drop_index('ix_timesheet_events_timesheet_id', table_name='timesheet_events')
    op.drop_table('timesheet_events')
    with op.batch_alter_table('timesheets', schema=None) as batch_op:
        batch_op.drop_constraint('ck_timesheets_status', type_='check')
        batch_op.create_check_constraint('ck_timesheets_status',
                                         "status in ('draft','submitted','approved','rejected')")
        batch_op.drop_column('disputed_reason')
