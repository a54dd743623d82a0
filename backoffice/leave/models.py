"""Paid-leave records: policies (a jurisdiction's sick-leave law, or the agency's own PTO and holiday policies for
a client or engagement type), each worker's balance per policy, the ledger of accruals, uses, carryover, payout
and forfeiture behind every balance, and the worker's leave requests.

The ledger is append-only (a correction is a reversing entry). An accrual is keyed by (run, paycheck, policy) in
the database, so paying, re-running or replaying a run never accrues the same hours twice; a use by its request."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from backoffice.db import BigId, Scaled, Timestamps, UTCDateTime, utcnow
from backoffice.extensions import db
from backoffice.leave.explanations import expand
from backoffice.money import D
from backoffice.states import Move, StateMachine

POLICY_KINDS = ("sick_law", "pto", "holiday")
APPROVERS = ("hr", "client_approver")
# set_aside: a balance not paid at separation, held for a rehire within the law's window (then `rehire`)
# grant: a front-loading policy's yearly amount given at the start of the policy year (engine.front_load)
ENTRY_KINDS = ("accrual", "use", "carryover", "payout", "forfeiture", "restore", "reversal", "adjustment",
               "set_aside", "rehire", "grant")
# Reason categories a worker picks from; the laws list these (e.g. Cal. Lab. Code 246.5(a): diagnosis, care or
# treatment of an existing condition, preventive care, for the employee or a family member; safe time for victims
# of domestic violence, sexual assault or stalking).
REASONS = {"own_illness": "My own illness, injury or health condition",
           "preventive_care": "Preventive care or a medical appointment",
           "family_care": "Caring for a family member",
           "safe_time": "Safe time (domestic violence, sexual assault or stalking)",
           "public_health": "Closure of my workplace or a child's school by public officials",
           "vacation": "Vacation", "personal": "Personal time", "holiday": "Holiday"}
SICK_REASONS = ("own_illness", "preventive_care", "family_care", "safe_time", "public_health")
HOURS = Decimal("0.0001")


class Explanation(sa.types.TypeDecorator):
    """An entry's explanation: a list of lines, read back in full from the stored form a run's accrual writes
    (the law's sentences by reference: backoffice/leave/explanations.py). Written as given."""

    impl = sa.JSON
    cache_ok = True

    def process_result_value(self, value, dialect):
        return expand(value) if isinstance(value, dict) else value


def _in(column: str, values) -> str:
    return f"{column} in ({','.join(repr(v) for v in values)})"


class LeavePolicy(Timestamps, db.Model):
    """One leave policy. `sick_law`: a jurisdiction's paid sick-leave law (its figures come from the dated law
    data, backoffice/leave/data, by `jurisdiction`); it applies wherever hours are worked there. `pto` and
    `holiday`: the agency's own policy, with its figures here, for every engagement, one client's (`client_id`)
    and/or one engagement type (`engagement_type`). `approver` says who approves requests: HR, or the approver of
    the client where the worker works."""

    __tablename__ = "leave_policies"
    __audited__ = True
    __permission_model__ = "leave_policy"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False, index=True)
    jurisdiction: Mapped[str] = mapped_column(sa.String(20), default="", nullable=False, index=True)
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    engagement_type: Mapped[str] = mapped_column(sa.String(20), default="", nullable=False)
    accrual_rate: Mapped[Decimal | None] = mapped_column(Scaled(6))         # pto: hours earned per hour worked
    annual_accrual_cap: Mapped[Decimal | None] = mapped_column(Scaled(4))  # pto: hours a policy year
    balance_cap: Mapped[Decimal | None] = mapped_column(Scaled(4))         # pto: hours held at most
    allow_advance: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    advance_limit: Mapped[Decimal] = mapped_column(Scaled(4), default=D(0), nullable=False)
    approver: Mapped[str] = mapped_column(sa.String(16), default="hr", nullable=False)
    reasons: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    documentation_after_days: Mapped[int | None] = mapped_column(sa.Integer)   # consecutive days before a note
    # a sick-law policy that grants the law's yearly amount at the start of each policy year instead of accruing
    front_load: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false(), nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)

    client = relationship("Client")

    __table_args__ = (
        sa.CheckConstraint(_in("kind", POLICY_KINDS), name="ck_leave_policies_kind"),
        sa.CheckConstraint(_in("approver", APPROVERS), name="ck_leave_policies_approver"),
        sa.CheckConstraint("kind <> 'sick_law' or jurisdiction <> ''", name="ck_leave_policies_jurisdiction"),
        sa.CheckConstraint("advance_limit >= 0", name="ck_leave_policies_advance"),
    )

    def __str__(self) -> str:
        return self.name


