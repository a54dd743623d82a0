"""Payroll operations records: pay schedules, timesheets, runs, chunks, paychecks and their lines, YTD, adjustments."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, Scaled, Timestamps, UTCDateTime, utcnow
from backoffice.extensions import db
from backoffice.money import D
from backoffice.states import Move, StateMachine


class RunState(StrEnum):
    DRAFT = "draft"
    CALCULATING = "calculating"
    CALCULATED = "calculated"
    APPROVED = "approved"
    PAID = "paid"
    REVERSED = "reversed"


class TimesheetStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    DISPUTED = "disputed"


_R, _T = RunState, TimesheetStatus

# The moves services/runs.py, services/corrections.py and services/payments.py make on a run (a stay move,
# target None, is an action the state allows without changing it). Two runs are born past draft: a reversal run
# is created paid, a re-issue's correction run calculated.
RUN_MACHINE = StateMachine("run", RunState, field="state", moves=(
    Move("calculate", (_R.DRAFT,), _R.CALCULATING, "calculated"),
    Move("resume", (_R.CALCULATING,), None, "resumed"),
    Move("finish", (_R.CALCULATING,), _R.CALCULATED, "finished"),
    Move("approve", (_R.CALCULATED,), _R.APPROVED, "approved"),
    Move("nacha", (_R.APPROVED, _R.PAID), None, "put in a NACHA file"),
    Move("pay", (_R.APPROVED,), _R.PAID, "paid"),
    Move("reverse", (_R.CALCULATED, _R.APPROVED, _R.PAID), _R.REVERSED, "reversed"),
    Move("edit", (_R.DRAFT,), None, "edited", hint="reverse it instead", code="run_immutable"),
    Move("reverse_paycheck", (_R.CALCULATED, _R.PAID), None, "reversed one paycheck at a time",
         hint="an approved run's deposits are not sent yet: reverse the whole run, or pay it first"),
    # ACH returns are recorded on a paid run's page; the service checks the payment's own status instead, since
    # a return may still come back after the run is reversed.
    Move("record_return", (_R.PAID,), None, "given an ACH return"),
))

# Timesheets: entered (saved) as drafts, submitted or imported, approved, rejected (back to the worker, with a
# reason) or disputed (the client's approver contests the time: back to HR and the worker, with a reason); approved
# time is locked. A rejected or disputed sheet is fixed (saved, imported) and submitted again.
_FIXABLE = (_T.DRAFT, _T.SUBMITTED, _T.REJECTED, _T.DISPUTED)
TIMESHEET_MACHINE = StateMachine("timesheet", TimesheetStatus, field="status", moves=(
    Move("save", _FIXABLE, _T.DRAFT, "changed", hint="approved time is locked", code="timesheet_locked"),
    Move("import", _FIXABLE, _T.SUBMITTED, "replaced by an import", hint="approved time is locked",
         code="timesheet_locked"),
    Move("submit", (_T.DRAFT, _T.REJECTED, _T.DISPUTED), _T.SUBMITTED, "submitted"),
    Move("approve", (_T.DRAFT, _T.SUBMITTED), _T.APPROVED, "approved"),
    Move("reject", (_T.SUBMITTED,), _T.REJECTED, "rejected"),
    Move("dispute", (_T.SUBMITTED,), _T.DISPUTED, "disputed"),
))
# The moves that need a reason (stored on the sheet and in its history).
TIMESHEET_REASONED = ("reject", "dispute")

RUN_KINDS = ("regular", "bonus", "correction", "final", "reversal")
RUN_STATES = tuple(s.value for s in RunState)
TIMESHEET_STATUSES = tuple(s.value for s in TimesheetStatus)
TIMESHEET_SOURCES = ("hr", "worker", "import")
PAYCHECK_KINDS = ("regular", "reversal", "reissue")
LINE_KINDS = ("earning", "employee_tax", "employer_tax", "pretax_deduction", "posttax_deduction",
              "employer_contribution")
# sick_leave / paid_leave: approved leave requests (backoffice/leave), paid as regular wages by the next run
ADJUSTMENT_CODES = ("retro", "bonus", "commission", "correction", "reimbursement", "final_pay", "sick_leave",
                    "paid_leave")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class PaySchedule(Timestamps, db.Model):
    """How often and when one group of engagements is paid: the frequency, the first period and the pay lag.

    A schedule owns its engagements (`engagements.pay_schedule_id`): its regular runs pay those and no others,
    whatever other schedule shares the frequency. Periods are computed from `anchor_start` (the first day of a
    period); the pay date is `pay_lag_days` after the period end, moved to the previous banking day when it falls
    on a weekend or US banking holiday (payroll/calendar.py). Once the schedule has a run, its calendar (anchor and
    frequency) is fixed: services/schedules.py refuses the change."""

    __tablename__ = "pay_schedules"
    __audited__ = True
    __permission_model__ = "pay_schedule"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    frequency: Mapped[str] = mapped_column(sa.String(12), nullable=False, index=True)
    anchor_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    pay_lag_days: Mapped[int] = mapped_column(sa.Integer, default=5, nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)

    __table_args__ = (
        sa.CheckConstraint("frequency in ('weekly','biweekly','semimonthly','monthly')",
                           name="ck_pay_schedules_frequency"),
        sa.CheckConstraint("pay_lag_days >= 0 and pay_lag_days <= 31", name="ck_pay_schedules_lag"),
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.frequency})"


# every status but approved (ck_timesheets_status): the sheets a run does not pay yet, the ones ix_timesheets_status
# holds. `timesheet_not_approved()` asks for them in the index's own words, as literals: a bound list, or
# `status <> 'approved'`, is not seen by either database as implying the index's condition (the check read every
# sheet instead)
NOT_APPROVED = (TimesheetStatus.DRAFT, TimesheetStatus.SUBMITTED, TimesheetStatus.REJECTED, TimesheetStatus.DISPUTED)
_NOT_APPROVED_SQL = "status IN (" + ",".join(f"'{s}'" for s in NOT_APPROVED) + ")"


class Timesheet(Timestamps, db.Model):
    """One week (Monday to Sunday) of one engagement: hours per day, or units / a project amount for
    piece-rate and project contractors. Only `approved` time is paid; approved time is locked; `paid_run_id`
    marks the run that paid it so it is never paid twice."""

    __tablename__ = "timesheets"
    __audited__ = True
    __permission_model__ = "timesheet"
    __states__ = TIMESHEET_MACHINE
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # engagement_id lookups use uq_timesheets_engagement_week, which it leads (0095: no index of its own)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False)
    week_start: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    hours_mon: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    hours_tue: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    hours_wed: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    hours_thu: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    hours_fri: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    hours_sat: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    hours_sun: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    units: Mapped[Decimal] = mapped_column(Scaled(4), default=D(0), nullable=False)   # piece / project
    note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), default="draft", nullable=False)       # partial index below
    source: Mapped[str] = mapped_column(sa.String(10), default="hr", nullable=False)
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejected_reason: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    disputed_reason: Mapped[str] = mapped_column(sa.String(500), default="", server_default="", nullable=False)
    # no index (0134): the run's mark is then a heap-only update on the half-empty page (below); a run's sheets are
    # found from its workers' engagements (uq_timesheets_engagement_week), their ids or the invoice lines naming them
    paid_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payroll_runs.id"))

    engagement = relationship("Engagement")
    events = relationship("TimesheetEvent", back_populates="timesheet", order_by="TimesheetEvent.id",
                          lazy="select", passive_deletes=True)

    __table_args__ = (
        sa.UniqueConstraint("engagement_id", "week_start", name="uq_timesheets_engagement_week"),
        sa.CheckConstraint("status in ('draft','submitted','approved','rejected','disputed')",
                           name="ck_timesheets_status"),
        # 0128: the statuses looked for across engagements; approved sheets (nearly all, and each one a run marks
        # paid) stay out and are found by engagement and week or by their run
        sa.Index("ix_timesheets_status", "status", sqlite_where=sa.text(_NOT_APPROVED_SQL),
                 postgresql_where=sa.text(_NOT_APPROVED_SQL)),
        # half of each page left free (0134): the run's paid mark writes each approved sheet's new version on its
        # own page, with no new index entry
        {"postgresql_with": {"fillfactor": 50}},
    )

    @property
    def daily_hours(self) -> tuple[Decimal, ...]:
        return tuple(getattr(self, f"hours_{d}") for d in DAYS)

    @property
    def total_hours(self) -> Decimal:
        return sum(self.daily_hours, D(0))

    @property
    def reason(self) -> str:
        """Why the sheet came back, while it is rejected or disputed ("" otherwise)."""
        if self.status == TimesheetStatus.REJECTED:
            return self.rejected_reason
        if self.status == TimesheetStatus.DISPUTED:
            return self.disputed_reason
        return ""

    def __str__(self) -> str:
        """"Ana Silva at Northwind, week of 2026-11-02" (the engagement's worker and client)."""
        eng = self.engagement
        if eng is None or eng.worker is None or eng.client is None:
            return f"Timesheet #{self.id} week of {self.week_start}"
        return f"{eng.worker} at {eng.client.name}, week of {self.week_start}"


TIMESHEET_ACTIONS = ("create", *(m.action for m in TIMESHEET_MACHINE.moves))


def timesheet_not_approved() -> sa.ColumnElement[bool]:
    """A sheet not approved yet (rejected and disputed included), in ix_timesheets_status's words: NOT_APPROVED."""
    return Timesheet.status.in_([sa.literal_column(f"'{s}'") for s in NOT_APPROVED])


class TimesheetEvent(db.Model):
    """One step in a timesheet's approval history: who did what (saved, submitted, imported, approved, rejected,
    disputed), when, from which status to which, and why. Append-only: written by the timesheet services."""

    __tablename__ = "timesheet_events"
    __permission_model__ = "timesheet"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    timesheet_id: Mapped[int] = mapped_column(sa.ForeignKey("timesheets.id", ondelete="CASCADE"), nullable=False,
                                              index=True)
    action: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    from_status: Mapped[str | None] = mapped_column(sa.String(12))
    to_status: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    reason: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    timesheet = relationship("Timesheet", back_populates="events")
    user = relationship("User")

    __table_args__ = (
        sa.CheckConstraint("action in ('create','save','import','submit','approve','reject','dispute')",
                           name="ck_timesheet_events_action"),
        sa.CheckConstraint("action not in ('reject','dispute') or reason <> ''", name="ck_timesheet_events_reason"),
    )

    @property
    def words(self) -> str:
        """The step in words: "rejected", "disputed", "submitted" ..."""
        return {"create": "entered", "save": "changed", "import": "imported", "submit": "submitted",
                "approve": "approved", "reject": "rejected", "dispute": "disputed"}[self.action]

    @property
    def who(self) -> str:
        return (self.user.name or self.user.email) if self.user is not None else "system"


class PayrollRun(Timestamps, db.Model):
    """One payroll: draft → calculating → calculated → approved → paid, or reversed. Regular runs pay a period of
    one schedule; off-cycle runs (bonus, correction, final) pay their adjustments; reversal runs hold the negative
    paychecks that undo paychecks of earlier runs."""

    __tablename__ = "payroll_runs"
    __audited__ = True
    __permission_model__ = "payroll_run"
    __states__ = RUN_MACHINE
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(12), default="regular", nullable=False, index=True)
    state: Mapped[str] = mapped_column(sa.String(12), default="draft", nullable=False, index=True)
    pay_schedule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pay_schedules.id"), index=True)
    frequency: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    period_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    period_end: Mapped[date] = mapped_column(sa.Date, nullable=False)
    pay_date: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    description: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    prepared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    paid_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reversed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    calculation_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    calculated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reverses_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payroll_runs.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    # an off-cycle run that pays the paychecks held out of another run (services/holds.py)
    pays_holds_of_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payroll_runs.id"), index=True)
    chunk_size: Mapped[int] = mapped_column(sa.Integer, default=2000, nullable=False)
    chunks_total: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    chunks_done: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    error: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    # totals, filled once when the last chunk is done
    paycheck_count: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    total_gross: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    total_employee_taxes: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    total_employer_taxes: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    total_deductions: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    total_net: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)

    pay_schedule = relationship(PaySchedule)

    __table_args__ = (
        sa.CheckConstraint("kind in ('regular','bonus','correction','final','reversal')", name="ck_runs_kind"),
        sa.CheckConstraint("state in ('draft','calculating','calculated','approved','paid','reversed')",
                           name="ck_runs_state"),
        sa.CheckConstraint("period_end >= period_start", name="ck_runs_period"),
    )

    @property
    def progress_percent(self) -> int:
        if self.state in ("calculated", "approved", "paid", "reversed"):
            return 100
        if not self.chunks_total:
            return 0
        return int(100 * self.chunks_done / self.chunks_total)

    def __str__(self) -> str:
        """The run as people name it: "Biweekly run Nov 2–15, 2026 · pay Nov 20" (regular: its schedule and
        period), "Bonus run · pay Nov 20, 2026" (off-cycle). Lists eager-load `pay_schedule`."""
        return run_name(self.kind, self.pay_schedule.name if self.pay_schedule_id and self.pay_schedule else "",
                        self.period_start, self.period_end, self.pay_date)


