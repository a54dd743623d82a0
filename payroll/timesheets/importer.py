"""Timesheet import from CSV or XLSX: every bad row reported with its line number and field, all-or-nothing.

File layout (first row = column names, case and spaces ignored; one row per engagement and week):

| column | meaning |
|---|---|
| `engagement_id` | the engagement; or instead `worker_email` + `client` (the client's name) when unambiguous |
| `week_start` | the Monday the week starts (YYYY-MM-DD, or a date cell in XLSX) |
| `mon` `tue` `wed` `thu` `fri` `sat` `sun` | hours worked that day, 0–24, at most 2 decimals; blank = 0 |
| `units` (optional) | pieces or project units, for piece/project engagements |
| `notes` (optional) | free text, up to 500 characters |

Line numbers are the file's: the header is line 1, the first data row line 2 (blank lines are skipped but
counted). Rows are checked with the payroll timesheet service's own rules (payroll.timesheets.services) plus the
engagement lookups and status checks here; when any row is bad nothing is written. A dry run checks only.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from backoffice.dates import parse_date
from backoffice.errors import Issue, PermissionDenied, ValidationFailed
from backoffice.extensions import db
from backoffice import uploads
from backoffice.security.access import can
from backoffice.uploads import check_row_count, check_spreadsheet
from backoffice.workers.models import Client, Engagement, Worker
from payroll.models import DAYS, TIMESHEET_MACHINE, Timesheet
from payroll.timesheets import services as timesheet_service

MAX_ROWS = uploads.MAX_ROWS       # and the file size and XLSX limits of backoffice.uploads
FIRST_DATA_LINE = 2
ALIASES = {
    "engagement": "engagement_id", "engagementid": "engagement_id", "engagement_id": "engagement_id",
    "worker_email": "worker_email", "email": "worker_email", "worker": "worker_email",
    "client": "client", "client_name": "client",
    "week_start": "week_start", "week": "week_start", "week_of": "week_start", "week_starting": "week_start",
    "units": "units", "pieces": "units",
    "notes": "note", "note": "note", "comment": "note", "comments": "note",
    **{d: d for d in DAYS},
    **{name: d for name, d in zip(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
                                  DAYS)},
}
# Issues are listed by line, then in this column order.
FIELD_ORDER = ("file", "engagement_id", "worker_email", "client", "week_start", *DAYS, "units", "note")


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do): created and replaced timesheets, or every issue."""

    rows: int = 0
    created: int = 0
    replaced: int = 0
    dry_run: bool = False
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    def as_dict(self) -> dict:
        return {"ok": self.ok, "dry_run": self.dry_run, "rows": self.rows, "created": self.created,
                "replaced": self.replaced, "issues": [i.as_dict() for i in self.issues]}


# ------------------------------------------------------------------------------------------------ reading
def read_table(content: bytes, filename: str) -> pd.DataFrame:
    """The file as a DataFrame of raw cell values (objects; blanks as ""), columns normalised to our names,
    index = the file's line number. Raises ValidationFailed for an unreadable file or unknown/missing columns."""
    if not content:
        raise ValidationFailed([Issue("file", "is empty", "required", 1)])
    check_spreadsheet(content, filename)                # size, and an XLSX's unpacked size, before reading
    is_xlsx = filename.lower().endswith((".xlsx", ".xlsm")) or content[:2] == b"PK"
    try:
        if is_xlsx:
            frame = pd.read_excel(io.BytesIO(content), dtype=object, engine="openpyxl", sheet_name=0,
                                  nrows=MAX_ROWS + 1)
        else:
            text = content.decode("utf-8-sig")
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False,
                                skipinitialspace=True, nrows=MAX_ROWS + 1)
    except UnicodeDecodeError:
        raise ValidationFailed([Issue("file", "is not UTF-8 text (save the CSV as UTF-8, or upload XLSX)",
                                      "unreadable")]) from None
    except Exception as exc:        # pandas/openpyxl raise many kinds for a damaged file
        kind = "XLSX" if is_xlsx else "CSV"
        raise ValidationFailed([Issue("file", f"could not be read as {kind}: {exc}", "unreadable")]) from None
    check_row_count(len(frame), filename)       # read stopped at MAX_ROWS + 1 lines: more means refused, not cut
    if len(frame.columns) == 1 and ";" in str(frame.columns[0]):
        raise ValidationFailed([Issue("file", "the columns are separated by ';': save the CSV with commas, or upload "
                                      "the XLSX", "unreadable", 1)])
    frame = frame.rename(columns=_column_names(frame.columns))
    _check_header(list(frame.columns))
    frame = frame.map(_cell)
    frame.index = range(FIRST_DATA_LINE, FIRST_DATA_LINE + len(frame))
    frame = frame[(frame != "").any(axis=1)] if len(frame.columns) else frame
    return frame


