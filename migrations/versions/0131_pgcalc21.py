"""run's server time: the statement-level reference checks read the statement's new rows once (PostgreSQL)

Revision ID: 0131_pgcalc21
Revises: 0130_run20

0110, 0124 and 0128 check the references of the rows a run writes in bulk (paycheck lines, paychecks, payments,
leave entries and balances, timesheets marked paid) once per statement, by a trigger over the statement's new rows.
Each key took two queries: one locking the referenced rows FOR KEY SHARE, one looking for a value with no row; each
query read the whole transition table again (a chunk's paycheck lines: 24,000 rows, read six times). A profile of the
server during a 20,000-worker run's calculation put 23% of its CPU in these triggers.

The same functions now read the new rows once, collecting every key's distinct values into arrays, and per key lock
the referenced rows (`id = ANY (…)`, an index scan) while counting them: when every value found its row, every one
exists and is locked until the transaction ends, as before; when one did not, the value without a row is looked up
and SQLSTATE 23503 raised with the same message as before. Nothing else changes: the same triggers, tables and keys,
the same locks and errors; SQLite keeps its foreign keys.

Also on PostgreSQL, `payroll_ytd.worker_id` (the year to date each chunk writes by COPY, a row per worker and year)
is checked the same way instead of by its foreign key, which ran one internal query per row (4.3 µs a row measured:
0.09 s of server CPU per 20,000 workers): after an INSERT the distinct workers are locked and counted as above; an
UPDATE that changes a row's worker is checked row by row (the chunks' UPDATE of the figures queues nothing); deleting
or renumbering a worker that a year to date names is refused (0124's triggers). Downgrade puts back the functions of
0110, 0124 and 0128 and the foreign key.
"""
import importlib.util
import os

from alembic import op

revision = '0131_pgcalc21'
down_revision = '0130_run20'
branch_labels = None
depends_on = None


def _sibling(filename: str):
    """The migration module `filename` of this directory, for its KEYS and function bodies (one definition each)."""
    spec = importlib.util.spec_from_file_location(filename.removesuffix('.py'),
                                                  os.path.join(os.path.dirname(__file__), filename))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


m0110, m0124, m0128 = _sibling('0110_runspeed.py'), _sibling('0124_run18.py'), _sibling('0128_run19.py')

# the year to date, checked by trigger from here on as 0124's tables are: (constraint, column, parent), as 0124.KEYS
YTD_KEYS = (('payroll_ytd_worker_id_fkey', 'worker_id', 'workers'),)
m0124.KEYS['payroll_ytd'] = YTD_KEYS        # this module's own copy of 0124 (not imported elsewhere): its generators

# function -> (table, transition table, ((column, parent table), ...))
CHECKS = {
    'paycheck_lines_check_refs': ('paycheck_lines', 'new_lines', tuple((c, p) for _n, c, p in m0110.KEYS)),
    **{f'{table}_check_refs': (table, 'new_rows', tuple((c, p) for _n, c, p in keys))
       for table, keys in m0124.KEYS.items()},
    'timesheets_check_paid_run': ('timesheets', 'new_rows', (('paid_run_id', 'payroll_runs'),)),
}


def one_pass(function: str) -> str:
    """The check as one read of the new rows: each key's distinct values, then per key the referenced rows locked
    and counted; a value without a row is looked for only when the count falls short."""
    table, new_rows, keys = CHECKS[function]
    declare = ''.join(f'  ids_{col} bigint[];\n' for col, _parent in keys)
    distinct = ',\n         '.join(f'array_agg(DISTINCT {col}) FILTER (WHERE {col} IS NOT NULL)' for col, _ in keys)
    body = [f"\n  SELECT {distinct}\n    INTO {', '.join(f'ids_{col}' for col, _ in keys)} FROM {new_rows};"]
    for col, parent in keys:
        body.append(f"""
  IF cardinality(ids_{col}) > (SELECT count(*) FROM (SELECT FROM {parent} p WHERE p.id = ANY (ids_{col})
                                                     FOR KEY SHARE OF p) locked) THEN
    SELECT n INTO missing FROM unnest(ids_{col}) n WHERE NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.id = n) LIMIT 1;
    {m0124._missing(table, col, parent, 'missing')}
  END IF;""")
    return (f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"DECLARE\n{declare}  missing bigint;\nBEGIN" + ''.join(body) + "\n  RETURN NULL;\nEND $$")


def _before(function: str) -> str:
    """The function as 0110, 0124 or 0128 created it."""
    if function == 'paycheck_lines_check_refs':
        sql = m0110._child_check()
    elif function == 'timesheets_check_paid_run':
        sql = m0128._paid_run_check()[0]
    else:
        sql = m0124._statement_check(CHECKS[function][0])
    return sql.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION', 1)


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for function in CHECKS:
        op.execute(one_pass(function))
    cols = ', '.join(col for _n, col, _p in YTD_KEYS)
    changed = ' OR '.join(f'OLD.{col} IS DISTINCT FROM NEW.{col}' for _n, col, _p in YTD_KEYS)
    for name, _col, _parent in YTD_KEYS:
        op.drop_constraint(name, 'payroll_ytd', type_='foreignkey')
    op.execute("CREATE TRIGGER payroll_ytd_check_refs AFTER INSERT ON payroll_ytd REFERENCING NEW TABLE AS new_rows "
               "FOR EACH STATEMENT EXECUTE FUNCTION payroll_ytd_check_refs()")
    op.execute(m0124._row_check('payroll_ytd'))
    op.execute(f"CREATE TRIGGER payroll_ytd_check_ref_update AFTER UPDATE OF {cols} ON payroll_ytd FOR EACH ROW "
               f"WHEN ({changed}) EXECUTE FUNCTION payroll_ytd_check_ref_update()")
    for _name, col, parent in YTD_KEYS:
        for stmt in m0124._parent_check('payroll_ytd', col, parent):
            op.execute(stmt)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for stmt in m0124._drop_checks('payroll_ytd'):
        op.execute(stmt)
    for name, col, parent in YTD_KEYS:
        op.create_foreign_key(name, 'payroll_ytd', parent, [col], ['id'])
    for function in CHECKS:
        if function != 'payroll_ytd_check_refs':
            op.execute(_before(function))
