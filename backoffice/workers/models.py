"""The agency, its clients, workers and engagements (worker × client, leased employee or contractor)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.crypto import mask_ein, mask_ssn
from backoffice.db import BigId, EncryptedString, Scaled, Timestamps
from backoffice.extensions import db
from backoffice.money import D

ENGAGEMENT_TYPES = ("leased_employee", "contractor")
ENGAGEMENT_STATUSES = ("pending", "active", "ended", "terminated")
PAY_UNITS = ("hour", "week", "year", "piece", "project")
PAY_FREQUENCIES = ("weekly", "biweekly", "semimonthly", "monthly")


class Agency(Timestamps, db.Model):
    __tablename__ = "agencies"
    __audited__ = True
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    legal_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    ein: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    address_line1: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    city: Mapped[str] = mapped_column(sa.String(100), default="", nullable=False)
    state: Mapped[str] = mapped_column(sa.String(2), default="", nullable=False)
    postal_code: Mapped[str] = mapped_column(sa.String(10), default="", nullable=False)
    phone: Mapped[str] = mapped_column(sa.String(30), default="", nullable=False)
    registrations = relationship("StateRegistration", back_populates="agency", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.legal_name


class StateRegistration(Timestamps, db.Model):
    """The agency's registration in one state: withholding and SUTA accounts and its SUTA rate."""

    __tablename__ = "state_registrations"
    __audited__ = True
    __permission_model__ = "agency"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False, index=True)
    state: Mapped[str] = mapped_column(sa.String(2), nullable=False)
    withholding_account: Mapped[str] = mapped_column(sa.String(40), default="", nullable=False)
    suta_account: Mapped[str] = mapped_column(sa.String(40), default="", nullable=False)
    suta_rate: Mapped[Decimal] = mapped_column(Scaled(6), nullable=False)  # 0.034000 = 3.4%
    # the agency's number of employees in the state as the state counts them for its paid-leave programs (Paid
    # Leave Oregon: no employer part under 25; WA under 50; CO under 10; MA under 25; ME under 15; DE under 10/25);
    # NULL: not recorded, the largest employer's rates apply
    employer_size: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    agency = relationship(Agency, back_populates="registrations")
    __table_args__ = (sa.UniqueConstraint("agency_id", "state", name="uq_state_registration"),
                      sa.CheckConstraint("employer_size is null or employer_size >= 0",
                                         name="ck_state_registration_employer_size"))

    def __str__(self) -> str:
        return f"{self.state} ({self.suta_rate * 100:.3f}%)"


class Client(Timestamps, db.Model):
    __tablename__ = "clients"
    __audited__ = True
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, index=True)
    legal_name: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    ein: Mapped[str] = mapped_column(sa.String(10), default="", nullable=False)
    billing_contact_name: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    billing_email: Mapped[str] = mapped_column(sa.String(254), default="", nullable=False)
    address_line1: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    city: Mapped[str] = mapped_column(sa.String(100), default="", nullable=False)
    state: Mapped[str] = mapped_column(sa.String(2), default="", nullable=False)
    postal_code: Mapped[str] = mapped_column(sa.String(10), default="", nullable=False)
    payment_terms_days: Mapped[int] = mapped_column(sa.Integer, default=30, nullable=False)
    billing_method: Mapped[str] = mapped_column(sa.String(16), default="bill_rate", nullable=False)
    markup_rate: Mapped[Decimal] = mapped_column(Scaled(4), default=D(0), nullable=False)   # 0.2500 = 25%
    # billing terms (backoffice/billing): how often invoices go out, one per client or one per worker, the PO
    invoice_frequency: Mapped[str] = mapped_column(sa.String(12), default="weekly", server_default="weekly",
                                                   nullable=False)
    invoice_grouping: Mapped[str] = mapped_column(sa.String(12), default="consolidated",
                                                  server_default="consolidated", nullable=False)
    po_number: Mapped[str] = mapped_column(sa.String(60), default="", server_default="", nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)

    engagements = relationship("Engagement", back_populates="client")

    def __str__(self) -> str:
        return self.name


