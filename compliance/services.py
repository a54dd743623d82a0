"""Compliance services: the only place this domain's records change (one transaction each).

- `build_year(year)`: every registered form's filings for the year, created or refreshed (drafts; a reviewed
  filing whose figures changed goes back to draft; final and later are never touched, and are reported when the
  books no longer agree with them).
- `review`, `reopen`, `finalize` (stores the sha256 of the canonical content), `mark_filed` (date, confirmation).
- `correct(filing_id)`: after filing, the correcting form (941-X, W-2c, corrected 1099-NEC) from the differences
  between what was filed and what the books say now; the original becomes `amended`, its content untouched.
- `export(...)`: one filing's content rendered in a format (bytes), audited (who exported which form, and whether
  full TINs were in it)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from backoffice.audit import record_event
from backoffice.clock import clock
from backoffice.db import utcnow
from backoffice.errors import DomainError, Issue, NotFound, PermissionDenied, ValidationFailed
from backoffice.extensions import db
from backoffice.states import check_move
from backoffice.uow import for_update, transaction, transition_once
from compliance import registry, sources
from compliance.models import LOCKED, Filing
from compliance.registry import ExportContext, FormSpec, Period


def canonical(content: dict) -> bytes:
    """The content as the hash sees it: sorted keys, no spaces, UTF-8 (so equal content hashes equal)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def content_hash(content: dict) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


@dataclass(frozen=True)
class BuildResult:
    filing_id: int
    form: str
    period: str
    action: str          # created | refreshed | unchanged | back_to_draft | locked_same | locked_differs
    status: str
    summary: str

    def line(self) -> str:
        return f"{self.form:<10} {self.period:<10} {self.status:<9} {self.action:<15} #{self.filing_id} {self.summary}"


def _spec(code: str) -> FormSpec:
    s = registry.spec(code)
    if s is None:
        known = ", ".join(x.code for x in registry.specs())
        raise ValidationFailed([Issue("form", f"no form {code!r}; the forms are: {known}", code="unknown_form")])
    return s


def _original(code: str, year: int, period: Period) -> Filing | None:
    return db.session.execute(sa.select(Filing).where(
        Filing.form == code, Filing.tax_year == year, Filing.quarter == period.quarter,
        Filing.state == period.state, Filing.revision == 0)).scalars().first()


def build_one(spec: FormSpec, year: int, period: Period) -> BuildResult:
    """Create or refresh one filing (one transaction)."""
    content = spec.build(spec.gather(year, period))
    digest = content_hash(content)
    summary = spec.summary(content)[:300]
    with transaction():
        f = _original(spec.code, year, period)
        if f is None:
            f = Filing(form=spec.code, tax_year=year, quarter=period.quarter, state=period.state, status="draft",
                       title=spec.title, content=content, summary=summary, due_date=spec.due(year, period),
                       built_at=utcnow())
            db.session.add(f)
            db.session.flush()
            action = "created"
        elif f.status in LOCKED:
            action = "locked_same" if digest == f.content_hash else "locked_differs"
        elif content_hash(f.content) == digest:
            action = "unchanged"
        else:
            was = f.status
            f.content, f.summary, f.built_at = content, summary, utcnow()
            f.due_date = spec.due(year, period)
            if was == "reviewed":
                transition_once(f, "reopen")
                f.reviewed_at = f.reviewed_by_id = None
                action = "back_to_draft"
            else:
                action = "refreshed"
        return BuildResult(f.id, spec.code, f.period_label, action, f.status, f.summary)


def build_year(year: int, forms: list[str] | None = None) -> list[BuildResult]:
    """Every draft of the year, created or refreshed, one transaction per filing (a builder that fails leaves the
    others built; run again to retry)."""
    chosen = [_spec(c) for c in forms] if forms else registry.specs()
    out = []
    for s in chosen:
        if not s.applies(year):
            continue
        for period in s.periods(year):
            out.append(build_one(s, year, period))
    return out


def get(filing_id: int) -> Filing:
    f = db.session.get(Filing, filing_id)
    if f is None:
        raise NotFound(f"no filing #{filing_id}")
    return f


def find(code: str, year: int, quarter: int = 0, state: str = "", *, latest: bool = False) -> Filing:
    """The original filing of the form for the period (or, with `latest`, its last correction if any)."""
    s = _spec(code)
    f = _original(s.code, year, Period(quarter, state))
    if f is None:
        raise NotFound(f"no {s.title} for {Period(quarter, state).label or year} {year}: "
                       f"run `backoffice filings build --year {year}` first".replace(f" {year} {year}", f" {year}"))
    if latest:
        later = _corrections(f)
        return later[-1] if later else f
    return f


def _corrections(f: Filing) -> list[Filing]:
    return list(db.session.execute(sa.select(Filing).where(Filing.amends_id == f.id)
                                   .order_by(Filing.revision)).scalars())


def _locked(filing_id: int) -> Filing:
    f = db.session.execute(for_update(sa.select(Filing).where(Filing.id == filing_id))).scalars().first()
    if f is None:
        raise NotFound(f"no filing #{filing_id}")
    return f


def review(filing_id: int, user_id: int | None = None) -> Filing:
    with transaction():
        f = _locked(filing_id)
        transition_once(f, "review")
        f.reviewed_at, f.reviewed_by_id = utcnow(), user_id
    return f


