"""payments keep 70% of each page free (fillfactor 30, PostgreSQL): marking a run paid stays heap-only while another
transaction still sees the payments as the NACHA file found them

Revision ID: 0140_nacha28
Revises: 0139_tot28

A run's payments are written three times: approval (COPY), the NACHA file's numbering (a new version, 25 bytes
longer) and marking paid (`status = 'sent'`). At fillfactor 40 (0136) a page holds the approval's rows and their
numbered versions; marking sent found room only by pruning the approval's versions, which PostgreSQL may do only
once no snapshot can see them. A finance export running while the run is marked paid (the register, minutes of a
report, a backup) holds such a snapshot: at 100,000 workers 60,000 of the 100,000 payments marked sent were then
not heap-only (a new entry in each of the table's indexes; the UPDATE 0.46 -> 1.28 s of server, the table
+26 MiB, its indexes +9 MiB). At 30 a page's ~15 rows and both later versions fit without pruning. New pages only;
existing ones stay as they are.
"""
from alembic import op

revision = '0140_nacha28'
down_revision = '0139_tot28'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE payments SET (fillfactor = 30)")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE payments SET (fillfactor = 40)")
