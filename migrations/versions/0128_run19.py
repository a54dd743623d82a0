"""run's server writes: fewer index entries per paycheck and leave entry; timesheets.paid_run_id checked per statement

Revision ID: 0128_run19
Revises: 0127_leave19

A 100,000-worker run writes 100,000 paychecks, about 55,000 leave entries and marks 180,000 timesheets paid; every
row written is one entry in every index of its table (an index on a column that is NULL still takes the NULL).
- paychecks: the unique self-references `reverses_id` (a reversal's original) and `reissue_of_id` (a re-issue's
  reversed paycheck) are NULL on every regular paycheck; their unique indexes become partial (WHERE ... IS NOT
  NULL), as 0095 did for payments. Uniqueness is unchanged (NULLs never conflicted) and the lookups (`reverses_id =
  :id`, a join on it, `reissue_of_id IN (...)`) imply IS NOT NULL, so both backends still use the index.
  2 of 9 entries per regular paycheck.
- leave_entries: `ix_leave_entries_kind` (eleven values) is dropped: every query on `kind` names the run, paycheck,
  worker or request too, and the two unique constraints that lead with `kind` serve a filter on it alone (the
  admin's). `ix_leave_entries_request_id` and the unique (kind, request_id) only index the `use` entries of leave
  requests: both become partial (WHERE request_id IS NOT NULL). 3 of 10 entries per accrual.
- timesheets: `ix_timesheets_status` keeps only the statuses looked for across engagements (draft, submitted,
  rejected, disputed); approved sheets (nearly all, and every sheet a run marks paid) are found by their engagement
  and week (uq_timesheets_engagement_week) or their run. 1 of 5 entries per sheet marked paid.
- timesheets.paid_run_id on PostgreSQL: the foreign key checked each of the 180,000 rows that a run's chunks mark
  paid (one internal query per row); as 0110/0124 did, a statement-level trigger checks the distinct runs named by
  the statement's new rows (one, for marking paid) and locks them FOR KEY SHARE; a missing one raises SQLSTATE 23503.
  Deleting or renumbering a run that timesheets name is refused likewise. SQLite keeps the foreign key.
Downgrade restores the full indexes and the foreign key.
"""
import sqlalchemy as sa
from alembic import op

revision = '0128_run19'
down_revision = '0127_leave19'
branch_labels = None
depends_on = None

# the statuses a timesheet is looked for by across engagements (the dashboard's waiting sheets, the portal's sent-back
# ones, the admin's filter): approved sheets, nearly all of them, are found by their engagement and week
TIMESHEET_OPEN = "status IN ('draft','submitted','rejected','disputed')"

# (index, table, columns, unique, predicate)
PARTIAL = (
    ('uq_paychecks_reverses_id', 'paychecks', ['reverses_id'], True, 'reverses_id IS NOT NULL'),
    ('ix_paychecks_reissue_of_id', 'paychecks', ['reissue_of_id'], True, 'reissue_of_id IS NOT NULL'),
    ('ix_leave_entries_request_id', 'leave_entries', ['request_id'], False, 'request_id IS NOT NULL'),
    ('uq_leave_entries_request', 'leave_entries', ['kind', 'request_id'], True, 'request_id IS NOT NULL'),
    ('ix_timesheets_status', 'timesheets', ['status'], False, TIMESHEET_OPEN),
)

# the unnamed UNIQUE (reverses_id) of 0010: PostgreSQL named it paychecks_reverses_id_key; SQLite reflects it unnamed
_UQ = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _reverses_unique_drop(bind) -> None:
    if bind.dialect.name == 'postgresql':
        op.drop_constraint('paychecks_reverses_id_key', 'paychecks', type_='unique')
    else:
        with op.batch_alter_table('paychecks', naming_convention=_UQ) as batch:
            batch.drop_constraint('uq_paychecks_reverses_id', type_='unique')


