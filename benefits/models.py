"""Benefits records: the agency's pooled plans (plan years, tiers, rates), the clients' contribution rules,
enrollment windows, dependents, beneficiaries, enrollments (elections and waivers) and life events.
Money in cents (`Scaled(2)`), percents as fractions (`Scaled(6)`: 1000000 is 100%)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from backoffice.crypto import mask_ssn
from backoffice.db import BigId, EncryptedString, Scaled, Timestamps, UTCDateTime
from backoffice.extensions import db

PLAN_KINDS = ("medical", "dental", "vision", "401k", "hsa", "fsa", "dcfsa", "commuter", "529")
HEALTH_KINDS = ("medical", "dental", "vision")          # priced by coverage tier, paid under section 125
ACCOUNT_KINDS = ("hsa", "fsa", "dcfsa", "commuter", "529")   # an annual amount spread over the paychecks
NETWORK_TYPES = ("HMO", "PPO", "EPO", "HDHP")
COMMUTER_KINDS = ("transit", "parking")     # IRC 132(f)(2)(A) and (B): each its own monthly limit
TIERS = ("employee", "employee_spouse", "employee_children", "family")
TIER_LABELS = {"employee": "Employee only", "employee_spouse": "Employee + spouse",
               "employee_children": "Employee + children", "family": "Family"}
RULE_METHODS = ("percent_employee_only", "percent_tier", "flat")
WINDOW_KINDS = ("open_enrollment",)
WINDOW_STATUSES = ("scheduled", "open", "closed")
RELATIONSHIPS = ("spouse", "child", "domestic_partner")
BENEFICIARY_PLANS = ("401k", "life")
BENEFICIARY_LEVELS = ("primary", "contingent")
ENROLLMENT_EVENTS = ("new_hire", "open_enrollment", "life_event", "aca_full_time")   # aca: benefits.aca_services
VESTING_SCHEDULES = ("immediate", "cliff_2", "cliff_3", "graded_6")    # payroll.engine.retirement.vesting_schedule
ENROLLMENT_STATUSES = ("active", "ended", "cancelled")
QUALIFYING_EVENTS = ("marriage", "birth", "adoption", "loss_of_coverage", "move", "divorce", "death")
LIFE_EVENT_KINDS = ("cobra_qualifying_event",) + QUALIFYING_EVENTS
LIFE_EVENT_STATUSES = ("open", "processed", "cancelled", "requested", "approved", "denied")
MAX_WAITING_DAYS = 90   # 29 CFR 2590.715-2708: a waiting period may not exceed 90 days
# Scaled(6) stores a fraction as millionths: 1000000 is 100%.
_ONE = 1000000


def _in(column: str, values: tuple) -> str:
    return f"{column} in ({','.join(repr(v) for v in values)})"


def _fraction(column: str) -> str:
    return f"{column} is null or ({column} >= 0 and {column} <= {_ONE})"


class Carrier(Timestamps, db.Model):
    """An insurance carrier (or administrator) the agency's health plans are placed with: where its X12 834
    enrollment files go and whose monthly bills are reconciled. `code` is the short name operators type
    (`backoffice benefits edi834 --carrier SUMMIT`); the interchange ids are the carrier's trading-partner set-up
    (ISA05/06 qualifier and id of the receiver; the sponsor side is the agency's EIN)."""

    __tablename__ = "benefit_carriers"
    __audited__ = True
    __permission_model__ = "benefit_plan"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(15), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    fein: Mapped[str] = mapped_column(sa.String(9), default="", nullable=False)           # N1*IN identifier
    receiver_qualifier: Mapped[str] = mapped_column(sa.String(2), default="ZZ", nullable=False)   # ISA07
    receiver_id: Mapped[str] = mapped_column(sa.String(15), nullable=False)                       # ISA08, GS03
    group_number: Mapped[str] = mapped_column(sa.String(30), default="", nullable=False)  # the master policy
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="", nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)

    __table_args__ = (
        sa.CheckConstraint("code <> '' and code = upper(code)", name="ck_benefit_carriers_code"),
        sa.CheckConstraint("receiver_id <> ''", name="ck_benefit_carriers_receiver"),
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class BenefitPlan(Timestamps, db.Model):
    """One plan of the agency's master plan for one plan year: a medical/dental/vision plan priced by tier, the
    401(k) multiple-employer plan (match formula and auto-enrollment default as data), or an account (HSA, health
    FSA, dependent-care FSA, commuter, 529). Eligibility rules are data on the plan: the waiting period (at most 90
    days), the hours a week a worker must average, and whether contractors may join."""

    __tablename__ = "benefit_plans"
    __audited__ = True
    __permission_model__ = "benefit_plan"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    carrier: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)   # the name workers see
    # the carrier the plan's enrollment files and bills are exchanged with (health plans; null for accounts)
    carrier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefit_carriers.id"), index=True)
    network_type: Mapped[str | None] = mapped_column(sa.String(4))
    plan_year_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    plan_year_end: Mapped[date] = mapped_column(sa.Date, nullable=False)
    deductible_individual: Mapped[Decimal | None] = mapped_column(Scaled(2))
    deductible_family: Mapped[Decimal | None] = mapped_column(Scaled(2))
    out_of_pocket_individual: Mapped[Decimal | None] = mapped_column(Scaled(2))
    out_of_pocket_family: Mapped[Decimal | None] = mapped_column(Scaled(2))
    waiting_days: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    min_weekly_hours: Mapped[Decimal | None] = mapped_column(Scaled(2))    # e.g. 30 (ACA full time); null = any
    contractors_eligible: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    hdhp: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    # 401(k): the match formula (match `match_rate_1` of deferrals up to `match_up_to_1` of pay, then `match_rate_2`
    # of the next `match_up_to_2`) and the auto-enrollment default deferral given at open enrollment's close.
    match_up_to_1: Mapped[Decimal | None] = mapped_column(Scaled(6))
    match_rate_1: Mapped[Decimal | None] = mapped_column(Scaled(6))
    match_up_to_2: Mapped[Decimal | None] = mapped_column(Scaled(6))
    match_rate_2: Mapped[Decimal | None] = mapped_column(Scaled(6))
    default_deferral_percent: Mapped[Decimal | None] = mapped_column(Scaled(6))
    # Accounts: the most a worker may elect a year under this plan (the law's limit, from its publication).
    max_annual_amount: Mapped[Decimal | None] = mapped_column(Scaled(2))
    commuter_kind: Mapped[str | None] = mapped_column(sa.String(8))     # a commuter plan: transit or parking
    source_note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
    # 401(k): how the match vests (payroll/engine/data/retirement_plan_rules.json; safe-harbor money is immediate),
    # automatic escalation of an auto-enrolled worker's percent (IRC 414A: +step a year up to cap), and whether
    # the match is trued up after the year on the whole year's pay
    vesting_schedule: Mapped[str] = mapped_column(sa.String(10), default="immediate", server_default="immediate",
                                                  nullable=False)
    escalation_step: Mapped[Decimal | None] = mapped_column(Scaled(6))
    escalation_cap: Mapped[Decimal | None] = mapped_column(Scaled(6))
    match_true_up: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false(),
                                                nullable=False)

    @property
    def match_tiers(self) -> tuple[tuple[Decimal, Decimal], ...]:
        """The 401(k) match formula as (share of pay, match rate) tiers, in turn (payroll.engine.retirement)."""
        return tuple((up, rate) for up, rate in ((self.match_up_to_1, self.match_rate_1),
                                                 (self.match_up_to_2, self.match_rate_2)) if up is not None)

    carrier_ref = relationship(Carrier)
    tiers = relationship("PlanTier", back_populates="plan", cascade="all, delete-orphan",
                         order_by="PlanTier.id")
    rules = relationship("ClientContributionRule", back_populates="plan", cascade="all, delete-orphan",
                         order_by="ClientContributionRule.id")

    __table_args__ = (
        sa.CheckConstraint(_in("kind", PLAN_KINDS), name="ck_benefit_plans_kind"),
        sa.CheckConstraint(_in("vesting_schedule", VESTING_SCHEDULES), name="ck_benefit_plans_vesting_schedule"),
        sa.CheckConstraint("(escalation_step is null) = (escalation_cap is null) and (escalation_step is null or "
                           "(escalation_step > 0 and escalation_cap <= 150000))", name="ck_benefit_plans_escalation"),
        sa.CheckConstraint("network_type is null or " + _in("network_type", NETWORK_TYPES),
                           name="ck_benefit_plans_network_type"),
        sa.CheckConstraint("commuter_kind is null or (kind = 'commuter' and " + _in("commuter_kind", COMMUTER_KINDS)
                           + ")", name="ck_benefit_plans_commuter_kind"),
        sa.CheckConstraint(f"waiting_days >= 0 and waiting_days <= {MAX_WAITING_DAYS}",
                           name="ck_benefit_plans_waiting_days"),
        sa.CheckConstraint("plan_year_end >= plan_year_start", name="ck_benefit_plans_plan_year"),
        sa.CheckConstraint(" and ".join(f"({c} is null or {c} >= 0)" for c in (
            "deductible_individual", "deductible_family", "out_of_pocket_individual", "out_of_pocket_family",
            "max_annual_amount", "min_weekly_hours")), name="ck_benefit_plans_amounts"),
        sa.CheckConstraint(" and ".join(f"({_fraction(c)})" for c in (
            "match_up_to_1", "match_rate_1", "match_up_to_2", "match_rate_2", "default_deferral_percent")),
            name="ck_benefit_plans_percents"),
        sa.CheckConstraint("(match_up_to_1 is null) = (match_rate_1 is null) and (match_up_to_2 is null) = "
                           "(match_rate_2 is null) and (match_up_to_2 is null or match_up_to_1 is not null)",
                           name="ck_benefit_plans_match_tiers"),
        sa.UniqueConstraint("name", "plan_year_start", name="uq_benefit_plans_name_year"),
    )

    @property
    def match(self) -> tuple[tuple[Decimal, Decimal], ...]:
        tiers = ((self.match_up_to_1, self.match_rate_1), (self.match_up_to_2, self.match_rate_2))
        return tuple((u, r) for u, r in tiers if u is not None and r is not None)

    def __str__(self) -> str:
        return f"{self.name} ({self.plan_year_start.year})"


