"""payment safety: exactly-once payments and re-issues, held payments, who created a payment, NACHA files encrypted

Revision ID: 0055_payment_safety
Revises: 0040_permission_rights

- payments: `part` (which deposit part of its paycheck a payment is; a re-issue keeps its original's), `held`
  status with `hold_reason` and no account (bank_account_id nullable, ck_payments_account), `created_by_id`;
  a partial unique index uq_payments_live_part (one pending, sent or held payment per paycheck part) and
  reissue_of_id made unique (a payment is re-issued once at most).
- paychecks: reissue_of_id made unique (a reversed paycheck is re-issued once at most).
- nacha_files: content encrypted in place with the app's current key (the rows written in clear before).

Existing rows: `part` is numbered 0, 1, ... per paycheck in id order for first payments, and copied from the
original for re-issues. A database where the old double-submit bug already made two re-issues of one payment
or paycheck, or two live payments of one part, cannot take the unique indexes: the upgrade stops and names
them, to be settled by hand (returned or voided with the bank) before it is run again.
"""
import sqlalchemy as sa
from alembic import op

revision = '0055_payment_safety'
down_revision = '0050_payroll_schedules'
branch_labels = None
depends_on = None

LIVE = "status in ('pending','sent','held')"

payments = sa.table("payments", sa.column("id", sa.Integer), sa.column("paycheck_id", sa.Integer),
                    sa.column("reissue_of_id", sa.Integer), sa.column("part", sa.Integer),
                    sa.column("status", sa.String))
nacha_files = sa.table("nacha_files", sa.column("id", sa.Integer), sa.column("content", sa.Text))


def _plan_parts(conn) -> dict[int, int]:
    """Each existing payment's part: first payments 0, 1, ... per paycheck in id order; a re-issue its
    original's (re-issues come after their originals: ids grow)."""
    rows = conn.execute(sa.text("SELECT id, paycheck_id, reissue_of_id FROM payments ORDER BY id")).all()
    part: dict[int, int] = {}
    seen: dict[int, int] = {}
    for pid, paycheck_id, of in rows:
        if of is None:
            part[pid] = seen.get(paycheck_id, 0)
            seen[paycheck_id] = part[pid] + 1
        else:
            part[pid] = part.get(of, 0)
    return part


def _refuse_duplicates(conn, part: dict[int, int]) -> None:
    """Checked before any change (SQLite runs DDL outside the transaction: a step that stopped half-way could
    not be run again)."""
    problems = []
    for table in ("payments", "paychecks"):
        dup = conn.execute(sa.text(f"SELECT reissue_of_id, count(*) FROM {table} WHERE reissue_of_id IS NOT NULL "
                                   "GROUP BY reissue_of_id HAVING count(*) > 1 ORDER BY reissue_of_id")).all()
        problems += [f"{table}: {n} re-issues of #{rid}" for rid, n in dup]
    live: dict[tuple[int, int], list[int]] = {}
    for pid, paycheck_id in conn.execute(sa.text(f"SELECT id, paycheck_id FROM payments WHERE {LIVE} ORDER BY id")):
        live.setdefault((paycheck_id, part[pid]), []).append(pid)
    problems += [f"payments: live payments {ids} of paycheck #{pc} part {n}"
                 for (pc, n), ids in sorted(live.items()) if len(ids) > 1]
    if problems:
        raise RuntimeError("0055_payment_safety: paid twice already; settle these by hand, then upgrade again: "
                           + "; ".join(problems))


def _number_parts(conn, part: dict[int, int]) -> None:
    for pid, n in part.items():
        if n:
            conn.execute(payments.update().where(payments.c.id == pid).values(part=n))


def _encrypt_nacha_files(conn) -> None:
    """Clear NACHA content starts with the file header record ('101'); Fernet tokens start with 'gAAAAA'."""
    from backoffice.crypto import encrypt

    for fid, content in conn.execute(sa.select(nacha_files.c.id, nacha_files.c.content)).all():
        if content and not content.startswith("gAAAAA"):
            conn.execute(nacha_files.update().where(nacha_files.c.id == fid).values(content=encrypt(content)))


def _decrypt_nacha_files(conn) -> None:
    from backoffice.crypto import decrypt

    for fid, content in conn.execute(sa.select(nacha_files.c.id, nacha_files.c.content)).all():
        if content and content.startswith("gAAAAA"):
            conn.execute(nacha_files.update().where(nacha_files.c.id == fid).values(content=decrypt(content)))


def upgrade():
    conn = op.get_bind()
    part = _plan_parts(conn)
    _refuse_duplicates(conn, part)
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('part', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('hold_reason', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                      nullable=True))
        batch_op.create_foreign_key('fk_payments_created_by_id_users', 'users', ['created_by_id'], ['id'])
        batch_op.alter_column('bank_account_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                              nullable=True)
        batch_op.drop_constraint('ck_payments_status', type_='check')
        batch_op.create_check_constraint('ck_payments_status',
                                         "status in ('pending','sent','returned','reissued','held')")
        batch_op.create_check_constraint('ck_payments_account',
                                         "status in ('held','reissued') or bank_account_id is not null")
    _number_parts(conn, part)
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_reissue_of_id')
        batch_op.create_index('ix_payments_reissue_of_id', ['reissue_of_id'], unique=True)
        batch_op.create_index('uq_payments_live_part', ['paycheck_id', 'part'], unique=True,
                              sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    with op.batch_alter_table('paychecks', schema=None) as batch_op:
        batch_op.drop_index('ix_paychecks_reissue_of_id')
        batch_op.create_index('ix_paychecks_reissue_of_id', ['reissue_of_id'], unique=True)
    _encrypt_nacha_files(conn)


def downgrade():
    conn = op.get_bind()
    _decrypt_nacha_files(conn)
    with op.batch_alter_table('paychecks', schema=None) as batch_op:
        batch_op.drop_index('ix_paychecks_reissue_of_id')
        batch_op.create_index('ix_paychecks_reissue_of_id', ['reissue_of_id'], unique=False)
    if conn.execute(sa.text("SELECT count(*) FROM payments WHERE status = 'held'")).scalar():
        raise RuntimeError("0055_payment_safety: held payments exist (no account); release them before downgrading")
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('uq_payments_live_part')
        batch_op.drop_index('ix_payments_reissue_of_id')
        batch_op.create_index('ix_payments_reissue_of_id', ['reissue_of_id'], unique=False)
        batch_op.drop_constraint('ck_payments_account', type_='check')
        batch_op.drop_constraint('ck_payments_status', type_='check')
        batch_op.create_check_constraint('ck_payments_status', "status in ('pending','sent','returned','reissued')")
        batch_op.alter_column('bank_account_id', existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                              nullable=False)
        batch_op.drop_constraint('fk_payments_created_by_id_users', type_='foreignkey')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('hold_reason')
        batch_op.drop_column('part')
