"""Documents a working worker still owes (a W-4, a W-9, a Form I-9): found by a daily check and told to the worker
once each (the key names the worker or engagement and the form), in the portal and by e-mail."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.notifications.services import Notice, notify_many
from backoffice.onboarding.models import I9Record
from backoffice.uow import transaction
from backoffice.workers.models import Engagement
from backoffice.workers.profile import TaxProfile, W9Form

WHY = {"w4": ("Form W-4 needed", "We need your Form W-4 to withhold federal income tax correctly; without it we "
                                 "must withhold as for a single filer with no adjustments. Fill it in under Tax "
                                 "withholding."),
       "w9": ("Form W-9 needed", "We need your Form W-9 (your taxpayer identification number) to pay you as a "
                                 "contractor without backup withholding."),
       "i9": ("Form I-9 needed", "Federal law requires a Form I-9 for every employee by their first day of work. "
                                 "Complete section 1 in your onboarding and bring your documents for section 2.")}


def missing_documents(today: date) -> list[Notice]:
    """Working engagements (active, started by `today`) whose worker has no W-4 on file (a leased employee), no
    W-9 (a contractor), or whose engagement has no Form I-9 (a leased employee)."""
    working = sa.and_(Engagement.status == "active", Engagement.start_date <= today)
    leased = Engagement.type == "leased_employee"
    no_w4 = db.session.execute(sa.select(Engagement.worker_id).where(
        working, leased, ~sa.exists().where(TaxProfile.worker_id == Engagement.worker_id))
        .distinct().order_by(Engagement.worker_id)).scalars().all()
    no_w9 = db.session.execute(sa.select(Engagement.worker_id).where(
        working, Engagement.type == "contractor", ~sa.exists().where(W9Form.worker_id == Engagement.worker_id))
        .distinct().order_by(Engagement.worker_id)).scalars().all()
    no_i9 = db.session.execute(sa.select(Engagement.id, Engagement.worker_id).where(
        working, leased, ~sa.exists().where(I9Record.engagement_id == Engagement.id))
        .order_by(Engagement.id)).all()
    out = [Notice(w, "document_needed", f"document_needed:w4:{w}", *WHY["w4"]) for w in no_w4]
    out += [Notice(w, "document_needed", f"document_needed:w9:{w}", *WHY["w9"]) for w in no_w9]
    out += [Notice(w, "document_needed", f"document_needed:i9:{e}", *WHY["i9"], ref_id=e) for e, w in no_i9]
    return out


@transaction()
def remind_missing_documents(today: date) -> int:
    """Notify each missing document (once ever per worker and form, or engagement for the I-9); returns how many
    were offered (those already told are skipped by their key)."""
    return notify_many(missing_documents(today))
