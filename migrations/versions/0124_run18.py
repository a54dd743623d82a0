"""run speed: the references of paychecks, payments and the leave a run accrues checked once per statement (PostgreSQL)

Revision ID: 0124_run18
Revises: 0123_leave

A 100,000-worker run writes 100,000 paychecks (COPY, in the parallel chunks) and 100,000 payments (COPY, at
approval). Each row's foreign keys were checked by PostgreSQL one internal query per row and key: five per paycheck
(run, engagement, worker, client, agency) and five per payment (run, paycheck, worker, bank account, the user who
made it); its approval then accrues paid leave, about 55,000 ledger entries (worker, policy, run, paycheck) and as
many balances (worker, policy). pg_stat_statements on a 20,000-worker run: the paychecks' COPY took as long as the
COPY of the 193,928 paycheck lines (1.21 s against 1.24 s), the payments' 0.70 s, the 11,000 leave entries' 0.44 s.
As 0110 did for the lines, the keys stay enforced by the database, by triggers:
- after an INSERT into one of these tables (a COPY is one statement), the distinct referenced rows are locked
  FOR KEY SHARE (as a foreign key locks them: a concurrent delete waits) and any that does not exist raises SQLSTATE
  23503 foreign_key_violation, as the foreign key did;
- an UPDATE that changes one of those columns is checked row by row (a row trigger whose WHEN compares old and new,
  so the run's own updates of payments and balances, which never change them, queue nothing);
- after a DELETE of a referenced row (a run, engagement, worker, client, agency, paycheck, bank account, user or
  leave policy), a deleted row that one of these tables still references raises 23503; changing such a row's id is
  refused likewise.
The keys these tables keep as foreign keys (paychecks.reverses_id and reissue_of_id, payments.nacha_file_id,
reissue_of_id and check_agency_id, leave_entries.request_id and created_by_id) are written one row at a time or are
null when written in bulk.
SQLite keeps the declared foreign keys (the models are unchanged). Downgrade restores the foreign keys.

Also, on every backend, a partial index on the paycheck lines of the Local Services Tax: each chunk of a run reads
what its workers had withheld so far this year, and without it read every line of their paychecks of the year
(1.1-3.2 s of server time per 100,000 workers in the year's first run, growing with each run).
"""
import sqlalchemy as sa
from alembic import op

revision = '0124_run18'
down_revision = '0123_leave'
branch_labels = None
depends_on = None

# table -> ((constraint name on PostgreSQL, column, parent table), ...)
KEYS = {
    'paychecks': (('paychecks_run_id_fkey', 'run_id', 'payroll_runs'),
                  ('paychecks_engagement_id_fkey', 'engagement_id', 'engagements'),
                  ('paychecks_worker_id_fkey', 'worker_id', 'workers'),
                  ('paychecks_client_id_fkey', 'client_id', 'clients'),
                  ('paychecks_agency_id_fkey', 'agency_id', 'agencies')),
    'payments': (('payments_run_id_fkey', 'run_id', 'payroll_runs'),
                 ('payments_paycheck_id_fkey', 'paycheck_id', 'paychecks'),
                 ('payments_worker_id_fkey', 'worker_id', 'workers'),
                 ('payments_bank_account_id_fkey', 'bank_account_id', 'bank_accounts'),
                 ('fk_payments_created_by_id_users', 'created_by_id', 'users')),
    # the paid leave a run's approval accrues: an entry per paycheck and policy, a balance per worker and policy
    'leave_entries': (('leave_entries_worker_id_fkey', 'worker_id', 'workers'),
                      ('leave_entries_policy_id_fkey', 'policy_id', 'leave_policies'),
                      ('leave_entries_run_id_fkey', 'run_id', 'payroll_runs'),
                      ('leave_entries_paycheck_id_fkey', 'paycheck_id', 'paychecks')),
    'leave_balances': (('leave_balances_worker_id_fkey', 'worker_id', 'workers'),
                       ('leave_balances_policy_id_fkey', 'policy_id', 'leave_policies')),
}


def _missing(table: str, col: str, parent: str, value: str) -> str:
    return (f"RAISE EXCEPTION 'insert or update on table \"{table}\" violates its reference to {parent}: '\n"
            f"                    'Key ({col})=(%) is not present in table \"{parent}\".', {value}\n"
            f"      USING ERRCODE = 'foreign_key_violation', TABLE = '{table}', COLUMN = '{col}';")