class Worker(Timestamps, db.Model):
    __tablename__ = "workers"
    __audited__ = True
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    first_name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    middle_name: Mapped[str] = mapped_column(sa.String(100), default="", nullable=False)
    last_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, index=True)
    tin_type: Mapped[str] = mapped_column(sa.String(3), default="ssn", nullable=False)  # ssn | ein
    tin: Mapped[str | None] = mapped_column(EncryptedString())
    tin_last4: Mapped[str] = mapped_column(sa.String(4), default="", nullable=False)
    tin_index: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    tin_flagged: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)  # IRS B-notice
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, nullable=False)
    phone: Mapped[str] = mapped_column(sa.String(30), default="", nullable=False)
    address_line1: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    address_line2: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    city: Mapped[str] = mapped_column(sa.String(100), default="", nullable=False)
    state: Mapped[str] = mapped_column(sa.String(2), default="", nullable=False, index=True)
    postal_code: Mapped[str] = mapped_column(sa.String(10), default="", nullable=False)
    # where local taxes place the worker's home (payroll/engine/locals): the taxing municipality when it is not the
    # postal city, the county (IN, KY, MD), the Pennsylvania PSD code and the Ohio school district number (IT 4)
    municipality: Mapped[str] = mapped_column(sa.String(100), default="", nullable=False)
    county: Mapped[str] = mapped_column(sa.String(60), default="", nullable=False)
    psd_code: Mapped[str] = mapped_column(sa.String(6), default="", nullable=False)
    school_district: Mapped[str] = mapped_column(sa.String(4), default="", nullable=False)
    # local withholding certificate fields (payroll.engine.locals.LOCAL_CERTIFICATE_FIELDS): DW-4 exemptions, the
    # PA LST exemption, Ohio IT 4 school district exemptions, Ohio residence-city withholding
    local_certificate: Mapped[dict | None] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(16), default="active", nullable=False, index=True)

    engagements = relationship("Engagement", back_populates="worker", order_by="Engagement.id")

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)

    @property
    def tin_masked(self) -> str:
        return mask_ein(self.tin_last4) if self.tin_type == "ein" else mask_ssn(self.tin_last4)

    def __str__(self) -> str:
        return self.full_name


