"""Workers' copies of the yearly forms (W-2, W-2c, 1099-NEC, 1095-C) and their delivery (service layer).

- `cut_copies(filing_id)`: when a form with a `worker_list` (FormSpec) is made final, each worker's entry of that
  list becomes a `FilingCopy` (idempotent: one per filing and worker, unique in the database). `services.finalize`
  calls it in its transaction and sends `compliance.deliver_copies` after the commit.
- Consent to electronic delivery (`give_consent`, `withdraw_consent`, `consent_of`): recorded with who, when and
  from where; withdrawn, never deleted.
- `deliver_copies(filing_id)`: each copy of a consenting worker is announced by e-mail (the copy is posted in the
  portal; Treas. Reg. §31.6051-1(j)(5)) and marked `delivered_at`, `delivery='email'`; the others are `paper`.
- `copy_pdf(copy)`: the worker's copy as PDF — the form's own `pdf` export with the option `{"worker_id": id}`
  (a form's pdf export honours it: only that worker's page), else a plain table of the copy's figures.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from backoffice.audit import record_event
from backoffice.db import utcnow
from backoffice.errors import DomainError, NotFound
from backoffice.extensions import db
from backoffice.mailport import send_mail
from backoffice.pdf import render_pdf
from backoffice.uow import transaction
from compliance import registry, services as svc
from compliance.models import DeliveryConsent, Filing, FilingCopy

COPY_FORMS = {"w2": "W-2", "w2c": "W-2c", "1099-nec": "1099-NEC", "1095-c": "1095-C"}


def _entries(content: dict, key: str) -> list[dict]:
    """The per-worker entries of a filing's content: `content[key]`; for a correction made by
    `services.correct` ({"original": filed, "corrected": now, ...}) without its own list, one entry per worker whose
    figures changed, carrying both (`original`, `corrected`) as a W-2c or corrected 1099 shows them."""
    rows = content.get(key)
    if rows is None and isinstance(content.get("corrected"), dict):
        before = {int(r["worker_id"]): r for r in (content.get("original") or {}).get(key) or []
                  if isinstance(r, dict) and r.get("worker_id")}
        rows = []
        for r in content["corrected"].get(key) or []:
            if not isinstance(r, dict) or not r.get("worker_id"):
                continue
            was = before.get(int(r["worker_id"]))
            if was != r:
                rows.append({"worker_id": r["worker_id"], "name": r.get("name", ""), "original": was or {},
                             "corrected": r})
    return [r for r in (rows or []) if isinstance(r, dict) and r.get("worker_id")]


def copy_form(f: Filing, spec: registry.FormSpec) -> str:
    """The form the worker receives: the spec's code, or its correction form for a correction (w2 → w2c)."""
    return (spec.correction_form or spec.code) if f.revision else spec.code


def cut_copies(filing_id: int) -> int:
    """The workers' copies of a final yearly filing whose spec names a `worker_list`; returns how many were cut
    (0 for a form without one, or when they were cut before)."""
    with transaction():
        f = svc.get(filing_id)
        if f.status not in ("final", "filed", "amended"):
            raise DomainError(f"{f} is {f.status}: copies are cut from a final filing", code="not_final")
        spec = registry.spec(f.form)
        if spec is None or not spec.worker_list:
            return 0
        have = set(db.session.execute(sa.select(FilingCopy.worker_id).where(FilingCopy.filing_id == f.id))
                   .scalars())
        form = copy_form(f, spec)
        n = 0
        for entry in _entries(f.content, spec.worker_list):
            wid = int(entry["worker_id"])
            if wid in have:
                continue
            db.session.add(FilingCopy(filing_id=f.id, worker_id=wid, form=form, tax_year=f.tax_year,
                                      content=entry))
            have.add(wid)
            n += 1
        db.session.flush()
    return n


# -- consent to electronic delivery ----------------------------------------------------------------------------------

def consent_of(worker_id: int) -> DeliveryConsent | None:
    """The worker's consent in force (the latest not withdrawn), or None."""
    return db.session.execute(sa.select(DeliveryConsent).where(
        DeliveryConsent.worker_id == worker_id, DeliveryConsent.withdrawn_at.is_(None))
        .order_by(DeliveryConsent.given_at.desc(), DeliveryConsent.id.desc())).scalars().first()