def _day(d: date, *, year: bool) -> str:
    return f"{d:%b} {d.day}, {d.year}" if year else f"{d:%b} {d.day}"


def period_words(start: date, end: date) -> str:
    """A period as people write it: "Nov 2–15, 2026", "Oct 27 – Nov 9, 2026", "Dec 28, 2026 – Jan 10, 2027"."""
    if start == end:
        return _day(start, year=True)
    if start.year != end.year:
        return f"{_day(start, year=True)} – {_day(end, year=True)}"
    if start.month != end.month:
        return f"{_day(start, year=False)} – {_day(end, year=True)}"
    return f"{start:%b} {start.day}–{end.day}, {end.year}"


def run_name(kind: str, schedule_name: str, period_start: date, period_end: date, pay_date: date) -> str:
    """See PayrollRun.__str__."""
    if kind == "regular":
        label = f"{schedule_name or 'Regular'} run {period_words(period_start, period_end)}"
        return f"{label} · pay {_day(pay_date, year=pay_date.year != period_end.year)}"
    return f"{kind.replace('_', ' ').capitalize()} run · pay {_day(pay_date, year=True)}"


@cache
def released_runs() -> sa.Select:
    """Ids of the runs whose paychecks count as issued: approved or paid, or reversed after approval; a reversal
    run only when the run it reverses had been approved. A calculated run is still a draft for payroll (it can be
    reversed before anyone is paid): workers do not see it, and year to date, registers and the GL leave it out.

    Built once (a Select is immutable; callers add to copies): the alias made it about 1 ms of CPU per call, and a
    portal page asked for it two or three times."""
    reversed_run = sa.orm.aliased(PayrollRun)
    return sa.select(PayrollRun.id).outerjoin(reversed_run, reversed_run.id == PayrollRun.reverses_run_id).where(
        sa.or_(sa.and_(PayrollRun.state.in_(("approved", "paid")),
                       sa.or_(PayrollRun.kind != "reversal", reversed_run.approved_at.is_not(None))),
               sa.and_(PayrollRun.state == "reversed", PayrollRun.approved_at.is_not(None))))


