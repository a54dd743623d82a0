"""The run page's desk: which actions a user may take on a run now and, for each one refused, why (the transition
table and the four-eyes rule decide, as the services do); the run's status in words; and the run's problems
(blocking checks and paycheck exceptions) as one list that names workers and engagements.

Nothing here writes: the services (runs.py, four_eyes.py, holds.py) stay the only judges of a move; this only keeps
off the page a button the server would refuse, and says why."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from backoffice.errors import DomainError
from backoffice.extensions import db
from backoffice.security.access import can
from backoffice.security.models import User
from backoffice.states import allows
from backoffice.workers.models import Engagement
from payroll.models import RUN_MACHINE, Paycheck, PaycheckHold, PayrollRun

from . import four_eyes, runs
from .common import user_id

# The run's life in order, and the buttons of its main line (reverse, resume and holds have their own forms).
STATE_ORDER = ("draft", "calculating", "calculated", "approved", "paid")
FLOW = ("calculate", "approve", "nacha", "pay")
LABELS = {"calculate": "Calculate", "approve": "Approve", "nacha": "Generate NACHA file", "pay": "Mark paid"}


@dataclass(frozen=True)
class RunButton:
    """One action button of the run page: enabled, or disabled with the reason in words."""

    action: str
    label: str
    enabled: bool
    reason: str = ""


def may_approve(run: PayrollRun, user) -> str | None:
    """None when `user` may approve the run now; otherwise why not, in words. Side-effect free: the same right,
    state and four-eyes rule (four_eyes.check_approver) that runs.approve_run applies."""
    if user is None or not can(user, *runs.RUN_RIGHTS["approve"]):
        return "Your role may not approve payroll runs."
    if not allows(run, "approve"):
        return _not_yet(run, "approve")
    try:
        four_eyes.check_approver(run, user)
    except DomainError as refused:
        if refused.code != "approver_changed_inputs":
            return refused.message[:1].upper() + refused.message[1:]
        uid = user_id(user)
        if run.prepared_by_id == uid:
            return "You prepared this run: another person approves it (four eyes)."
        mine = four_eyes._in_words([c for c in four_eyes.contributions_of(run.id, uid) if c.user_id == uid])
        return f"You {'; '.join(mine)}: another person approves this run (four eyes)."
    return None


def _not_yet(run: PayrollRun, action: str) -> str:
    move = RUN_MACHINE.move(action)
    sources = [str(s) for s in move.sources]
    only = sources[0] if len(sources) == 1 else f"{', '.join(sources[:-1])} or {sources[-1]}"
    article = "an" if only[:1] in "aeiou" else "a"
    return f"Not yet: only {article} {only} run can be {move.words}."


def run_buttons(run: PayrollRun, user) -> list[RunButton]:
    """The main line's buttons this user's role may use: enabled when the run's state allows the move (and, to
    approve, the four-eyes rule lets this user), disabled with the reason for a step still ahead; a step already
    behind the run is not shown."""
    here = STATE_ORDER.index(run.state) if run.state in STATE_ORDER else len(STATE_ORDER)
    waiting = _waiting_for_chunks(run) if run.state == "approved" else ""
    out = []
    for action in FLOW:
        if not can(user, *runs.RUN_RIGHTS[action]):
            continue
        if allows(run, action):
            reason = may_approve(run, user) if action == "approve" else waiting if action in ("nacha", "pay") else None
            out.append(RunButton(action, LABELS[action], not reason, reason or ""))
            continue
        first = min(STATE_ORDER.index(str(s)) for s in RUN_MACHINE.move(action).sources)
        if first > here:
            out.append(RunButton(action, LABELS[action], False, _not_yet(run, action)))
    return out


def _user_name(uid: int | None) -> str:
    if uid is None:
        return "someone"
    u = db.session.get(User, uid)
    return (u.name or u.email) if u is not None else "someone"


def _when(at) -> str:
    return f" on {at:%b} {at.day}, {at.year}" if at is not None else ""


def _waiting_for_chunks(run: PayrollRun) -> str:
    """Why the NACHA file and marking paid wait (runs.refuse_while_approving refuses them), or nothing."""
    pending = runs.pending_approval_chunks(run.id)
    return (f"Not yet: the payments of {len(pending)} of {run.chunks_total} chunks are still being written."
            if pending else "")


def _approving(run: PayrollRun) -> str:
    """The approval's chunks still at work (their workers' payments and leave), said after the status; else
    nothing."""
    pending = runs.pending_approval_chunks(run.id)
    if not pending:
        return ""
    return (f" The payments and leave accrual of {len(pending)} of {run.chunks_total} chunks are still being "
            "written (the NACHA file, marking paid, paystubs and reversal wait for them); if a worker stopped, "
            "resume the approval.")


def run_status(run: PayrollRun) -> str:
    """Where the run stands and what comes next, in words (the page's status line; the progress poll keeps it
    current while calculating)."""
    state = run.state
    if state == "draft":
        return "Draft: check the problems below, then calculate."
    if state == "calculating":
        return f"Calculating: {run.chunks_done} of {run.chunks_total} chunks done."
    if state == "calculated":
        return "Calculated: review and approve."
    if state == "approved":
        return (f"Approved by {_user_name(run.approved_by_id)}{_when(run.approved_at)}: generate the NACHA file, "
                f"then mark it paid.{_approving(run)}")
    if state == "paid":
        return f"Paid{_when(run.paid_at)}.{_approving(run)}"
    if state == "reversed":
        return f"Reversed by {_user_name(run.reversed_by_id)}{_when(run.reversed_at)}."
    return state


# ------------------------------------------------------------------------------------------------ problems
TITLES = {
    "empty_run": "Nothing to pay", "negative_net": "Negative net pay",
    "unclassified": "Not classified", "unsupported_state": "State not supported",
    "no_state_registration": "No state registration", "period_already_paid": "Period already paid",
    "missing_w4": "No W-4", "missing_w9": "No W-9", "no_bank_account": "No bank account",
    "unapproved_time": "Time not approved", "held_by_hr": "Held by HR",
    "no_wc_class": "No workers' comp class code", "no_wc_rate": "No workers' comp rate",
    "wc_hours_unknown": "Workers' comp hours unknown",
}


def title(code: str) -> str:
    return TITLES.get(code, code.replace("_", " ").capitalize())


@dataclass(frozen=True)
class RunProblem:
    """One row of the run's problems: a blocking check (blocks the run) or a paycheck exception (holds the
    paycheck or is noted on it), named by worker and engagement."""

    code: str
    title: str
    message: str
    effect: str                  # block | hold | note
    held: bool
    worker_id: int | None = None
    worker_name: str = ""
    engagement_id: int | None = None
    engagement_name: str = ""
    paycheck_id: int | None = None
    hold_id: int | None = None


@dataclass(frozen=True)
class ProblemPage:
    rows: list[RunProblem]
    counts: dict[str, int]       # per code, over every problem (not only this page)
    total: int                   # how many match the filter
    blocking: int                # how many block the run
    held_workers: int            # workers held out of the run


def run_problems(run_id: int, *, code: str = "", limit: int = 200) -> ProblemPage:
    """The run's problems, blocking first then by worker: counted per kind; the first `limit` of kind `code` (all
    kinds when empty) named (engagements loaded for those rows only: a large run can have thousands)."""
    blocking = runs.pre_run_checks(run_id)
    exceptions = runs.paycheck_exceptions(run_id)
    counts = Counter([i.code for i in blocking] + [e.code for e in exceptions])
    negative = _negative_paychecks(run_id) if any(i.code == "negative_net" for i in blocking) else {}
    rows: list[RunProblem] = []
    for i in blocking:
        if code and i.code != code:
            continue
        pid = _index(i.field) if i.field.startswith("paychecks[") else None
        p = negative.get(pid)
        rows.append(RunProblem(i.code, title(i.code), _plain(i.message), "block", False,
                               worker_id=p.worker_id if p else None,
                               worker_name=str(p.worker) if p is not None and p.worker else "",
                               engagement_id=p.engagement_id if p else None, paycheck_id=pid))
    for e in exceptions:
        if code and e.code != code:
            continue
        rows.append(RunProblem(e.code, title(e.code), e.message, e.action, e.held, worker_id=e.worker_id,
                               worker_name=e.worker_name, engagement_id=e.engagement_id))
    total = len(rows)
    rows = rows[:limit]
    names = _engagement_names({r.engagement_id for r in rows if r.engagement_id})
    holds = _hr_holds(run_id, {r.worker_id for r in rows if r.code == "held_by_hr"})
    rows = [RunProblem(**{**r.__dict__, "engagement_name": names.get(r.engagement_id, ""),
                          "hold_id": holds.get(r.worker_id) if r.code == "held_by_hr" else None}) for r in rows]
    return ProblemPage(rows, dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))), total, len(blocking),
                       len({e.worker_id for e in exceptions if e.held}))


def _index(field: str) -> int | None:
    try:
        return int(field.split("[", 1)[1].rstrip("]"))
    except (IndexError, ValueError):
        return None


def _plain(message: str) -> str:
    """A check's message without the raw "worker 12: " prefix (the row names the worker)."""
    head, sep, rest = message.partition(": ")
    return rest if sep and head.startswith("worker ") and head[7:].isdigit() else message


def _negative_paychecks(run_id: int) -> dict[int, Paycheck]:
    return {p.id: p for p in db.session.execute(sa.select(Paycheck).options(joinedload(Paycheck.worker)).where(
        Paycheck.run_id == run_id, Paycheck.net < 0)).scalars()}


def _engagement_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Engagement).options(joinedload(Engagement.worker), joinedload(Engagement.client))
                              .where(Engagement.id.in_(sorted(ids)))).scalars()
    return {e.id: str(e) for e in rows}


def _hr_holds(run_id: int, worker_ids: set[int]) -> dict[int, int]:
    if not worker_ids:
        return {}
    return dict(db.session.execute(sa.select(PaycheckHold.worker_id, PaycheckHold.id).where(
        PaycheckHold.run_id == run_id, PaycheckHold.worker_id.in_(sorted(worker_ids)),
        PaycheckHold.code == "held_by_hr")).all())