def _paid_run_check() -> list[str]:
    missing = ("RAISE EXCEPTION 'insert or update on table \"timesheets\" violates its reference to payroll_runs: '\n"
               "      'Key (paid_run_id)=(%) is not present in table \"payroll_runs\".', {v}\n"
               "      USING ERRCODE = 'foreign_key_violation', TABLE = 'timesheets', COLUMN = 'paid_run_id';")
    still = ("RAISE EXCEPTION 'update or delete on table \"payroll_runs\" violates the reference from table "
             "\"timesheets\": '\n      'Key (id)=(%) is still referenced from table \"timesheets\".', {v}\n"
             "      USING ERRCODE = 'foreign_key_violation', TABLE = 'payroll_runs';")
    ids = "SELECT DISTINCT paid_run_id FROM new_rows WHERE paid_run_id IS NOT NULL"
    return [
        f"""CREATE FUNCTION timesheets_check_paid_run() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE missing bigint;
BEGIN
  PERFORM 1 FROM payroll_runs p WHERE p.id IN ({ids}) FOR KEY SHARE OF p;
  SELECT n.paid_run_id INTO missing FROM ({ids}) n
    WHERE NOT EXISTS (SELECT 1 FROM payroll_runs p WHERE p.id = n.paid_run_id) LIMIT 1;
  IF FOUND THEN
    {missing.format(v='missing')}
  END IF;
  RETURN NULL;
END $$""",
        # an UPDATE trigger with transition tables cannot name columns: every UPDATE of timesheets checks the
        # distinct runs its new rows name (one run when a chunk marks its sheets paid; none for an approval)
        "CREATE TRIGGER timesheets_check_paid_run_insert AFTER INSERT ON timesheets REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION timesheets_check_paid_run()",
        "CREATE TRIGGER timesheets_check_paid_run_update AFTER UPDATE ON timesheets REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION timesheets_check_paid_run()",
        f"""CREATE FUNCTION payroll_runs_keep_timesheets_paid_run_id() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE used bigint;
BEGIN
  SELECT o.id INTO used FROM old_rows o WHERE EXISTS (SELECT 1 FROM timesheets c WHERE c.paid_run_id = o.id) LIMIT 1;
  IF FOUND THEN
    {still.format(v='used')}
  END IF;
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION payroll_runs_keep_timesheets_paid_run_id_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM timesheets c WHERE c.paid_run_id = OLD.id) THEN
    {still.format(v='OLD.id')}
  END IF;
  RETURN NEW;
END $$""",
        "CREATE TRIGGER payroll_runs_keep_timesheets_paid_run_id AFTER DELETE ON payroll_runs "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION payroll_runs_keep_timesheets_paid_run_id()",
        "CREATE TRIGGER payroll_runs_keep_timesheets_paid_run_id_id BEFORE UPDATE OF id ON payroll_runs FOR EACH ROW "
        "WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION payroll_runs_keep_timesheets_paid_run_id_id()",
    ]


def upgrade():
    bind = op.get_bind()
    _reverses_unique_drop(bind)
    op.drop_index('ix_paychecks_reissue_of_id', 'paychecks')
    op.drop_index('ix_leave_entries_kind', 'leave_entries')
    op.drop_index('ix_leave_entries_request_id', 'leave_entries')
    op.drop_index('ix_timesheets_status', 'timesheets')
    with op.batch_alter_table('leave_entries') as batch:
        batch.drop_constraint('uq_leave_entries_request', type_='unique')
    for name, table, cols, unique, where in PARTIAL:
        op.create_index(name, table, cols, unique=unique, postgresql_where=sa.text(where), sqlite_where=sa.text(where))
    if bind.dialect.name == 'postgresql':
        op.drop_constraint('timesheets_paid_run_id_fkey', 'timesheets', type_='foreignkey')
        for stmt in _paid_run_check():
            op.execute(stmt)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("DROP TRIGGER payroll_runs_keep_timesheets_paid_run_id_id ON payroll_runs")
        op.execute("DROP TRIGGER payroll_runs_keep_timesheets_paid_run_id ON payroll_runs")
        op.execute("DROP FUNCTION payroll_runs_keep_timesheets_paid_run_id_id()")
        op.execute("DROP FUNCTION payroll_runs_keep_timesheets_paid_run_id()")
        op.execute("DROP TRIGGER timesheets_check_paid_run_update ON timesheets")
        op.execute("DROP TRIGGER timesheets_check_paid_run_insert ON timesheets")
        op.execute("DROP FUNCTION timesheets_check_paid_run()")
        op.create_foreign_key('timesheets_paid_run_id_fkey', 'timesheets', 'payroll_runs', ['paid_run_id'], ['id'])
    for name, table, _cols, _unique, _where in PARTIAL:
        op.drop_index(name, table)
    with op.batch_alter_table('leave_entries') as batch:
        batch.create_unique_constraint('uq_leave_entries_request', ['kind', 'request_id'])
    op.create_index('ix_leave_entries_request_id', 'leave_entries', ['request_id'])
    op.create_index('ix_leave_entries_kind', 'leave_entries', ['kind'])
    op.create_index('ix_timesheets_status', 'timesheets', ['status'])
    op.create_index('ix_paychecks_reissue_of_id', 'paychecks', ['reissue_of_id'], unique=True)
    if bind.dialect.name == 'postgresql':
        op.create_unique_constraint('paychecks_reverses_id_key', 'paychecks', ['reverses_id'])
    else:
        with op.batch_alter_table('paychecks') as batch:
            batch.create_unique_constraint('uq_paychecks_reverses_id', ['reverses_id'])