class PlanTier(db.Model):
    """A coverage tier of a health plan and its total monthly premium (employee and employer shares together)."""

    __tablename__ = "benefit_plan_tiers"
    __audited__ = True
    __permission_model__ = "benefit_plan"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("benefit_plans.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    tier: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    monthly_premium: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)

    plan = relationship(BenefitPlan, back_populates="tiers")

    __table_args__ = (
        sa.CheckConstraint(_in("tier", TIERS), name="ck_benefit_plan_tiers_tier"),
        sa.CheckConstraint("monthly_premium >= 0", name="ck_benefit_plan_tiers_premium"),
        sa.UniqueConstraint("plan_id", "tier", name="uq_benefit_plan_tiers_plan_tier"),
    )

    def __str__(self) -> str:
        return f"{TIER_LABELS.get(self.tier, self.tier)}: {self.monthly_premium}/month"


class ClientContributionRule(Timestamps, db.Model):
    """What the employer pays toward a plan for the workers placed with one client (`client_id` null: the agency's
    default): a percent of the employee-only premium, a percent of the chosen tier's premium, or a flat amount a
    month (for an account such as the HSA: a flat amount a month into it). `value` is a fraction for the percent
    methods and dollars for `flat` (whole cents: the CHECK says so)."""

    __tablename__ = "benefit_contribution_rules"
    __audited__ = True
    __permission_model__ = "benefit_plan"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("benefit_plans.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    method: Mapped[str] = mapped_column(sa.String(24), nullable=False)
    value: Mapped[Decimal] = mapped_column(Scaled(6), nullable=False)
    note: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)

    plan = relationship(BenefitPlan, back_populates="rules")
    client = relationship("Client")

    __table_args__ = (
        sa.CheckConstraint(_in("method", RULE_METHODS), name="ck_benefit_contribution_rules_method"),
        sa.CheckConstraint(f"value >= 0 and (method = 'flat' or value <= {_ONE})",
                           name="ck_benefit_contribution_rules_value"),
        sa.CheckConstraint("method <> 'flat' or value % 10000 = 0", name="ck_benefit_contribution_rules_cents"),
        sa.UniqueConstraint("plan_id", "client_id", name="uq_benefit_contribution_rules_plan_client"),
        # NULLs are distinct in a unique constraint: one agency default per plan needs its own partial index.
        sa.Index("uq_benefit_contribution_rules_plan_default", "plan_id", unique=True,
                 sqlite_where=sa.text("client_id is null"), postgresql_where=sa.text("client_id is null")),
    )

    def __str__(self) -> str:
        who = self.client.name if self.client is not None else "agency default"
        return f"{who}: {self.method} {self.value}"


class EnrollmentWindow(Timestamps, db.Model):
    """An open-enrollment period HR opens and closes for a plan year (new-hire and life-event windows are each
    worker's own, computed from eligibility and the approved event)."""

    __tablename__ = "benefit_enrollment_windows"
    __audited__ = True
    __permission_model__ = "benefit_window"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default="open_enrollment", nullable=False)
    plan_year_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    opens_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    closes_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="scheduled", nullable=False, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        sa.CheckConstraint(_in("kind", WINDOW_KINDS), name="ck_benefit_enrollment_windows_kind"),
        sa.CheckConstraint(_in("status", WINDOW_STATUSES), name="ck_benefit_enrollment_windows_status"),
        sa.CheckConstraint("closes_on >= opens_on", name="ck_benefit_enrollment_windows_dates"),
        sa.CheckConstraint("opens_on < plan_year_start", name="ck_benefit_enrollment_windows_before_year"),
        sa.UniqueConstraint("kind", "plan_year_start", name="uq_benefit_enrollment_windows_kind_year"),
    )

    def __str__(self) -> str:
        return f"Open enrollment {self.plan_year_start.year}: {self.opens_on} to {self.closes_on} ({self.status})"