def _statement_check(table: str) -> str:
    """After an INSERT: every reference of the statement's new rows, once per distinct value."""
    parts = []
    for _name, col, parent in KEYS[table]:
        ids = f"SELECT DISTINCT {col} FROM new_rows WHERE {col} IS NOT NULL"
        parts.append(f"""
  PERFORM 1 FROM {parent} p WHERE p.id IN ({ids}) FOR KEY SHARE OF p;
  SELECT n.{col} INTO missing FROM ({ids}) n WHERE NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.id = n.{col}) LIMIT 1;
  IF FOUND THEN
    {_missing(table, col, parent, 'missing')}
  END IF;""")
    return (f"CREATE FUNCTION {table}_check_refs() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "DECLARE missing bigint;\nBEGIN" + "".join(parts) + "\n  RETURN NULL;\nEND $$")


def _row_check(table: str) -> str:
    """After an UPDATE that changed a reference: that row's new references."""
    parts = []
    for _name, col, parent in KEYS[table]:
        parts.append(f"""
  IF NEW.{col} IS NOT NULL AND NEW.{col} IS DISTINCT FROM OLD.{col} THEN
    PERFORM 1 FROM {parent} p WHERE p.id = NEW.{col} FOR KEY SHARE OF p;
    IF NOT FOUND THEN
      {_missing(table, col, parent, f'NEW.{col}')}
    END IF;
  END IF;""")
    return (f"CREATE FUNCTION {table}_check_ref_update() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN" + "".join(parts) + "\n  RETURN NULL;\nEND $$")


def _parent_check(table: str, col: str, parent: str) -> list[str]:
    name = f"{parent}_keep_{table}_{col}"

    def still(value: str) -> str:
        return (f"RAISE EXCEPTION 'update or delete on table \"{parent}\" violates the reference from table "
                f"\"{table}\": '\n                    'Key (id)=(%) is still referenced from table \"{table}\".', "
                f"{value}\n      USING ERRCODE = 'foreign_key_violation', TABLE = '{parent}';")
    return [
        f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE used bigint;
BEGIN
  SELECT o.id INTO used FROM old_rows o WHERE EXISTS (SELECT 1 FROM {table} c WHERE c.{col} = o.id) LIMIT 1;
  IF FOUND THEN
    {still('used')}
  END IF;
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION {name}_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM {table} c WHERE c.{col} = OLD.id) THEN
    {still('OLD.id')}
  END IF;
  RETURN NEW;
END $$""",
        f"CREATE TRIGGER {name} AFTER DELETE ON {parent} REFERENCING OLD TABLE AS old_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_id BEFORE UPDATE OF id ON {parent} FOR EACH ROW "
        f"WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION {name}_id()",
    ]


def _drop_checks(table: str) -> list[str]:
    """What upgrade() created for `table`'s KEYS, dropped: the parents' triggers, the row and statement checks."""
    out = []
    for _name, col, parent in KEYS[table]:
        name = f"{parent}_keep_{table}_{col}"
        out += [f"DROP TRIGGER {name}_id ON {parent}", f"DROP TRIGGER {name} ON {parent}",
                f"DROP FUNCTION {name}_id()", f"DROP FUNCTION {name}()"]
    return out + [f"DROP TRIGGER {table}_check_ref_update ON {table}", f"DROP FUNCTION {table}_check_ref_update()",
                  f"DROP TRIGGER {table}_check_refs ON {table}", f"DROP FUNCTION {table}_check_refs()"]


LST_WHERE = "code = 'local_services_tax'"


def upgrade():
    # every backend: the chunk's Local Services Tax so far this year reads these lines only, not every line of its
    # workers' paychecks of the year (a read that grew with each run of the year)
    op.create_index('ix_paycheck_lines_local_services_tax', 'paycheck_lines', ['paycheck_id'],
                    postgresql_where=sa.text(LST_WHERE), sqlite_where=sa.text(LST_WHERE))
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, keys in KEYS.items():
        for name, _col, _parent in keys:
            op.drop_constraint(name, table, type_='foreignkey')
        op.execute(_statement_check(table))
        op.execute(f"CREATE TRIGGER {table}_check_refs AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_check_refs()")
        op.execute(_row_check(table))
        cols = ", ".join(col for _n, col, _p in keys)
        changed = " OR ".join(f"OLD.{col} IS DISTINCT FROM NEW.{col}" for _n, col, _p in keys)
        op.execute(f"CREATE TRIGGER {table}_check_ref_update AFTER UPDATE OF {cols} ON {table} FOR EACH ROW "
                   f"WHEN ({changed}) EXECUTE FUNCTION {table}_check_ref_update()")
        for _name, col, parent in keys:
            for stmt in _parent_check(table, col, parent):
                op.execute(stmt)


def downgrade():
    op.drop_index('ix_paycheck_lines_local_services_tax', table_name='paycheck_lines')
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, keys in KEYS.items():
        for stmt in _drop_checks(table):
            op.execute(stmt)
        for name, col, parent in keys:
            op.create_foreign_key(name, table, parent, [col], ['id'])
