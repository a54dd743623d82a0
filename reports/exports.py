"""Finance exports: the register, tax-liability summary and GL journal as CSV or XLSX bytes (pandas + openpyxl).

Frames carry money as integer cents; here it becomes exact decimal text (CSV) or number cells holding the exact
decimal with a two-decimal number format (XLSX) — never float. XLSX goes through the streaming writer
`reports.xlsx` (about a million cells a second; openpyxl for sheets it does not handle); a large one is still
built by the `reports.tasks.build_export` task into a file, reporting progress, so that no web request waits.
"""
from __future__ import annotations

import io
import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from backoffice.dates import parse_date
from backoffice.errors import Issue, NotFound, ValidationFailed
from backoffice.exports import FORMULA_START, escape_cell, runs_as_formula
from backoffice.money import D, from_cents_each
from reports import frames, queries, xlsx
from reports.queries import Selection

KINDS = ("register", "tax-liability", "gl")
FORMATS = ("csv", "xlsx")
MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# Above this many paychecks (or journal lines) an XLSX is built by a background task, not in the request.
XLSX_INLINE_LIMIT = 20_000
# The longest date range one export covers: a year, leap years included. Longer ones are a year at a time.
MAX_RANGE_DAYS = 366
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
_FRACTIONS = np.array([f"{i:02d}" for i in range(100)], dtype=object)
Progress = Callable[[int, int], None]


@dataclass
class Sheet:
    """One table of an export: its rows, which columns are money (cents) and which are ISO dates."""

    title: str
    frame: pd.DataFrame
    money_columns: list[str] = field(default_factory=list)
    date_columns: list[str] = field(default_factory=list)
    sparse_columns: set[str] = field(default_factory=set)   # money columns whose zeros are left blank in XLSX
    total_row: bool = True
    count_columns: list[str] = field(default_factory=list)  # whole numbers a total row adds up (hires, workers)


@dataclass(frozen=True)
class Export:
    filename: str
    mimetype: str
    content: bytes


# ------------------------------------------------------------------------------------------------ selection
def parse_selection(args) -> Selection:
    """A Selection from request/CLI arguments: `run_id`, or `start` and `end` (ISO dates). Every bad or missing
    field is reported."""
    issues: list[Issue] = []
    run_raw = (args.get("run_id") or "").strip() if isinstance(args.get("run_id"), str) else args.get("run_id")
    start_raw, end_raw = args.get("start") or "", args.get("end") or ""
    if run_raw not in (None, ""):
        try:
            run_id = int(run_raw)
            if run_id <= 0:
                raise ValueError
        except (TypeError, ValueError):
            issues.append(Issue("run_id", "must be a positive whole number (a payroll run id)"))
        else:
            if start_raw or end_raw:
                issues.append(Issue("run_id", "give either a run or a date range, not both"))
            elif not queries.run_exists(run_id):
                raise NotFound(f"payroll run {run_id} not found")
            if not issues:
                return Selection(run_id=run_id)
        raise ValidationFailed(issues)
    start = _date(start_raw, "start", issues)
    end = _date(end_raw, "end", issues)
    if start and end and end < start:
        issues.append(Issue("end", "must be on or after start"))
    elif start and end and (end - start).days + 1 > MAX_RANGE_DAYS:
        issues.append(Issue("end", f"a range covers at most {MAX_RANGE_DAYS} days (a year; {start} to {end} is "
                                   f"{(end - start).days + 1}): export a year at a time", "range_too_long"))
    if issues:
        raise ValidationFailed(issues)
    return Selection(start=start, end=end)


def _date(raw, name: str, issues: list[Issue]) -> date | None:
    """One end of the date range: required unless a run is picked."""
    if not raw:
        issues.append(Issue(name, "required (an ISO date, e.g. 2026-01-31) unless run_id is given"))
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        issues.append(Issue(name, str(exc)))
        return None


def check_kind_format(kind: str, fmt: str) -> None:
    issues = []
    if kind not in KINDS:
        issues.append(Issue("kind", f"must be one of {', '.join(KINDS)}"))
    if fmt not in FORMATS:
        issues.append(Issue("format", "must be csv or xlsx"))
    if issues:
        raise ValidationFailed(issues)


# ------------------------------------------------------------------------------------------------ building
def register_sheets(sel: Selection) -> list[Sheet]:
    paychecks = queries.paychecks(sel)
    lines = queries.paycheck_lines(sel, paychecks["paycheck_id"].to_numpy())
    frame, money = frames.register(paychecks, lines)
    line_cols = set(money) - set(frames.REGISTER_TOTALS)
    return [Sheet("Register", frame, money, list(frames.REGISTER_DATES), sparse_columns=line_cols)]


