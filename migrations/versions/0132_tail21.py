"""the run's tail: the NACHA file's numbering of a run's payments as a HOT update (payments leave half of each page
free, fillfactor 50 on PostgreSQL, and lose the trace-number and NACHA-file indexes that no lookup needs); the
notices of a paid run checked against workers once per statement (PostgreSQL)

Revision ID: 0132_tail21
Revises: 0131_pgcalc21

A run writes each payment three times: approval (COPY), its NACHA file (`nacha_file_id` and `trace_number`, one
UPDATE of the run's payments) and sent (`status`). Each UPDATE wrote a whole new version of the row elsewhere and a
new entry in each of its seven indexes, because it changed indexed columns (the two partial indexes on
nacha_file_id and trace_number) and the packed pages COPY leaves had no room. With neither index the numbering
changes no indexed column, and with half of each page free the new version stays on its page: a heap-only-tuple
(HOT) update, no index entry at all. Measured on 20,000 payments (PostgreSQL 15, the update alone, three rounds,
the server's CPU, medians): numbering 0.34 → 0.19 s and 15.4 → 4.1 MiB of WAL; marking sent afterwards (still a
new entry per index: `status` is in two indexes' predicates) 0.31 → 0.18 s, its new versions on the same page.

Nothing looks payments up by either column alone: a bank return is matched by trace number AND paycheck id
(payroll.services.bank_files._match, served by ix_payments_paycheck_id: a paycheck has one payment per deposit
part); the admin's trace-number search is a substring search no b-tree serves; the run's unfiled payments are found
by run (ix_payments_run_id). nacha_files rows are never deleted, so the foreign key needs no index on this side.

The fill factor applies to pages written from now on (existing pages are not rewritten). SQLite has no fill factor;
the two indexes go there too (the models are the same on both backends).

Marking the run paid tells each worker by one INSERT … SELECT of 100,000 notifications, whose foreign key to
workers was checked one internal query per row (0.23 → 0.16 s of server CPU per 20,000 notices with no check at
all; with the triggers below 0.25-0.26 → 0.21-0.22 s, medians of five in two passes, an isolated A/B). As 0124 and
0128 did for the run's other bulk writes, on
PostgreSQL notifications.worker_id is checked by triggers: after an INSERT, the statement's distinct workers locked
FOR KEY SHARE and a missing one raising SQLSTATE 23503; an UPDATE that changes worker_id checked row by row (a row
trigger whose WHEN compares old and new: marking notices read or e-mailed queues nothing); deleting or renumbering a
worker that notifications name refused (0124's generators, with 0131's one read of the new rows). SQLite keeps
the foreign key. Downgrade restores it.
"""
import importlib.util
import os

import sqlalchemy as sa
from alembic import op

revision = '0132_tail21'
down_revision = '0131_pgcalc21'
branch_labels = None
depends_on = None

_DROPPED = (
    ('ix_payments_nacha_file_id', 'nacha_file_id', 'nacha_file_id IS NOT NULL'),
    ('ix_payments_trace_number', 'trace_number', "trace_number <> ''"),
)


# notifications.worker_id checked as 0124's tables are, with 0131's one read of the statement's new rows; this
# module's own copies of 0124 and 0131 (not imported elsewhere) learn the table
_spec = importlib.util.spec_from_file_location('m0131', os.path.join(os.path.dirname(__file__), '0131_pgcalc21.py'))
m0131 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(m0131)
m0124 = m0131.m0124
KEYS = (('notifications_worker_id_fkey', 'worker_id', 'workers'),)
m0124.KEYS['notifications'] = KEYS
m0131.CHECKS['notifications_check_refs'] = ('notifications', 'new_rows', tuple((c, p) for _n, c, p in KEYS))


def _worker_checks() -> list[str]:
    cols = ', '.join(col for _n, col, _p in KEYS)
    changed = ' OR '.join(f'OLD.{col} IS DISTINCT FROM NEW.{col}' for _n, col, _p in KEYS)
    return [m0131.one_pass('notifications_check_refs'),
            "CREATE TRIGGER notifications_check_refs AFTER INSERT ON notifications REFERENCING NEW TABLE AS "
            "new_rows FOR EACH STATEMENT EXECUTE FUNCTION notifications_check_refs()",
            m0124._row_check('notifications'),
            f"CREATE TRIGGER notifications_check_ref_update AFTER UPDATE OF {cols} ON notifications FOR EACH ROW "
            f"WHEN ({changed}) EXECUTE FUNCTION notifications_check_ref_update()",
            *(stmt for _n, col, parent in KEYS for stmt in m0124._parent_check('notifications', col, parent))]


def upgrade():
    for name, _col, _where in _DROPPED:
        op.drop_index(name, table_name='payments')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE payments SET (fillfactor = 50)")
        op.drop_constraint('notifications_worker_id_fkey', 'notifications', type_='foreignkey')
        for stmt in _worker_checks():
            op.execute(stmt)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for stmt in m0124._drop_checks('notifications'):
            op.execute(stmt)
        op.create_foreign_key('notifications_worker_id_fkey', 'notifications', 'workers', ['worker_id'], ['id'])
        op.execute("ALTER TABLE payments RESET (fillfactor)")
    for name, col, where in _DROPPED:
        op.create_index(name, 'payments', [col], postgresql_where=sa.text(where), sqlite_where=sa.text(where))