class RunChunk(db.Model):
    """One slice of a run's engagements, calculated in one transaction: its paychecks, lines, YTD updates,
    journal entry and `done_at` commit together, so a retried chunk finds itself done and does nothing. Once the
    run is approved, the chunk's share of the approval (its workers' payments, and payroll.hooks RUN_APPROVED_CHUNK:
    the leave they accrue) commits with `approved_at` in the same way."""

    __tablename__ = "payroll_run_chunks"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("payroll_runs.id"), nullable=False)
    index: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    engagement_ids: Mapped[list] = mapped_column(sa.JSON, nullable=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    # the chunk's paychecks in total, written with `done_at` in its transaction: a run's totals are its chunks' (40
    # rows at 100,000 workers, not 100,000 paychecks). NULL on a chunk done before they were kept (0139_tot28).
    paycheck_count: Mapped[int | None] = mapped_column(sa.Integer)
    total_gross: Mapped[Decimal | None] = mapped_column(Scaled(2))
    total_employee_taxes: Mapped[Decimal | None] = mapped_column(Scaled(2))
    total_employer_taxes: Mapped[Decimal | None] = mapped_column(Scaled(2))
    total_deductions: Mapped[Decimal | None] = mapped_column(Scaled(2))
    total_net: Mapped[Decimal | None] = mapped_column(Scaled(2))

    __table_args__ = (
        sa.UniqueConstraint("run_id", "index", name="uq_run_chunks_run_index"),
        sa.CheckConstraint(     # all NULL, or all set on a done chunk, net as each paycheck's (ck_paychecks_net)
            "(paycheck_count is null and total_gross is null and total_employee_taxes is null and "
            "total_employer_taxes is null and total_deductions is null and total_net is null) or "
            "(done_at is not null and paycheck_count >= 0 and total_gross is not null and total_employee_taxes is "
            "not null and total_employer_taxes is not null and total_deductions is not null and total_net is not "
            "null and total_gross - total_employee_taxes - total_deductions = total_net)",
            name="ck_run_chunks_totals"),
    )


class PayrollAdjustment(Timestamps, db.Model):
    """An extra earning to pay: retro pay from a back-dated rate change, a bonus, commission, correction,
    reimbursement or final pay. `pending` ones are picked up by the next run that pays the engagement (or by the
    off-cycle run named in `run_id`); `applied` ones name the paycheck that paid them."""

    __tablename__ = "payroll_adjustments"
    __audited__ = True
    __permission_model__ = "payroll_run"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False, index=True)
    code: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    hours: Mapped[Decimal | None] = mapped_column(Scaled(2))
    note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending", nullable=False, index=True)
    run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payroll_runs.id"), index=True)
    paycheck_id: Mapped[int | None] = mapped_column(sa.ForeignKey("paychecks.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # the back-dated rate change whose retro difference this is: one adjustment per rate change, by the database
    rate_change_id: Mapped[int | None] = mapped_column(sa.ForeignKey("engagement_rates.id"), index=True,
                                                          unique=True)

    __table_args__ = (
        sa.CheckConstraint("code in ('retro','bonus','commission','correction','reimbursement','final_pay',"
                           "'sick_leave','paid_leave')",
                           name="ck_adjustments_code"),
        sa.CheckConstraint("status in ('pending','applied','cancelled')", name="ck_adjustments_status"),
    )


RETRO_STATUSES = ("none", "pending", "confirmed", "dismissed")


class EngagementRate(Timestamps, db.Model):
    """One pay rate of an engagement from `effective_date` (the history; `engagements.pay_rate` stays the current
    rate). A change dated in the past is `pending` until HR has seen the retro difference per past paycheck and
    confirmed it (a `retro` adjustment for the next run, payroll_adjustments.rate_change_id) or dismissed it;
    `none` when nothing already paid is affected (services/retro.py)."""

    __tablename__ = "engagement_rates"
    __audited__ = True
    __permission_model__ = "payroll_run"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False, index=True)
    rate: Mapped[Decimal] = mapped_column(Scaled(4), nullable=False)
    previous_rate: Mapped[Decimal | None] = mapped_column(Scaled(4))
    effective_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    retro_status: Mapped[str] = mapped_column(sa.String(10), default="none", nullable=False, index=True)
    retro_amount: Mapped[Decimal | None] = mapped_column(Scaled(2))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    engagement = relationship("Engagement")

    __table_args__ = (
        sa.CheckConstraint("rate >= 0", name="ck_engagement_rates_rate"),
        sa.CheckConstraint("retro_status in ('none','pending','confirmed','dismissed')",
                           name="ck_engagement_rates_retro_status"),
    )

    def __str__(self) -> str:
        return f"Rate {self.rate} from {self.effective_date} (engagement #{self.engagement_id})"


class RunContributor(db.Model):
    """Someone who changed what a run pays, and how: created it, started its calculation, entered, edited or
    approved time it pays, added an adjustment it pays, changed the pay rate of an engagement it pays since that
    engagement's last approved run. Written by the services as it happens (creation, calculation) and by each chunk
    for the inputs it used; the approver must be none of them (services/four_eyes.py)."""

    __tablename__ = "payroll_run_contributors"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("payroll_runs.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    ref: Mapped[str] = mapped_column(sa.String(40), default="", nullable=False)    # e.g. "timesheet 12"
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("run_id", "user_id", "role", "ref", name="uq_run_contributors"),
        sa.CheckConstraint("role in ('created','calculated','time_entered','time_approved','adjustment',"
                           "'rate_change')", name="ck_run_contributors_role"),
    )


class ReversalRequest(Timestamps, db.Model):
    """A request to reverse a paid run (paycheck_id empty) or one paycheck of it. The money has gone out, so one
    person asks and a different person carries it out (services/corrections.py): `open` → `done`."""

    __tablename__ = "payroll_reversal_requests"
    __audited__ = True
    __permission_model__ = "payroll_run"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("payroll_runs.id"), nullable=False, index=True)
    paycheck_id: Mapped[int | None] = mapped_column(sa.ForeignKey("paychecks.id"))
    reason: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="open", nullable=False)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reversal_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payroll_runs.id"))

    __table_args__ = (sa.CheckConstraint("status in ('open','done')", name="ck_reversal_requests_status"),)

    paycheck = relationship("Paycheck", foreign_keys=[paycheck_id], viewonly=True)

    def __str__(self) -> str:
        what = f"paycheck #{self.paycheck_id}" if self.paycheck_id else f"run #{self.run_id}"
        return f"Reversal request #{self.id} for {what} ({self.status})"