def register_rows(sel: Selection) -> tuple[list[str], Iterator[tuple]]:
    """The register export's columns, and its rows as tuples of Python values in that column order (money Decimal,
    dates `date`), for code that checks or reuses the figures rather than writing a file; `dict(zip(columns, row))`
    names a row's cells. (A tuple, not a dict, a row: at 100,000 rows the dicts of 48 keys cost 0.19 s of CPU, as
    much as reading the paychecks.)"""
    (sheet,) = register_sheets(sel)
    frame = sheet.frame
    columns = list(frame.columns)
    money, dates = set(sheet.money_columns), set(sheet.date_columns)
    # Converted a column at a time, each distinct value once: a run's 100,000 rows hold ~3.5 million money cells,
    # most of them a few repeated amounts (most line columns are 0), and a handful of dates. The money columns are
    # matched as one block: the same amount recurs across columns (at 20,000 rows 87,255 distinct amounts, against
    # 169,098 counted column by column). A Decimal and a date are immutable, so cells may share one. The block is
    # laid out a column after another: each column's list is one slice of it, and a line column's zeros come in a
    # row (its matching 0.094 -> 0.036 s at 100,000 rows).
    at = [c for c in columns if c in money]
    block = frame[at].to_numpy(dtype=np.int64).T.ravel()
    amounts = dict(zip(at, _converted(block, from_cents_each).reshape(len(at), len(frame)).tolist()))
    values = [amounts[c] if c in money
              else _converted(frame[c], _dates).tolist() if c in dates
              else _cell_values(frame[c]) for c in columns]
    return columns, zip(*values)


def _dates(texts: list[str]) -> list:
    """ISO dates as `date`; an empty cell stays as it is."""
    return [parse_date(t) if t else t for t in texts]


def _converted(values: pd.Series | np.ndarray, convert: Callable[[list], list]) -> np.ndarray:
    """The cells of a column (an object array), converted by convert(distinct values) → their converted values,
    each distinct value once; a missing cell stays None. pandas' hash table matches the cells to their distinct
    values."""
    codes, uniques = pd.factorize(values)
    table = np.empty(len(uniques) + 1, dtype=object)        # the last entry: what code -1 (missing) takes
    table[:-1] = convert(uniques.tolist())
    return table[codes]


def liability_sheets(sel: Selection) -> list[Sheet]:
    summary = frames.liability_summary(queries.tax_lines(sel))
    by_state = frames.liability_by_state(summary)
    return [Sheet("By tax", summary, list(frames.LIABILITY_MONEY)),
            Sheet("By state", by_state, ["employee_withheld", "employer", "total"])]


def gl_sheets(sel: Selection) -> list[Sheet]:
    accounts = queries.account_names()
    journal = frames.gl_journal(queries.journal_lines(sel), accounts)
    return [Sheet("Journal", journal, ["debit", "credit"], ["entry_date"]),
            Sheet("By account", frames.gl_by_account(journal, accounts), ["debit", "credit", "balance"])]


BUILDERS = {"register": register_sheets, "tax-liability": liability_sheets, "gl": gl_sheets}


def filename(kind: str, sel: Selection, fmt: str) -> str:
    return f"{kind}_{sel.describe()}.{fmt}"


def export(kind: str, sel: Selection, fmt: str, *, progress: Progress | None = None) -> Export:
    """Build one export in memory: CSV holds the first sheet; XLSX holds every sheet with a total row."""
    check_kind_format(kind, fmt)
    sheets = BUILDERS[kind](sel)
    content = csv_bytes(sheets[0]) if fmt == "csv" else xlsx_bytes(sheets, progress=progress)
    return Export(filename(kind, sel, fmt), MIMETYPES[fmt], content)


def needs_task(kind: str, sel: Selection, fmt: str) -> bool:
    """True when an XLSX is too big to build inside a web request (see XLSX_INLINE_LIMIT)."""
    return fmt == "xlsx" and kind != "tax-liability" and queries.count_paychecks(sel) > XLSX_INLINE_LIMIT


