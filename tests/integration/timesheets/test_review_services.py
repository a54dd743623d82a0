"""Reviewing time: reject and dispute need a reason, which is stored and written to the history; the state table
refuses the moves it does not list; who may do what (HR rejects, the client's approver also disputes, a worker
neither); the pages' buttons come from the same table and rights (issue 11, point 4)."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from backoffice.errors import DomainError, NotFound, PermissionDenied, ValidationFailed

WEEK = date(2026, 11, 2)


@pytest.fixture
def world(db, make_user):
    """The payroll tests' world: a client, a weekly schedule, HR users, workers ready to be paid, runs."""
    from tests.integration.payroll.conftest import World

    return World(db, make_user)


@pytest.fixture
def people(db, make_user):
    from tests.factories import ClientFactory, EngagementFactory, WorkerFactory

    acme, globex = ClientFactory(name="Acme Corp"), ClientFactory(name="Globex")
    ana = WorkerFactory(first_name="Ana", last_name="Silva")
    e_ana = EngagementFactory(worker=ana, client=acme)
    e_bo = EngagementFactory(client=globex)
    return dict(e_ana=e_ana, e_bo=e_bo, hr=make_user("hr"), worker=make_user("worker", worker_id=ana.id),
                approver=make_user("client_approver", client_id=acme.id),
                other_approver=make_user("client_approver", client_id=globex.id))


def _submitted(p, engagement=None, hours=("8", "8.5")):
    from payroll.timesheets.services import save_timesheet, submit_timesheet

    eng = engagement or p["e_ana"]
    ts = save_timesheet({"engagement_id": eng.id, "week_start": WEEK, "mon": hours[0], "tue": hours[1]}, p["hr"])
    return submit_timesheet(ts.id, p["hr"])


def test_a_rejection_keeps_its_reason_and_the_history_names_each_step(db, people):
    from payroll.models import TimesheetEvent
    from payroll.timesheets.services import history, reject_timesheet

    ts = _submitted(people)
    out = reject_timesheet(ts.id, people["approver"], "  Tuesday is 8.5; the PO allows 8  ")
    assert (out.status, out.rejected_reason, out.reason) == ("rejected", "Tuesday is 8.5; the PO allows 8",
                                                             "Tuesday is 8.5; the PO allows 8")
    steps = [(e.action, e.from_status, e.to_status, e.reason, e.user_id) for e in history(out)]
    assert steps == [("create", None, "draft", "", people["hr"].id),
                     ("submit", "draft", "submitted", "", people["hr"].id),
                     ("reject", "submitted", "rejected", "Tuesday is 8.5; the PO allows 8", people["approver"].id)]
    assert db.session.execute(sa.select(sa.func.count()).select_from(TimesheetEvent)).scalar() == 3


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 501])
def test_a_rejection_or_dispute_without_a_proper_reason_is_refused_naming_reason(db, people, reason):
    from payroll.timesheets.services import dispute_timesheet, reject_timesheet

    ts = _submitted(people)
    for move in (reject_timesheet, dispute_timesheet):
        with pytest.raises(ValidationFailed) as exc:
            move(ts.id, people["approver"], reason)
        assert [i.field for i in exc.value.issues] == ["reason"]
    db.session.refresh(ts)
    assert ts.status == "submitted" and len(ts.events) == 2


def test_a_disputed_week_goes_back_to_be_fixed_and_submitted_again(db, people):
    """disputed → save (draft) → submit → approve: the approver cannot approve a disputed week as it stands."""
    from payroll.timesheets.services import (approve_timesheet, dispute_timesheet, save_timesheet,
                                             submit_timesheet)

    ts = _submitted(people)
    out = dispute_timesheet(ts.id, people["approver"], "Not on site on Tuesday")
    assert (out.status, out.disputed_reason, out.reason) == ("disputed", "Not on site on Tuesday",
                                                             "Not on site on Tuesday")
    with pytest.raises(DomainError, match=f"^Timesheet #{ts.id} is disputed: it cannot be approved; only a draft "
                                          "or submitted timesheet can be approved$"):
        approve_timesheet(ts.id, people["approver"])
    with pytest.raises(DomainError, match="already disputed: it cannot be disputed twice"):
        dispute_timesheet(ts.id, people["approver"], "again")
    fixed = save_timesheet({"engagement_id": people["e_ana"].id, "week_start": WEEK, "mon": "8"}, people["worker"])
    assert (fixed.status, fixed.reason, str(fixed.total_hours)) == ("draft", "", "8.00")
    submit_timesheet(ts.id, people["worker"])
    assert approve_timesheet(ts.id, people["approver"]).status == "approved"
    assert [e.action for e in fixed.events] == ["create", "submit", "dispute", "save", "submit", "approve"]


