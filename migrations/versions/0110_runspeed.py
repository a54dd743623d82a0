"""run speed: paycheck lines' references checked once per statement, not once per row (PostgreSQL)

Revision ID: 0110_runspeed
Revises: 0106_reversal_wages_sign

A payroll run writes about nine lines per paycheck (930,000 for 100,000 workers). Each line's three foreign keys
(paycheck, and on earning lines engagement and client) were checked by PostgreSQL row by row: one internal query
per line and key. Measured on the 186,428 lines of a 20,000-worker run (PostgreSQL 15, the same indexes): 0.82 s
to insert them with no foreign key, 3.58 s with the paycheck key, 5.29 s with all three. The keys stay enforced by
the database, by statement-level triggers over the statement's new rows (a COPY is one statement):
- after an INSERT or UPDATE of paycheck_lines, the distinct referenced paychecks, engagements and clients are locked
  FOR KEY SHARE (as a foreign key locks them: a concurrent delete waits) and any that does not exist raises
  SQLSTATE 23503 foreign_key_violation, as the foreign key did;
- after a DELETE of paychecks, engagements or clients, a deleted row that a line references raises 23503; changing
  such a row's id is refused likewise (a row trigger that runs only when the id changes).
SQLite keeps the declared foreign keys (the models are unchanged). Downgrade restores the foreign keys.
"""
from alembic import op

revision = '0110_runspeed'
down_revision = '0106_reversal_wages_sign'
branch_labels = None
depends_on = None

# (constraint name on PostgreSQL, line column, parent table)
KEYS = (('paycheck_lines_paycheck_id_fkey', 'paycheck_id', 'paychecks'),
        ('fk_paycheck_lines_engagement_id', 'engagement_id', 'engagements'),
        ('fk_paycheck_lines_client_id', 'client_id', 'clients'))


def _child_check() -> str:
    parts = []
    for _name, col, parent in KEYS:
        ids = f"SELECT DISTINCT {col} FROM new_lines WHERE {col} IS NOT NULL"
        parts.append(f"""
  PERFORM 1 FROM {parent} p WHERE p.id IN ({ids}) FOR KEY SHARE OF p;
  SELECT n.{col} INTO missing FROM ({ids}) n WHERE NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.id = n.{col}) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'insert or update on table "paycheck_lines" violates its reference to {parent}: '
                    'Key ({col})=(%) is not present in table "{parent}".', missing
      USING ERRCODE = 'foreign_key_violation', TABLE = 'paycheck_lines', COLUMN = '{col}';
  END IF;""")
    return ("CREATE FUNCTION paycheck_lines_check_refs() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "DECLARE missing bigint;\nBEGIN" + "".join(parts) + "\n  RETURN NULL;\nEND $$")


def _parent_check(col: str, parent: str) -> list[str]:
    return [
        f"""CREATE FUNCTION {parent}_keep_line_refs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE used bigint;
BEGIN
  SELECT o.id INTO used FROM old_rows o WHERE EXISTS (SELECT 1 FROM paycheck_lines l WHERE l.{col} = o.id) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'update or delete on table "{parent}" violates the reference from table "paycheck_lines": '
                    'Key (id)=(%) is still referenced from table "paycheck_lines".', used
      USING ERRCODE = 'foreign_key_violation', TABLE = '{parent}';
  END IF;
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION {parent}_keep_line_ref_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM paycheck_lines l WHERE l.{col} = OLD.id) THEN
    RAISE EXCEPTION 'update or delete on table "{parent}" violates the reference from table "paycheck_lines": '
                    'Key (id)=(%) is still referenced from table "paycheck_lines".', OLD.id
      USING ERRCODE = 'foreign_key_violation', TABLE = '{parent}';
  END IF;
  RETURN NEW;
END $$""",
        f"CREATE TRIGGER {parent}_keep_line_refs AFTER DELETE ON {parent} REFERENCING OLD TABLE AS old_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {parent}_keep_line_refs()",
        f"CREATE TRIGGER {parent}_keep_line_ref_id BEFORE UPDATE OF id ON {parent} FOR EACH ROW "
        f"WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION {parent}_keep_line_ref_id()",
    ]


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, _col, _parent in KEYS:
        op.drop_constraint(name, 'paycheck_lines', type_='foreignkey')
    op.execute(_child_check())
    for event in ('INSERT', 'UPDATE'):      # a trigger with transition tables names one event
        op.execute(f"CREATE TRIGGER paycheck_lines_check_refs_{event.lower()} AFTER {event} ON paycheck_lines "
                   "REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION paycheck_lines_check_refs()")
    for _name, col, parent in KEYS:
        for stmt in _parent_check(col, parent):
            op.execute(stmt)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for _name, _col, parent in KEYS:
        op.execute(f"DROP TRIGGER {parent}_keep_line_ref_id ON {parent}")
        op.execute(f"DROP TRIGGER {parent}_keep_line_refs ON {parent}")
        op.execute(f"DROP FUNCTION {parent}_keep_line_ref_id()")
        op.execute(f"DROP FUNCTION {parent}_keep_line_refs()")
    for event in ('insert', 'update'):
        op.execute(f"DROP TRIGGER paycheck_lines_check_refs_{event} ON paycheck_lines")
    op.execute("DROP FUNCTION paycheck_lines_check_refs()")
    for name, col, parent in KEYS:
        op.create_foreign_key(name, 'paycheck_lines', parent, [col], ['id'])
