"""the NACHA file's content stored without compression (PostgreSQL `STORAGE EXTERNAL`): it is a Fernet token,
which no compressor shrinks

Revision ID: 0134_tail23
Revises: 0133_leave21

`nacha_files.content` is the file encrypted at rest (`EncryptedString`): ~2.5 MB of base64 per 20,000 entries. With
the default `EXTENDED` storage PostgreSQL first tries pglz on it, fails (ciphertext has no repeats), then stores it
out of line uncompressed anyway: 40–50 ms of the server's CPU per 20,000 payments spent for nothing (measured
on the file's INSERT, pglz 0.04–0.05 s against 0.00–0.01 s with EXTERNAL). EXTERNAL stores it out of line at
once. Rows already written keep their (uncompressed) form. SQLite has no storage modes: nothing to do there.
"""
from alembic import op

revision = '0134_tail23'
down_revision = '0133_leave21'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE nacha_files ALTER COLUMN content SET STORAGE EXTERNAL")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE nacha_files ALTER COLUMN content SET STORAGE EXTENDED")
