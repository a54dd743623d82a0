"""carrier feeds: the X12 834 files built for each carrier (kind full|change, interchange control number unique per
carrier, members, sha256, the content encrypted, the member snapshot the next change file is compared with); the
right benefit_edi_file (HR reads and builds), added to a loaded permission matrix only

Revision ID: 0101_edi834
Revises: 0099_cobra
"""
import sqlalchemy as sa
from alembic import op

from backoffice.db import BigId, EncryptedString, UTCDateTime

revision = '0101_edi834'
down_revision = '0099_cobra'
branch_labels = None
depends_on = None

# (role, model, read, write, create, delete), as permissions.csv ships them; added to a loaded matrix only.
ROWS = [("hr", "benefit_edi_file", 1, 0, 1, 0)]
permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))


def upgrade():
    op.create_table(
        'benefit_edi_files',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('carrier_id', BigId, sa.ForeignKey('benefit_carriers.id'), nullable=False),
        sa.Column('kind', sa.String(6), nullable=False),
        sa.Column('control_number', sa.Integer(), nullable=False),
        sa.Column('usage', sa.String(1), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('member_count', sa.Integer(), nullable=False),
        sa.Column('adds', sa.Integer(), nullable=False),
        sa.Column('changes', sa.Integer(), nullable=False),
        sa.Column('terms', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(64), nullable=False),
        sa.Column('content', EncryptedString(), nullable=False),
        sa.Column('snapshot', sa.JSON(), nullable=False),
        sa.Column('created_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.UniqueConstraint('carrier_id', 'control_number', name='uq_benefit_edi_files_control_number'),
        sa.CheckConstraint("kind in ('full','change')", name='ck_benefit_edi_files_kind'),
        sa.CheckConstraint("usage in ('P','T')", name='ck_benefit_edi_files_usage'),
        sa.CheckConstraint('control_number between 1 and 999999999', name='ck_benefit_edi_files_control_number'),
    )
    op.create_index('ix_benefit_edi_files_carrier_id', 'benefit_edi_files', ['carrier_id'])
    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        rows = [{"role": role, "model": model, "can_read": bool(r), "can_write": bool(w), "can_create": bool(c),
                 "can_delete": bool(d)} for role, model, r, w, c, d in ROWS if (role, model) not in have]
        if rows:
            conn.execute(permissions.insert(), rows)


def downgrade():
    op.execute(permissions.delete().where(permissions.c.model == 'benefit_edi_file'))
    op.drop_index('ix_benefit_edi_files_carrier_id', table_name='benefit_edi_files')
    op.drop_table('benefit_edi_files')