class Paycheck(db.Model):
    """One worker's pay in one run: ONE paycheck per worker, worker type and kind, whatever clients the worker
    worked for (the agency is the employer of record; taxes are computed on the combined wages). A worker who is
    both a leased employee and a contractor gets a paycheck (`worker_type` employee) and a contractor payment
    (`worker_type` contractor), never mixed. Each earning line names its engagement and client;
    `engagement_id`/`client_id` here are set only when the paycheck pays a single engagement.

    Posted when written; never updated. A reversal is a new paycheck of kind `reversal` with every amount
    negated and `reverses_id` set; a re-issue is a new paycheck of kind `reissue` in a correction run."""

    __tablename__ = "paychecks"
    __permission_model__ = "paycheck"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # run_id is looked up through uq_paychecks_run_worker_kind, which it leads; agency_id has no index (0086), nor
    # client_id (0134): nothing looks paychecks up by client (billing and cost by client read the earning lines)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("payroll_runs.id"), nullable=False)
    engagement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("engagements.id"), index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clients.id"))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    kind: Mapped[str] = mapped_column(sa.String(10), default="regular", nullable=False)
    worker_type: Mapped[str] = mapped_column(sa.String(10), nullable=False)          # employee | contractor
    work_state: Mapped[str] = mapped_column(sa.String(2), default="", nullable=False, index=True)
    period_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    period_end: Mapped[date] = mapped_column(sa.Date, nullable=False)
    pay_date: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    tax_year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    gross: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    employee_taxes: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    employer_taxes: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    deductions: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    net: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    # the FLSA overtime premium of this paycheck (the half-time part; W-2 box 12 code TT from 2026)
    qualified_overtime_premium: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    # a reversal reverses one paycheck once, a reversed paycheck is re-issued once: unique, partial indexes below
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("paychecks.id"))
    reissue_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("paychecks.id"))
    inputs: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)      # the engine input, replayable
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    run = relationship(PayrollRun)
    engagement = relationship("Engagement")
    worker = relationship("Worker")
    lines = relationship("PaycheckLine", order_by="PaycheckLine.id", viewonly=True)

    __table_args__ = (
        sa.UniqueConstraint("run_id", "worker_id", "worker_type", "kind", name="uq_paychecks_run_worker_kind"),
        sa.CheckConstraint("kind in ('regular','reversal','reissue')", name="ck_paychecks_kind"),
        sa.CheckConstraint("gross - employee_taxes - deductions = net", name="ck_paychecks_net"),
        # 0128: regular paychecks (nearly all) have neither reference and stay out of these indexes
        sa.Index("uq_paychecks_reverses_id", "reverses_id", unique=True,
                 sqlite_where=sa.text("reverses_id IS NOT NULL"), postgresql_where=sa.text("reverses_id IS NOT NULL")),
        sa.Index("ix_paychecks_reissue_of_id", "reissue_of_id", unique=True,
                 sqlite_where=sa.text("reissue_of_id IS NOT NULL"),
                 postgresql_where=sa.text("reissue_of_id IS NOT NULL")),
        # 0138: the approval's negative-net check (pre_run_checks) reads this, not the run's every paycheck; only
        # reversals (negated) and a paycheck that cannot be approved are in it
        sa.Index("ix_paychecks_negative_net", "run_id", sqlite_where=sa.text("net < 0"),
                 postgresql_where=sa.text("net < 0")),
    )

    KIND_WORDS = {"reversal": " (reversal)", "reissue": " (re-issue)"}

    def __str__(self) -> str:
        """"Alice Silva's paycheck, pay Nov 13, 2026" (lists, links, messages: no raw id)."""
        who = str(self.worker) if self.worker is not None else "A worker"
        d = self.pay_date
        when = f", pay {d:%b} {d.day}, {d.year}" if d is not None else ""
        return f"{who}'s paycheck{when}{self.KIND_WORDS.get(self.kind, '')}"


