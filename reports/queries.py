"""Finance-export queries: the only place pandas meets SQL (paychecks, their lines and the journal as DataFrames).

Every reader runs a fixed number of set-based queries whatever the size (never one per paycheck). Money comes
back as integer cents (`int64`, the columns' storage form) so the frames add exactly and fast; it becomes Decimal
text only when written out (reports/exports.py). On PostgreSQL rows travel through `COPY (query) TO STDOUT` and
pandas' C CSV parser (about ten times faster than fetching tuples) — the paycheck lines, ten a paycheck, as one row
per register column with their numbers packed as binary integers (`_lines_by_key`); elsewhere through the driver's
cursor.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa

from backoffice.db import RUN_SORT_MEMORY, planner_settings
from backoffice.extensions import db
from payroll.models import PayrollRun, released_runs
from payroll.models_ledger import ACCOUNTS



def _released_sql() -> str:
    """The ids of the runs a date-range report counts (payroll.models.released_runs: issued, not drafts) as SQL."""
    return str(released_runs().compile(dialect=db.session.get_bind().dialect,
                                       compile_kwargs={"literal_binds": True}))


@dataclass(frozen=True)
class Selection:
    """Which paychecks/journal entries a report covers: one run, or every reportable run paid in a date range."""

    run_id: int | None = None
    start: date | None = None
    end: date | None = None

    def describe(self) -> str:
        if self.run_id is not None:
            return f"run-{self.run_id}"
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def _paycheck_filter(sel: Selection, alias: str = "p") -> tuple[str, dict]:
    if sel.run_id is not None:
        return f"{alias}.run_id = :run_id", {"run_id": int(sel.run_id)}
    # B608 (SQL from strings) is marked here and below: fixed fragments, every value a bound parameter
    return (f"{alias}.pay_date BETWEEN :start AND :end AND {alias}.run_id IN "  # nosec B608
            f"({_released_sql()})"), {"start": sel.start, "end": sel.end}


def _journal_filter(sel: Selection) -> tuple[str, dict]:
    if sel.run_id is not None:
        return "e.run_id = :run_id", {"run_id": int(sel.run_id)}
    return (f"e.entry_date BETWEEN :start AND :end AND (e.run_id IS NULL OR e.run_id IN "  # nosec B608
            f"({_released_sql()}))"), {"start": sel.start, "end": sel.end}


def read_frame(sql: str, params: dict, dtypes: dict[str, str]) -> pd.DataFrame:
    """Run one SELECT in the session's transaction and return its rows as a DataFrame with the given dtypes
    (column order as in dtypes; the SELECT must name its columns in that order)."""
    conn = db.session.connection()
    columns = list(dtypes)
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        pg_sql, pg_params = _to_pyformat(sql, params)
        buf = io.BytesIO()
        with raw.cursor() as cur:
            with cur.copy(f"COPY ({pg_sql}) TO STDOUT WITH (FORMAT csv)", pg_params) as cp:
                for block in cp:
                    buf.write(block)
        buf.seek(0)
        if not buf.getbuffer().nbytes:
            return _empty(dtypes)
        text_cols = {c: _CSV_TEXT[t] for c, t in dtypes.items() if t in _CSV_TEXT}
        frame = pd.read_csv(buf, header=None, names=columns, dtype=text_cols, keep_default_na=False,
                            na_values={c: [""] for c, t in dtypes.items() if t not in _CSV_TEXT})
    else:
        rows = conn.execute(sa.text(sql), params).all()
        if not rows:
            return _empty(dtypes)
        frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=columns)
    return _typed(frame, dtypes)


# How read_csv reads the text kinds: a "key" (a few distinct values in many rows: a line's kind, code, state) as
# a category, hashed by the C parser as it reads, instead of one Python string per cell.
_CSV_TEXT = {"string": "string", "date": "string", "key": "category"}


def _to_pyformat(sql: str, params: dict) -> tuple[str, dict]:
    out = sql
    for name in sorted(params, key=len, reverse=True):
        out = out.replace(f":{name}", f"%({name})s")
    return out, params


def _empty(dtypes: dict[str, str]) -> pd.DataFrame:
    return _typed(pd.DataFrame({c: [] for c in dtypes}), dtypes)


def _iso(v):
    """A date cell as ISO text; NULL (None, or NaN where pandas filled an all-NULL column) stays missing."""
    if v is None or (isinstance(v, float) and v != v):
        return None
    return v if isinstance(v, str) else v.isoformat()


def _typed(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    for col, kind in dtypes.items():
        s = frame[col]
        if kind == "cents":            # money: exact integer cents, NULL read as 0 only where the column allows it
            frame[col] = s.fillna(0).astype("int64")
        elif kind == "int":
            frame[col] = s.fillna(0).astype("int64")
        elif kind == "Int":            # a nullable id
            frame[col] = s.astype("Int64")
        elif kind == "date":           # ISO text on every backend (SQLite stores dates as text)
            # PostgreSQL's CSV is read as ISO text already (read_frame); the driver's rows may hold dates
            frame[col] = s if isinstance(s.dtype, pd.StringDtype) else s.map(_iso).astype("string")
        elif kind == "key":            # text of few distinct values (a line's kind, code, state); never missing
            frame[col] = s if isinstance(s.dtype, pd.CategoricalDtype) else s.fillna("").astype("category")
        else:
            frame[col] = s.fillna("").astype("string")
    return frame


# ------------------------------------------------------------------------------------------------ register
PAYCHECK_DTYPES = {
    "paycheck_id": "int", "run_id": "int", "kind": "string", "pay_date": "date", "period_start": "date",
    "period_end": "date", "worker_id": "int", "worker": "string", "worker_type": "string",
    "engagement_id": "Int", "client_id": "Int", "client": "string", "agency_id": "Int", "agency": "string",
    "work_state": "string", "gross": "cents", "employee_taxes": "cents", "employer_taxes": "cents",
    "deductions": "cents", "net": "cents", "qualified_overtime_premium": "cents",
}

LINE_DTYPES = {"paycheck_id": "int", "kind": "key", "code": "key", "state": "key", "amount": "cents"}

# The register's two reads of a run (its paychecks, its lines): sorted in memory (a 100,000-worker run's paychecks
# went through an external merge on disk), and without parallel workers — at 100,000 the paychecks' read took two,
# each sorting its third to disk before a Gather Merge: more of the server's CPU on a machine whose cores the run's
# other work (the NACHA file, the approval's chunks) already keeps busy.
REGISTER_READ = {"work_mem": RUN_SORT_MEMORY, "max_parallel_workers_per_gather": "0"}


def paychecks(sel: Selection) -> pd.DataFrame:
    """One row per paycheck with its worker, engagement and client (empty, "Several clients", when one paycheck pays
    several engagements: its earning lines name theirs), agency, state, dates and stored totals."""
    where, params = _paycheck_filter(sel)
    sql = f"""
        SELECT p.id, p.run_id, p.kind, p.pay_date, p.period_start, p.period_end, p.worker_id,
               w.last_name || ', ' || w.first_name, p.worker_type, p.engagement_id, p.client_id,
               COALESCE(c.name, 'Several clients'),
               p.agency_id, COALESCE(a.legal_name, ''), p.work_state,
               p.gross, p.employee_taxes, p.employer_taxes, p.deductions, p.net, p.qualified_overtime_premium
        FROM paychecks p
        JOIN workers w ON w.id = p.worker_id
        LEFT JOIN clients c ON c.id = p.client_id
        LEFT JOIN agencies a ON a.id = p.agency_id
        WHERE {where}
        ORDER BY p.pay_date, p.run_id, p.id"""  # nosec B608
    with planner_settings(db.session.connection(), **REGISTER_READ):
        return read_frame(sql, params, PAYCHECK_DTYPES)


def paycheck_lines(sel: Selection, paycheck_ids: np.ndarray | None = None) -> pd.DataFrame:
    """Every line of the selected paychecks: (paycheck_id, kind, code, state, amount in cents), in no set order.
    paycheck_ids, the selected paychecks' ids when the caller has read them (the register), lets PostgreSQL read
    the lines by their ids' range (`_lines_by_key`)."""
    where, params = _paycheck_filter(sel)
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        return _lines_by_key(conn, where, params, paycheck_ids)
    sql = f"""
        SELECT l.paycheck_id, l.kind, l.code, l.state, l.amount
        FROM paycheck_lines l JOIN paychecks p ON p.id = l.paycheck_id
        WHERE {where}"""  # nosec B608
    return read_frame(sql, params, LINE_DTYPES)


