"""The agency's reports, each declared once: its name, title, who may see it (a model of the permission matrix,
read right), its filters and the functions that read and shape its tables. The admin page, the API, the CLI and
scheduled reports all go through this catalog.

Frames for charts (helper CH): `table(name, filters)` returns the report's first frame — margin and labor cost per
period (and client/worker/state), headcount and turnover per month, classification mix per state or client,
benefits per plan, tax liabilities per tax — with money in integer cents (see reports/agency_frames.py).
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import pandas as pd

from backoffice.dates import parse_date
from backoffice.errors import Issue, NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.money import from_cents
from backoffice.security.access import can
from reports import agency_frames as af
from reports import exports, frames, queries
from reports.exports import Export, Sheet

FORMATS = ("csv", "xlsx", "json")
MIMETYPES = {**exports.MIMETYPES, "json": "application/json"}
# Above this many source rows (paychecks read) a CSV or XLSX is built by a background task with progress.
INLINE_LIMIT = 20_000
# The longest range one report covers: three years, so a margin trend can span them.
MAX_RANGE_DAYS = 1100
# The page shows this many rows; the downloads hold every row.
PAGE_ROWS = 500
FILTER_NAMES = ("start", "end", "client_id", "state", "worker_id", "grain", "group")


@dataclass(frozen=True)
class Filters:
    """What one run of a report covers: a date range (a point-in-time report reads it "as of end"), optionally
    one client, state or worker, the period grain and the breakdown (`group`)."""

    start: date
    end: date
    client_id: int | None = None
    state: str = ""
    worker_id: int | None = None
    grain: str = "month"
    group: str = ""

    def as_args(self) -> dict[str, str]:
        """The filters as query arguments (what a URL, a job file or a schedule stores)."""
        out = {"start": self.start.isoformat(), "end": self.end.isoformat(), "grain": self.grain}
        if self.group:
            out["group"] = self.group
        if self.client_id is not None:
            out["client_id"] = str(self.client_id)
        if self.state:
            out["state"] = self.state
        if self.worker_id is not None:
            out["worker_id"] = str(self.worker_id)
        return out


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    description: str
    permission: str                          # permission-matrix model: read on it lets a user see the report
    filters: tuple[str, ...]                 # which of FILTER_NAMES it takes
    build: Callable[["Filters"], list[Sheet]]
    groups: tuple[str, ...] = ()             # the breakdowns it offers (`group`), the first the default
    estimate: Callable[["Filters"], int] | None = None   # source rows it will read (inline or background)
    as_of: bool = False                      # a point-in-time report: "as of end"
    chart: str = ""                          # what its first frame charts (for the dashboards)
    summed: tuple[str, ...] = field(default=())   # whole-number columns its total row adds up


# ------------------------------------------------------------------------------------------------ builders
def cost_rows(f: Filters) -> pd.DataFrame:
    """Cost per (paycheck, engagement) over the range: wages, contractor pay, employer taxes, benefits, workers'
    comp (agency_frames.cost_rows)."""
    return af.cost_rows(queries.cost_paychecks(f.start, f.end), queries.cost_earnings(f.start, f.end),
                        queries.premium_lines(f.start, f.end))


def _margin(f: Filters) -> list[Sheet]:
    frame = af.gross_margin(cost_rows(f), queries.revenue_lines(f.start, f.end), group=f.group or "client",
                            grain=f.grain, client_id=f.client_id, state=f.state or None, worker_id=f.worker_id)
    sheets = [Sheet("Gross margin", frame, list(af.MARGIN_MONEY))]
    if f.client_id is None and not f.state and f.worker_id is None:     # the whole agency: check it on the ledger
        ledger = queries.ledger_movements(f.start, f.end, tuple(af.LEDGER_ACCOUNTS.values()))
        check = af.ledger_check(af.margin_totals(frame), ledger, queries.account_names())
        sheets.append(Sheet("Ledger check", check, ["report", "ledger", "difference"], total_row=False))
    return sheets


def _labor(f: Filters) -> list[Sheet]:
    frame = af.labor_cost(cost_rows(f), group=f.group or "client", grain=f.grain, client_id=f.client_id,
                          state=f.state or None, worker_id=f.worker_id)
    return [Sheet("Labor cost", frame, list(af.LABOR_MONEY))]


def _headcount(f: Filters) -> list[Sheet]:
    frame = af.headcount_turnover(queries.engagements_frame(), f.start, f.end, client_id=f.client_id,
                                  state=f.state or None)
    return [Sheet("Headcount and turnover", frame)]


def _classification(f: Filters) -> list[Sheet]:
    frame = af.classification_mix(queries.engagements_frame(), f.end, group=f.group or "state",
                                  client_id=f.client_id, state=f.state or None)
    return [Sheet("Classification mix", frame)]


def _benefits(f: Filters) -> list[Sheet]:
    engaged = af.engaged_workers(queries.engagements_frame(), f.end, "leased_employee")
    frame = af.benefits_participation(queries.enrollments_frame(f.end), engaged, f.end)
    paid = af.contributions_paid(queries.contribution_lines(f.start, f.end))
    return [Sheet("Participation", frame, ["employee_monthly", "employer_monthly", "total_monthly"]),
            Sheet("Employer contributions paid", paid, ["amount"])]


def _tax(f: Filters) -> list[Sheet]:
    summary = frames.liability_summary(queries.tax_lines(queries.Selection(start=f.start, end=f.end)))
    if f.state:
        summary = summary.loc[summary["jurisdiction"] == f.state].reset_index(drop=True)
    return [Sheet("By tax", summary, list(frames.LIABILITY_MONEY)),
            Sheet("By state", frames.liability_by_state(summary), ["employee_withheld", "employer", "total"])]


def _paychecks_in(f: Filters) -> int:
    return queries.count_cost_paychecks(f.start, f.end)


RANGE = ("start", "end")
REPORTS: dict[str, Report] = {r.name: r for r in (
    Report("gross-margin", "Gross margin",
           "Revenue (invoices and credit notes by issue date) less wages, contractor pay, employer taxes, benefits "
           "and workers' comp (paychecks by pay date), by client, worker, state or period.",
           "margin_report", RANGE + ("client_id", "state", "worker_id", "grain", "group"), _margin,
           groups=("client", "worker", "state", "period"), estimate=_paychecks_in,
           chart="revenue, cost and margin per period (group=period): a trend"),
    Report("labor-cost", "Labor cost",
           "Wages, contractor pay, employer taxes, benefits and workers' comp by client, worker, state or period.",
           "labor_report", RANGE + ("client_id", "state", "worker_id", "grain", "group"), _labor,
           groups=("client", "state", "worker", "period"), estimate=_paychecks_in,
           chart="total_cost per period (group=period): the payroll cost trend", summed=()),
    Report("headcount-turnover", "Headcount and turnover",
           "People with the agency each month (a worker with two placements counts once), hires, terminations and "
           "the turnover rate.", "workforce_report", RANGE + ("client_id", "state"), _headcount,
           chart="headcount_end, hires and terminations per month", summed=("hires", "terminations")),
    Report("classification-mix", "Classification mix",
           "Leased employees and contractors engaged on the end date by state or client, with the signed "
           "classification determinations.", "workforce_report", RANGE + ("client_id", "state", "group"),
           _classification, groups=("state", "client"), as_of=True,
           chart="leased and contractors per state (a stacked bar)",
           summed=("leased", "contractors", "total", "classified", "reclassification_due", "unclassified")),
    Report("benefits", "Benefits participation and cost",
           "Enrolled and waived workers per plan on the end date, participation among leased employees, monthly "
           "cost to the worker and the agency; employer contributions paid through payroll in the range.",
           "benefits_report", RANGE, _benefits, as_of=True, chart="enrolled per plan",
           summed=("enrolled", "waived")),
    Report("tax-liabilities", "Tax liabilities",
           "Employee withholding and employer taxes owed per jurisdiction and tax for paychecks paid in the range "
           "(the finance export's tax-liability summary).", "report", RANGE + ("state",), _tax,
           estimate=None, chart="total per jurisdiction (the By state sheet)"),
)}


# ------------------------------------------------------------------------------------------------ access
def get(name: str) -> Report:
    try:
        return REPORTS[name]
    except KeyError:
        raise NotFound(f"no report named {name!r}") from None


def may_see(user, report: Report | str) -> bool:
    report = get(report) if isinstance(report, str) else report
    return can(user, report.permission, "read")


def visible(user) -> list[Report]:
    """The reports this user may see, in catalog order."""
    return [r for r in REPORTS.values() if may_see(user, r)]


def report_for(user, name: str) -> Report:
    """The named report if this user may see it; a report they may not see is not found (404), like a record."""
    report = get(name)
    if not may_see(user, report):
        raise NotFound(f"no report named {name!r}")
    return report


# ------------------------------------------------------------------------------------------------ filters
def default_filters(report: Report, today: date) -> dict[str, str]:
    """The page's first filters: this year to today, by month, the report's first breakdown."""
    out = {"start": date(today.year, 1, 1).isoformat(), "end": today.isoformat(), "grain": "month"}
    if report.groups:
        out["group"] = report.groups[0]
    return out


def parse_filters(report: Report, args) -> Filters:
    """Filters from request, CLI or stored arguments (strings); every wrong field is reported at once."""
    issues: list[Issue] = []

    def text(name: str) -> str:
        value = args.get(name)
        return "" if value is None else str(value).strip()

    start = _day(text("start"), "start", issues)
    end = _day(text("end"), "end", issues)
    if start and end and end < start:
        issues.append(Issue("end", "must be on or after start"))
    elif start and end and (end - start).days + 1 > MAX_RANGE_DAYS:
        issues.append(Issue("end", f"a report covers at most {MAX_RANGE_DAYS} days ({start} to {end} is "
                                   f"{(end - start).days + 1})", "range_too_long"))
    client_id = _id(text("client_id"), "client_id", "client", issues) if "client_id" in report.filters else None
    worker_id = _id(text("worker_id"), "worker_id", "worker", issues) if "worker_id" in report.filters else None
    state = text("state").upper() if "state" in report.filters else ""
    if state and not (len(state) == 2 and state.isalpha()):
        issues.append(Issue("state", "a two-letter state code, e.g. TX"))
    grain = text("grain") or "month"
    if grain not in af.GRAINS:
        issues.append(Issue("grain", f"one of {', '.join(af.GRAINS)}"))
    group = text("group") or (report.groups[0] if report.groups else "")
    if report.groups and group not in report.groups:
        issues.append(Issue("group", f"one of {', '.join(report.groups)}"))
    elif not report.groups:
        group = ""
    if issues:
        raise ValidationFailed(issues)
    return Filters(start=start, end=end, client_id=client_id, state=state, worker_id=worker_id, grain=grain,
                   group=group)


def _day(raw: str, name: str, issues: list[Issue]) -> date | None:
    if not raw:
        issues.append(Issue(name, "required (an ISO date, e.g. 2026-01-31)"))
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        issues.append(Issue(name, str(exc)))
        return None


def _id(raw: str, name: str, what: str, issues: list[Issue]) -> int | None:
    if not raw:
        return None
    try:
        value = int(raw)
        if value <= 0:
            raise ValueError
    except ValueError:
        issues.append(Issue(name, f"a {what} id (a positive whole number)"))
        return None
    from backoffice.workers.models import Client, Worker

    if db.session.get(Client if what == "client" else Worker, value) is None:
        issues.append(Issue(name, f"no {what} with id {value}"))
        return None
    return value


# ------------------------------------------------------------------------------------------------ running
def sheets(report: Report, filters: Filters) -> list[Sheet]:
    """Build the report's tables (the first is the one the page shows), each summing its report's counts."""
    out = report.build(filters)
    for sheet in out:
        sheet.count_columns = [c for c in report.summed if c in sheet.frame.columns]
    return out


def table(name: str, filters: Filters) -> pd.DataFrame:
    """The report's first frame (money in integer cents): what a chart draws."""
    return sheets(get(name), filters)[0].frame