def _column_names(columns) -> dict:
    out = {}
    for col in columns:
        key = re.sub(r"[^a-z0-9]+", "_", str(col).strip().lower()).strip("_")
        out[col] = ALIASES.get(key, f"?{col}")
    return out


def _check_header(columns: list[str]) -> None:
    issues = []
    for col in columns:
        if col.startswith("?"):
            name = col[1:]
            if name.startswith("Unnamed:"):     # a blank header cell above data
                issues.append(Issue("file", "a column has no name in the header row", "unknown_column", 1))
            else:
                issues.append(Issue(name, "is not a timesheet column (expected engagement_id or worker_email + "
                                          "client, week_start, mon..sun, units, notes)", "unknown_column", 1))
    seen = set()
    for col in columns:
        if col in seen and not col.startswith("?"):
            issues.append(Issue(col, "appears twice in the header", "duplicate_column", 1))
        seen.add(col)
    if "week_start" not in columns:
        issues.append(Issue("week_start", "column is missing", "missing_column", 1))
    if "engagement_id" not in columns and not {"worker_email", "client"} <= set(columns):
        issues.append(Issue("engagement_id", "column is missing (or give both worker_email and client)",
                            "missing_column", 1))
    for day in DAYS:
        if day not in columns:
            issues.append(Issue(day, "column is missing", "missing_column", 1))
    if issues:
        raise ValidationFailed(issues)


