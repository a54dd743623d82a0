"""Task completion import from CSV or XLSX: the API's six columns, every bad row named by line, all-or-nothing.

| column | meaning |
|---|---|
| `engagement_id` | an engagement paid per piece |
| `task_ref` | the task's reference, unique per engagement |
| `units` | units completed (more than zero, up to 4 decimals) |
| `rate` | pay per unit (up to 4 decimals) |
| `completed_at` | ISO 8601 date-time with its offset (the local date is the workday), or a date |
| `minutes` | whole minutes worked on the task, 1 to 1440 |

The header is line 1 (names case-insensitive); the first data row is line 2. Rows are checked by the same service
as the API (payroll.piecework.services), duplicates within the file and against the database included; when any
row is bad nothing is written. A dry run checks only.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pandas as pd

from backoffice import uploads
from backoffice.errors import Issue, PermissionDenied, ValidationFailed
from backoffice.extensions import db
from backoffice.security.access import can
from payroll.timesheets.importer import _cell

from . import services

FIRST_DATA_LINE = 2
TEMPLATE_CSV = (",".join(services.FIELDS) + "\n"
                "12,T-1001,3,4.50,2026-03-02T10:15:00-08:00,40\n12,T-1002,1,12.00,2026-03-02,25\n")


@dataclass
class TaskImportResult:
    rows: int = 0
    dry_run: bool = False
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    def as_dict(self) -> dict:
        return {"ok": self.ok, "dry_run": self.dry_run, "rows": self.rows,
                "issues": [i.as_dict() for i in self.issues]}


def may_import(user) -> bool:
    return user is not None and can(user, "task_completion", "create") and can(user, "task_import", "create")


def read_rows(content: bytes, filename: str) -> list[tuple[int, dict]]:
    """(line, row) for every non-blank data row; ValidationFailed for an unreadable file or bad header."""
    if not content:
        raise ValidationFailed([Issue("file", "is empty", "required", 1)])
    uploads.check_spreadsheet(content, filename)
    is_xlsx = filename.lower().endswith((".xlsx", ".xlsm")) or content[:2] == b"PK"
    try:
        if is_xlsx:
            frame = pd.read_excel(io.BytesIO(content), dtype=object, engine="openpyxl", sheet_name=0,
                                  nrows=uploads.MAX_ROWS + 1)
        else:
            frame = pd.read_csv(io.StringIO(content.decode("utf-8-sig")), dtype=str, keep_default_na=False,
                                skip_blank_lines=False, skipinitialspace=True, nrows=uploads.MAX_ROWS + 1)
    except UnicodeDecodeError:
        raise ValidationFailed([Issue("file", "is not UTF-8 text (save the CSV as UTF-8, or upload XLSX)",
                                      "unreadable")]) from None
    except Exception as exc:        # pandas/openpyxl raise many kinds for a damaged file
        raise ValidationFailed([Issue("file", f"could not be read: {exc}", "unreadable")]) from None
    uploads.check_row_count(len(frame), filename)
    names = {c: re.sub(r"[^a-z0-9]+", "_", str(c).strip().lower()).strip("_") for c in frame.columns}
    issues = [Issue(str(c), "is not a task completion column (" + ", ".join(services.FIELDS) + ")",
                    "unknown_column", 1) for c, n in names.items() if n not in services.FIELDS]
    have = list(names.values())
    issues += [Issue(f, "column is missing", "missing_column", 1) for f in services.FIELDS if f not in have]
    issues += [Issue(f, "appears twice in the header", "duplicate_column", 1) for f in services.FIELDS
               if have.count(f) > 1]
    if issues:
        raise ValidationFailed(issues)
    frame = frame.rename(columns=names).map(_cell)
    out = []
    for line, row in zip(range(FIRST_DATA_LINE, FIRST_DATA_LINE + len(frame)), frame.to_dict("records")):
        if any(v != "" for v in row.values()):
            out.append((line, row))
    return out


def import_file(content: bytes, filename: str, user, *, dry_run: bool = False) -> TaskImportResult:
    """Check a file of task completions and, unless dry_run or any row is bad, record every row in one
    transaction. Bad rows are returned in the result, never raised; PermissionDenied when the user may not."""
    if not may_import(user):
        raise PermissionDenied("you may not import task completions")
    result = TaskImportResult(dry_run=dry_run)
    try:
        rows = read_rows(content, filename)
        if not rows:
            raise ValidationFailed([Issue("file", "has no task completion rows", "required")])
    except ValidationFailed as exc:
        result.issues = exc.issues
        return result
    result.rows = len(rows)
    lines = [line for line, _ in rows]
    items = [row for _, row in rows]
    _, issues = services.check_tasks(items, user, label=lambda i: lines[i])
    if issues or dry_run:
        db.session.rollback()
        result.issues = sorted(issues, key=lambda i: (i.row or 0, services.FIELDS.index(i.field)
                                                      if i.field in services.FIELDS else 99))
        return result
    try:
        services.record_tasks(items, user, source="import", label=lambda i: lines[i], max_items=uploads.MAX_ROWS)
    except ValidationFailed as exc:       # a row changed under us between the check and the save
        result.issues = exc.issues
    return result
