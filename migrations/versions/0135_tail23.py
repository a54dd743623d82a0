"""the run's payments marked sent as heap-only updates (`status` in no index: a generated `attention` column in
its place), and the NACHA file's content stored without a compression attempt

Revision ID: 0135_tail23
Revises: 0134_pgw23

Marking a run paid sets `status = 'sent'` on each of its 100,000 payments. `status` was in the predicates of
`uq_payments_live_part` (pending, sent, held) and `ix_payments_status` (held, returned, reissued, voided), so every
row took a new entry in all five of its indexes. `attention` is the status when it needs someone (held, returned,
re-issued, voided), else NULL, computed by the database from `status`; the two indexes read it instead — the same
rows (ck_payments_status allows no other status) — and pending → sent changes no indexed value: with the half page
0132 leaves free, a heap-only-tuple update. PostgreSQL stores the column (generated columns are STORED in 15);
SQLite adds it VIRTUAL (ALTER TABLE cannot add a stored one; an index on it stores its values anyway).

`nacha_files.content` is the file encrypted at rest (`EncryptedString`): ~2.5 MB of base64 per 20,000 entries. With
the default `EXTENDED` storage PostgreSQL first tries pglz on it, fails (ciphertext has no repeats), then stores it
out of line uncompressed anyway: 40–50 ms of the server's CPU per 20,000 payments spent for nothing. EXTERNAL stores
it out of line at once. Rows already written keep their (uncompressed) form. SQLite has no storage modes.
"""
import sqlalchemy as sa
from alembic import op

revision = '0135_tail23'
down_revision = '0134_pgw23'
branch_labels = None
depends_on = None

# as payroll.models_ledger.ATTENTION_SQL at this revision
ATTENTION_SQL = ("CASE WHEN status = 'held' OR status = 'returned' OR status = 'reissued' OR status = 'voided' "
                 "THEN status ELSE NULL END")


def _partial(name, columns, where, unique=False):
    op.create_index(name, "payments", columns, unique=unique, postgresql_where=sa.text(where),
                    sqlite_where=sa.text(where))


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute(f"ALTER TABLE payments ADD COLUMN attention VARCHAR(10) GENERATED ALWAYS AS ({ATTENTION_SQL}) "
               f"{'STORED' if postgres else 'VIRTUAL'}")
    _partial("ix_payments_attention", ["attention"], "attention IS NOT NULL")
    op.drop_index("ix_payments_status", table_name="payments")
    op.drop_index("uq_payments_live_part", table_name="payments")
    _partial("uq_payments_live_part", ["paycheck_id", "part"], "attention IS NULL OR attention = 'held'", unique=True)
    if postgres:
        op.execute("ALTER TABLE nacha_files ALTER COLUMN content SET STORAGE EXTERNAL")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE nacha_files ALTER COLUMN content SET STORAGE EXTENDED")
    op.drop_index("uq_payments_live_part", table_name="payments")
    _partial("uq_payments_live_part", ["paycheck_id", "part"], "status in ('pending','sent','held')", unique=True)
    _partial("ix_payments_status", ["status"], "status IN ('held','returned','reissued','voided')")
    op.drop_index("ix_payments_attention", table_name="payments")
    op.drop_column("payments", "attention")