class LeaveBalance(Timestamps, db.Model):
    """A worker's hours under one policy: the balance, and this policy year's accrued and used hours (the laws'
    annual caps count these). Written only with a ledger entry that explains the change."""

    __tablename__ = "leave_balances"
    __permission_model__ = "leave_balance"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # looked up by worker through uq_leave_balances_worker_policy, which leads with it (0133: no index of its own)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False)
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("leave_policies.id"), nullable=False, index=True)
    balance: Mapped[Decimal] = mapped_column(Scaled(4), default=D(0), nullable=False)
    policy_year_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    accrued_this_year: Mapped[Decimal] = mapped_column(Scaled(4), default=D(0), nullable=False)
    used_this_year: Mapped[Decimal] = mapped_column(Scaled(4), default=D(0), nullable=False)
    usable_from: Mapped[date | None] = mapped_column(sa.Date)

    worker = relationship("Worker")
    policy = relationship("LeavePolicy")

    __table_args__ = (sa.UniqueConstraint("worker_id", "policy_id", name="uq_leave_balances_worker_policy"),)

    def __str__(self) -> str:
        return f"{self.worker} — {self.policy}: {self.balance} h"


class LeaveEntry(db.Model):
    """One line of a worker's leave ledger (signed hours; `balance_after` is the balance once it is applied).
    Never edited: a reversed run writes `reversal` entries."""

    __tablename__ = "leave_entries"
    __permission_model__ = "leave_entry"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("leave_policies.id"), nullable=False, index=True)
    # no index of its own (0128): queries on kind name the run, paycheck, worker or request too, and the two unique
    # indexes below lead with it
    kind: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    hours: Mapped[Decimal] = mapped_column(Scaled(4), nullable=False)
    balance_after: Mapped[Decimal] = mapped_column(Scaled(4), nullable=False)
    hours_worked: Mapped[Decimal | None] = mapped_column(Scaled(4))
    capped: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payroll_runs.id"), index=True)
    paycheck_id: Mapped[int | None] = mapped_column(sa.ForeignKey("paychecks.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leave_requests.id"))     # partial indexes below
    explanation: Mapped[list] = mapped_column(Explanation, nullable=False, default=list)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    worker = relationship("Worker")
    policy = relationship("LeavePolicy")

    __table_args__ = (
        sa.CheckConstraint(_in("kind", ENTRY_KINDS), name="ck_leave_entries_kind"),
        # a run's paycheck accrues under a policy once, whatever re-runs, replays or repeated hooks do
        sa.UniqueConstraint("kind", "run_id", "paycheck_id", "policy_id", name="uq_leave_entries_run_paycheck"),
        # a request is used once; only a request's entries are indexed (0128: accruals, nearly all, have none)
        sa.Index("uq_leave_entries_request", "kind", "request_id", unique=True,
                 sqlite_where=sa.text("request_id IS NOT NULL"), postgresql_where=sa.text("request_id IS NOT NULL")),
        sa.Index("ix_leave_entries_request_id", "request_id",
                 sqlite_where=sa.text("request_id IS NOT NULL"), postgresql_where=sa.text("request_id IS NOT NULL")),
    )

    def __str__(self) -> str:
        return f"{self.kind} {self.hours} h on {self.on}"


class LeaveRequestStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    PAID = "paid"


_S = LeaveRequestStatus
REQUEST_MACHINE = StateMachine("leave request", LeaveRequestStatus, field="status", moves=(
    Move("approve", (_S.SUBMITTED,), _S.APPROVED, "approved"),
    Move("decline", (_S.SUBMITTED,), _S.DECLINED, "declined"),
    Move("cancel", (_S.SUBMITTED, _S.APPROVED), _S.CANCELLED, "cancelled",
         hint="leave already paid is corrected by HR with a payroll correction"),
    Move("pay", (_S.APPROVED,), _S.PAID, "paid"),
))
REQUEST_STATUSES = tuple(s.value for s in LeaveRequestStatus)