def totals(sheet: Sheet) -> dict[str, int | str]:
    """The total row of a table: its money (cents) and counted columns, and the margin % when it has one (none
    for a table whose rows do not add up, such as the ledger check)."""
    if not sheet.total_row:
        return {}
    out: dict[str, int | str] = {c: int(sheet.frame[c].sum()) for c in sheet.money_columns + sheet.count_columns}
    if "margin" in out and "revenue" in out:
        out["margin_pct"] = af.percent(out["margin"], out["revenue"])
    return out


def needs_task(report: Report, filters: Filters, fmt: str) -> bool:
    """True when a file would read more than INLINE_LIMIT source rows: built in the background, not the request."""
    return fmt in ("csv", "xlsx") and report.estimate is not None and report.estimate(filters) > INLINE_LIMIT


def filename(report: Report, filters: Filters, fmt: str) -> str:
    return f"{report.name}_{filters.start.isoformat()}_{filters.end.isoformat()}.{fmt}"


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValidationFailed([Issue("format", f"one of {', '.join(FORMATS)}")])


def render(report: Report, filters: Filters, fmt: str, *, progress=None) -> Export:
    """The report as a file: CSV (the first table), XLSX (every table with a total row) or JSON."""
    check_format(fmt)
    built = sheets(report, filters)
    if fmt == "csv":
        content = exports.csv_bytes(built[0])
    elif fmt == "xlsx":
        content = exports.xlsx_bytes(built, progress=progress)
    else:
        content = json.dumps(as_json(report, filters, built), separators=(",", ":")).encode("utf-8")
    return Export(filename(report, filters, fmt), MIMETYPES[fmt], content)


