"""premium bills: carriers' monthly bills as imported (one row per CSV line, unique per carrier, month and file
sha256), the variances of their reconciliation member by member (unique per bill and key; a person's explanation
carries a note), and the premium_bill right (HR and finance import and explain, compliance reads)

Revision ID: 0102_premium_bills
Revises: 0101_edi834
"""
import sqlalchemy as sa
from alembic import op

from backoffice.db import BigId, Scaled, UTCDateTime

revision = '0102_premium_bills'
down_revision = '0101_edi834'
branch_labels = None
depends_on = None

# (role, right, read, write, create, delete), as permissions.csv ships them; added to a loaded matrix only.
ROWS = [("hr", "premium_bill", 1, 1, 1, 0), ("finance", "premium_bill", 1, 1, 1, 0),
        ("compliance", "premium_bill", 1, 0, 0, 0)]
permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))
KINDS = "kind in ('billed_not_enrolled','enrolled_not_billed','rate_difference','retro_add','retro_term')"


def upgrade():
    op.create_table(
        'benefit_carrier_bills',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('carrier_id', BigId, sa.ForeignKey('benefit_carriers.id'), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('total', Scaled(2), nullable=False),
        sa.Column('line_count', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(200), nullable=False),
        sa.Column('sha256', sa.String(64), nullable=False),
        sa.Column('imported_at', UTCDateTime(), nullable=False),
        sa.Column('imported_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('reconciled_at', UTCDateTime(), nullable=True),
        sa.Column('expected_total', Scaled(2), nullable=True),
        sa.Column('unexplained', sa.Integer(), nullable=False),
        sa.CheckConstraint('length(sha256) = 64', name='ck_benefit_carrier_bills_sha256'),
        sa.CheckConstraint('line_count > 0 and unexplained >= 0', name='ck_benefit_carrier_bills_counts'),
        sa.UniqueConstraint('carrier_id', 'month', 'sha256', name='uq_benefit_carrier_bills_carrier_month_sha'),
    )
    op.create_index('ix_benefit_carrier_bills_carrier_id', 'benefit_carrier_bills', ['carrier_id'])
    op.create_table(
        'benefit_carrier_bill_lines',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('bill_id', BigId, sa.ForeignKey('benefit_carrier_bills.id'), nullable=False),
        sa.Column('row', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.String(40), nullable=False),
        sa.Column('last_name', sa.String(120), nullable=False),
        sa.Column('first_name', sa.String(120), nullable=False),
        sa.Column('plan_name', sa.String(120), nullable=False),
        sa.Column('plan_id', BigId, sa.ForeignKey('benefit_plans.id'), nullable=False),
        sa.Column('coverage_tier', sa.String(20), nullable=False),
        sa.Column('coverage_month', sa.Date(), nullable=False),
        sa.Column('premium', Scaled(2), nullable=False),
        sa.Column('adjustment_type', sa.String(10), nullable=False),
        sa.CheckConstraint("adjustment_type in ('current','retro_add','retro_term')",
                           name='ck_benefit_carrier_bill_lines_adjustment'),
        sa.CheckConstraint("coverage_tier in ('employee','employee_spouse','employee_children','family')",
                           name='ck_benefit_carrier_bill_lines_tier'),
        sa.CheckConstraint("(adjustment_type = 'retro_term' and premium <= 0) or "
                           "(adjustment_type <> 'retro_term' and premium >= 0)",
                           name='ck_benefit_carrier_bill_lines_premium'),
        sa.UniqueConstraint('bill_id', 'row', name='uq_benefit_carrier_bill_lines_bill_row'),
    )
    op.create_index('ix_benefit_carrier_bill_lines_member_id', 'benefit_carrier_bill_lines', ['member_id'])
    op.create_table(
        'benefit_premium_variances',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('bill_id', BigId, sa.ForeignKey('benefit_carrier_bills.id'), nullable=False),
        sa.Column('key', sa.String(200), nullable=False),
        sa.Column('kind', sa.String(24), nullable=False),
        sa.Column('member_id', sa.String(40), nullable=False),
        sa.Column('name', sa.String(250), nullable=False),
        sa.Column('plan_id', BigId, sa.ForeignKey('benefit_plans.id'), nullable=True),
        sa.Column('plan_name', sa.String(120), nullable=False),
        sa.Column('coverage_month', sa.Date(), nullable=False),
        sa.Column('billed_tier', sa.String(20), nullable=True),
        sa.Column('expected_tier', sa.String(20), nullable=True),
        sa.Column('billed_premium', Scaled(2), nullable=True),
        sa.Column('expected_premium', Scaled(2), nullable=True),
        sa.Column('amount', Scaled(2), nullable=False),
        sa.Column('row', sa.Integer(), nullable=True),
        sa.Column('explained', sa.Boolean(), nullable=False),
        sa.Column('reason', sa.String(500), nullable=False),
        sa.Column('note', sa.String(500), nullable=False),
        sa.Column('explained_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('explained_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint(KINDS, name='ck_benefit_premium_variances_kind'),
        sa.CheckConstraint("explained_at is null or (explained and note <> '')",
                           name='ck_benefit_premium_variances_note'),
        sa.UniqueConstraint('bill_id', 'key', name='uq_benefit_premium_variances_bill_key'),
    )
    op.create_index('ix_benefit_premium_variances_kind', 'benefit_premium_variances', ['kind'])
    op.create_index('ix_benefit_premium_variances_member_id', 'benefit_premium_variances', ['member_id'])
    op.create_index('ix_benefit_premium_variances_explained', 'benefit_premium_variances', ['explained'])
    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        rows = [{"role": role, "model": right, "can_read": bool(r), "can_write": bool(w), "can_create": bool(c),
                 "can_delete": bool(d)} for role, right, r, w, c, d in ROWS if (role, right) not in have]
        if rows:
            conn.execute(permissions.insert(), rows)


def downgrade():
    op.execute(permissions.delete().where(permissions.c.model == "premium_bill"))
    op.drop_index('ix_benefit_premium_variances_explained', table_name='benefit_premium_variances')
    op.drop_index('ix_benefit_premium_variances_member_id', table_name='benefit_premium_variances')
    op.drop_index('ix_benefit_premium_variances_kind', table_name='benefit_premium_variances')
    op.drop_table('benefit_premium_variances')
    op.drop_index('ix_benefit_carrier_bill_lines_member_id', table_name='benefit_carrier_bill_lines')
    op.drop_table('benefit_carrier_bill_lines')
    op.drop_index('ix_benefit_carrier_bills_carrier_id', table_name='benefit_carrier_bills')
    op.drop_table('benefit_carrier_bills')
