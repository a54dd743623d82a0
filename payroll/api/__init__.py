"""Payroll operations API: pay schedules, timesheets, payroll runs (with progress and NACHA), paychecks and paystubs.

One blueprint (common.blp); the routes live in timesheet_views, run_views and paycheck_views, imported here in
the original order so they register as before. Every name stays importable from payroll.api."""
from __future__ import annotations

from payroll.api.common import _body, _date, _maybe_body, _one, _page, blp, blueprints
from payroll.api.schemas import (ChecksOut, IssueOut, LineOut, PageArgs, PaycheckArgs, PaycheckDetail, PaycheckOut,
                                 PaycheckPage, ProgressOut, ReasonIn, RunArgs, RunIn, RunOut, RunPage, ScheduleIn,
                                 ScheduleOut, TimesheetArgs, TimesheetIn, TimesheetOut, TimesheetPage)
from payroll.api.timesheet_views import (SchedulesView, TimesheetsView, _ts_action, approve_timesheet,
                                         reject_timesheet, submit_timesheet)
from payroll.api.run_views import (RunsView, _run_action, approve_run, calculate_run, get_run, pay_run, resume_run,
                                   reverse_run, run_checks, run_nacha, run_progress)
from payroll.api.paycheck_views import get_paycheck, list_paychecks, paystub, reissue_paycheck, reverse_paycheck

__all__ = [
    "blp", "blueprints", "PageArgs", "RunArgs", "RunOut", "RunPage", "RunIn", "ReasonIn", "IssueOut", "ChecksOut",
    "ProgressOut", "LineOut", "PaycheckOut", "PaycheckDetail", "PaycheckArgs", "PaycheckPage", "TimesheetOut",
    "TimesheetIn", "TimesheetArgs", "TimesheetPage", "ScheduleOut", "ScheduleIn", "SchedulesView", "TimesheetsView",
    "submit_timesheet", "approve_timesheet", "reject_timesheet", "RunsView", "get_run", "run_progress", "run_checks",
    "calculate_run", "resume_run", "approve_run", "pay_run", "reverse_run", "run_nacha", "list_paychecks",
    "get_paycheck", "paystub", "reverse_paycheck", "reissue_paycheck",
]
