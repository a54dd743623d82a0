"""worker voice: polls with secret ballots (voters and ballots in separate tables, the ballot under an HMAC token),
proposals and co-signatures, anonymous feedback and the agency's responses, client ratings, the agency's voice
settings, workers' data exports; and their rights (docs/voice.md)

Revision ID: 0119_voice
Revises: 0113_engagement_remote
"""
import sqlalchemy as sa
from alembic import op

from backoffice.db import BigId, UTCDateTime

revision = '0119_voice'
down_revision = '0117_scheduled_reports'
branch_labels = None
depends_on = None

# (role, model, read, write, create, delete), as permissions.csv ships them; added to a loaded matrix only.
ROWS = [("hr", "poll", 1, 1, 1, 0), ("hr", "proposal", 1, 1, 0, 0), ("hr", "feedback", 1, 0, 0, 0),
        ("hr", "feedback_response", 1, 0, 1, 0), ("hr", "data_export", 1, 0, 1, 0),
        ("hr", "voice_settings", 1, 1, 0, 0), ("compliance", "poll", 1, 0, 0, 0),
        ("compliance", "proposal", 1, 0, 0, 0), ("worker", "poll", 1, 0, 0, 0), ("worker", "proposal", 1, 0, 1, 0),
        ("worker", "feedback", 0, 0, 1, 0), ("worker", "feedback_response", 1, 0, 0, 0),
        ("worker", "client_rating", 0, 0, 1, 0), ("worker", "data_export", 1, 0, 1, 0)]
MODELS = ("poll", "proposal", "feedback", "feedback_response", "client_rating", "data_export", "voice_settings")
permissions = sa.table("permissions", sa.column("role", sa.String), sa.column("model", sa.String),
                       sa.column("can_read", sa.Boolean), sa.column("can_write", sa.Boolean),
                       sa.column("can_create", sa.Boolean), sa.column("can_delete", sa.Boolean))


def _stamps():
    return [sa.Column('created_at', UTCDateTime(), nullable=False),
            sa.Column('updated_at', UTCDateTime(), nullable=False)]


