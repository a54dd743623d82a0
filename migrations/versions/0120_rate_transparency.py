"""where my hour goes: the agency's margin per hour by kind of work as published each month
(voice_transparency_months, voice_transparency_rows) and the right to read and publish it (docs/rate-breakdown.md)

Revision ID: 0120_rate_transparency
Revises: 0119_voice
"""
import sqlalchemy as sa
from alembic import op

from backoffice.db import BigId, UTCDateTime

revision = '0120_rate_transparency'
down_revision = '0119_voice'
branch_labels = None
depends_on = None

# (role, model, read, write, create, delete), as permissions.csv ships them; added to a loaded matrix only.
ROWS = [("hr", "transparency", 1, 0, 1, 0), ("finance", "transparency", 1, 0, 1, 0),
        ("compliance", "transparency", 1, 0, 0, 0), ("worker", "transparency", 1, 0, 0, 0)]
permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))


def upgrade():
    op.create_table(
        'voice_transparency_months',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('month', sa.String(7), nullable=False),
        sa.Column('published_at', UTCDateTime(), nullable=False),
        sa.Column('published_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('engagements', sa.Integer(), nullable=False),
        sa.Column('pooled_kinds', sa.Integer(), nullable=False),
        sa.Column('hidden_engagements', sa.Integer(), nullable=False),
        sa.Column('min_clients', sa.Integer(), nullable=False),
        sa.Column('min_workers', sa.Integer(), nullable=False),
        sa.UniqueConstraint('month', name='uq_voice_transparency_months_month'),
        sa.CheckConstraint('min_clients >= 3 and min_workers >= 5', name='ck_voice_transparency_months_floor'),
    )
    op.create_table(
        'voice_transparency_rows',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('month_id', BigId, sa.ForeignKey('voice_transparency_months.id'), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(160), nullable=False),
        sa.Column('engagements', sa.Integer(), nullable=False),
        sa.Column('workers', sa.Integer(), nullable=False),
        sa.Column('clients', sa.Integer(), nullable=False),
        sa.Column('median_margin', sa.BigInteger(), nullable=False),
        sa.Column('p10_margin', sa.BigInteger(), nullable=False),
        sa.Column('p90_margin', sa.BigInteger(), nullable=False),
        sa.Column('median_bill_rate', sa.BigInteger(), nullable=False),
        sa.UniqueConstraint('month_id', 'position', name='uq_voice_transparency_rows_position'),
    )
    op.create_index('ix_voice_transparency_rows_month_id', 'voice_transparency_rows', ['month_id'])
    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        rows = [dict(role=r, model=m, can_read=bool(a), can_write=bool(b), can_create=bool(c), can_delete=bool(d))
                for r, m, a, b, c, d in ROWS if (r, m) not in have]
        if rows:
            conn.execute(permissions.insert(), rows)


def downgrade():
    op.execute(permissions.delete().where(permissions.c.model == "transparency", permissions.c.role != "admin"))
    op.drop_table('voice_transparency_rows')
    op.drop_table('voice_transparency_months')
