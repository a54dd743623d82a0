"""The 834 enrollment files built for each carrier: what was sent, under which control number, and the member
snapshot the next change file is compared with."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from backoffice.db import BigId, EncryptedString, Timestamps
from backoffice.extensions import db
from benefits.models import Carrier

EDI_FILE_KINDS = ("full", "change")


class EdiFile(Timestamps, db.Model):
    """One X12 834 interchange built for one carrier. `control_number` is ISA13/IEA02 (and GS06/GE02): unique per
    carrier in the database, taken from the carrier's last number under a lock on the carrier's row. `content` is
    the file as written (encrypted at rest: it carries SSNs); `snapshot` is every member the carrier knows of after
    this file (see benefits/engine/carrier_changes.py), the base of the next change file."""

    __tablename__ = "benefit_edi_files"
    __audited__ = True
    __audit_mask__ = ("snapshot",)
    __permission_model__ = "benefit_edi_file"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    carrier_id: Mapped[int] = mapped_column(sa.ForeignKey("benefit_carriers.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(6), nullable=False)
    control_number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    usage: Mapped[str] = mapped_column(sa.String(1), default="P", nullable=False)     # ISA15: P | T
    as_of: Mapped[date] = mapped_column(sa.Date, nullable=False)                       # DTP*007, the day described
    member_count: Mapped[int] = mapped_column(sa.Integer, nullable=False)             # INS loops in the file
    adds: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    changes: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    terms: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    content: Mapped[str] = deferred(mapped_column(EncryptedString(), nullable=False))
    snapshot: Mapped[dict] = deferred(mapped_column(sa.JSON, nullable=False))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    carrier = relationship(Carrier)

    __table_args__ = (
        sa.UniqueConstraint("carrier_id", "control_number", name="uq_benefit_edi_files_control_number"),
        sa.CheckConstraint("kind in ('full','change')", name="ck_benefit_edi_files_kind"),
        sa.CheckConstraint("usage in ('P','T')", name="ck_benefit_edi_files_usage"),
        sa.CheckConstraint("control_number between 1 and 999999999", name="ck_benefit_edi_files_control_number"),
    )

    @property
    def filename(self) -> str:
        code = self.carrier.code if self.carrier is not None else str(self.carrier_id)
        return f"834-{code}-{self.kind}-{self.control_number:09d}.x12"

    def __str__(self) -> str:
        return self.filename
