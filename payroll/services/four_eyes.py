"""Four eyes on a run: who changed what it pays, recorded as data, and the rule that none of them approves it.

The inputs a member of staff can change, and so the contributions recorded (payroll_run_contributors):
  created         made the run (regular, off-cycle, or the correction run of a re-issue)
  calculated      started its calculation (decides when the inputs are read)
  time_entered    entered, edited or imported a timesheet the run pays (the last saver, and every editor the
                  audit log names)
  time_approved   approved a timesheet the run pays (approval is what makes time payable)
  adjustment      added an adjustment (bonus, retro, correction, ...) the run pays
  rate_change     changed the pay rate of an engagement the run pays, since that engagement was last in an
                  approved run (an earlier change was already seen by that run's approver)
Creation and calculation are written when they happen; the rest by each chunk from the rows it actually paid.
Worker-entered time names the worker, who holds no right to approve a run anyway."""
from __future__ import annotations

import json

import sqlalchemy as sa

from backoffice.audit import AuditLog
from backoffice.errors import DomainError
from backoffice.extensions import db
from payroll.models import Paycheck, PaycheckLine, PayrollAdjustment, PayrollRun, RunContributor
from payroll.piecework.models import TaskCompletion

from .common import id_in, user_id
from .id_list import IdList

WORDS = {"created": "prepared it", "calculated": "started its calculation", "time_entered": "entered or edited {ref}",
         "time_approved": "approved {ref}", "adjustment": "added {ref}", "rate_change": "changed the pay rate of {ref}"}


def record(run_id: int, user, role: str, ref: str = "") -> None:
    """Note that `user` changed the run's inputs (idempotent)."""
    uid = user if isinstance(user, int) else user_id(user)
    if uid is None:
        return
    exists = db.session.execute(sa.select(RunContributor.id).where(
        RunContributor.run_id == run_id, RunContributor.user_id == uid, RunContributor.role == role,
        RunContributor.ref == ref)).scalar()
    if exists is None:
        db.session.add(RunContributor(run_id=run_id, user_id=uid, role=role, ref=ref))
        db.session.flush()


def record_chunk_inputs(run: PayrollRun, engagement_ids: list[int],
                        timesheets: list[tuple[int, int | None, int | None]], adjustment_ids: list[int],
                        task_ids: list[int] = ()) -> None:
    """Record who entered, edited and approved the time, recorded the tasks, added the adjustments and changed the
    rates one chunk paid. A chunk's rows are its own (one chunk per engagement), so the rows never collide across
    chunks. `timesheets`: (id, entered_by_id, approved_by_id) of the timesheets paid, as the chunk read them with the
    hours it paid (not read again)."""
    found: set[tuple[int, str, str]] = set()
    if task_ids:
        for tid, created in db.session.execute(sa.select(TaskCompletion.id, TaskCompletion.created_by_id)
                                               .where(id_in(TaskCompletion.id, list(task_ids)))):
            found.add((created, "time_entered", f"task #{tid}"))
    if timesheets:
        for tid, entered, approved in timesheets:
            if entered is not None:         # imported time has no user (and a row without one is not kept)
                found.add((entered, "time_entered", f"timesheet #{tid}"))
            if approved is not None:
                found.add((approved, "time_approved", f"timesheet #{tid}"))
        for rid, uid, changes in _audit_rows("timesheet", [t[0] for t in timesheets]):
            if "approved_by_id" not in json.loads(changes or "{}"):
                found.add((uid, "time_entered", f"timesheet #{rid}"))
    if adjustment_ids:
        for aid, created in db.session.execute(sa.select(PayrollAdjustment.id, PayrollAdjustment.created_by_id)
                                               .where(id_in(PayrollAdjustment.id, adjustment_ids))):
            found.add((created, "adjustment", f"adjustment #{aid}"))
    if engagement_ids:
        changed = [(rid, uid, at) for rid, uid, changes, at in _audit_rows("engagements", engagement_ids, with_at=True)
                   if "pay_rate" in json.loads(changes or "{}")]
        # when each engagement whose rate changed was last paid by an approved run: asked for those engagements only
        # (a few), not the chunk's thousands, whose earning lines of every run of the year it read to find none
        last = dict(db.session.execute(sa.select(PaycheckLine.engagement_id, sa.func.max(PayrollRun.approved_at))
                                       .join(Paycheck, Paycheck.id == PaycheckLine.paycheck_id)
                                       .join(PayrollRun, PayrollRun.id == Paycheck.run_id)
                                       .where(id_in(PaycheckLine.engagement_id, sorted({r[0] for r in changed})),
                                              PayrollRun.approved_at.is_not(None), PayrollRun.id != run.id)
                                       .group_by(PaycheckLine.engagement_id)).all()) if changed else {}
        for rid, uid, at in changed:
            since = last.get(rid)
            if since is None or at > since:
                found.add((uid, "rate_change", f"engagement #{rid}"))
    rows = [{"run_id": run.id, "user_id": uid, "role": role, "ref": ref} for uid, role, ref in sorted(
        found, key=lambda r: (r[1], r[2], r[0] or 0)) if uid is not None]
    if rows:
        db.session.execute(sa.insert(RunContributor), rows)