def _cell(value):
    """A raw cell as text: blanks "", whole floats without '.0', date cells as ISO dates."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        text = value.strip()
        # A spreadsheet's midnight datetime written out as text ("2026-01-05 00:00:00").
        return text[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]00:00:00", text) else text
    return str(value)


# ------------------------------------------------------------------------------------------------ checking
def _lookups(frame: pd.DataFrame) -> tuple[dict, dict, dict]:
    """Workers by email, clients by name and engagements by id for the whole file: three queries."""
    emails = {e.lower() for e in frame.get("worker_email", pd.Series(dtype=str)) if e}
    names = {n.lower() for n in frame.get("client", pd.Series(dtype=str)) if n}
    workers = {}
    if emails:
        for w in db.session.execute(sa.select(Worker).where(sa.func.lower(Worker.email).in_(emails))).scalars():
            workers[w.email.lower()] = w
    clients: dict[str, list] = {}
    if names:
        for c in db.session.execute(sa.select(Client).where(sa.func.lower(Client.name).in_(names))).scalars():
            clients.setdefault(c.name.lower(), []).append(c)
    ids = set()
    for raw in frame.get("engagement_id", pd.Series(dtype=str)):
        if raw and raw.isdigit():
            ids.add(int(raw))
    engagements = {}
    worker_ids = [w.id for w in workers.values()]
    if ids or worker_ids:
        cond = sa.or_(Engagement.id.in_(ids), Engagement.worker_id.in_(worker_ids))
        for e in db.session.execute(sa.select(Engagement).where(cond)).scalars():
            engagements[e.id] = e
    return workers, clients, engagements


def _resolve(row: dict, line: int, workers: dict, clients: dict, engagements: dict,
             issues: list[Issue]) -> int | None:
    """The engagement id a row means, or None (with the reasons added to issues)."""
    raw_id = row.get("engagement_id", "")
    email = row.get("worker_email", "").lower()
    client_name = row.get("client", "").lower()
    eng = None
    if raw_id:
        if not raw_id.isdigit():
            issues.append(Issue("engagement_id", f"{raw_id!r} is not an engagement number", "invalid", line))
            return None
        eng = engagements.get(int(raw_id))
        if eng is None:
            issues.append(Issue("engagement_id", f"engagement {raw_id} not found", "not_found", line))
            return None
        if email and (email not in workers or workers[email].id != eng.worker_id):
            issues.append(Issue("worker_email", f"{row['worker_email']} is not the worker of engagement {eng.id}",
                                "mismatch", line))
        if client_name and all(c.id != eng.client_id for c in clients.get(client_name, [])):
            issues.append(Issue("client", f"{row['client']!r} is not the client of engagement {eng.id}",
                                "mismatch", line))
        return eng.id
    missing = False
    if not email:
        issues.append(Issue("worker_email", "is required when engagement_id is blank", "required", line))
        missing = True
    if not client_name:
        issues.append(Issue("client", "is required when engagement_id is blank", "required", line))
        missing = True
    if missing:
        return None
    worker = workers.get(email)
    if worker is None:
        issues.append(Issue("worker_email", f"no worker with email {row['worker_email']}", "not_found", line))
    if client_name not in clients:
        issues.append(Issue("client", f"no client named {row['client']!r}", "not_found", line))
    if worker is None or client_name not in clients:
        return None
    client_ids = {c.id for c in clients[client_name]}
    matches = [e for e in engagements.values() if e.worker_id == worker.id and e.client_id in client_ids]
    week = _week(row.get("week_start", ""))
    if len(matches) > 1 and week is not None:     # several placements: keep those running that week
        matches = [e for e in matches if e.start_date <= week + timedelta(days=6)
                   and (e.end_date is None or e.end_date >= week)] or matches
    if not matches:
        issues.append(Issue("client", f"{row['worker_email']} has no engagement with {row['client']!r}",
                            "not_found", line))
        return None
    if len(matches) > 1:
        ids = ", ".join(str(e.id) for e in sorted(matches, key=lambda e: e.id))
        issues.append(Issue("engagement_id", f"{row['worker_email']} has several engagements with "
                                             f"{row['client']!r} ({ids}); give engagement_id", "ambiguous", line))
        return None
    return matches[0].id


def _week(raw: str) -> date | None:
    try:
        return parse_date(raw)
    except ValueError:
        return None


def check_rows(frame: pd.DataFrame) -> tuple[list[dict], list[Issue], set]:
    """Service rows (with `line`) and every issue in the file; also the (engagement, week) keys that already
    have a timesheet (they will be replaced)."""
    workers, clients, engagements = _lookups(frame)
    issues: list[Issue] = []
    rows: list[dict] = []
    seen: dict[tuple, int] = {}
    existing: set = set()
    for line, raw in zip(frame.index, frame.to_dict("records")):
        row_issues: list[Issue] = []
        eng_id = _resolve(raw, line, workers, clients, engagements, row_issues)
        data = {"engagement_id": eng_id if eng_id is not None else "", "week_start": raw.get("week_start", ""),
                **{d: raw.get(d, "") for d in DAYS}}
        if raw.get("units", ""):
            data["units"] = raw["units"]
        if raw.get("note", ""):
            data["note"] = raw["note"]
        clean, service_issues = timesheet_service.clean_timesheet(data, row=line)
        if eng_id is None:             # the lookup already said why; the service would only repeat it
            service_issues = [i for i in service_issues if i.field != "engagement_id"]
        row_issues += service_issues
        eng = engagements.get(eng_id) if eng_id is not None else None
        if eng is not None:
            row_issues += _engagement_issues(eng, clean, raw, line)
        if len(raw.get("note", "")) > 500:
            row_issues.append(Issue("note", "is longer than 500 characters", "too_long", line))
        week = clean.get("week_start")
        if eng_id is not None and week is not None and not row_issues:
            key = (eng_id, week)
            if key in seen:
                row_issues.append(Issue("week_start", f"engagement {eng_id}, week of {week} is also on line "
                                                      f"{seen[key]}", "duplicate", line))
            else:
                seen[key] = line
        issues += row_issues
        rows.append(dict(data, line=line))
    if seen:
        existing = _existing(list(seen))
        for key, status in existing.items():
            if not TIMESHEET_MACHINE.allows(status, "import"):
                issues.append(Issue("week_start", f"the week of {key[1]} for engagement {key[0]} is already "
                                                  f"{status}: approved time is locked", "timesheet_locked",
                                    seen[key]))
    if not rows:
        issues.append(Issue("file", "has no timesheet rows", "required"))
    order = {f: i for i, f in enumerate(FIELD_ORDER)}
    issues.sort(key=lambda i: (i.row or 0, order.get(i.field, len(order))))
    return rows, issues, set(existing)


def _engagement_issues(eng: Engagement, clean: dict, raw: dict, line: int) -> list[Issue]:
    out = []
    if eng.status == "pending":
        out.append(Issue("engagement_id", f"engagement {eng.id} is pending (not started): time cannot be entered "
                                          "until it is active", "not_active", line))
    hours = any(clean.get(f"hours_{d}") for d in DAYS)
    if eng.pay_unit in ("piece", "project"):
        pass
    elif raw.get("units", "") not in ("", "0") and clean.get("units"):
        out.append(Issue("units", f"engagement {eng.id} is paid by the {eng.pay_unit}; units are only for piece "
                                  "or project work", "invalid", line))
    if eng.pay_unit == "hour" and not hours and not clean.get("units") and clean.get("week_start"):
        out.append(Issue("mon", "no hours on any day: leave the row out instead", "empty", line))
    return out


def _existing(keys: list[tuple]) -> dict[tuple, str]:
    """Status of timesheets that already exist for the (engagement, week) keys: one query."""
    if not keys:
        return {}
    eng_ids = sorted({k[0] for k in keys})
    wanted = set(keys)
    out = {}
    stmt = sa.select(Timesheet.engagement_id, Timesheet.week_start, Timesheet.status, Timesheet.paid_run_id).where(
        Timesheet.engagement_id.in_(eng_ids))
    for eng_id, week, status, paid in db.session.execute(stmt):
        if (eng_id, week) in wanted:
            out[(eng_id, week)] = "paid" if paid is not None else status
    return out


# ------------------------------------------------------------------------------------------------ importing
def import_file(content: bytes, filename: str, user, *, dry_run: bool = False) -> ImportResult:
    """Check a timesheet file and, unless dry_run or any row is bad, save every row as submitted time in one
    transaction (through payroll.timesheets.services.import_timesheets). Never raises for bad rows: the result
    carries every issue. Raises PermissionDenied when the user may not import."""
    if user is None or not (can(user, "timesheet", "create") and can(user, "timesheet_import", "create")):
        raise PermissionDenied("you may not import timesheets")
    result = ImportResult(dry_run=dry_run)
    try:
        frame = read_table(content, filename)
    except ValidationFailed as exc:
        result.issues = exc.issues
        return result
    rows, issues, existing = check_rows(frame)
    result.rows = len(rows)
    result.replaced = len(existing)
    result.created = len(rows) - len(existing)
    if issues:
        db.session.rollback()
        result.issues, result.created, result.replaced = issues, 0, 0
        return result
    if dry_run:
        db.session.rollback()
        return result
    try:
        timesheet_service.import_timesheets(rows, user)     # validates again, saves every row, one transaction
    except ValidationFailed as exc:        # a row changed under us between the check and the save
        result.issues, result.created, result.replaced = exc.issues, 0, 0
    return result