class Dependent(Timestamps, db.Model):
    """A worker's spouse, domestic partner or child who may be covered; the SSN is encrypted and shown masked."""

    __tablename__ = "benefit_dependents"
    __audited__ = True
    __permission_model__ = "benefit_dependent"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    first_name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    relationship: Mapped[str] = mapped_column(sa.String(20), nullable=False)  # noqa: F811 - the column
    birth_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    ssn: Mapped[str | None] = mapped_column(EncryptedString())
    ssn_last4: Mapped[str] = mapped_column(sa.String(4), default="", nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)

    worker = orm.relationship("Worker")

    __table_args__ = (
        sa.CheckConstraint(_in("relationship", RELATIONSHIPS), name="ck_benefit_dependents_relationship"),
    )

    @property
    def ssn_masked(self) -> str:
        return mask_ssn(self.ssn_last4)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def __str__(self) -> str:
        return f"{self.full_name} ({self.relationship})"


class Beneficiary(Timestamps, db.Model):
    """Who receives a worker's 401(k) account or life benefit: primary and contingent, each a share (the shares of
    one level add up to 100%, checked by the service)."""

    __tablename__ = "benefit_beneficiaries"
    __audited__ = True
    __permission_model__ = "benefit_dependent"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    plan_kind: Mapped[str] = mapped_column(sa.String(6), nullable=False)
    level: Mapped[str] = mapped_column(sa.String(12), default="primary", nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    relationship: Mapped[str] = mapped_column(sa.String(40), default="", nullable=False)  # noqa: F811
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    dependent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefit_dependents.id"))
    share_percent: Mapped[Decimal] = mapped_column(Scaled(6), nullable=False)

    worker = orm.relationship("Worker")
    dependent = orm.relationship(Dependent)

    __table_args__ = (
        sa.CheckConstraint(_in("plan_kind", BENEFICIARY_PLANS), name="ck_benefit_beneficiaries_plan_kind"),
        sa.CheckConstraint(_in("level", BENEFICIARY_LEVELS), name="ck_benefit_beneficiaries_level"),
        sa.CheckConstraint(f"share_percent > 0 and share_percent <= {_ONE}", name="ck_benefit_beneficiaries_share"),
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.level}, {self.plan_kind})"


