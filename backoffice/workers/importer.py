"""Bulk import of workers and engagements from one CSV or XLSX file: all rows or none, every bad row named."""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from backoffice.audit import acting_as
from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.extensions import db
from backoffice.security.access import require
from backoffice.uow import transaction
from backoffice.uploads import MAX_ROWS, check_row_count, check_spreadsheet
from backoffice.workers.models import Client, Engagement, Worker
from backoffice.workers.services import clean_engagement, clean_worker

# (column, model field, required, what it holds). One row = one worker and, optionally, one engagement.
WORKER_COLUMNS = (
    ("first_name", "first_name", True, "worker's first name"),
    ("middle_name", "middle_name", False, ""),
    ("last_name", "last_name", True, ""),
    ("email", "email", True, "identifies the worker: rows with the same email are one worker"),
    ("tin_type", "tin_type", False, "ssn (default) or ein"),
    ("tin", "tin", False, "SSN or EIN, digits with or without dashes (format the column as text in Excel)"),
    ("birth_date", "birth_date", False, "YYYY-MM-DD"),
    ("phone", "phone", False, ""),
    ("address_line1", "address_line1", False, ""),
    ("address_line2", "address_line2", False, ""),
    ("city", "city", False, ""),
    ("state", "state", False, "residence state, two letters"),
    ("postal_code", "postal_code", False, ""),
    ("worker_status", "status", False, "onboarding, active (default), inactive or terminated"),
)
ENGAGEMENT_COLUMNS = (
    ("client_id", "client_id", False, "the client's id; or give client_name"),
    ("client_name", "client_id", False, "the client's name, exactly as in Clients (case-insensitive)"),
    ("engagement_type", "type", True, "leased_employee or contractor"),
    ("title", "title", False, "job title"),
    ("work_state", "work_state", True, "two letters"),
    ("pay_rate", "pay_rate", True, "dollars, up to 4 decimals"),
    ("pay_unit", "pay_unit", False, "hour (default), week, year, piece or project"),
    ("bill_rate", "bill_rate", False, "dollars billed to the client per unit"),
    ("pay_frequency", "pay_frequency", False, "weekly, biweekly (default), semimonthly or monthly"),
    ("pay_schedule_id", "pay_schedule_id", False,
     "id of the pay schedule that pays it (default: the first active schedule of the pay frequency)"),
    ("start_date", "start_date", True, "YYYY-MM-DD"),
    ("end_date", "end_date", False, "YYYY-MM-DD"),
    ("engagement_status", "status", False, "pending, active (default), ended or terminated"),
    ("overtime_exempt", "overtime_exempt", False, "yes/no (default no)"),
    ("office_state", "office_state", False,
     "a remote worker's employer location, two letters, when in another state than work_state"),
    ("remote_for_convenience", "remote_for_convenience", False,
     "yes/no (default no): works away from office_state by their own choice (docs/multistate.md)"),
    ("wc_class_code", "wc_class_code", False,
     "the workers' comp class code of the work in the work state, e.g. 8810 (docs/workers-comp.md)"),
)
COLUMNS = WORKER_COLUMNS + ENGAGEMENT_COLUMNS
_WORKER_FIELD_TO_COLUMN = {f: c for c, f, _, _ in WORKER_COLUMNS}
_ENGAGEMENT_FIELD_TO_COLUMN = {f: c for c, f, _, _ in ENGAGEMENT_COLUMNS if c != "client_name"}
_TRUE = ("yes", "y", "true", "1")
_FALSE = ("no", "n", "false", "0", "")


@dataclass
class ImportReport:
    rows: int = 0
    workers_created: int = 0
    workers_matched: int = 0
    engagements_created: int = 0
    issues: list[Issue] = field(default_factory=list)
    dry_run: bool = False
    committed: bool = False

    @property
    def bad_lines(self) -> list[int]:
        return sorted({i.row for i in self.issues if i.row is not None})

    def as_dict(self) -> dict:
        return {"rows": self.rows, "workers_created": self.workers_created, "workers_matched": self.workers_matched,
                "engagements_created": self.engagements_created, "dry_run": self.dry_run,
                "committed": self.committed, "issues": [i.as_dict() for i in self.issues]}


def _cell(value) -> str:
    """A spreadsheet cell as text: blanks to '', whole numbers without '.0', dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return "" if text.lower() in ("nan", "nat") and not isinstance(value, str) else text


def read_table(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the rows of a CSV or XLSX file, each row with its line number (the header is line 1)."""
    import pandas as pd

    name = (filename or "").lower()
    check_spreadsheet(content, filename)                # size, and an XLSX's unpacked size, before reading
    try:
        if name.endswith(".csv"):
            frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, skip_blank_lines=False,
                                encoding="utf-8-sig", nrows=MAX_ROWS + 1)
        elif name.endswith(".xlsx"):
            frame = pd.read_excel(io.BytesIO(content), dtype=object, engine="openpyxl", nrows=MAX_ROWS + 1)
        else:
            raise DomainError("the file must be a .csv or an .xlsx file", code="unsupported_file")
    except DomainError:
        raise
    except Exception as exc:  # pandas raises many kinds for a malformed file
        raise DomainError(f"the file could not be read: {exc}", code="unreadable_file") from exc
    check_row_count(len(frame), filename)
    header = [str(c).strip() for c in frame.columns]
    rows = []
    for index, record in enumerate(frame.itertuples(index=False, name=None)):
        rows.append((index + 2, {col: _cell(val) for col, val in zip(header, record)}))
    return header, rows


