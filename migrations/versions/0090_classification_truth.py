"""classification truth: an engagement is classified only by a signed assessment; re-check runs; review requests
about an unclassified engagement

Revision ID: 0090_classification_truth
Revises: 0086_run_speed

- engagements.classification is cleared where no signed assessment classifies the engagement (its own, or the
  one it was converted on by a reclassification): the demo and older imports filled it with the engagement's
  type, so every engagement read "classified" with nothing signed behind it.
- classification_recheck_runs: each pass of the re-checks (schedule, button or command), what it found;
  `schedule_day` unique, so a daily beat entry delivered twice checks once.
- classification_rechecks: one finding of a kind per engagement and signed assessment (uq_class_rechecks_once),
  and one per engagement while none is signed (a partial unique index); texts stored as "more than 8E+1%" read
  "more than 80%".
- classification_reviews.assessment_id may be null: the worker asks HR to classify an unclassified engagement.
"""
import sqlalchemy as sa
from alembic import op

revision = '0090_classification_truth'
down_revision = '0086_run_speed'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.execute(sa.text(
        "UPDATE engagements SET classification = NULL WHERE classification IS NOT NULL"
        " AND id NOT IN (SELECT engagement_id FROM classification_assessments WHERE status = 'signed_off')"
        " AND id NOT IN (SELECT to_engagement_id FROM classification_reclassifications)"))
    op.execute(sa.text("UPDATE classification_rechecks SET explanation = replace(explanation, 'more than 8E+1%',"
                       " 'more than 80%') WHERE explanation LIKE '%8E+1\\%%' ESCAPE '\\'"))
    op.create_table(
        'classification_recheck_runs',
        sa.Column('id', ID, primary_key=True),
        sa.Column('as_of_date', sa.Date(), nullable=False),
        sa.Column('trigger', sa.String(length=10), nullable=False),
        sa.Column('schedule_day', sa.Date(), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('engagements_checked', sa.Integer(), nullable=False),
        sa.Column('raised', sa.Integer(), nullable=False),
        sa.Column('found', sa.JSON(), nullable=False),
        sa.Column('by_id', ID, sa.ForeignKey('users.id', name='fk_classification_recheck_runs_by_id_users'),
                  nullable=True),
        sa.CheckConstraint("trigger in ('schedule','manual','command')", name='ck_class_recheck_runs_trigger'),
        sa.UniqueConstraint('schedule_day', name='uq_classification_recheck_runs_schedule_day'),
    )
    with op.batch_alter_table('classification_rechecks', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_class_rechecks_once', ['engagement_id', 'assessment_id', 'code'])
    op.create_index('uq_class_rechecks_once_unsigned', 'classification_rechecks', ['engagement_id', 'code'],
                    unique=True, sqlite_where=sa.text('assessment_id IS NULL'),
                    postgresql_where=sa.text('assessment_id IS NULL'))
    with op.batch_alter_table('classification_reviews', schema=None) as batch_op:
        batch_op.alter_column('assessment_id', existing_type=ID, nullable=True)


def downgrade():
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT count(*) FROM classification_reviews WHERE assessment_id IS NULL")).scalar():
        raise RuntimeError("0090_classification_truth: review requests about unclassified engagements exist; the "
                           "older schema cannot keep them")
    with op.batch_alter_table('classification_reviews', schema=None) as batch_op:
        batch_op.alter_column('assessment_id', existing_type=ID, nullable=False)
    op.drop_index('uq_class_rechecks_once_unsigned', table_name='classification_rechecks')
    with op.batch_alter_table('classification_rechecks', schema=None) as batch_op:
        batch_op.drop_constraint('uq_class_rechecks_once', type_='unique')
    op.drop_table('classification_recheck_runs')
    # the classifications cleared by the upgrade were not backed by a signed assessment: they are not restored
