"""worker search: trigram indexes for substring search on PostgreSQL

Revision ID: 0100_worker_search_trgm
Revises: 0010_payroll_operations
"""
from alembic import op

revision = '0100_worker_search_trgm'
down_revision = '0010_payroll_operations'
branch_labels = None
depends_on = None

COLUMNS = ("last_name", "first_name", "email")


def upgrade():
    # The admin and API search with ILIKE '%text%'; on PostgreSQL a trigram GIN index answers that without a
    # scan of every worker. SQLite has no equivalent and scans (fast enough at 100k rows, see docs/benchmarks.md).
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for col in COLUMNS:
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_workers_{col}_trgm ON workers USING gin ({col} gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for col in COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_workers_{col}_trgm")