class PaycheckHold(db.Model):
    """A worker's paycheck held out of a run: by HR with a reason, or automatically for a problem that makes the
    paycheck impossible to compute (an unsupported state, no classification, salary days already paid). The run
    goes on without it; the worker's time and adjustments stay unpaid, to be paid by a later regular run or by an
    off-cycle run made from the holds (`released_run_id`). One hold per worker and worker type per run."""

    __tablename__ = "paycheck_holds"
    __audited__ = True
    __permission_model__ = "payroll_run"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("payroll_runs.id"), nullable=False, index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    code: Mapped[str] = mapped_column(sa.String(40), default="held_by_hr", nullable=False)
    reason: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    released_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payroll_runs.id"), index=True)

    run = relationship(PayrollRun, foreign_keys=[run_id])
    worker = relationship("Worker")

    __table_args__ = (
        sa.UniqueConstraint("run_id", "worker_id", name="uq_paycheck_holds_run_worker"),
        sa.CheckConstraint("length(reason) > 0", name="ck_paycheck_holds_reason"),
    )


class PaidSalaryPeriod(db.Model):
    """The days a salary paycheck paid, claimed once per engagement: a period is paid once per engagement whatever
    the schedule. The database refuses a second unreleased claim overlapping any day of another one (migration
    0050: an EXCLUDE constraint on PostgreSQL, a trigger on SQLite), so neither a second schedule, an engagement
    moved between schedules nor two calculations at once can pay a day twice. Reversing the paycheck releases
    the claim (`released_at`, `released_by_paycheck_id` = the reversal), so a re-issue or a correction may pay
    those days again. Hourly and piece pay are safe already: each timesheet is marked with the run that paid it."""

    __tablename__ = "paid_salary_periods"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False, index=True)
    period_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    period_end: Mapped[date] = mapped_column(sa.Date, nullable=False)
    paycheck_id: Mapped[int] = mapped_column(sa.ForeignKey("paychecks.id"), nullable=False)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("payroll_runs.id"), nullable=False, index=True)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_by_paycheck_id: Mapped[int | None] = mapped_column(sa.ForeignKey("paychecks.id"))

    __table_args__ = (sa.CheckConstraint("period_end >= period_start", name="ck_paid_salary_periods_dates"),
                      sa.UniqueConstraint("paycheck_id", "engagement_id",
                                          name="uq_paid_salary_periods_paycheck_engagement"))