class Engagement(Timestamps, db.Model):
    """A worker placed with a client: leased employee (W-2) or contractor (1099), in a work state, at a rate, paid on
    one pay schedule."""

    __tablename__ = "engagements"
    __audited__ = True
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), nullable=False, index=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), nullable=False, index=True)
    type: Mapped[str] = mapped_column(sa.String(20), nullable=False, index=True)
    title: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    work_state: Mapped[str] = mapped_column(sa.String(2), nullable=False, index=True)
    # the work site for local taxes (empty: the client's address when it is in the work state)
    work_city: Mapped[str] = mapped_column(sa.String(100), default="", nullable=False)
    work_county: Mapped[str] = mapped_column(sa.String(60), default="", nullable=False)
    work_psd_code: Mapped[str] = mapped_column(sa.String(6), default="", nullable=False)
    work_transit_district: Mapped[str] = mapped_column(sa.String(8), default="", nullable=False)
    pay_rate: Mapped[Decimal] = mapped_column(Scaled(4), nullable=False)
    pay_unit: Mapped[str] = mapped_column(sa.String(10), default="hour", nullable=False)
    bill_rate: Mapped[Decimal] = mapped_column(Scaled(4), default=D(0), nullable=False)
    # overtime and double-time bill rates (None: 1.5 and 2 times bill_rate), backoffice/billing
    ot_bill_rate: Mapped[Decimal | None] = mapped_column(Scaled(4))
    dt_bill_rate: Mapped[Decimal | None] = mapped_column(Scaled(4))
    pay_frequency: Mapped[str] = mapped_column(sa.String(12), default="biweekly", nullable=False)
    # The pay schedule whose regular runs pay this engagement (payroll's table, named not imported: payroll sits
    # above workers and keeps `pay_frequency` equal to the schedule's frequency, see payroll/models.py).
    pay_schedule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pay_schedules.id"), index=True)
    start_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(12), default="active", nullable=False, index=True)
    classification: Mapped[str | None] = mapped_column(sa.String(20))  # last signed-off determination
    overtime_exempt: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    # Where the worker works from (docs/multistate.md): the employer location they are assigned to, when it is in
    # another state than work_state (a remote worker), and whether they work away from it for their own
    # convenience rather than the employer's necessity. NY, DE, NE and PA (and CT/NJ for residents of such states)
    # tax that work as if done at the office (the convenience-of-the-employer rule).
    office_state: Mapped[str | None] = mapped_column(sa.String(2))
    remote_for_convenience: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False,
                                                         server_default=sa.false())
    # The workers' compensation class code the engagement's work is rated under in its work state (e.g. NCCI 8810
    # clerical); payroll prices it from workers_comp_classes. Null: no premium accrues and runs warn.
    wc_class_code: Mapped[str | None] = mapped_column(sa.String(8))
    # The worker's normal workday in hours, where a sick-leave law's cap reads "N hours or M days" (Cal. Lab. Code
    # 246(b)(4), (d): 40 hours or five days): the days figure at this day when that is more. Null: the hours figures.
    normal_day_hours: Mapped[Decimal | None] = mapped_column(Scaled(2))

    worker = relationship(Worker, back_populates="engagements")
    client = relationship(Client, back_populates="engagements")

    __table_args__ = (
        sa.CheckConstraint("type in ('leased_employee','contractor')", name="ck_engagements_type"),
        sa.CheckConstraint("pay_rate >= 0", name="ck_engagements_pay_rate"),
        sa.CheckConstraint("bill_rate >= 0", name="ck_engagements_bill_rate"),
        sa.CheckConstraint("end_date is null or end_date >= start_date", name="ck_engagements_dates"),
        # stored in hundredths of an hour (Scaled(2)): 0 < h <= 24
        sa.CheckConstraint("normal_day_hours is null or (normal_day_hours > 0 and normal_day_hours <= 2400)",
                           name="ck_engagements_normal_day_hours"),
    )

    TYPE_WORDS = {"leased_employee": "leased", "contractor": "contractor"}
    CLASSIFICATION_WORDS = {"leased_employee": "leased employee", "contractor": "contractor"}

    @property
    def classification_status(self) -> str:
        """`unclassified` (no signed assessment), `classified` (signed as its type) or `reclassification_due`
        (signed as the other type: HR converts the engagement). `classification` is written only by a sign-off."""
        if self.classification is None:
            return "unclassified"
        return "classified" if self.classification == self.type else "reclassification_due"

    @property
    def work_location_words(self) -> str:
        """Where the worker works from, in words (the portal and the admin details page)."""
        if not self.office_state or self.office_state == self.work_state:
            return f"on site in {self.work_state}"
        why = "for their own convenience" if self.remote_for_convenience else "as the employer requires"
        return f"remote in {self.work_state} {why}, assigned to an employer location in {self.office_state}"

    @property
    def classification_words(self) -> str:
        """How a person reads the classification: "unclassified", "contractor", or "leased employee (engaged as
        contractor: reclassify)"."""
        if self.classification is None:
            return "unclassified"
        words = self.CLASSIFICATION_WORDS.get(self.classification, self.classification.replace("_", " "))
        if self.classification != self.type:
            words += f" (engaged as {self.CLASSIFICATION_WORDS.get(self.type, self.type)}: reclassify)"
        return words

    def __str__(self) -> str:
        """How people name an engagement: "Ana Silva at Northwind, leased, TX" (lists, pickers, messages)."""
        worker = self.worker.full_name if self.worker is not None else f"worker {self.worker_id}"
        client = self.client.name if self.client is not None else f"client {self.client_id}"
        return f"{worker} at {client}, {self.TYPE_WORDS.get(self.type, self.type)}, {self.work_state}"