def test_only_a_submitted_week_is_rejected_or_disputed(db, people):
    from payroll.timesheets.services import dispute_timesheet, reject_timesheet, save_timesheet

    draft = save_timesheet({"engagement_id": people["e_ana"].id, "week_start": WEEK, "mon": "8"}, people["hr"])
    with pytest.raises(DomainError, match=f"^Timesheet #{draft.id} is draft: it cannot be rejected; only a "
                                          "submitted timesheet can be rejected$"):
        reject_timesheet(draft.id, people["hr"], "wrong")
    with pytest.raises(DomainError, match="is draft: it cannot be disputed"):
        dispute_timesheet(draft.id, people["approver"], "wrong")


def test_hr_rejects_but_does_not_dispute_and_a_worker_does_neither(db, people):
    from payroll.timesheets.services import dispute_timesheet, reject_timesheet

    ts = _submitted(people)
    with pytest.raises(PermissionDenied, match="only the client's approver may dispute"):
        dispute_timesheet(ts.id, people["hr"], "no")
    for move in (reject_timesheet, dispute_timesheet):
        with pytest.raises(PermissionDenied):
            move(ts.id, people["worker"], "no")


def test_another_clients_approver_gets_not_found(db, people):
    from payroll.timesheets.services import dispute_timesheet, reject_timesheet

    ts = _submitted(people)
    for move in (reject_timesheet, dispute_timesheet):
        with pytest.raises(NotFound):
            move(ts.id, people["other_approver"], "not ours")


def test_the_buttons_each_user_sees_come_from_the_state_table_and_their_rights(db, people):
    from payroll.timesheets.services import allowed_actions, reject_timesheet

    ts = _submitted(people)
    assert allowed_actions(ts, people["approver"]) == ("approve", "reject", "dispute")
    assert allowed_actions(ts, people["hr"]) == ("save", "approve", "reject")
    assert allowed_actions(ts, people["worker"]) == ("save",)
    reject_timesheet(ts.id, people["hr"], "fix Tuesday")
    assert allowed_actions(ts, people["approver"]) == ()
    assert allowed_actions(ts, people["worker"]) == ("save", "submit")


def test_bulk_rejection_rejects_what_it_may_and_names_the_rest(db, people):
    """Three sheets: Ana's submitted (rejected), Bo's at another client (approved first, so refused)."""
    from payroll.timesheets.services import approve_timesheet, reject_many

    ana = _submitted(people)
    bo = _submitted(people, people["e_bo"])
    approve_timesheet(bo.id, people["hr"])
    with pytest.raises(ValidationFailed):
        reject_many([ana.id, bo.id], people["hr"], " ")
    done, refused = reject_many([ana.id, bo.id], people["hr"], "Hours over the PO cap")
    assert done == 1 and refused == [(bo.id, f"Timesheet #{bo.id} is approved: it cannot be rejected; only a "
                                             "submitted timesheet can be rejected")]
    db.session.refresh(ana)
    assert (ana.status, ana.rejected_reason) == ("rejected", "Hours over the PO cap")


def test_an_import_writes_the_history_too(db, people):
    from payroll.timesheets.services import import_timesheets

    (ts,) = import_timesheets([{"line": 2, "engagement_id": people["e_ana"].id, "week_start": "2026-11-02",
                                "mon": "8"}], people["hr"])
    assert [(e.action, e.from_status, e.to_status) for e in ts.events] == [("import", None, "submitted")]


def test_a_sheet_reads_as_the_worker_at_the_client_and_the_week(db, people):
    ts = _submitted(people)
    assert str(ts) == "Ana Silva at Acme Corp, week of 2026-11-02"


def test_a_rejected_or_disputed_week_is_unapproved_time_in_the_run(db, world, make_user):
    """Three workers of one client in the run's week: one approved (paid), one rejected and one disputed (noted as
    unapproved_time, paid by a later run once fixed and approved), none blocking the run."""
    from payroll.services import runs
    from payroll.timesheets.services import dispute_timesheet, reject_timesheet, submit_timesheet

    paid, rejected, disputed = world.worker(), world.worker(), world.worker()
    world.time(paid)
    approver = make_user("client_approver", client_id=world.client.id)
    for eng, move, reason in ((rejected, reject_timesheet, "fix Tuesday"), (disputed, dispute_timesheet,
                                                                             "not on site")):
        ts = submit_timesheet(world.time(eng, approve=False).id, world.hr)
        move(ts.id, approver, reason)
    run = world.regular_run()
    assert runs.pre_run_checks(run.id) == []
    found = {(e.worker_id, e.code) for e in runs.paycheck_exceptions(run.id) if e.code == "unapproved_time"}
    assert found == {(rejected.worker_id, "unapproved_time"), (disputed.worker_id, "unapproved_time")}
