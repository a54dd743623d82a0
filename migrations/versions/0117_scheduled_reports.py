"""scheduled reports: a catalog report e-mailed daily, weekly or monthly to users who may see it
(scheduled_reports, their recipients, one run per schedule and due slot), and the report rights:
margin_report (finance), labor_report (HR, finance), workforce_report (HR, finance, compliance),
benefits_report (HR, finance), scheduled_report (HR, finance, compliance manage their schedules)

Revision ID: 0117_scheduled_reports
Revises: 0115_receivables (on this branch, after billing's 0116a merge and receivables; the lead re-chains at merge)
"""
import sqlalchemy as sa
from alembic import op

from backoffice.db import BigId, UTCDateTime

revision = '0117_scheduled_reports'
down_revision = '0115_receivables'
branch_labels = None
depends_on = None

# (role, right, read, write, create, delete), as permissions.csv ships them; added to a loaded matrix only.
ROWS = [("finance", "margin_report", 1, 0, 0, 0),
        ("hr", "labor_report", 1, 0, 0, 0), ("finance", "labor_report", 1, 0, 0, 0),
        ("hr", "workforce_report", 1, 0, 0, 0), ("finance", "workforce_report", 1, 0, 0, 0),
        ("compliance", "workforce_report", 1, 0, 0, 0),
        ("hr", "benefits_report", 1, 0, 0, 0), ("finance", "benefits_report", 1, 0, 0, 0),
        ("hr", "scheduled_report", 1, 1, 1, 1), ("finance", "scheduled_report", 1, 1, 1, 1),
        ("compliance", "scheduled_report", 1, 1, 1, 1)]
MODELS = sorted({m for _r, m, *_ in ROWS})
permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))


def upgrade():
    op.create_table(
        'scheduled_reports',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('title', sa.String(200), nullable=False),
        sa.Column('report', sa.String(40), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('range_kind', sa.String(20), nullable=False),
        sa.Column('format', sa.String(4), nullable=False),
        sa.Column('frequency', sa.String(10), nullable=False),
        sa.Column('weekday', sa.Integer(), nullable=True),
        sa.Column('day_of_month', sa.Integer(), nullable=True),
        sa.Column('hour', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("frequency in ('daily','weekly','monthly')", name='ck_scheduled_reports_frequency'),
        sa.CheckConstraint("format in ('csv','xlsx')", name='ck_scheduled_reports_format'),
        sa.CheckConstraint("range_kind in ('previous_period','month_to_date','quarter_to_date','year_to_date')",
                           name='ck_scheduled_reports_range'),
        sa.CheckConstraint('hour between 0 and 23', name='ck_scheduled_reports_hour'),
        sa.CheckConstraint("frequency <> 'weekly' or weekday between 0 and 6", name='ck_scheduled_reports_weekday'),
        sa.CheckConstraint("frequency <> 'monthly' or day_of_month between 1 and 31",
                           name='ck_scheduled_reports_day'),
    )
    op.create_index('ix_scheduled_reports_report', 'scheduled_reports', ['report'])
    op.create_table(
        'scheduled_report_recipients',
        sa.Column('schedule_id', BigId, sa.ForeignKey('scheduled_reports.id', ondelete='CASCADE'),
                  primary_key=True),
        sa.Column('user_id', BigId, sa.ForeignKey('users.id'), primary_key=True),
    )
    op.create_table(
        'scheduled_report_runs',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('schedule_id', BigId, sa.ForeignKey('scheduled_reports.id', ondelete='CASCADE'), nullable=False),
        sa.Column('slot', UTCDateTime(), nullable=False),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('started_at', UTCDateTime(), nullable=False),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.Column('sent_to', sa.Text(), nullable=False),
        sa.Column('skipped', sa.Text(), nullable=False),
        sa.Column('filename', sa.String(200), nullable=False),
        sa.Column('error', sa.String(500), nullable=False),
        sa.UniqueConstraint('schedule_id', 'slot', name='uq_scheduled_report_runs_slot'),
        sa.CheckConstraint("status in ('running','sent','failed')", name='ck_scheduled_report_runs_status'),
    )
    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        rows = [dict(role=r, model=m, can_read=bool(a), can_write=bool(b), can_create=bool(c), can_delete=bool(d))
                for r, m, a, b, c, d in ROWS if (r, m) not in have]
        if rows:
            conn.execute(permissions.insert(), rows)


def downgrade():
    op.execute(permissions.delete().where(permissions.c.model.in_(MODELS)))
    op.drop_table('scheduled_report_runs')
    op.drop_table('scheduled_report_recipients')
    op.drop_index('ix_scheduled_reports_report', 'scheduled_reports')
    op.drop_table('scheduled_reports')
