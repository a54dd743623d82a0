"""Carrier feeds: each carrier's X12 834 files, full (every current member, 030) or change (adds, changes and terms
since the last file sent to that carrier), with their control numbers, the members they carry and the snapshot the
next change file is compared with. See docs/carrier-feeds.md."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from backoffice.clock import clock
from backoffice.errors import DomainError, Issue, NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.uow import for_update, transaction, unique_or_refuse
from backoffice.workers.models import Agency, Worker
from benefits.carriers import CoveredMember, carrier_of, covered_members
from benefits.edi_models import EDI_FILE_KINDS, EdiFile
from benefits.engine import carrier_changes as changes_engine, edi834
from benefits.engine.carrier_changes import MemberChange
from benefits.models import Carrier, Dependent, Enrollment

# How far ahead a file looks for coverage already elected: a new hire's or open enrollment's election that starts
# within this many days is sent before it begins (carriers want adds ahead of the effective date).
LOOK_AHEAD_DAYS = 366
ISA_SENDER_QUALIFIER = "30"      # ISA05: 30 = U.S. federal tax identification number (the agency's EIN)


@dataclass(frozen=True)
class PreviewLine:
    member_id: str
    name: str
    relationship: str
    action: str                  # add | change | term | audit
    maintenance: str             # INS03
    reason: str                  # INS04
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """What building a file would send (or sent): the decisions and the data they were made from."""
    carrier: Carrier
    kind: str
    as_of: date
    usage: str
    previous: EdiFile | None
    snapshot: dict
    changes: tuple[MemberChange, ...]
    lines: tuple[PreviewLine, ...]


def usage_default() -> str:
    """ISA15 for files built without saying: the EDI834_USAGE setting (P, production, unless configured T)."""
    value = str(current_app.config.get("EDI834_USAGE") or "P").upper()
    return value if value in edi834.USAGE_INDICATORS else "P"




def _check(kind: str, usage: str) -> None:
    issues = []
    if kind not in EDI_FILE_KINDS:
        issues.append(Issue("kind", "must be full or change"))
    if usage not in edi834.USAGE_INDICATORS:
        issues.append(Issue("usage", "must be P (production) or T (test)"))
    if issues:
        raise ValidationFailed(issues)


def last_file(carrier_id: int, usage: str | None = None) -> EdiFile | None:
    """The last file built for the carrier (of that usage: test files do not move the production baseline)."""
    stmt = sa.select(EdiFile).where(EdiFile.carrier_id == carrier_id)
    if usage:
        stmt = stmt.where(EdiFile.usage == usage)
    return db.session.execute(stmt.order_by(EdiFile.control_number.desc()).limit(1)).scalar_one_or_none()


def files(carrier_id: int) -> list[EdiFile]:
    return list(db.session.execute(sa.select(EdiFile).where(EdiFile.carrier_id == carrier_id)
                                   .order_by(EdiFile.control_number.desc())).scalars())


# ------------------------------------------------------------------------------------------ the member snapshot

def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def snapshot(carrier_id: int, since: date, as_of: date, *, in_force_first: bool = False) -> dict:
    """Every member covered by the carrier's plans from `since` on (up to LOOK_AHEAD_DAYS past `as_of`), as the
    change engine compares them (format in benefits/engine/carrier_changes.py). For each member and line of
    coverage the election starting last is the one that counts (an open-enrollment election from 1 January
    replaces the one ending 31 December: a change, not a term); with `in_force_first` (a full file) the one in
    force on `as_of` counts when there is one (the audit states today's coverage; the next change file then sends
    the coming election as a change)."""
    rows = [m for m in covered_members(carrier_id, since, as_of + timedelta(days=LOOK_AHEAD_DAYS))
            if m.plan_kind in edi834.INSURANCE_LINES]
    workers = {w.id: w for w in db.session.execute(
        sa.select(Worker).where(Worker.id.in_({m.worker_id for m in rows}))).scalars()} if rows else {}
    dep_ids = {m.dependent_id for m in rows if m.dependent_id is not None}
    deps = {d.id: d for d in db.session.execute(
        sa.select(Dependent).where(Dependent.id.in_(dep_ids))).scalars()} if dep_ids else {}
    out: dict[str, dict] = {}
    chosen: dict[tuple[str, str], CoveredMember] = {}
    def rank(m: CoveredMember) -> tuple:
        in_force = in_force_first and m.start <= as_of and (m.end is None or m.end >= as_of)
        return (in_force, m.start, m.enrollment_id)

    for m in rows:
        key = (m.member_id, m.plan_kind)
        if key not in chosen or rank(m) >= rank(chosen[key]):
            chosen[key] = m
    for (mid, kind), m in sorted(chosen.items()):
        member = out.get(mid)
        if member is None:
            w = workers[m.worker_id]
            dep = deps.get(m.dependent_id) if m.dependent_id is not None else None
            member = out[mid] = {
                "subscriber_id": m.subscriber_id, "worker_id": m.worker_id, "dependent_id": m.dependent_id,
                "relationship": m.relationship, "first_name": m.first_name,
                "middle_name": (w.middle_name or "") if dep is None else "", "last_name": m.last_name,
                "birth_date": _iso(m.birth_date),
                "ssn_last4": (w.tin_last4 if w.tin_type == "ssn" else "") if dep is None else dep.ssn_last4,
                "address": None if dep is not None else {
                    "line1": w.address_line1, "line2": w.address_line2, "city": w.city, "state": w.state,
                    "postal_code": w.postal_code},
                "cobra": False, "coverages": {}}
        member["cobra"] = member["cobra"] or bool(m.cobra)
        member["coverages"][kind] = {"plan_id": m.plan_id, "plan_name": m.plan_name, "tier": m.coverage_tier,
                                     "start": _iso(m.start), "end": _iso(m.end), "enrollment_id": m.enrollment_id}
    _events(out)
    return out


def _events(snap: dict) -> None:
    """Each coverage's election event (new_hire | open_enrollment | life_event), for the add's reason code."""
    ids = {c["enrollment_id"] for m in snap.values() for c in m["coverages"].values()}
    if not ids:
        return
    events = dict(db.session.execute(sa.select(Enrollment.id, Enrollment.event).where(Enrollment.id.in_(ids))).all())
    for m in snap.values():
        for c in m["coverages"].values():
            c["event"] = events.get(c["enrollment_id"], "")


# ------------------------------------------------------------------------------------------------- planning

def plan(carrier: Carrier | int | str, kind: str, *, as_of: date | None = None, usage: str | None = None) -> Plan:
    """What a file of `kind` built now would carry (nothing is written): the preview and the build both use it."""
    c = carrier_of(carrier)
    as_of = as_of or clock().today()
    usage = (usage or usage_default()).upper()
    _check(kind, usage)
    previous = last_file(c.id, usage)
    if kind == "full":
        snap = snapshot(c.id, as_of, as_of, in_force_first=True)
        decided = changes_engine.audit(snap)
        before = {}
    else:
        before = previous.snapshot if previous is not None else None
        since = min(previous.as_of, as_of) if previous is not None else as_of
        snap = snapshot(c.id, since, as_of)
        decided = changes_engine.decide(before, snap, as_of)
        before = before or {}
    lines = tuple(PreviewLine(ch.member_id, _name(snap.get(ch.member_id) or before.get(ch.member_id)),
                              (snap.get(ch.member_id) or before.get(ch.member_id))["relationship"], ch.action,
                              ch.maintenance, ch.reason, ch.fields) for ch in decided)
    return Plan(c, kind, as_of, usage, previous, snap, tuple(decided), lines)


def _name(member: dict) -> str:
    return " ".join(p for p in (member["first_name"], member.get("middle_name") or "", member["last_name"]) if p)


def _ssns(members: list[dict]) -> dict[str, str]:
    """The full SSNs of the members being sent (decrypted only here, for the NM109 element)."""
    wids = {m["worker_id"] for m in members if m["dependent_id"] is None}
    dids = {m["dependent_id"] for m in members if m["dependent_id"] is not None}
    out: dict[str, str] = {}
    if wids:
        for w in db.session.execute(sa.select(Worker).where(Worker.id.in_(wids))).scalars():
            digits = "".join(ch for ch in (w.tin or "") if ch.isdigit())
            if w.tin_type == "ssn" and len(digits) == 9:
                out[f"W{w.id}"] = digits
    if dids:
        for d in db.session.execute(sa.select(Dependent).where(Dependent.id.in_(dids))).scalars():
            digits = "".join(ch for ch in (d.ssn or "") if ch.isdigit())
            if len(digits) == 9:
                out[f"W{d.worker_id}D{d.id}"] = digits
    return out


def _employment(member: dict, workers: dict[int, Worker]) -> str:
    """INS08: TE for a subscriber on COBRA or no longer active with the agency, FT otherwise (the product keeps no
    scheduled hours per engagement, and only benefit-eligible, i.e. full-time, workers hold these plans)."""
    w = workers.get(member["worker_id"])
    if member.get("cobra") or w is None or w.status != "active":
        return "TE"
    return "FT"


def _engine_members(p: Plan) -> list[edi834.Member]:
    before = p.previous.snapshot if (p.previous is not None and p.kind == "change") else {}
    data = {ch.member_id: (p.snapshot.get(ch.member_id) or before[ch.member_id]) for ch in p.changes}
    ssns = _ssns(list(data.values()))
    wids = {m["worker_id"] for m in data.values()}
    workers = {w.id: w for w in db.session.execute(sa.select(Worker).where(Worker.id.in_(wids))).scalars()} \
        if wids else {}
    out = []
    for ch in p.changes:
        m = data[ch.member_id]
        old_covs = before.get(ch.member_id, {}).get("coverages", {})
        coverages = []
        for cc in ch.coverages:
            cov = m["coverages"].get(cc.kind) or old_covs[cc.kind]
            end = cc.end if cc.end is not None else (date.fromisoformat(cov["end"]) if cov.get("end") else None)
            coverages.append(edi834.Coverage(
                cc.maintenance, edi834.INSURANCE_LINES[cc.kind], cov["plan_name"],
                edi834.COVERAGE_LEVELS[cov["tier"]], date.fromisoformat(cov["start"]), end))
        starts = [date.fromisoformat(c["start"]) for c in m["coverages"].values()]
        ends = [c.end for c in coverages if c.end is not None]
        subscriber = m["dependent_id"] is None
        a = m.get("address")
        out.append(edi834.Member(
            relationship=edi834.RELATIONSHIP_CODES[m["relationship"]], maintenance=ch.maintenance,
            reason=ch.reason, subscriber_id=m["subscriber_id"], member_id=ch.member_id,
            last_name=m["last_name"], first_name=m["first_name"], middle_name=m.get("middle_name") or "",
            coverages=tuple(coverages), benefit_status="C" if m.get("cobra") else "A",
            employment_status=_employment(m, workers) if subscriber else None,
            ssn=ssns.get(ch.member_id), birth_date=date.fromisoformat(m["birth_date"]) if m["birth_date"] else None,
            address=edi834.Address(**a) if a else None,
            eligibility_begin=min(starts) if starts and ch.maintenance in (edi834.ADD, edi834.AUDIT) else None,
            eligibility_end=max(ends) if ends and ch.maintenance == edi834.TERM else None))
    return out


def render(p: Plan, control_number: int, *, created=None) -> str:
    """The 834 text for a plan under `control_number` (pure writer; the clock's now unless `created`)."""
    agency = db.session.execute(sa.select(Agency).order_by(Agency.id).limit(1)).scalar_one_or_none()
    if agency is None:
        raise DomainError("the agency (plan sponsor) is not set up: its legal name and EIN go in N1*P5",
                          code="agency_missing")
    ein = "".join(ch for ch in agency.ein if ch.isdigit())
    c = p.carrier
    insurer = edi834.Party(c.name, "FI", c.fein) if c.fein else edi834.Party(c.name, "94", c.receiver_id)
    created = created or clock().now()
    f = edi834.EnrollmentFile(
        interchange=edi834.Interchange(ISA_SENDER_QUALIFIER, ein, c.receiver_qualifier, c.receiver_id,
                                       control_number, created, p.usage),
        kind=p.kind, sponsor=edi834.Party(agency.legal_name, "FI", ein), insurer=insurer,
        file_effective=p.as_of, reference=f"{c.code}-{control_number}", members=tuple(_engine_members(p)),
        group_number=c.group_number)
    return edi834.write(f)


# ------------------------------------------------------------------------------------------------- building

@dataclass(frozen=True)
class BuildResult:
    file: EdiFile | None
    plan: Plan
    message: str


@transaction()
def build(carrier: Carrier | int | str, kind: str, *, as_of: date | None = None, usage: str | None = None,
          user_id: int | None = None) -> BuildResult:
    """Build and keep the carrier's next 834 file. The carrier's row is locked first (SELECT ... FOR UPDATE on
    PostgreSQL, the write lock on SQLite), so two builds for one carrier run one after the other: each takes the
    next control number and compares with the file the other just kept. A change file with nothing to say is not
    written (`file` None, the message says so)."""
    c = carrier_of(carrier)
    db.session.execute(for_update(sa.select(Carrier.id).where(Carrier.id == c.id))).one()
    p = plan(c, kind, as_of=as_of, usage=usage)
    if not p.changes:     # an 834 without a member is not a valid file (loop 2000 is required): none is written
        if kind == "full":
            return BuildResult(None, p, f"{c.code}: nobody is covered on {p.as_of}; no file written")
        since = f" since file {p.previous.control_number} of {p.previous.as_of}" if p.previous else ""
        return BuildResult(None, p, f"{c.code}: no member added, changed or termed{since}; no file written")
    last = db.session.execute(sa.select(sa.func.max(EdiFile.control_number))
                              .where(EdiFile.carrier_id == c.id)).scalar() or 0
    number = last + 1
    text = render(p, number)
    row = EdiFile(carrier_id=c.id, kind=kind, control_number=number, usage=p.usage, as_of=p.as_of,
                  member_count=len(p.changes), adds=sum(ch.action == "add" for ch in p.changes),
                  changes=sum(ch.action == "change" for ch in p.changes),
                  terms=sum(ch.action == "term" for ch in p.changes),
                  sha256=hashlib.sha256(text.encode()).hexdigest(), content=text, snapshot=p.snapshot,
                  created_by_id=user_id)
    with unique_or_refuse("uq_benefit_edi_files_control_number",
                          f"control number {number} of {c.code} was just taken by another build; build again",
                          "edi_control_number_taken",
                          columns="benefit_edi_files.carrier_id, benefit_edi_files.control_number"):
        db.session.add(row)
    what = ("every current member (030)" if kind == "full" else
            f"{row.adds} added, {row.changes} changed, {row.terms} termed")
    return BuildResult(row, p, f"{c.code}: {kind} file {number:09d}, {row.member_count} members: {what}")


def content(file_id: int) -> EdiFile:
    row = db.session.get(EdiFile, file_id)
    if row is None:
        raise NotFound(f"834 file {file_id} not found")
    return row


@transaction()
def download(file_id: int) -> EdiFile:
    """The file to hand to whoever downloads it, the download written to the audit log (the file carries SSNs)."""
    from backoffice.audit import record_event

    row = content(file_id)
    record_event("downloaded", "benefit_edi_file", row.id, {"carrier_id": row.carrier_id,
                                                            "control_number": row.control_number})
    return row
