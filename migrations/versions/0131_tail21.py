"""the NACHA file's numbering of a run's payments as a HOT update: payments leave half of each page free
(fillfactor 50, PostgreSQL) and lose the trace-number and NACHA-file indexes that no lookup needs

Revision ID: 0131_tail21
Revises: 0130_run20

A run writes each payment three times: approval (COPY), its NACHA file (`nacha_file_id` and `trace_number`, one
UPDATE of the run's payments) and sent (`status`). Each UPDATE wrote a whole new version of the row elsewhere and a
new entry in each of its seven indexes, because it changed indexed columns (the two partial indexes on
nacha_file_id and trace_number) and the packed pages COPY leaves had no room. With neither index the numbering
changes no indexed column, and with half of each page free the new version stays on its page: a heap-only-tuple
(HOT) update, no index entry at all. Measured on 20,000 payments (PostgreSQL 15, the update alone, three rounds,
server CPU): numbering 0.34 → 0.18 s and 15.4 → 4.1 MiB of WAL; marking sent afterwards (still a new index entry
per index: `status` is in two indexes' predicates) 0.31 → 0.18 s, its new versions landing on the same page.

Nothing looks payments up by either column alone: a bank return is matched by trace number AND paycheck id
(payroll.services.bank_files._match, served by ix_payments_paycheck_id: a paycheck has one payment per deposit
part); the admin's trace-number search is a substring search no b-tree serves; the run's unfiled payments are found
by run (ix_payments_run_id). nacha_files rows are never deleted, so the foreign key needs no index on this side.

The fill factor applies to pages written from now on (existing pages are not rewritten). SQLite has no fill factor;
the two indexes go there too (the models are the same on both backends).
"""
import sqlalchemy as sa
from alembic import op

revision = '0131_tail21'
down_revision = '0130_run20'
branch_labels = None
depends_on = None

_DROPPED = (
    ('ix_payments_nacha_file_id', 'nacha_file_id', 'nacha_file_id IS NOT NULL'),
    ('ix_payments_trace_number', 'trace_number', "trace_number <> ''"),
)


def upgrade():
    for name, _col, _where in _DROPPED:
        op.drop_index(name, table_name='payments')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE payments SET (fillfactor = 50)")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE payments RESET (fillfactor)")
    for name, col, where in _DROPPED:
        op.create_index(name, 'payments', [col], postgresql_where=sa.text(where), sqlite_where=sa.text(where))
