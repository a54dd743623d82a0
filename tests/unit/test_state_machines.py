"""The state tables of runs, timesheets and onboarding cases, written out by hand; they agree with the CHECKs."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from backoffice.onboarding.models import CASE_MACHINE, CaseStatus, OnboardingCase
from payroll.models import RUN_MACHINE, TIMESHEET_MACHINE, PayrollRun, RunState, Timesheet, TimesheetStatus

RUN_MOVES = {
    "draft": {"calculate", "edit"},
    "calculating": {"resume", "finish"},
    "calculated": {"approve", "reverse", "reverse_paycheck"},
    "approved": {"nacha", "pay", "reverse"},
    "paid": {"nacha", "reverse", "reverse_paycheck", "record_return"},
    "reversed": set(),
}
TIMESHEET_MOVES = {
    "draft": {"save", "import", "submit", "approve"},
    "submitted": {"save", "import", "approve", "reject", "dispute"},
    "approved": set(),
    "rejected": {"save", "import", "submit"},
    "disputed": {"save", "import", "submit"},
}
CASE_MOVES = {
    "invited": {"resend", "start", "save_step"},
    "in_progress": {"save_step", "complete"},
    "completed": set(),
    "cancelled": set(),
}


@pytest.mark.parametrize("machine,table", [(RUN_MACHINE, RUN_MOVES), (TIMESHEET_MACHINE, TIMESHEET_MOVES),
                                           (CASE_MACHINE, CASE_MOVES)], ids=["run", "timesheet", "case"])
def test_each_state_allows_exactly_these_actions(machine, table):
    assert {s.value: set(machine.actions(s)) for s in machine.states} == table


@pytest.mark.parametrize("machine,action,target", [
    (RUN_MACHINE, "calculate", "calculating"), (RUN_MACHINE, "finish", "calculated"),
    (RUN_MACHINE, "approve", "approved"), (RUN_MACHINE, "pay", "paid"), (RUN_MACHINE, "reverse", "reversed"),
    (RUN_MACHINE, "nacha", None), (TIMESHEET_MACHINE, "save", "draft"), (TIMESHEET_MACHINE, "import", "submitted"),
    (TIMESHEET_MACHINE, "approve", "approved"), (TIMESHEET_MACHINE, "reject", "rejected"),
    (TIMESHEET_MACHINE, "dispute", "disputed"),
    (CASE_MACHINE, "start", "in_progress"), (CASE_MACHINE, "complete", "completed"), (CASE_MACHINE, "resend", None),
])
def test_each_move_leads_to_its_state(machine, action, target):
    assert machine.move(action).target == target


@pytest.mark.parametrize("model,name,states", [(PayrollRun, "ck_runs_state", RunState),
                                               (Timesheet, "ck_timesheets_status", TimesheetStatus),
                                               (OnboardingCase, "ck_onboarding_cases_status", CaseStatus)])
def test_the_database_check_allows_exactly_the_enum_values(model, name, states):
    (check,) = [c for c in model.__table__.constraints if c.name == name]
    assert re.findall(r"'(\w+)'", str(check.sqltext)) == [s.value for s in states]


def test_the_refusal_of_a_paid_run_reads_in_words():
    run = SimpleNamespace(id=12, state="paid")
    assert RUN_MACHINE.refusal(run, "calculate").message == (
        "Run #12 is paid: it cannot be calculated; only a draft run can be calculated")