class PaycheckLine(db.Model):
    """One line of a paycheck. The payroll register is a pivot of these: one column per (kind, code, state).
    `explanation` holds the engine's steps in words (filled for small runs; see docs/payroll-operations.md)."""

    __tablename__ = "paycheck_lines"
    # the ORM's identity of a line is its id; on PostgreSQL the table's primary key is (paycheck_id, id) and serves
    # every lookup by paycheck, so the index on paycheck_id below exists on SQLite only (0137: a run's line enters
    # one index instead of two)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    paycheck_id: Mapped[int] = mapped_column(sa.ForeignKey("paychecks.id"), nullable=False, index=True)
    # earning lines: the engagement and client the pay was earned at (billing and cost by client); null on taxes
    engagement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("engagements.id"))    # partial index below
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clients.id"))
    kind: Mapped[str] = mapped_column(sa.String(24), nullable=False)
    code: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    state: Mapped[str] = mapped_column(sa.String(2), default="", nullable=False)
    locality: Mapped[str] = mapped_column(sa.String(16), default="", nullable=False)   # local tax lines (W-2 box 20)
    amount: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    hours: Mapped[Decimal | None] = mapped_column(Scaled(4))
    rate: Mapped[Decimal | None] = mapped_column(Scaled(4))
    taxable_wages: Mapped[Decimal | None] = mapped_column(Scaled(2))
    explanation: Mapped[list | None] = mapped_column(sa.JSON)

    __table_args__ = (
        sa.CheckConstraint("kind in ('earning','employee_tax','employer_tax','pretax_deduction',"
                           "'posttax_deduction','employer_contribution')", name="ck_paycheck_lines_kind"),
        # earning lines only: tax and deduction lines name no engagement and stay out of the index (0086)
        sa.Index("ix_paycheck_lines_engagement_id", "engagement_id",
                 postgresql_where=sa.text("engagement_id IS NOT NULL"),
                 sqlite_where=sa.text("engagement_id IS NOT NULL")),
        # the Local Services Tax withheld so far this year, read for every chunk of a run (0124): only those lines
        # (PA workers' LST), not every line of the chunk's workers' paychecks of the year
        sa.Index("ix_paycheck_lines_local_services_tax", "paycheck_id",
                 postgresql_where=sa.text("code = 'local_services_tax'"),
                 sqlite_where=sa.text("code = 'local_services_tax'")),
    )