class LeaveRequest(Timestamps, db.Model):
    """A worker's request to take paid leave: the days, the hours, a reason category. Approved, it becomes a
    payroll adjustment (`adjustment_id`) the next regular run pays at the rate the law sets; the hours leave the
    balance when that run is approved (its paychecks final)."""

    __tablename__ = "leave_requests"
    __audited__ = True
    __audit_mask__ = ("document",)
    __permission_model__ = "leave_request"
    __states__ = REQUEST_MACHINE
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("leave_policies.id"), nullable=False, index=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), nullable=False, index=True)
    start_date: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    end_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    hours: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    reason: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    # what a law lets the employer ask for on a longer absence (engine.documentation): the worker's stated reason
    # and/or an uploaded note from a provider
    documentation: Mapped[str] = mapped_column(sa.String(500), default="", server_default="", nullable=False)
    document: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    document_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="", nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="submitted", nullable=False, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    rate: Mapped[Decimal | None] = mapped_column(Scaled(4))
    rate_method: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    adjustment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payroll_adjustments.id"), unique=True)
    paid_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payroll_runs.id"), index=True)

    worker = relationship("Worker")
    policy = relationship("LeavePolicy")
    engagement = relationship("Engagement")
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    __table_args__ = (
        sa.CheckConstraint(_in("status", REQUEST_STATUSES), name="ck_leave_requests_status"),
        sa.CheckConstraint("hours > 0", name="ck_leave_requests_hours"),
        sa.CheckConstraint("end_date >= start_date", name="ck_leave_requests_dates"),
    )

    def __str__(self) -> str:
        return f"Leave request #{self.id}: {self.hours} h from {self.start_date}"


# Leaves of absence: the federal FMLA and the state family-leave programs a case may run under.
CASE_PROGRAMS = {"fmla": "FMLA (29 U.S.C. 2601; 29 CFR 825)", "ca_pfl": "California Paid Family Leave",
                 "ca_cfra": "California Family Rights Act", "ny_pfl": "New York Paid Family Leave",
                 "wa_pfml": "Washington Paid Family and Medical Leave", "ma_pfml": "Massachusetts PFML",
                 "nj_fli": "New Jersey Family Leave Insurance", "co_famli": "Colorado FAMLI",
                 "other": "Other leave of absence"}
CASE_REASONS = ("own_health", "family_care", "bonding", "military", "other")
CASE_STATUSES = ("open", "closed")


class LeaveCase(Timestamps, db.Model):
    """A leave of absence: the program it runs under, its dates, whether the job is protected and, for the FMLA,
    the eligibility found when it opened (29 CFR 825.110: 12 months, 1,250 hours of service counted across every
    client, 50 employees within 75 miles) with the figures and the sentences behind it."""

    __tablename__ = "leave_cases"
    __audited__ = True
    __permission_model__ = "leave_case"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    program: Mapped[str] = mapped_column(sa.String(10), nullable=False, index=True)
    reason: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    start_date: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    expected_end: Mapped[date | None] = mapped_column(sa.Date)
    returned_on: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(8), default="open", nullable=False, index=True)
    eligible: Mapped[bool | None] = mapped_column(sa.Boolean)
    job_protected: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    hours_12_months: Mapped[Decimal | None] = mapped_column(Scaled(2))
    employees_within_75_miles: Mapped[int | None] = mapped_column(sa.Integer)
    explanation: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    worker = relationship("Worker")

    __table_args__ = (
        sa.CheckConstraint(_in("program", CASE_PROGRAMS), name="ck_leave_cases_program"),
        sa.CheckConstraint(_in("reason", CASE_REASONS), name="ck_leave_cases_reason"),
        sa.CheckConstraint(_in("status", CASE_STATUSES), name="ck_leave_cases_status"),
    )

    def __str__(self) -> str:
        return f"{CASE_PROGRAMS.get(self.program, self.program)} from {self.start_date}"

    @property
    def protected_until(self) -> date | None:
        """The last day the job is protected: a closed case's end date (`returned_on`); None while the case is open
        (protected for as long as it runs) or when it gives no protection."""
        return self.returned_on if self.job_protected and self.status == "closed" else None

    def protected_on(self, day: date) -> bool:
        """Whether the case protects the worker's job on `day`: from its start to its end date once closed."""
        if not self.job_protected or day < self.start_date:
            return False
        return self.status != "closed" or day <= self.returned_on