def give_consent(worker_id: int, user_id: int | None, ip: str = "") -> DeliveryConsent:
    """Record the worker's consent (a second one while one is in force returns it unchanged)."""
    with transaction():
        c = consent_of(worker_id)
        if c is not None:
            return c
        c = DeliveryConsent(worker_id=worker_id, given_at=utcnow(), given_by_id=user_id, given_ip=(ip or "")[:64])
        db.session.add(c)
        db.session.flush()
    return c


def withdraw_consent(worker_id: int, user_id: int | None) -> DeliveryConsent | None:
    """Withdraw the consent in force (None when there was none); copies from now on go on paper."""
    with transaction():
        c = consent_of(worker_id)
        if c is None:
            return None
        c.withdrawn_at, c.withdrawn_by_id = utcnow(), user_id
    return c


# -- delivery --------------------------------------------------------------------------------------------------------

def _notice(copy: FilingCopy, name: str) -> tuple[str, str]:
    title = COPY_FORMS.get(copy.form, copy.form.upper())
    subject = f"Your {copy.tax_year} Form {title} is ready"
    body = (f"Hello {name},\n\nYour {copy.tax_year} Form {title} is ready in the Tandem portal under Tax forms, "
            "where you can view and download it as a PDF.\n\nYou receive this by e-mail because you consented to "
            "electronic delivery; you may withdraw your consent on the same page and receive paper copies.\n")
    return subject, body


def deliver_copies(filing_id: int) -> dict:
    """Announce each undelivered copy of the filing by e-mail to workers who consented (`delivery='email'`,
    `delivered_at`); mark the others `paper`. Safe to run twice (delivered copies are skipped). A send that fails
    leaves that copy undelivered for a later run."""
    from backoffice.workers.models import Worker
    done = {"email": 0, "paper": 0, "failed": 0}
    ids = db.session.execute(sa.select(FilingCopy.id).where(FilingCopy.filing_id == filing_id,
                                                            FilingCopy.delivered_at.is_(None))
                             .order_by(FilingCopy.id)).scalars().all()
    for cid in ids:
        copy = db.session.get(FilingCopy, cid)
        worker = db.session.get(Worker, copy.worker_id)
        if consent_of(copy.worker_id) is None or not worker.email:
            if copy.delivery != "paper":
                with transaction():
                    copy.delivery = "paper"
                done["paper"] += 1
            continue
        try:
            send_mail(worker.email, *_notice(copy, worker.first_name))
        except DomainError:
            done["failed"] += 1
            continue
        with transaction():
            copy.delivery, copy.delivered_at = "email", utcnow()
            record_event("form_delivered", "filing_copy", copy.id, {"form": copy.form, "year": copy.tax_year,
                                                                        "delivery": "email"})
        done["email"] += 1
    return done


def copy_pdf(copy: FilingCopy) -> bytes:
    """The worker's copy as a PDF (see the module's docstring)."""
    f = copy.filing
    spec = registry.spec(f.form)
    if spec is not None and "pdf" in spec.exports:
        return svc.export(f, "pdf", {"worker_id": copy.worker_id})
    html = render_template("pdf/compliance/copy.html", copy=copy, title=COPY_FORMS.get(copy.form, copy.form),
                           rows=flat_rows(copy.content))
    with transaction():
        record_event("filing_export", "filing", f.id, {"form": f.form, "year": f.tax_year, "format": "pdf",
                                                       "worker_id": copy.worker_id, "full_tins": 0})
    return render_pdf(html)


def flat_rows(content, prefix: str = "") -> list[tuple[str, str]]:
    """A content dict as (label, value) rows for a readable table: nested keys joined with ' · ', lists of
    records numbered."""
    out: list[tuple[str, str]] = []
    if isinstance(content, dict):
        for k, v in content.items():
            label = f"{prefix} · {k}" if prefix else str(k)
            if isinstance(v, (dict, list)) and v:
                out += flat_rows(v, label)
            else:
                out.append((label, _show(v)))
    elif isinstance(content, list):
        for i, v in enumerate(content, 1):
            out += flat_rows(v, f"{prefix} {i}" if prefix else str(i)) if isinstance(v, (dict, list)) else \
                [(f"{prefix} {i}", _show(v))]
    else:
        out.append((prefix, _show(content)))
    return out


def _show(v) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if v is None or v == {} or v == []:
        return "—"
    return str(v)


def get_copy(copy_id: int) -> FilingCopy:
    c = db.session.get(FilingCopy, copy_id)
    if c is None:
        raise NotFound(f"no tax form copy #{copy_id}")
    return c