# ------------------------------------------------------------------------------------------------ CSV
def cents_text(values) -> pd.Series:
    """Integer cents as exact decimal text: 123456 -> '1234.56', -5 -> '-0.05' (integer arithmetic only)."""
    v = np.asarray(values, dtype=np.int64)
    out = np.full(len(v), "0.00", dtype=object)     # register line columns are mostly zero: format the rest
    nz = np.flatnonzero(v)
    if len(nz):
        part = v[nz]
        a = np.abs(part)
        whole = np.array([str(q) for q in (a // 100).tolist()], dtype=object)
        text = whole + "." + _FRACTIONS[a % 100]
        out[nz] = np.where(part < 0, "-" + text, text)
    return pd.Series(out, dtype=object)


def csv_frame(sheet: Sheet) -> pd.DataFrame:
    out = sheet.frame.copy()
    for col in sheet.money_columns:
        out[col] = cents_text(out[col].to_numpy()).to_numpy()
    money = set(sheet.money_columns)
    for col in out.columns:   # names and memos come from users: never hand a spreadsheet a formula
        if col not in money and not pd.api.types.is_numeric_dtype(out[col].dtype):
            risky = out[col].astype("string").str.startswith(FORMULA_START, na=False)
            if risky.any():
                out[col] = out[col].astype(object).map(escape_cell)
    return out


def csv_bytes(sheet: Sheet) -> bytes:
    return csv_frame(sheet).to_csv(index=False, lineterminator="\n").encode("utf-8")


# ------------------------------------------------------------------------------------------------ XLSX
def xlsx_bytes(sheets: list[Sheet], *, progress: Progress | None = None) -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, sheets, progress=progress)
    return buf.getvalue()


def write_xlsx(target, sheets: list[Sheet], *, progress: Progress | None = None, every: int = 5000) -> None:
    """Write sheets to a path or binary file: bold frozen header, money as numbers formatted #,##0.00, dates as
    dates, then a total row. Sheets of whole numbers, cents, dates and text (every finance export) go through the
    streaming writer `reports.xlsx` (~10x faster); anything else through openpyxl's write-only workbook."""
    tables = [_xlsx_table(sheet) for sheet in sheets]
    if all(t is not None for t in tables):
        xlsx.write_workbook(target, tables, progress=progress, every=every)
    else:
        write_xlsx_openpyxl(target, sheets, progress=progress, every=every)


def _column_width(col) -> int:
    return max(10, min(40, len(str(col)) + 2))


def _xlsx_table(sheet: Sheet) -> "xlsx.Table | None":
    """The sheet as columns of known kinds for `reports.xlsx`, or None when a column holds other values (floats,
    booleans, mixed objects), which only openpyxl writes."""
    money, dates = set(sheet.money_columns), set(sheet.date_columns)
    columns = []
    for col in sheet.frame.columns:
        series = sheet.frame[col]
        if col in money:
            if not pd.api.types.is_integer_dtype(series.dtype):
                return None
            kind = "sparse" if col in sheet.sparse_columns else "money"
        elif col in dates:
            if pd.api.types.infer_dtype(series, skipna=True) not in ("string", "date", "empty"):
                return None
            kind = "date"
        elif pd.api.types.is_integer_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
            kind = "int"
        elif pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
            kind = "text"
        else:
            return None
        columns.append(xlsx.Column(str(col), kind, series, _column_width(col)))
    total = None
    if sheet.total_row and sheet.money_columns and len(sheet.frame):
        total = [int(sheet.frame[c].sum()) if c in money else ("Total" if i == 0 else None)
                 for i, c in enumerate(sheet.frame.columns)]
    return xlsx.Table(sheet.title, columns, total, quoted=runs_as_formula)


def write_xlsx_openpyxl(target, sheets: list[Sheet], *, progress: Progress | None = None, every: int = 5000) -> None:
    """The same workbook through openpyxl's write-only workbook (constant memory, ~85,000 cells a second): for
    sheets with values `reports.xlsx` does not write."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    wb = Workbook(write_only=True)
    total = sum(len(s.frame) for s in sheets)
    done = 0
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title[:31])
        ws.freeze_panes = "A2"
        cols = list(sheet.frame.columns)
        for i, col in enumerate(cols):
            letter = _column_letter(i + 1)
            ws.column_dimensions[letter].width = _column_width(col)
        bold = []
        for col in cols:
            c = WriteOnlyCell(ws, value=str(col))
            c.font = Font(bold=True)
            bold.append(c)
        ws.append(bold)
        money_cell = WriteOnlyCell(ws)
        money_cell.number_format = MONEY_FORMAT
        date_cell = WriteOnlyCell(ws)
        date_cell.number_format = DATE_FORMAT
        text_cell = WriteOnlyCell(ws)
        text_cell.alignment = Alignment(horizontal="left")   # styled, so openpyxl gives it a cell of its own
        formula_text_cell = WriteOnlyCell(ws)
        formula_text_cell.alignment = Alignment(horizontal="left")
        formula_text_cell.quotePrefix = True
        plain = []
        for col in cols:
            if col in sheet.money_columns:
                plain.append("sparse" if col in sheet.sparse_columns else "money")
            elif col in sheet.date_columns:
                plain.append("date")
            else:
                plain.append("text")
        arrays = [_cell_values(sheet.frame[c]) for c in cols]

        def row_cells(values: Iterable, kinds=plain):
            # One reused styled cell per kind: openpyxl writes each cell before pulling the next value.
            for value, kind in zip(values, kinds):
                if value is None:
                    yield None
                elif kind == "text":
                    if runs_as_formula(value):    # the exact text in a string cell marked as text, never a formula
                        formula_text_cell.value = value
                        formula_text_cell.data_type = "s"
                        yield formula_text_cell
                    else:
                        yield value
                elif kind == "date":
                    date_cell.value = parse_date(value)
                    yield date_cell
                elif kind == "sparse" and value == 0:
                    yield None
                else:
                    money_cell.value = D(value).scaleb(-2)
                    yield money_cell

        for values in zip(*arrays):
            ws.append(row_cells(values))
            done += 1
            if progress is not None and done % every == 0:
                progress(done, total)
        if sheet.total_row and sheet.money_columns and len(sheet.frame):
            sums = {c: int(sheet.frame[c].sum()) for c in sheet.money_columns}
            total_values = [sums.get(c) if c in sums else ("Total" if i == 0 else None) for i, c in enumerate(cols)]
            kinds = ["money" if c in sums else "text" for c in cols]
            ws.append(row_cells(total_values, kinds))
    if not sheets:
        wb.create_sheet("Empty")
    wb.save(target)
    if progress is not None:
        progress(total, total)


def _cell_values(series: pd.Series) -> list:
    """Python values for one column: ints for cents and ids, str for text, None for missing."""
    return series.to_numpy(dtype=object, na_value=None).tolist()


def _column_letter(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


# ------------------------------------------------------------------------------------------------ background jobs
def jobs_dir(app) -> str:
    """Where export jobs and their files live: REPORTS_EXPORT_DIR, else <instance>/exports."""
    path = app.config.get("REPORTS_EXPORT_DIR") or os.path.join(app.instance_path, "exports")
    os.makedirs(path, exist_ok=True)
    return path


def new_job(directory: str, kind: str, sel: Selection, fmt: str, user_id: int | None) -> dict:
    """Record a queued export job as `<id>.json` next to where its file will be written."""
    job = {"id": uuid.uuid4().hex, "kind": kind, "format": fmt, "user_id": user_id, "state": "queued",
           "run_id": sel.run_id, "start": sel.start.isoformat() if sel.start else None,
           "end": sel.end.isoformat() if sel.end else None, "done": 0, "total": 0, "error": "",
           "filename": filename(kind, sel, fmt)}
    save_job(directory, job)
    return job


def job_path(directory: str, job_id: str, suffix: str) -> str:
    if not (job_id.isalnum() and job_id.isascii() and len(job_id) <= 64):     # ours are 32 hex digits
        raise NotFound("no such export job")
    return os.path.join(directory, f"{job_id}{suffix}")


def save_job(directory: str, job: dict) -> None:
    path = job_path(directory, job["id"], ".json")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(job, fh)
    os.replace(tmp, path)


def load_job(directory: str, job_id: str) -> dict:
    try:
        with open(job_path(directory, job_id, ".json"), encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise NotFound("no such export job") from None


def job_selection(job: dict) -> Selection:
    if job.get("run_id") is not None:
        return Selection(run_id=int(job["run_id"]))
    return Selection(start=parse_date(job["start"]), end=parse_date(job["end"]))


def job_sheets(job: dict) -> list[Sheet]:
    """The tables a job writes: a finance export's, or a catalog report's ("report:<name>", reports.catalog)."""
    if job["kind"].startswith("report:"):
        from reports import catalog         # here: the catalog builds on this module

        return catalog.job_sheets(job)
    return BUILDERS[job["kind"]](job_selection(job))


def run_job(directory: str, job_id: str) -> dict:
    """Build a job's file (safe to run twice: a finished job is left alone; a half-written file is rewritten)."""
    job = load_job(directory, job_id)
    if job["state"] == "done":
        return job
    job.update(state="running", error="")
    save_job(directory, job)

    def progress(done: int, total: int) -> None:
        job.update(done=done, total=total)
        save_job(directory, job)

    try:
        sheets = job_sheets(job)
        out = job_path(directory, job_id, "." + job["format"])
        tmp = out + ".part"
        if job["format"] == "csv":
            with open(tmp, "wb") as fh:
                fh.write(csv_bytes(sheets[0]))
        else:
            write_xlsx(tmp, sheets, progress=progress)
        os.replace(tmp, out)
    except Exception as exc:            # recorded on the job so the page can say what went wrong
        job.update(state="failed", error=str(exc)[:500])
        save_job(directory, job)
        raise
    job.update(state="done", done=job.get("total") or job.get("done"))
    save_job(directory, job)
    return job