class YearToDate(db.Model):
    """Running totals per worker, calendar year and worker type, updated in the same transaction that posts a
    paycheck, so a run never re-sums history: the withholding basis (wage bases, caps) of the next calculation.
    W-2 wages (`employee`) and contractor pay (`contractor`) are separate rows: contractor pay never enters a wage
    base. What a paystub shows as year to date is summed from released paychecks instead (services/paystubs.py).
    Field names follow payroll.engine.YearToDate."""

    __tablename__ = "payroll_ytd"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False)
    tax_year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    worker_type: Mapped[str] = mapped_column(sa.String(10), default="employee", nullable=False)
    gross: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    federal_wages: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    social_security_wages: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    medicare_wages: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    futa_wages: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    suta_wages: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    deferrals_401k: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    hsa: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    fsa: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    supplemental: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    qualified_overtime_premium: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    dcfsa: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)           # IRC 129 (0092)
    employer_401k: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)   # 415(c) (0092)
    net: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)

    __table_args__ = (sa.UniqueConstraint("worker_id", "tax_year", "worker_type", name="uq_payroll_ytd_worker_year"),
                      sa.CheckConstraint("worker_type in ('employee','contractor')", name="ck_payroll_ytd_type"))

    YTD_FIELDS = ("gross", "federal_wages", "social_security_wages", "medicare_wages", "futa_wages", "suta_wages",
                  "deferrals_401k", "hsa", "fsa", "supplemental", "qualified_overtime_premium", "dcfsa",
                  "employer_401k")


