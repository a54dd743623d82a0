"""compliance: workers' consent to electronic delivery of tax forms (given, withdrawn; never deleted) and the
calendar's daily reminder digest (one row per day, unique: the beat task sends once)

Revision ID: 0105_filing_delivery
Revises: 0104_compliance_filings
"""
import sqlalchemy as sa
from alembic import op

from backoffice.db import BigId, UTCDateTime

revision = '0105_filing_delivery'
down_revision = '0104_compliance_filings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'compliance_delivery_consents',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('worker_id', BigId, sa.ForeignKey('workers.id'), nullable=False),
        sa.Column('given_at', UTCDateTime(), nullable=False),
        sa.Column('given_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('given_ip', sa.String(64), server_default='', nullable=False),
        sa.Column('withdrawn_at', UTCDateTime(), nullable=True),
        sa.Column('withdrawn_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint('withdrawn_at is null or withdrawn_at >= given_at',
                           name='ck_compliance_delivery_consents_order'),
    )
    op.create_index('ix_compliance_delivery_consents_worker_id', 'compliance_delivery_consents', ['worker_id'])
    op.create_table(
        'compliance_reminder_digests',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('sent_at', UTCDateTime(), nullable=False),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('due_soon', sa.Integer(), nullable=False),
        sa.Column('late', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.UniqueConstraint('day', name='uq_compliance_reminder_digests_day'),
    )


def downgrade():
    op.drop_table('compliance_reminder_digests')
    op.drop_index('ix_compliance_delivery_consents_worker_id', 'compliance_delivery_consents')
    op.drop_table('compliance_delivery_consents')