def rows(sheet: Sheet, limit: int | None = None) -> list[dict]:
    """A table's rows as plain values: money as Decimal text ('1234.56'), counts as int, the rest as text."""
    frame = sheet.frame if limit is None else sheet.frame.head(limit)
    money = set(sheet.money_columns)
    out = []
    for record in frame.to_dict("records"):
        row = {}
        for col, value in record.items():
            if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                row[col] = None
            elif col in money:
                row[col] = str(from_cents(int(value)))
            elif hasattr(value, "item"):            # numpy scalars
                row[col] = value.item()
            else:
                row[col] = value
        out.append(row)
    return out


def money_totals(sheet: Sheet) -> dict[str, str | int]:
    money = set(sheet.money_columns)
    return {c: str(from_cents(v)) if c in money else v for c, v in totals(sheet).items()}


def as_json(report: Report, filters: Filters, built: list[Sheet]) -> dict:
    return {"report": report.name, "title": report.title, "filters": filters.as_args(),
            "columns": list(built[0].frame.columns), "rows": rows(built[0]), "totals": money_totals(built[0]),
            "sheets": [{"title": s.title, "columns": list(s.frame.columns), "rows": rows(s),
                        "totals": money_totals(s)} for s in built[1:]]}


def describe(report: Report) -> dict:
    """The catalog entry as the API lists it."""
    return {"name": report.name, "title": report.title, "description": report.description,
            "filters": list(report.filters), "groups": list(report.groups), "as_of": report.as_of,
            "formats": list(FORMATS)}


# ------------------------------------------------------------------------------------------------ background
def new_job(directory: str, report: Report, filters: Filters, fmt: str, user_id: int | None) -> dict:
    """Record a queued report job (reports.exports job files; built by reports.tasks.build_export)."""
    job = {"id": uuid.uuid4().hex, "kind": f"report:{report.name}", "format": fmt, "user_id": user_id,
           "state": "queued", "filters": filters.as_args(), "run_id": None, "start": filters.start.isoformat(),
           "end": filters.end.isoformat(), "done": 0, "total": 0, "error": "",
           "filename": filename(report, filters, fmt)}
    exports.save_job(directory, job)
    return job


def job_sheets(job: dict) -> list[Sheet]:
    report = get(job["kind"].split(":", 1)[1])
    return sheets(report, parse_filters(report, job["filters"]))