def _lines_by_key(conn, where: str, params: dict, paycheck_ids: np.ndarray | None = None) -> pd.DataFrame:
    """paycheck_lines on PostgreSQL: one row per distinct (kind, code, state) — a run's ~30, where COPY sent one
    message per line (~10 a paycheck), each costing this process ~0.6 µs in psycopg — holding its lines'
    (paycheck_id, amount) pairs as one bytea of big-endian int8s (`int8send`, the integers' binary form: nothing to
    parse or quote, read by numpy as they come). One aggregate carries both numbers, so each pair stays together;
    both columns are NOT NULL, so no line is skipped (string_agg drops NULLs).

    When the selected paychecks' ids are given and are every id from the least to the greatest (a run calculated
    on its own; the ids are unique, so their count says so), the lines are read by that range of their key alone,
    without joining the paychecks: exactly the same lines, for 0.13 s less of the server's CPU at 100,000 paychecks
    (970,000 lines: the hash join's probes). Ids with gaps (runs calculated at once, a chunk rolled back) could
    bring other paychecks' lines in between, so they are read through the join."""
    if paycheck_ids is not None and len(paycheck_ids) and \
            int(paycheck_ids.max()) - int(paycheck_ids.min()) + 1 == len(paycheck_ids):
        lines = "paycheck_lines l WHERE l.paycheck_id BETWEEN :first_id AND :last_id"
        params = {"first_id": int(paycheck_ids.min()), "last_id": int(paycheck_ids.max())}
    else:
        lines = f"paycheck_lines l JOIN paychecks p ON p.id = l.paycheck_id WHERE {where}"
    sql = f"""
        SELECT l.kind, l.code, l.state, string_agg(int8send(l.paycheck_id) || int8send(l.amount), ''::bytea)
        FROM {lines}
        GROUP BY l.kind, l.code, l.state"""  # nosec B608
    pg_sql, pg_params = _to_pyformat(sql, params)
    # Hashed, never sorted, for this statement: right after a run its lines' statistics are stale (autovacuum has not
    # analyzed them: ~300 rows expected for 193,928 at 20,000 paychecks), and the planner would sort every line by its
    # three keys (an external merge sort, +0.06–0.10 s of the server's CPU there) to group them into a few dozen
    # groups. Without parallel workers, as the paychecks' read (REGISTER_READ).
    with planner_settings(conn, enable_sort="off", **REGISTER_READ), \
            conn.connection.driver_connection.cursor(binary=True) as cur:
        cur.execute(pg_sql, pg_params)
        groups = cur.fetchall()
    if not groups:
        return _empty(LINE_DTYPES)
    kinds, codes, states, packed = zip(*groups)
    pairs = np.frombuffer(b"".join(packed), dtype=">i8").astype(np.int64).reshape(-1, 2)
    group_of_line = np.repeat(np.arange(len(groups)), [len(p) // 16 for p in packed])
    return pd.DataFrame({"paycheck_id": pairs[:, 0], **{c: _key_column(v, group_of_line) for c, v in
                                                        (("kind", kinds), ("code", codes), ("state", states))},
                         "amount": pairs[:, 1]})


def _key_column(per_group: tuple[str, ...], group_of_line: np.ndarray) -> pd.Categorical:
    """A key column (a "key" kind: category) of every line, from its group's value."""
    groups = pd.Categorical(per_group)
    return pd.Categorical.from_codes(groups.codes[group_of_line], dtype=groups.dtype)


# ------------------------------------------------------------------------------------------------ tax liability
TAX_LINE_DTYPES = {"agency_id": "Int", "agency": "string", "kind": "string", "code": "string", "state": "string",
                   "amount": "cents", "taxable_wages": "cents", "lines": "int"}


def tax_lines(sel: Selection) -> pd.DataFrame:
    """Tax lines summed in the database per (agency, employee/employer, tax code, state): a few hundred rows
    however many paychecks, ready for reports.frames.liability_summary."""
    where, params = _paycheck_filter(sel)
    sql = f"""
        SELECT p.agency_id, COALESCE(a.legal_name, ''), l.kind, l.code, l.state,
               SUM(l.amount), SUM(COALESCE(l.taxable_wages, 0)), COUNT(*)
        FROM paycheck_lines l
        JOIN paychecks p ON p.id = l.paycheck_id
        LEFT JOIN agencies a ON a.id = p.agency_id
        WHERE {where} AND l.kind IN ('employee_tax', 'employer_tax')
        GROUP BY p.agency_id, a.legal_name, l.kind, l.code, l.state"""  # nosec B608
    return read_frame(sql, params, TAX_LINE_DTYPES)


# ------------------------------------------------------------------------------------------------ journal
JOURNAL_DTYPES = {"entry_id": "int", "entry_date": "date", "entry_kind": "string", "run_id": "Int",
                  "paycheck_id": "Int", "entry_memo": "string", "line_id": "int", "account": "string",
                  "detail": "string", "state": "string", "agency_id": "Int", "agency": "string",
                  "debit": "cents", "credit": "cents"}


def journal_lines(sel: Selection) -> pd.DataFrame:
    """Journal lines of the selected entries (a run's, or every entry dated in the range), in posting order."""
    where, params = _journal_filter(sel)
    sql = f"""
        SELECT e.id, e.entry_date, e.kind, e.run_id, e.paycheck_id, e.memo, l.id, l.account, l.detail, l.state,
               l.agency_id, COALESCE(a.legal_name, ''), l.debit, l.credit
        FROM journal_lines l
        JOIN journal_entries e ON e.id = l.entry_id
        LEFT JOIN agencies a ON a.id = l.agency_id
        WHERE {where}
        ORDER BY e.entry_date, e.id, l.id"""  # nosec B608
    return read_frame(sql, params, JOURNAL_DTYPES)


def account_names() -> dict[str, str]:
    """The chart of accounts the payroll journal posts to (code -> name)."""
    return dict(ACCOUNTS)


# ------------------------------------------------------------------------------------------------ runs (chart)
def recent_runs(limit: int = 12) -> list[dict]:
    """The latest runs with their stored totals (newest last), for the admin chart and the run picker."""
    rows = db.session.execute(sa.select(PayrollRun).order_by(PayrollRun.pay_date.desc(), PayrollRun.id.desc())
                              .limit(limit)).scalars().all()
    return [{"id": r.id, "kind": r.kind, "state": r.state, "pay_date": r.pay_date, "label": str(r),
             "gross": r.total_gross, "employee_taxes": r.total_employee_taxes,
             "employer_taxes": r.total_employer_taxes, "deductions": r.total_deductions, "net": r.total_net,
             "paychecks": r.paycheck_count} for r in reversed(rows)]


def run_exists(run_id: int) -> bool:
    return db.session.get(PayrollRun, run_id) is not None


def count_paychecks(sel: Selection) -> int:
    where, params = _paycheck_filter(sel)
    count = sa.text(f"SELECT COUNT(*) FROM paychecks p WHERE {where}")  # nosec B608
    return int(db.session.execute(count, params).scalar())


# ------------------------------------------------------------------------------------------------ agency reports
# Paychecks of released runs paid in a date range, for margins and labor cost (reports/agency_frames.py).
COST_PAYCHECK_DTYPES = {
    "paycheck_id": "int", "pay_date": "date", "worker_id": "int", "worker": "string", "worker_type": "string",
    "engagement_id": "Int", "client_id": "Int", "client": "string", "work_state": "string", "gross": "cents",
    "employer_taxes": "cents", "benefits": "cents"}
EARNING_DTYPES = {"paycheck_id": "int", "engagement_id": "Int", "client_id": "Int", "client": "string",
                  "state": "string", "amount": "cents"}
ENGAGEMENT_DTYPES = {"engagement_id": "int", "worker_id": "int", "worker": "string", "client_id": "int",
                     "client": "string", "state": "string", "type": "string", "classification": "string",
                     "status": "string", "start_date": "date", "end_date": "date"}
ENROLLMENT_DTYPES = {"plan_id": "int", "plan": "string", "kind": "string", "worker_id": "int", "waived": "int",
                     "status": "string", "effective_date": "date", "end_date": "date", "employee_monthly": "cents",
                     "employer_monthly": "cents"}
CONTRIBUTION_DTYPES = {"paycheck_id": "int", "code": "string", "amount": "cents"}


def cost_paychecks(start: date, end: date) -> pd.DataFrame:
    """One row per paycheck of a released run paid from start to end: worker, type, its engagement and client
    (empty when it pays several: see cost_earnings), work state, gross, and its employer-tax and employer-
    contribution lines summed — the figures the payroll journal posts to 6100/6150, 6200 and 6300."""
    where, params = _paycheck_filter(Selection(start=start, end=end))
    sql = f"""
        SELECT p.id, p.pay_date, p.worker_id, w.last_name || ', ' || w.first_name, p.worker_type,
               p.engagement_id, p.client_id, COALESCE(c.name, ''), p.work_state, p.gross,
               COALESCE(SUM(CASE WHEN l.kind = 'employer_tax' THEN l.amount END), 0),
               COALESCE(SUM(CASE WHEN l.kind = 'employer_contribution' THEN l.amount END), 0)
        FROM paychecks p
        JOIN workers w ON w.id = p.worker_id
        LEFT JOIN clients c ON c.id = p.client_id
        LEFT JOIN paycheck_lines l ON l.paycheck_id = p.id AND l.kind IN ('employer_tax', 'employer_contribution')
        WHERE {where}
        GROUP BY p.id, p.pay_date, p.worker_id, w.last_name, w.first_name, p.worker_type, p.engagement_id,
                 p.client_id, c.name, p.work_state, p.gross
        ORDER BY p.pay_date, p.id"""  # nosec B608
    return read_frame(sql, params, COST_PAYCHECK_DTYPES)


def cost_earnings(start: date, end: date) -> pd.DataFrame:
    """Earning lines of the same paychecks summed per (paycheck, engagement), with the engagement's client and
    work state: how a paycheck's cost is split between the clients it worked for."""
    where, params = _paycheck_filter(Selection(start=start, end=end))
    sql = f"""
        SELECT l.paycheck_id, l.engagement_id, COALESCE(l.client_id, e.client_id), COALESCE(c.name, ''),
               COALESCE(e.work_state, p.work_state), SUM(l.amount)
        FROM paycheck_lines l
        JOIN paychecks p ON p.id = l.paycheck_id
        JOIN engagements e ON e.id = l.engagement_id
        LEFT JOIN clients c ON c.id = COALESCE(l.client_id, e.client_id)
        WHERE {where} AND l.kind = 'earning'
        GROUP BY l.paycheck_id, l.engagement_id, COALESCE(l.client_id, e.client_id), c.name,
                 COALESCE(e.work_state, p.work_state)"""  # nosec B608
    return read_frame(sql, params, EARNING_DTYPES)


def engagements_frame() -> pd.DataFrame:
    """Every engagement that started (not pending): worker, client, work state, type, signed classification and
    dates — headcount, turnover and the classification mix."""
    sql = """
        SELECT e.id, e.worker_id, w.last_name || ', ' || w.first_name, e.client_id, c.name, e.work_state, e.type,
               e.classification, e.status, e.start_date, e.end_date
        FROM engagements e
        JOIN workers w ON w.id = e.worker_id
        JOIN clients c ON c.id = e.client_id
        WHERE e.status <> 'pending'
        ORDER BY e.id"""
    frame = read_frame(sql, {}, ENGAGEMENT_DTYPES)
    frame["classification"] = frame["classification"].replace("", pd.NA)
    frame["end_date"] = frame["end_date"].replace("", pd.NA)
    return frame


def enrollments_frame(as_of: date) -> pd.DataFrame:
    """Benefit elections and waivers in force on as_of, with their plan and monthly costs."""
    sql = """
        SELECT b.id, b.name, b.kind, n.worker_id, CASE WHEN n.waived THEN 1 ELSE 0 END, n.status, n.effective_date,
               n.end_date, COALESCE(n.employee_monthly, 0), COALESCE(n.employer_monthly, 0)
        FROM benefit_enrollments n
        JOIN benefit_plans b ON b.id = n.plan_id
        WHERE n.status <> 'cancelled' AND n.effective_date <= :day AND (n.end_date IS NULL OR n.end_date >= :day)
        ORDER BY b.kind, b.name, n.id"""
    frame = read_frame(sql, {"day": as_of}, ENROLLMENT_DTYPES)
    frame["end_date"] = frame["end_date"].replace("", pd.NA)
    frame["waived"] = frame["waived"].astype(bool)
    return frame


def contribution_lines(start: date, end: date) -> pd.DataFrame:
    """Employer benefit contributions (paycheck lines) of released runs paid from start to end."""
    where, params = _paycheck_filter(Selection(start=start, end=end))
    sql = f"""
        SELECT l.paycheck_id, l.code, l.amount
        FROM paycheck_lines l JOIN paychecks p ON p.id = l.paycheck_id
        WHERE {where} AND l.kind = 'employer_contribution'"""  # nosec B608
    return read_frame(sql, params, CONTRIBUTION_DTYPES)


def count_cost_paychecks(start: date, end: date) -> int:
    """How many paychecks a margin or labor-cost report over start..end reads (decides inline or background)."""
    return count_paychecks(Selection(start=start, end=end))


REVENUE_DTYPES = {"issue_date": "date", "invoice_id": "int", "client_id": "int", "client": "string",
                  "worker_id": "Int", "worker": "string", "state": "string", "revenue": "cents"}
PREMIUM_DTYPES = {"paycheck_id": "int", "engagement_id": "Int", "client_id": "Int", "client": "string",
                  "state": "string", "premium": "cents"}


def revenue_lines(start: date, end: date) -> pd.DataFrame:
    """Invoice lines of the invoices and credit notes issued from start to end (numbered, not void), credit notes
    negative: what the ledger posts to 4000 on each issue date. With the line's worker, client and the state of
    the engagement it bills."""
    sql = """
        SELECT i.issue_date, i.id, i.client_id, c.name, l.worker_id,
               COALESCE(w.last_name || ', ' || w.first_name, ''), COALESCE(e.work_state, ''),
               CASE WHEN i.kind = 'credit_note' THEN -l.amount ELSE l.amount END
        FROM invoice_lines l
        JOIN invoices i ON i.id = l.invoice_id
        JOIN clients c ON c.id = i.client_id
        LEFT JOIN workers w ON w.id = l.worker_id
        LEFT JOIN engagements e ON e.id = l.engagement_id
        WHERE i.number IS NOT NULL AND i.status NOT IN ('draft', 'void')
          AND i.issue_date BETWEEN :start AND :end
        ORDER BY i.issue_date, i.id, l.id"""
    return read_frame(sql, {"start": start, "end": end}, REVENUE_DTYPES)


def premium_lines(start: date, end: date) -> pd.DataFrame:
    """Workers' compensation premiums of the paychecks cost_paychecks reads (released runs paid start..end), per
    paycheck and engagement: what the payroll entry posts to 6400."""
    where, params = _paycheck_filter(Selection(start=start, end=end))
    sql = f"""
        SELECT wp.paycheck_id, wp.engagement_id, wp.client_id, COALESCE(c.name, ''), wp.state, wp.premium
        FROM workers_comp_premiums wp
        JOIN paychecks p ON p.id = wp.paycheck_id
        LEFT JOIN clients c ON c.id = wp.client_id
        WHERE {where}"""  # nosec B608
    return read_frame(sql, params, PREMIUM_DTYPES)


LEDGER_DTYPES = {"account": "string", "debit": "cents", "credit": "cents"}


def ledger_movements(start: date, end: date, accounts: tuple[str, ...]) -> pd.DataFrame:
    """Debits and credits per account over the journal entries dated start..end, as the GL export reads them
    (entries of released runs, and entries of no run: invoices, receipts, deposits)."""
    where, params = _journal_filter(Selection(start=start, end=end))
    names = ", ".join(f":acct{i}" for i in range(len(accounts)))
    params.update({f"acct{i}": a for i, a in enumerate(accounts)})
    sql = f"""
        SELECT l.account, SUM(l.debit), SUM(l.credit)
        FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
        WHERE {where} AND l.account IN ({names})
        GROUP BY l.account"""  # nosec B608
    return read_frame(sql, params, LEDGER_DTYPES)