from backoffice.errors import DomainError, Issue, ValidationFailed
from backoffice.workers.models import Engagement
from payroll.models_ledger import JournalEntry, JournalLine, Payment  # noqa: E402,F401  (registers the tables)
from payroll.models_deductions import DeductionTake, EmployerContribution, WorkerDeduction  # noqa: E402,F401
from payroll.models_money import BankFile, BankFileEntry, TaxDeposit  # noqa: E402,F401  (registers the tables)


def _refuse_change(mapper, connection, target) -> None:
    raise DomainError(f"{type(target).__name__} #{target.id} is posted: it is never updated or deleted; "
                      "reverse it instead", code="posted_is_immutable")


for _model in (Paycheck, PaycheckLine, JournalEntry, JournalLine):
    sa.event.listen(_model, "before_update", _refuse_change)
    sa.event.listen(_model, "before_delete", _refuse_change)


# ------------------------------------------------------------------------------------------------ schedule of an engagement
# `engagements.pay_schedule_id` lives on the workers' table, but pay schedules are payroll's: workers never imports
# payroll, so payroll keeps the pair right here, whoever writes the engagement (services, admin, API, importer,
# onboarding, reclassification, demo, factories). A schedule given wins and sets `pay_frequency` to its frequency;
# without one (or when only the frequency changes) the engagement goes on the first active schedule of its
# frequency, the lowest id — the schedule such an engagement was paid on before schedules owned engagements.
def _default_schedule(connection, frequency: str | None) -> int | None:
    return connection.execute(sa.select(PaySchedule.id).where(PaySchedule.frequency == (frequency or "biweekly"))
                              .order_by(PaySchedule.active.desc(), PaySchedule.id).limit(1)).scalar()


def _sync_schedule(mapper, connection, target, *, new: bool) -> None:
    state = sa.inspect(target)
    schedule_changed = new or state.attrs.pay_schedule_id.history.has_changes()
    if target.pay_schedule_id is not None and schedule_changed:
        freq = connection.execute(sa.select(PaySchedule.frequency).where(PaySchedule.id == target.pay_schedule_id)
                                  ).scalar()
        if freq is None:
            raise ValidationFailed([Issue("pay_schedule_id", f"no pay schedule with id {target.pay_schedule_id}",
                                          "not_found")])
        target.pay_frequency = freq
    elif new or target.pay_schedule_id is None or state.attrs.pay_frequency.history.has_changes():
        target.pay_schedule_id = _default_schedule(connection, target.pay_frequency)


sa.event.listen(Engagement, "before_insert", lambda m, c, t: _sync_schedule(m, c, t, new=True))
sa.event.listen(Engagement, "before_update", lambda m, c, t: _sync_schedule(m, c, t, new=False))


# ------------------------------------------------------------------------------------------------ rate history
# Whoever changes an engagement's pay rate (the engagement form, the API, an import), the history gets the new rate
# effective the day it was saved. A back-dated change goes through payroll.services.retro.change_rate, which
# records its own row with the effective date (and marks the engagement so this hook stays out of the way).
def _record_rate(mapper, connection, target) -> None:
    hist = sa.inspect(target).attrs.pay_rate.history
    if not hist.has_changes() or getattr(target, "_rate_change_recorded", False):
        return
    from backoffice.audit import _actor
    from backoffice.clock import clock

    session = sa.inspect(target).session
    actor = _actor(session) if session is not None else None
    now = utcnow()
    connection.execute(EngagementRate.__table__.insert().values(
        engagement_id=target.id, rate=target.pay_rate, previous_rate=hist.deleted[0] if hist.deleted else None,
        effective_date=clock().today(), note="", retro_status="none", created_by_id=getattr(actor, "id", None),
        created_at=now, updated_at=now))


sa.event.listen(Engagement, "after_update", _record_rate)