def _client_id(row: dict, line: int, issues: list[Issue], cache: dict) -> int | None:
    if row.get("client_id"):
        return row["client_id"]  # clean_engagement checks it exists
    name = row.get("client_name", "")
    if not name:
        issues.append(Issue("client_id", "give client_id or client_name", "required", line))
        return None
    key = name.lower()
    if key not in cache:
        cache[key] = db.session.execute(sa.select(Client.id).where(sa.func.lower(Client.name) == key)).scalars().all()
    found = cache[key]
    if len(found) != 1:
        issues.append(Issue("client_name", f"{name!r} matches {'no client' if not found else 'several clients'}",
                            "not_found" if not found else "ambiguous", line))
        return None
    return found[0]


def _renamed(exc: ValidationFailed, mapping: dict, line: int, client_column: str = "client_id") -> list[Issue]:
    out = []
    for i in exc.issues:
        column = client_column if i.field == "client_id" else mapping.get(i.field, i.field)
        out.append(Issue(column, i.message, i.code, line))
    return out


def import_rows(header: list[str], rows: list[tuple[int, dict[str, str]]], *, dry_run: bool = False) -> ImportReport:
    """Validate and write every row in one transaction; any bad row (or a dry run) writes nothing."""
    report = ImportReport(dry_run=dry_run)
    known = {c for c, _, _, _ in COLUMNS}
    for col in header:
        if col not in known:
            report.issues.append(Issue(col, "is not a known column", "unknown_column", 1))
    for col in ("first_name", "last_name", "email"):
        if col not in header:
            report.issues.append(Issue(col, "column is missing", "missing_column", 1))
    if report.issues:
        return report
    by_email: dict[str, tuple[int, Worker, dict]] = {}
    clients: dict = {}
    with transaction():
        for line, row in rows:
            if not any(row.values()):
                continue
            report.rows += 1
            issues: list[Issue] = []
            worker_data = {f: row[c] for c, f, _, _ in WORKER_COLUMNS if row.get(c, "") != ""}
            email_key = row.get("email", "").strip().lower()
            worker: Worker | None = None
            if email_key in by_email:
                first_line, worker, first_data = by_email[email_key]
                for f, val in worker_data.items():
                    if f != "email" and first_data.get(f, val) != val:
                        issues.append(Issue(_WORKER_FIELD_TO_COLUMN[f], f"differs from line {first_line} for the "
                                                                        "same email", "conflict", line))
            else:
                existing = None
                if email_key and set(worker_data) <= {"email"}:
                    existing = db.session.execute(sa.select(Worker).where(Worker.email == email_key))\
                        .scalar_one_or_none()
                if existing is not None:
                    worker = existing
                    report.workers_matched += 1
                else:
                    try:
                        cleaned = clean_worker(worker_data)
                    except ValidationFailed as exc:
                        issues.extend(_renamed(exc, _WORKER_FIELD_TO_COLUMN, line))
                    else:
                        worker = Worker(**cleaned)
                        if "status" not in cleaned:
                            worker.status = "active"
                        db.session.add(worker)
                        db.session.flush()
                        report.workers_created += 1
                if worker is not None and email_key:
                    by_email[email_key] = (line, worker, worker_data)
            eng_values = {c: row.get(c, "") for c, _, _, _ in ENGAGEMENT_COLUMNS}
            if any(eng_values.values()):
                eng_data = {f: eng_values[c] for c, f, _, _ in ENGAGEMENT_COLUMNS
                            if c != "client_name" and eng_values[c] != ""}
                for c, f, required, _ in ENGAGEMENT_COLUMNS:
                    if required and eng_values[c] == "":
                        issues.append(Issue(c, "is required for an engagement", "required", line))
                client_id = _client_id(eng_values, line, issues, clients)
                if client_id is not None:
                    eng_data["client_id"] = client_id
                if "overtime_exempt" in eng_data:
                    flag = eng_data["overtime_exempt"].lower()
                    if flag in _TRUE or flag in _FALSE:
                        eng_data["overtime_exempt"] = flag in _TRUE
                    else:
                        issues.append(Issue("overtime_exempt", "must be yes or no", "invalid_choice", line))
                        del eng_data["overtime_exempt"]
                if "remote_for_convenience" in eng_data:
                    flag = eng_data["remote_for_convenience"].lower()
                    if flag in _TRUE or flag in _FALSE:
                        eng_data["remote_for_convenience"] = flag in _TRUE
                    else:
                        issues.append(Issue("remote_for_convenience", "must be yes or no", "invalid_choice", line))
                        del eng_data["remote_for_convenience"]
                try:
                    cleaned_eng = clean_engagement(eng_data, partial=True)
                except ValidationFailed as exc:
                    issues.extend(_renamed(exc, _ENGAGEMENT_FIELD_TO_COLUMN, line,
                                           "client_id" if eng_values["client_id"] else "client_name"))
                else:
                    if worker is not None and not issues:
                        cleaned_eng.setdefault("status", "active")
                        db.session.add(Engagement(worker_id=worker.id, bill_rate=cleaned_eng.pop("bill_rate", 0),
                                                  **cleaned_eng))
                        db.session.flush()
                        report.engagements_created += 1
            report.issues.extend(issues)
        if report.issues or dry_run:
            db.session.rollback()  # a bad row, or a dry run: nothing is written (the block commits nothing)
        else:
            report.committed = True
    return report


def import_file(content: bytes, filename: str, *, dry_run: bool = False, user=None) -> ImportReport:
    """Read a CSV/XLSX upload and import it (see import_rows); `user` is checked and recorded in the audit log."""
    if user is not None:
        require(user, "worker", "create")
        require(user, "engagement", "create")
    header, rows = read_table(content, filename)
    if user is None:
        return import_rows(header, rows, dry_run=dry_run)
    with acting_as(user):
        return import_rows(header, rows, dry_run=dry_run)
