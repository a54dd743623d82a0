"""Finance-export queries: the only place pandas meets SQL (paychecks, their lines and the journal as DataFrames).

Every reader runs a fixed number of set-based queries whatever the size (never one per paycheck). Money comes
back as integer cents (`int64`, the columns' storage form) so the frames add exactly and fast; it becomes Decimal
text only when written out (reports/exports.py). On PostgreSQL rows travel through `COPY (query) TO STDOUT` and
pandas' C CSV parser (about ten times faster than fetching tuples); elsewhere through the driver's cursor.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pandas as pd
import sqlalchemy as sa

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
        text_cols = {c: "string" for c, t in dtypes.items() if t in ("string", "date")}
        frame = pd.read_csv(buf, header=None, names=columns, dtype=text_cols, keep_default_na=False,
                            na_values={c: [""] for c, t in dtypes.items() if t not in ("string", "date")})
    else:
        rows = conn.execute(sa.text(sql), params).all()
        if not rows:
            return _empty(dtypes)
        frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=columns)
    return _typed(frame, dtypes)


def _to_pyformat(sql: str, params: dict) -> tuple[str, dict]:
    out = sql
    for name in sorted(params, key=len, reverse=True):
        out = out.replace(f":{name}", f"%({name})s")
    return out, params


def _empty(dtypes: dict[str, str]) -> pd.DataFrame:
    return _typed(pd.DataFrame({c: [] for c in dtypes}), dtypes)


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
            frame[col] = s.map(lambda v: v if isinstance(v, str) or v is None else v.isoformat()).astype("string")
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

LINE_DTYPES = {"paycheck_id": "int", "kind": "string", "code": "string", "state": "string", "amount": "cents"}


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
    return read_frame(sql, params, PAYCHECK_DTYPES)


def paycheck_lines(sel: Selection) -> pd.DataFrame:
    """Every line of the selected paychecks: (paycheck_id, kind, code, state, amount in cents)."""
    where, params = _paycheck_filter(sel)
    sql = f"""
        SELECT l.paycheck_id, l.kind, l.code, l.state, l.amount
        FROM paycheck_lines l JOIN paychecks p ON p.id = l.paycheck_id
        WHERE {where}"""  # nosec B608
    return read_frame(sql, params, LINE_DTYPES)


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
