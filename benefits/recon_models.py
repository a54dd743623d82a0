"""Carriers' monthly bills and their reconciliation: the bill as imported (one row per CSV line, the file's sha256
so the same file is imported once), and the variances found member by member, which HR or finance may mark
explained with a note. Money in cents (`Scaled(2)`)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.db import BigId, Scaled, Timestamps, UTCDateTime
from backoffice.extensions import db
from benefits.engine.reconcile import ADJUSTMENTS, KINDS
from benefits.models import TIERS, BenefitPlan, Carrier, _in


class CarrierBill(db.Model):
    """One carrier's bill for one month (`month` is the month's first day), as imported from its CSV. The same
    file (by sha256) is stored once per carrier and month; a corrected file is another bill, and the latest one
    imported is the month's bill (pool allocation, funding)."""

    __tablename__ = "benefit_carrier_bills"
    __audited__ = True
    __permission_model__ = "premium_bill"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    carrier_id: Mapped[int] = mapped_column(sa.ForeignKey("benefit_carriers.id"), nullable=False, index=True)
    month: Mapped[date] = mapped_column(sa.Date, nullable=False)
    total: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)           # every line, retro included
    line_count: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    filename: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # the last reconciliation: the month's premiums by the enrollments, and how many variances are unexplained
    reconciled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expected_total: Mapped[Decimal | None] = mapped_column(Scaled(2))
    unexplained: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)

    carrier = relationship(Carrier)
    lines = relationship("CarrierBillLine", order_by="CarrierBillLine.row", viewonly=True)

    __table_args__ = (
        sa.UniqueConstraint("carrier_id", "month", "sha256", name="uq_benefit_carrier_bills_carrier_month_sha"),
        sa.CheckConstraint("length(sha256) = 64", name="ck_benefit_carrier_bills_sha256"),
        sa.CheckConstraint("line_count > 0 and unexplained >= 0", name="ck_benefit_carrier_bills_counts"),
    )

    def __str__(self) -> str:
        code = self.carrier.code if self.carrier is not None else f"carrier #{self.carrier_id}"
        return f"{code} bill for {self.month:%Y-%m}"


class CarrierBillLine(db.Model):
    """One line of a bill: a member in a plan for a coverage month (the bill's month, or an earlier one for a retro
    add or term), the premium on the subscriber's line. `row` is the CSV's line number (header = 1)."""

    __tablename__ = "benefit_carrier_bill_lines"
    __permission_model__ = "premium_bill"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    bill_id: Mapped[int] = mapped_column(sa.ForeignKey("benefit_carrier_bills.id"), nullable=False)
    row: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    member_id: Mapped[str] = mapped_column(sa.String(40), nullable=False, index=True)
    last_name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    first_name: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)
    plan_name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("benefit_plans.id"), nullable=False)
    coverage_tier: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    coverage_month: Mapped[date] = mapped_column(sa.Date, nullable=False)
    premium: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    adjustment_type: Mapped[str] = mapped_column(sa.String(10), default="current", nullable=False)

    plan = relationship(BenefitPlan)

    __table_args__ = (
        sa.UniqueConstraint("bill_id", "row", name="uq_benefit_carrier_bill_lines_bill_row"),
        sa.CheckConstraint(_in("adjustment_type", ADJUSTMENTS), name="ck_benefit_carrier_bill_lines_adjustment"),
        sa.CheckConstraint(_in("coverage_tier", TIERS), name="ck_benefit_carrier_bill_lines_tier"),
        sa.CheckConstraint("(adjustment_type = 'retro_term' and premium <= 0) or "
                           "(adjustment_type <> 'retro_term' and premium >= 0)",
                           name="ck_benefit_carrier_bill_lines_premium"),
    )


class PremiumVariance(Timestamps, db.Model):
    """One difference between a bill and the enrollments (benefits/engine/reconcile.py): its kind, member, plan,
    coverage month and amount (billed minus expected), and whether it is explained — by the enrollments (a retro
    add or term they account for) or by a person with a note (`explained_by_id`, audited)."""

    __tablename__ = "benefit_premium_variances"
    __audited__ = True
    __permission_model__ = "premium_bill"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    bill_id: Mapped[int] = mapped_column(sa.ForeignKey("benefit_carrier_bills.id"), nullable=False)
    key: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(24), nullable=False, index=True)
    member_id: Mapped[str] = mapped_column(sa.String(40), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(250), default="", nullable=False)
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("benefit_plans.id"))
    plan_name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    coverage_month: Mapped[date] = mapped_column(sa.Date, nullable=False)
    billed_tier: Mapped[str | None] = mapped_column(sa.String(20))
    expected_tier: Mapped[str | None] = mapped_column(sa.String(20))
    billed_premium: Mapped[Decimal | None] = mapped_column(Scaled(2))
    expected_premium: Mapped[Decimal | None] = mapped_column(Scaled(2))
    amount: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False)
    row: Mapped[int | None] = mapped_column(sa.Integer)
    explained: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False, index=True)
    reason: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    explained_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    explained_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    bill = relationship(CarrierBill)
    plan = relationship(BenefitPlan)

    __table_args__ = (
        sa.UniqueConstraint("bill_id", "key", name="uq_benefit_premium_variances_bill_key"),
        sa.CheckConstraint(_in("kind", KINDS), name="ck_benefit_premium_variances_kind"),
        sa.CheckConstraint("explained_at is null or (explained and note <> '')",
                           name="ck_benefit_premium_variances_note"),
    )

    def __str__(self) -> str:
        return f"{self.kind.replace('_', ' ')}: {self.member_id} in {self.plan_name} ({self.coverage_month:%Y-%m})"
