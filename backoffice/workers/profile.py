"""A worker's tax forms (W-4, state certificate, W-9) and direct-deposit accounts — shared by onboarding and payroll."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.crypto import mask_account
from backoffice.db import BigId, EncryptedString, Scaled, Timestamps, UTCDateTime
from backoffice.extensions import db
from backoffice.money import D

W4_FILING_STATUSES = ("single", "married_jointly", "head_of_household")
W4_2019_MARITAL = ("single", "married", "married_single_rate")
W9_ENTITY_TYPES = ("individual", "c_corporation", "s_corporation", "partnership", "trust_estate", "llc_c", "llc_s",
                   "llc_p", "other")
SPLIT_KINDS = ("remainder", "percent", "fixed")


class TaxProfile(Timestamps, db.Model):
    """A Form W-4 (2020+ or 2019-and-earlier) and the state withholding certificate, effective from a date.

    A new form adds a row; payroll uses the latest row effective on the pay date."""

    __tablename__ = "tax_profiles"
    __audited__ = True
    __permission_model__ = "worker"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    effective_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    w4_version: Mapped[int] = mapped_column(sa.Integer, default=2020, nullable=False)  # 2020 or 2019
    filing_status: Mapped[str] = mapped_column(sa.String(24), default="single", nullable=False)
    step2_checkbox: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    step3_credits: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    step4a_other_income: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    step4b_deductions: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    step4c_extra: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)
    exempt: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    allowances: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)  # 2019 form
    additional: Mapped[Decimal] = mapped_column(Scaled(2), default=D(0), nullable=False)  # 2019 form
    state_certificate: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)
    signed_name: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    worker = relationship("Worker")

    def w4_json(self) -> dict:
        """The W-4 as the payroll engine's quote interface expects it."""
        if self.w4_version == 2019:
            return {"version": 2019, "marital_status": self.filing_status, "allowances": self.allowances,
                    "additional": str(self.additional), "exempt": self.exempt}
        return {"version": 2020, "filing_status": self.filing_status, "step2_checkbox": self.step2_checkbox,
                "step3_credits": str(self.step3_credits), "step4a_other_income": str(self.step4a_other_income),
                "step4b_deductions": str(self.step4b_deductions), "step4c_extra": str(self.step4c_extra),
                "exempt": self.exempt}


class W9Form(Timestamps, db.Model):
    """A contractor's Form W-9 (Rev. March 2024). The TIN itself lives, encrypted, on the worker."""

    __tablename__ = "w9_forms"
    __audited__ = True
    __permission_model__ = "worker"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    legal_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    business_name: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    entity_type: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    exempt_payee_code: Mapped[str] = mapped_column(sa.String(4), default="", nullable=False)
    tin_type: Mapped[str] = mapped_column(sa.String(3), nullable=False)
    tin_last4: Mapped[str] = mapped_column(sa.String(4), default="", nullable=False)
    certified: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    backup_withholding: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    signed_name: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    worker = relationship("Worker")


class BankAccount(Timestamps, db.Model):
    """A direct-deposit account and its share of net pay (remainder, percent or fixed amount)."""

    __tablename__ = "bank_accounts"
    __audited__ = True
    __permission_model__ = "bank_account"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    bank_name: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)
    routing_number: Mapped[str] = mapped_column(sa.String(9), nullable=False)
    account_number: Mapped[str] = mapped_column(EncryptedString(), nullable=False)
    account_last4: Mapped[str] = mapped_column(sa.String(4), nullable=False)
    account_type: Mapped[str] = mapped_column(sa.String(10), default="checking", nullable=False)
    split_kind: Mapped[str] = mapped_column(sa.String(10), default="remainder", nullable=False)
    split_amount: Mapped[Decimal | None] = mapped_column(Scaled(2))
    split_percent: Mapped[Decimal | None] = mapped_column(Scaled(2))
    priority: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    source: Mapped[str] = mapped_column(sa.String(10), default="manual", nullable=False)  # manual | plaid
    plaid_item_id: Mapped[str | None] = mapped_column(sa.String(100))
    plaid_access_token: Mapped[str | None] = mapped_column(EncryptedString())
    plaid_account_id: Mapped[str | None] = mapped_column(sa.String(100))
    status: Mapped[str] = mapped_column(sa.String(10), default="active", nullable=False, index=True)

    worker = relationship("Worker")

    __table_args__ = (
        sa.CheckConstraint("account_type in ('checking','savings')", name="ck_bank_accounts_type"),
        sa.CheckConstraint("split_kind in ('remainder','percent','fixed')", name="ck_bank_accounts_split"),
    )

    @property
    def masked(self) -> str:
        return mask_account(self.account_last4)

    def __str__(self) -> str:
        return f"{self.bank_name or 'Bank'} {self.account_type} {self.masked}"