def reopen(filing_id: int) -> Filing:
    with transaction():
        f = _locked(filing_id)
        transition_once(f, "reopen")
        f.reviewed_at = f.reviewed_by_id = None
    return f


def finalize(filing_id: int, user_id: int | None = None) -> Filing:
    """Lock the content: its sha256 is stored and from now on the content cannot change."""
    with transaction():
        f = _locked(filing_id)
        f.content_hash = content_hash(f.content)       # first: the database wants a hash on every locked filing
        db.session.flush()
        transition_once(f, "finalize")
        f.finalized_at, f.finalized_by_id = utcnow(), user_id
        from compliance.copy_services import cut_copies   # a yearly form's workers' copies, with the lock
        copies = cut_copies(f.id)
    if copies:
        from backoffice.tasks import enqueue
        enqueue("compliance.deliver_copies", f.id)        # after the commit: the e-mails to those who consented
    return f


def mark_filed(filing_id: int, confirmation: str, filed_on: date | None = None,
               user_id: int | None = None) -> Filing:
    confirmation = (confirmation or "").strip()
    if not confirmation:
        raise ValidationFailed([Issue("confirmation", "the agency's confirmation (acknowledgement or receipt "
                                      "number) is required to mark a filing filed", code="required")])
    if len(confirmation) > 80:
        raise ValidationFailed([Issue("confirmation", "80 characters at most", code="too_long")])
    with transaction():
        f = _locked(filing_id)
        if content_hash(f.content) != f.content_hash:
            raise DomainError(f"Filing #{f.id}: its content no longer matches the hash taken when it was made "
                              "final", code="hash_mismatch")
        check_move(f, "file")
        f.confirmation, f.filed_on = confirmation, filed_on or clock().today()
        f.filed_at, f.filed_by_id = utcnow(), user_id
        db.session.flush()                             # first: the database wants a date on every filed filing
        transition_once(f, "file")
    return f


def correct(filing_id: int) -> Filing:
    """The correcting filing for a filed return: the spec's `correct(filed content, current content)` makes its
    content from the differences (the filed content being the original's or the last correction's "corrected"
    figures). Refused when nothing differs. The original moves to `amended`; its content stays."""
    f = get(filing_id)
    base = f if f.amends_id is None else get(f.amends_id)
    s = _spec(base.form)
    if s.correct is None or s.correction_form is None:
        raise DomainError(f"{s.title} has no correction form here", code="no_correction")
    current = s.build(s.gather(base.tax_year, Period(base.quarter, base.state)))
    chain = [base, *_corrections(base)]
    last = chain[-1]
    if last.status not in ("filed", "amended"):
        raise DomainError(f"{last}: the last filing of this return is {last.status}; file it before correcting "
                          "it again", code="correction_pending")
    filed = last.content.get("corrected", last.content) if last.revision else last.content
    content = s.correct(filed, current)
    if content is None:
        raise DomainError(f"{base}: the books agree with what was filed; there is nothing to correct",
                          code="nothing_to_correct")
    with transaction():
        for x in chain:
            if x.status == "filed":
                x = _locked(x.id)
                transition_once(x, "amend")
        c = Filing(form=base.form, tax_year=base.tax_year, quarter=base.quarter, state=base.state,
                   revision=len(chain), amends_id=base.id, status="draft",
                   title=_title(s.correction_form),
                   content=content, summary=s.summary(content.get("corrected", content))[:300],
                   due_date=None, built_at=utcnow())
        db.session.add(c)
        db.session.flush()
    return c


def _title(code: str) -> str:
    other = registry.spec(code)
    return other.title if other else code.upper()


def export(filing: Filing, fmt: str, options: dict | None = None, *, full_tins: bool = True) -> bytes:
    """The filing rendered in `fmt` (a key of its spec's exports). Audited: who exported which filing, in which
    format, and how many full TINs it printed. Callers check the `filing` permission first (compliance, admin)."""
    s = _spec(filing.form)
    writer = s.exports.get(fmt)
    if writer is None:
        raise ValidationFailed([Issue("format", f"{s.title} exports as {', '.join(sorted(s.exports)) or 'nothing'}, "
                                      f"not {fmt!r}", code="unknown_format")])
    revealed: list[int] = []

    def reveal_tin(kind: str, worker_id: int) -> str:
        from backoffice.workers.models import Worker
        if not full_tins:       # the caller may not see full TINs: an export that would print one is refused
            raise PermissionDenied(f"{s.title} as {fmt} prints full TINs: only compliance and admin export it")
        w = db.session.get(Worker, worker_id)
        if w is None:
            raise NotFound(f"no worker #{worker_id}")
        revealed.append(worker_id)
        return "".join(ch for ch in (w.tin or "") if ch.isdigit())

    ctx = ExportContext(employer=sources.employer(), settings=sources.settings(), reveal_tin=reveal_tin,
                        options=dict(options or {}))
    data = writer(filing.content, ctx)
    with transaction():
        record_event("filing_export", "filing", filing.id,
                     {"form": filing.form, "year": filing.tax_year, "quarter": filing.quarter, "state": filing.state,
                      "format": fmt, "full_tins": len(revealed)})
    return data