def _audit_rows(model: str, ids: list[int], *, with_at: bool = False):
    """(record id, user id, changes JSON[, at]) of the audit log's updates and creations of these records."""
    cols = [AuditLog.record_id, AuditLog.user_id, AuditLog.changes] + ([AuditLog.at] if with_at else [])
    out = []
    for i in range(0, len(ids), 5000):
        batch = IdList(ids[i:i + 5000])         # integer ids, compared with the text record ids (common.id_in)
        for row in db.session.execute(sa.select(*cols).where(
                AuditLog.model == model, AuditLog.action.in_(("create", "update")), id_in(AuditLog.record_id, batch),
                AuditLog.user_id.is_not(None))):
            out.append((int(row[0]),) + tuple(row[1:]))
    return out


def contributions(run_id: int) -> list[RunContributor]:
    return list(db.session.execute(sa.select(RunContributor).where(RunContributor.run_id == run_id)
                                   .order_by(RunContributor.id)).scalars())


def contributions_of(run_id: int, uid: int | None) -> list:
    """(role, ref, user_id) of the run's contributions by this user and of every "created" one, in the order they
    were recorded: all that check_approver reads. Plain rows, not every contribution as an ORM object: a run
    of thousands of timesheets records thousands, and the run's page asks on every view (issue 18 point 5)."""
    return db.session.execute(sa.select(RunContributor.role, RunContributor.ref, RunContributor.user_id).where(
        RunContributor.run_id == run_id, sa.or_(RunContributor.user_id == uid, RunContributor.role == "created"))
        .order_by(RunContributor.id)).all()


def check_approver(run: PayrollRun, user) -> None:
    """Refuse an approver who changed the run's inputs, and any approver of a run with no recorded preparer."""
    uid = user_id(user)
    rows = contributions_of(run.id, uid)
    if run.prepared_by_id is None and not any(r.role == "created" for r in rows):
        raise DomainError(f"run #{run.id} has no recorded preparer, so no one can show they did not change it; "
                          "reverse it and prepare it again under a named user", code="no_preparer")
    mine = _in_words([r for r in rows if r.user_id == uid])
    if run.prepared_by_id == uid and not any(r.role == "created" and r.user_id == uid for r in rows):
        mine.insert(0, WORDS["created"])
    if mine:
        raise DomainError(f"you may not approve run #{run.id}: you {'; '.join(mine)}. Whoever changed a run's "
                          "inputs may not approve it (four eyes): a different user must", code="approver_changed_inputs")


def _in_words(rows: list[RunContributor], shown: int = 3) -> list[str]:
    """One phrase per kind of contribution, naming at most `shown` records ("approved timesheet #3, timesheet #4,
    timesheet #9 and 57 more"), so a refusal stays readable on a run of thousands."""
    by_role: dict[str, list[str]] = {}
    for r in rows:
        by_role.setdefault(r.role, []).append(r.ref)
    out = []
    for role in WORDS:
        refs = by_role.get(role)
        if refs is None:
            continue
        named = ", ".join(refs[:shown]) + (f" and {len(refs) - shown} more" if len(refs) > shown else "")
        out.append(WORDS[role].format(ref=named))
    return out
