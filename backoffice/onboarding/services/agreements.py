"""Onboarding services: the engagement agreement, its draft and e-signature, and stored document copies."""
from __future__ import annotations

import hashlib

import sqlalchemy as sa

from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, raise_if
from backoffice.extensions import db
from backoffice.workers.models import Agency, Client, Engagement
from backoffice.onboarding import documents
from backoffice.pdf import render_pdf
from backoffice.onboarding.services.cases import _begin, _commit_or_rollback, _complete, _flag, _signature
from backoffice.onboarding.models import OnboardingCase, SignedDocument


def agreement_kind(engagement: Engagement) -> str:
    return "contractor_agreement" if engagement.type == "contractor" else "employment_agreement"


def agreement_draft(case: OnboardingCase) -> SignedDocument:
    """The agreement PDF the worker reads and signs; made once, so the bytes signed are the bytes shown."""
    _begin(case, "agreement")
    eng = case.engagement
    kind = agreement_kind(eng)
    doc = db.session.execute(sa.select(SignedDocument).where(
        SignedDocument.engagement_id == eng.id, SignedDocument.kind == kind)
        .order_by(SignedDocument.id.desc()).limit(1)).scalar_one_or_none()
    if doc is not None:
        return doc
    agency = db.session.execute(sa.select(Agency).limit(1)).scalar_one_or_none()
    title, html = documents.agreement_html(case.worker, eng, db.session.get(Client, eng.client_id), agency)
    pdf = render_pdf(html)
    doc = SignedDocument(worker_id=case.worker_id, engagement_id=eng.id, kind=kind, title=title, status="draft",
                         pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf))
    db.session.add(doc)
    _commit_or_rollback()
    return doc


def sign_agreement(case: OnboardingCase, data: dict, *, ip: str = "", user_agent: str = "") -> SignedDocument:
    """Sign the draft: the typed name must be the worker's legal name; the hash shown must be the one stored."""
    row = _begin(case, "agreement")
    doc = agreement_draft(case)
    if doc.status == "signed":
        raise DomainError("This agreement is already signed.", code="already_signed")
    issues: list[Issue] = []
    signed = _signature(data, issues)
    legal = " ".join(p for p in (case.worker.first_name, case.worker.last_name) if p)
    full = case.worker.full_name
    if signed and signed.casefold() not in (legal.casefold(), full.casefold()):
        issues.append(Issue("signed_name", f"type your legal name exactly as in your profile: {full}",
                            "name_mismatch"))
    if not _flag(data.get("agree")):
        issues.append(Issue("agree", "tick the box to agree to sign electronically", "required"))
    if str(data.get("document_sha256") or "") != doc.sha256:
        issues.append(Issue("document_sha256", "the document changed since you opened it; read it again and "
                                               "sign", "stale_document"))
    raise_if(issues)
    doc.status = "signed"
    doc.signed_name = signed
    doc.signed_at = utcnow()
    doc.signed_ip = ip or ""
    doc.user_agent = (user_agent or "")[:300]
    _complete(case, row, {"document_id": doc.id, "sha256": doc.sha256})
    _commit_or_rollback()
    return doc
