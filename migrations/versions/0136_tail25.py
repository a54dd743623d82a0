"""the NACHA file's numbering of a run's payments checks their file once per statement, not once per row (PostgreSQL);
payments keep 60% of each page free; a paid run's notices stay out of the notifications' kind index (PostgreSQL)

Revision ID: 0136_tail25
Revises: 0135_tail23

A run's NACHA file sets `nacha_file_id` (and the trace number) on each of its 100,000 payments by one UPDATE. The
foreign key `payments_nacha_file_id_fkey` checked each row whose key went from NULL to the file's id by one internal
query (PostgreSQL checks a changed key row by row, whatever the statement): about a third of the UPDATE's server
CPU, to find the same file 100,000 times. Measured on 20,000 rows (PostgreSQL 15, the UPDATE alone, server CPU, four
rounds): 0.12-0.16 s with the foreign key, 0.07-0.11 s with the statement-level check below, 0.05-0.06 s unchecked.

As 0124/0131 did for the payments' other references, on PostgreSQL the key stays enforced by triggers:
- after an INSERT into payments, `nacha_file_id` is one more key of 0131's one read of the statement's new rows
  (`payments_check_refs`): the distinct files locked FOR KEY SHARE and counted, a missing one raising SQLSTATE 23503;
- after any UPDATE of payments, a statement-level trigger does the same over the statement's new rows
  (`payments_check_nacha_file`): one distinct file for the numbering, however many rows. An UPDATE that leaves the
  key as it is (marking sent, a return) locks the file FOR KEY SHARE too, which no writer of nacha_files conflicts
  with (a file is written once and never deleted); a trigger with transition tables cannot name columns, so it
  runs for every UPDATE: marking 20,000 payments sent gains the rows' capture and one grouped read (~5-7 ms);
- deleting a NACHA file that payments name, or changing its id, is refused (0124's parent triggers).
SQLite keeps the foreign key (the models are unchanged). Downgrade restores 0131's function and the foreign key.

0132 left half of each payments page free (fillfactor 50) so that the numbering's new row versions stay on their
page (heap-only updates: no index entry). A numbered payment is 25 bytes longer than the one approval wrote (the
file's id, 8 bytes where NULL took none; the 15-digit trace where '' took one), so the new versions of a page's
rows need more than the half left: 16,924 of 20,000 were heap-only, the other 3,076 went to new pages with an entry
in each index. At fillfactor 40 all 20,000 fit, and marking them sent after is heap-only too (all 20,000). Measured
on the real table (head, 20,000 payments, server CPU, four rounds): numbering 0.113-0.117 s at 50, 0.074-0.082 s at
40; marking sent 0.061-0.063 s at 50, 0.060-0.071 s at 40 (at 45 the numbering is all heap-only but 1,738 of
marking sent are not: 0.072-0.077 s). The table takes 30% more pages (1,000 against 770 per 20,000 payments). New
pages only; existing ones stay as they are.

Marking a run paid writes one `paycheck_ready` notice per paycheck (100,000 in one INSERT … SELECT), each an entry in
`ix_notifications_kind`, whose only reader is the admin's filter by kind. Those notices are most of the table, so a
filter on paycheck_ready reads most rows with or without the index; the index now holds the other kinds only
(`WHERE kind <> 'paycheck_ready'`, which a filter on any other kind still uses: PostgreSQL proves `kind = 'x'`
implies it). Measured on 20,000 notices (the INSERT alone, server CPU, seven rounds): 0.126-0.132 s with the full
index, 0.111-0.126 s without it. SQLite keeps the full index (it would not use a partial one for `kind = 'x'`);
downgrade restores the full index.
"""
import importlib.util
import os

import sqlalchemy as sa
from alembic import op

revision = '0136_tail25'
down_revision = '0135_tail23'
branch_labels = None
depends_on = None

# this module's own copies of 0124 and 0131 (not imported elsewhere), for their generators and KEYS
_spec = importlib.util.spec_from_file_location('m0131', os.path.join(os.path.dirname(__file__), '0131_pgcalc21.py'))
m0131 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(m0131)
m0124 = m0131.m0124

KEY = ('payments_nacha_file_id_fkey', 'nacha_file_id', 'nacha_files')
_BEFORE = m0131.CHECKS['payments_check_refs']                   # 0131's insert check, for the downgrade
_AFTER = (*_BEFORE[:2], (*_BEFORE[2], KEY[1:]))                  # the same, and nacha_file_id
m0131.CHECKS['payments_check_nacha_file'] = ('payments', 'new_rows', (KEY[1:],))


def _check(function: str, keys) -> str:
    m0131.CHECKS[function] = keys
    return m0131.one_pass(function)


KIND_WHERE = "kind <> 'paycheck_ready'"     # as backoffice.notifications.models BULK_KIND at this revision


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("ALTER TABLE payments SET (fillfactor = 40)")
    op.drop_index('ix_notifications_kind', table_name='notifications')
    op.create_index('ix_notifications_kind', 'notifications', ['kind'], postgresql_where=sa.text(KIND_WHERE))
    op.drop_constraint(KEY[0], 'payments', type_='foreignkey')
    op.execute(_check('payments_check_refs', _AFTER))
    op.execute(m0131.one_pass('payments_check_nacha_file'))
    op.execute("CREATE TRIGGER payments_check_nacha_file AFTER UPDATE ON payments REFERENCING NEW TABLE AS new_rows "
               "FOR EACH STATEMENT EXECUTE FUNCTION payments_check_nacha_file()")
    for stmt in m0124._parent_check('payments', KEY[1], KEY[2]):
        op.execute(stmt)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("ALTER TABLE payments SET (fillfactor = 50)")
    op.drop_index('ix_notifications_kind', table_name='notifications')
    op.create_index('ix_notifications_kind', 'notifications', ['kind'])
    name = f"{KEY[2]}_keep_payments_{KEY[1]}"
    for stmt in (f"DROP TRIGGER {name}_id ON {KEY[2]}", f"DROP TRIGGER {name} ON {KEY[2]}",
                 f"DROP FUNCTION {name}_id()", f"DROP FUNCTION {name}()",
                 "DROP TRIGGER payments_check_nacha_file ON payments", "DROP FUNCTION payments_check_nacha_file()"):
        op.execute(stmt)
    op.execute(_check('payments_check_refs', _BEFORE))
    op.create_foreign_key(KEY[0], 'payments', KEY[2], [KEY[1]], ['id'])