enrollment_dependents = sa.Table(
    "benefit_enrollment_dependents", db.metadata,
    sa.Column("enrollment_id", BigId, sa.ForeignKey("benefit_enrollments.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("dependent_id", BigId, sa.ForeignKey("benefit_dependents.id"), primary_key=True),
)


class Enrollment(Timestamps, db.Model):
    """One election (or waiver) of one worker in one plan from `effective_date` to `end_date` (inclusive; open when
    null). The costs are kept as they were priced when elected (monthly, and per paycheck for the worker's pay
    frequency); the recurring deduction and employer contribution rows carry `external_ref`
    "benefit_enrollment:<id>"."""

    __tablename__ = "benefit_enrollments"
    __audited__ = True
    __permission_model__ = "benefit_enrollment"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("benefit_plans.id"), nullable=False, index=True)
    event: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="active", nullable=False, index=True)
    effective_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    coverage_tier: Mapped[str | None] = mapped_column(sa.String(20))
    deferral_percent: Mapped[Decimal | None] = mapped_column(Scaled(6))
    roth_percent: Mapped[Decimal | None] = mapped_column(Scaled(6))
    # or a dollar amount a paycheck instead of a percent (one or the other for each of traditional and Roth)
    deferral_amount: Mapped[Decimal | None] = mapped_column(Scaled(2))
    roth_amount: Mapped[Decimal | None] = mapped_column(Scaled(2))
    annual_amount: Mapped[Decimal | None] = mapped_column(Scaled(2))
    waived: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    waive_reason: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    employee_monthly: Mapped[Decimal | None] = mapped_column(Scaled(2))
    employer_monthly: Mapped[Decimal | None] = mapped_column(Scaled(2))
    pay_periods: Mapped[int | None] = mapped_column(sa.Integer)
    per_paycheck_employee: Mapped[Decimal | None] = mapped_column(Scaled(2))
    per_paycheck_employer: Mapped[Decimal | None] = mapped_column(Scaled(2))
    life_event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefit_life_events.id"))
    window_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefit_enrollment_windows.id"))
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefit_enrollments.id"))
    # the plan's default given to a worker who did nothing (and its yearly escalations); a worker's own election
    # is not, and stops the escalation
    auto_enrolled: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false(),
                                                nullable=False)

    worker = relationship("Worker")
    plan = relationship(BenefitPlan)
    dependents = relationship(Dependent, secondary=enrollment_dependents, order_by=Dependent.id)

    __table_args__ = (
        sa.CheckConstraint(_in("event", ENROLLMENT_EVENTS), name="ck_benefit_enrollments_event"),
        sa.CheckConstraint(_in("status", ENROLLMENT_STATUSES), name="ck_benefit_enrollments_status"),
        sa.CheckConstraint("coverage_tier is null or " + _in("coverage_tier", TIERS),
                           name="ck_benefit_enrollments_tier"),
        sa.CheckConstraint("(deferral_percent is null or deferral_amount is null) and (roth_percent is null or "
                           "roth_amount is null) and coalesce(deferral_amount, 1) > 0 and coalesce(roth_amount, 1) > 0",
                           name="ck_benefit_enrollments_deferral_amounts"),
        sa.CheckConstraint(f"({_fraction('deferral_percent')}) and ({_fraction('roth_percent')}) and "
                           f"coalesce(deferral_percent, 0) + coalesce(roth_percent, 0) <= {_ONE}",
                           name="ck_benefit_enrollments_percents"),
        sa.CheckConstraint("annual_amount is null or annual_amount >= 0", name="ck_benefit_enrollments_amount"),
        sa.CheckConstraint("not waived or waive_reason <> ''", name="ck_benefit_enrollments_waiver_reason"),
        sa.CheckConstraint("end_date is null or end_date >= effective_date", name="ck_benefit_enrollments_dates"),
        sa.CheckConstraint("pay_periods is null or pay_periods > 0", name="ck_benefit_enrollments_pay_periods"),
        # One live election per worker, plan and start (a change the same day cancels the one it replaces).
        sa.Index("uq_benefit_enrollments_worker_plan_date", "worker_id", "plan_id", "effective_date", unique=True,
                 sqlite_where=sa.text("status <> 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'")),
    )

    @property
    def external_ref(self) -> str:
        return f"benefit_enrollment:{self.id}"

    def __str__(self) -> str:
        what = "waived" if self.waived else (self.coverage_tier or "enrolled")
        return f"worker #{self.worker_id} in {self.plan} from {self.effective_date} ({what})"