def upgrade():
    op.create_table(
        'voice_settings',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('proposal_threshold_share', sa.BigInteger(), nullable=False),
        sa.Column('answer_days', sa.Integer(), nullable=False),
        sa.Column('feedback_min_group', sa.Integer(), nullable=False),
        *_stamps(),
        sa.CheckConstraint('proposal_threshold_share > 0 and proposal_threshold_share <= 10000',
                           name='ck_voice_settings_share'),
        sa.CheckConstraint('answer_days between 1 and 365', name='ck_voice_settings_days'),
        sa.CheckConstraint('feedback_min_group >= 5', name='ck_voice_settings_floor'),
    )
    op.create_table(
        'polls',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('title', sa.String(200), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('eligible_types', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(8), nullable=False),
        sa.Column('live_results', sa.Boolean(), nullable=False),
        sa.Column('closes_on', sa.Date(), nullable=True),
        sa.Column('opened_at', UTCDateTime(), nullable=True),
        sa.Column('closed_at', UTCDateTime(), nullable=True),
        sa.Column('eligible_count', sa.Integer(), nullable=True),
        sa.Column('created_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        *_stamps(),
        sa.CheckConstraint("status in ('draft','open','closed')", name='ck_polls_status'),
    )
    op.create_index('ix_polls_status', 'polls', ['status'])
    op.create_table(
        'poll_voters',
        sa.Column('poll_id', BigId, sa.ForeignKey('polls.id'), primary_key=True),
        sa.Column('worker_id', BigId, sa.ForeignKey('workers.id'), primary_key=True),
    )
    op.create_index('ix_poll_voters_worker_id', 'poll_voters', ['worker_id'])
    op.create_table(
        'poll_ballots',
        sa.Column('poll_id', BigId, sa.ForeignKey('polls.id'), primary_key=True),
        sa.Column('token', sa.String(64), primary_key=True),
        sa.Column('choice', sa.String(200), nullable=False),
    )
    op.create_table(
        'voice_proposals',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('author_id', BigId, sa.ForeignKey('workers.id'), nullable=False),
        sa.Column('title', sa.String(200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('signatures', sa.Integer(), nullable=False),
        sa.Column('threshold', sa.Integer(), nullable=False),
        sa.Column('threshold_reached_on', sa.Date(), nullable=True),
        sa.Column('due_date', sa.Date(), nullable=True),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('answered_at', UTCDateTime(), nullable=True),
        sa.Column('answered_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        *_stamps(),
        sa.CheckConstraint("status in ('open','due','answered')", name='ck_voice_proposals_status'),
    )
    for col in ('author_id', 'status', 'due_date'):
        op.create_index(f'ix_voice_proposals_{col}', 'voice_proposals', [col])
    op.create_table(
        'voice_proposal_signatures',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('proposal_id', BigId, sa.ForeignKey('voice_proposals.id'), nullable=False),
        sa.Column('worker_id', BigId, sa.ForeignKey('workers.id'), nullable=False),
        sa.UniqueConstraint('proposal_id', 'worker_id', name='uq_voice_proposal_signatures'),
    )
    op.create_index('ix_voice_proposal_signatures_worker_id', 'voice_proposal_signatures', ['worker_id'])
    op.create_table(
        'voice_feedback',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('subject', sa.String(8), nullable=False),
        sa.Column('client_id', BigId, sa.ForeignKey('clients.id'), nullable=True),
        sa.Column('site', sa.String(120), nullable=False),
        sa.Column('topic', sa.String(8), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('reporter_token', sa.String(64), nullable=False),
        sa.Column('reported_on', sa.Date(), nullable=False),
        sa.CheckConstraint("subject in ('client','agency')", name='ck_voice_feedback_subject'),
        sa.CheckConstraint("topic in ('pay','safety','respect','other')", name='ck_voice_feedback_topic'),
        sa.CheckConstraint("(subject = 'client') = (client_id is not null)", name='ck_voice_feedback_client'),
    )
    op.create_index('ix_voice_feedback_client_id', 'voice_feedback', ['client_id'])
    op.create_table(
        'voice_feedback_responses',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('subject', sa.String(8), nullable=False),
        sa.Column('client_id', BigId, sa.ForeignKey('clients.id'), nullable=True),
        sa.Column('topic', sa.String(8), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('responded_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        *_stamps(),
        sa.CheckConstraint("subject in ('client','agency')", name='ck_voice_feedback_responses_subject'),
        sa.CheckConstraint("topic in ('pay','safety','respect','other')", name='ck_voice_feedback_responses_topic'),
    )
    op.create_index('ix_voice_feedback_responses_client_id', 'voice_feedback_responses', ['client_id'])
    op.create_table(
        'voice_client_ratings',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('client_id', BigId, sa.ForeignKey('clients.id'), nullable=False),
        sa.Column('rater_token', sa.String(64), nullable=False),
        sa.Column('timely_approval', sa.Integer(), nullable=False),
        sa.Column('respect', sa.Integer(), nullable=False),
        sa.Column('clarity', sa.Integer(), nullable=False),
        sa.Column('rated_on', sa.Date(), nullable=False),
        sa.UniqueConstraint('client_id', 'rater_token', name='uq_voice_client_ratings_rater'),
        sa.CheckConstraint('timely_approval between 1 and 5 and respect between 1 and 5 and clarity between 1 and 5',
                           name='ck_voice_client_ratings_range'),
    )
    op.create_table(
        'voice_data_exports',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('worker_id', BigId, sa.ForeignKey('workers.id'), nullable=False),
        sa.Column('requested_by_id', BigId, sa.ForeignKey('users.id'), nullable=True),
        sa.Column('state', sa.String(8), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(500), nullable=False),
        sa.Column('filename', sa.String(120), nullable=False),
        sa.Column('path', sa.String(500), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        *_stamps(),
        sa.CheckConstraint("state in ('queued','running','done','failed')", name='ck_voice_data_exports_state'),
    )
    op.create_index('ix_voice_data_exports_worker_id', 'voice_data_exports', ['worker_id'])
    op.create_index('ix_voice_data_exports_state', 'voice_data_exports', ['state'])
    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(permissions)).scalar():
        have = {(r, m) for r, m in conn.execute(sa.select(permissions.c.role, permissions.c.model))}
        rows = [dict(role=r, model=m, can_read=bool(a), can_write=bool(b), can_create=bool(c), can_delete=bool(d))
                for r, m, a, b, c, d in ROWS if (r, m) not in have]
        if rows:
            conn.execute(permissions.insert(), rows)


def downgrade():
    op.execute(permissions.delete().where(permissions.c.model.in_(MODELS), permissions.c.role != "admin"))
    for table in ('voice_data_exports', 'voice_client_ratings', 'voice_feedback_responses', 'voice_feedback',
                  'voice_proposal_signatures', 'voice_proposals', 'poll_ballots', 'poll_voters', 'polls',
                  'voice_settings'):
        op.drop_table(table)
