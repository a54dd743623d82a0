"""compliance filings: one row per form, tax year, quarter, state and revision (draft → reviewed → final → filed →
amended; a locked filing carries its content's sha256; a correction names the filing it amends), the workers'
copies of yearly forms, and the filing / filing_copy rights (compliance and admin write, HR and finance read)

Revision ID: 0104_compliance_filings
Revises: 0103_cobra_disability
"""
import sqlalchemy as sa
from alembic import op

from backoffice.db import BigId, UTCDateTime

revision = '0104_compliance_filings'
down_revision = '0103_cobra_disability'
branch_labels = None
depends_on = None

# (role, right, read, write, create, delete), as permissions.csv ships them; added to a loaded matrix only.
ROWS = [("hr", "filing", 1, 0, 0, 0), ("finance", "filing", 1, 0, 0, 0),
        ("compliance", "filing_copy", 1, 1, 1, 0), ("hr", "filing_copy", 1, 0, 0, 0),
        ("worker", "filing_copy", 1, 0, 0, 0)]
permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))


def upgrade():
    op.create_table(
        'compliance_filings',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('form', sa.String(16), nullable=False),
        sa.Column('tax_year', sa.Integer(), nullable=False),
        sa.Column('quarter', sa.Integer(), server_default='0', nullable=False),
        sa.Column('state', sa.String(2), server_default='', nullable=False),
        sa.Column('revision', sa.Integer(), server_default='0', nullable=False),
        sa.Column('status', sa.String(10), server_default='draft', nullable=False),
        sa.Column('title', sa.String(200), nullable=False),
        sa.Column('summary', sa.String(300), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('content_hash', sa.String(64), server_default='', nullable=False),
        sa.Column('due_date', sa.Date(), nullable=True),
        sa.Column('built_at', UTCDateTime(), nullable=True),
        sa.Column('reviewed_at', UTCDateTime(), nullable=True),
        sa.Column('reviewed_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('finalized_at', UTCDateTime(), nullable=True),
        sa.Column('finalized_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('filed_at', UTCDateTime(), nullable=True),
        sa.Column('filed_on', sa.Date(), nullable=True),
        sa.Column('filed_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('confirmation', sa.String(80), server_default='', nullable=False),
        sa.Column('amends_id', BigId, sa.ForeignKey('compliance_filings.id'), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.UniqueConstraint('form', 'tax_year', 'quarter', 'state', 'revision', name='uq_compliance_filings_key'),
        sa.CheckConstraint("status in ('draft','reviewed','final','filed','amended')",
                           name='ck_compliance_filings_status'),
        sa.CheckConstraint('quarter between 0 and 4', name='ck_compliance_filings_quarter'),
        sa.CheckConstraint("status in ('draft','reviewed') or length(content_hash) = 64",
                           name='ck_compliance_filings_hash'),
        sa.CheckConstraint("status not in ('filed','amended') or filed_on is not null",
                           name='ck_compliance_filings_filed'),
        sa.CheckConstraint('(revision = 0) = (amends_id is null)', name='ck_compliance_filings_revision'),
    )
    for col in ('form', 'tax_year', 'status', 'due_date', 'amends_id'):
        op.create_index(f'ix_compliance_filings_{col}', 'compliance_filings', [col])
    op.create_table(
        'compliance_filing_copies',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('filing_id', BigId, sa.ForeignKey('compliance_filings.id'), nullable=False),
        sa.Column('worker_id', BigId, sa.ForeignKey('workers.id'), nullable=False),
        sa.Column('form', sa.String(16), nullable=False),
        sa.Column('tax_year', sa.Integer(), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('delivered_at', UTCDateTime(), nullable=True),
        sa.Column('delivery', sa.String(10), server_default='', nullable=False),
        sa.UniqueConstraint('filing_id', 'worker_id', name='uq_compliance_filing_copies'),
    )
    op.create_index('ix_compliance_filing_copies_filing_id', 'compliance_filing_copies', ['filing_id'])
    op.create_index('ix_compliance_filing_copies_worker_id', 'compliance_filing_copies', ['worker_id'])
    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        rows = [dict(role=r, model=m, can_read=bool(a), can_write=bool(b), can_create=bool(c), can_delete=bool(d))
                for r, m, a, b, c, d in ROWS if (r, m) not in have]
        if rows:
            conn.execute(permissions.insert(), rows)


def downgrade():
    op.execute(permissions.delete().where(permissions.c.model == "filing_copy"))
    op.execute(permissions.delete().where(permissions.c.model == "filing", permissions.c.role.in_(("hr", "finance"))))
    op.drop_table('compliance_filing_copies')
    op.drop_table('compliance_filings')