class LifeEvent(Timestamps, db.Model):
    """Something that happened to a worker that the benefits module must act on: a COBRA qualifying event
    (written by reclassification; `open` → `processed`), or a qualifying life event the worker reports (marriage,
    birth, adoption, loss of other coverage, move, divorce, death) with its document, `requested` → `approved`
    (which opens the worker's 30-day window, 60 days for a birth or adoption, until `window_closes_on`) or
    `denied` with a reason."""

    __tablename__ = "benefit_life_events"
    __audited__ = True
    __permission_model__ = "life_event"
    __audit_mask__ = ("document",)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    engagement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("engagements.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32), nullable=False, index=True)
    event_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), default="open", nullable=False, index=True)
    source: Mapped[str] = mapped_column(sa.String(40), default="", nullable=False)
    notes: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    document_name: Mapped[str | None] = mapped_column(sa.String(200))
    document: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decision_reason: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    window_closes_on: Mapped[date | None] = mapped_column(sa.Date)

    worker = relationship("Worker")
    engagement = relationship("Engagement")

    __table_args__ = (
        sa.CheckConstraint(_in("status", LIFE_EVENT_STATUSES), name="ck_benefit_life_events_status"),
        sa.CheckConstraint("status <> 'denied' or decision_reason <> ''", name="ck_benefit_life_events_denial"),
    )

    def __str__(self) -> str:
        return f"{self.kind} for worker #{self.worker_id} on {self.event_date} ({self.status})"


# The COBRA event is a life event of kind `cobra_qualifying_event`.
CobraEvent = LifeEvent
