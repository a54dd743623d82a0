"""The X12 834 benefit enrollment and maintenance file (ASC X12N 005010X220A1) as text: frozen records in, the
interchange out. Pure: no database, no clock (the creation time and control numbers are passed in).

Layout (the implementation guide's loops and segments, in the order written):

    ISA  interchange header (fixed widths)              GS   functional group BE, version 005010X220A1
    ST   834, control number 0001                       BGN  purpose 00 (original), reference, date, time, action
    REF*38 master policy (group) number                 DTP*007 file effective date
    1000A N1*P5 plan sponsor (the agency, FI + EIN)     1000B N1*IN insurer (the carrier, FI + FEIN, else 94 + id)
    2000  INS member level detail, one loop per member, each dependent right after its subscriber:
          REF*0F subscriber identifier, REF*23 the member's own identifier (dependents), DTP*356/357 eligibility
          2100A NM1*IL name (NM108/109 = 34 + SSN only when known), N3/N4 residence (subscriber), DMG*D8 birth/gender
          2300  HD health coverage (HD01 maintenance, HD03 HLT/DEN/VIS, HD04 plan, HD05 EMP/ESP/ECH/FAM),
                DTP*348 benefit begin, DTP*349 benefit end
    SE   segment count (ST to SE, both counted)         GE   1 transaction set        IEA  1 functional group
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from backoffice.errors import Issue, ValidationFailed

VERSION = "005010X220A1"
ELEMENT, SEGMENT, COMPONENT, REPETITION = "*", "~", ":", "^"

# INS02 individual relationship codes (the guide's code list): the subscriber is 18 (self).
RELATIONSHIP_CODES = {"self": "18", "spouse": "01", "child": "19", "domestic_partner": "53"}
# HD03 insurance line codes for the plan kinds that go to a carrier.
INSURANCE_LINES = {"medical": "HLT", "dental": "DEN", "vision": "VIS"}
# HD05 coverage level codes for the plan tiers.
COVERAGE_LEVELS = {"employee": "EMP", "employee_spouse": "ESP", "employee_children": "ECH", "family": "FAM"}
# INS03 / HD01 maintenance type codes used.
ADD, CHANGE, TERM, AUDIT = "021", "001", "024", "030"
MAINTENANCE_TYPES = (ADD, CHANGE, TERM, AUDIT)
# INS04 maintenance reason codes used (a subset of the guide's list, chosen in benefits/engine/carrier_changes.py).
MAINTENANCE_REASONS = ("07", "09", "22", "25", "28", "43", "AI", "EC", "XN")
BENEFIT_STATUSES = ("A", "C")            # INS05 active, COBRA continuation
EMPLOYMENT_STATUSES = ("FT", "PT", "TE")  # INS08 full time, part time, terminated
USAGE_INDICATORS = ("P", "T")            # ISA15 production, test
BGN_ACTIONS = {"full": "4", "change": "2"}   # BGN08: 4 verify (a full audit file), 2 change (update)

_BAD = re.compile(r"[*~:^\r\n]")


@dataclass(frozen=True)
class Address:
    line1: str
    line2: str
    city: str
    state: str
    postal_code: str


@dataclass(frozen=True)
class Coverage:
    """One 2300 loop: one line of coverage (medical, dental or vision) of one member."""
    maintenance: str            # HD01: 021 add, 001 change, 024 term, 030 audit
    insurance_line: str         # HD03: HLT | DEN | VIS
    plan_description: str       # HD04
    coverage_level: str         # HD05: EMP | ESP | ECH | FAM
    begin: date                 # DTP*348
    end: date | None = None     # DTP*349 (sent whenever known: terms, and coverage already ending)


@dataclass(frozen=True)
class Member:
    """One 2000 loop: a subscriber (relationship "18") or a dependent, with its coverage lines."""
    relationship: str           # INS02: 18 | 01 | 19 | 53
    maintenance: str            # INS03
    reason: str                 # INS04
    subscriber_id: str          # REF*0F on every member's loop
    member_id: str              # REF*23 on a dependent's loop
    last_name: str
    first_name: str
    coverages: tuple[Coverage, ...]
    benefit_status: str = "A"   # INS05: A active, C COBRA
    employment_status: str | None = None   # INS08 (subscribers): FT | PT | TE
    middle_name: str = ""
    ssn: str | None = None      # NM109 with NM108 = 34; left out when unknown
    address: Address | None = None
    birth_date: date | None = None
    gender: str = "U"           # DMG03: F | M | U (unknown: the product does not record gender)
    eligibility_begin: date | None = None  # DTP*356
    eligibility_end: date | None = None    # DTP*357

    @property
    def is_subscriber(self) -> bool:
        return self.relationship == "18"


@dataclass(frozen=True)
class Party:
    """N1 of loop 1000A/1000B: the name, the identification code qualifier (FI, 94) and the identifier."""
    name: str
    qualifier: str
    identifier: str


@dataclass(frozen=True)
class Interchange:
    """The envelope: who sends to whom, when, under which control number, production or test."""
    sender_qualifier: str       # ISA05, e.g. 30 (US federal tax id)
    sender_id: str              # ISA06, GS02
    receiver_qualifier: str     # ISA07
    receiver_id: str            # ISA08, GS03
    control_number: int         # ISA13 = IEA02 = GS06 = GE02 (1 .. 999,999,999)
    created: datetime           # ISA09/10, GS04/05, BGN03/04
    usage: str = "P"            # ISA15: P production, T test


@dataclass(frozen=True)
class EnrollmentFile:
    interchange: Interchange
    kind: str                   # full | change
    sponsor: Party
    insurer: Party
    file_effective: date        # DTP*007
    reference: str              # BGN02
    members: tuple[Member, ...] = field(default_factory=tuple)
    group_number: str = ""      # REF*38 (left out when empty)


def clean(value: str, limit: int | None = None) -> str:
    """An element's text with the delimiters taken out (a name with a * would split the segment)."""
    text = " ".join(_BAD.sub(" ", value or "").split())
    return text[:limit] if limit else text


def d8(day: date) -> str:
    return day.strftime("%Y%m%d")


def segment(seg_id: str, *elements: str) -> str:
    """One segment without its terminator; trailing empty elements are dropped, as X12 requires."""
    items = [seg_id, *elements]
    while len(items) > 1 and items[-1] == "":
        items.pop()
    return ELEMENT.join(items)


def validate(f: EnrollmentFile) -> None:
    """Refuse a file the writer cannot make well-formed, naming each bad field."""
    issues: list[Issue] = []
    ic = f.interchange
    if not 1 <= ic.control_number <= 999_999_999:
        issues.append(Issue("interchange.control_number", "must be 1 to 999999999 (ISA13 has nine digits)"))
    if ic.usage not in USAGE_INDICATORS:
        issues.append(Issue("interchange.usage", "must be P (production) or T (test)"))
    for name, value in (("interchange.sender_id", ic.sender_id), ("interchange.receiver_id", ic.receiver_id)):
        if not clean(value) or len(clean(value)) > 15:
            issues.append(Issue(name, "must be 1 to 15 characters (ISA06/ISA08)"))
    if f.kind not in BGN_ACTIONS:
        issues.append(Issue("kind", "must be full or change"))
    for name, party in (("sponsor", f.sponsor), ("insurer", f.insurer)):
        if not clean(party.identifier):
            issues.append(Issue(f"{name}.identifier", "is required (N104)"))
    if not f.members:
        issues.append(Issue("members", "an 834 carries at least one member (loop 2000 is required)"))
    for i, m in enumerate(f.members):
        where = f"members[{i}]"
        if m.relationship not in RELATIONSHIP_CODES.values():
            issues.append(Issue(f"{where}.relationship", f"{m.relationship!r} is not an INS02 code used here"))
        if m.maintenance not in MAINTENANCE_TYPES:
            issues.append(Issue(f"{where}.maintenance", f"{m.maintenance!r} is not 021, 001, 024 or 030"))
        if m.reason not in MAINTENANCE_REASONS:
            issues.append(Issue(f"{where}.reason", f"{m.reason!r} is not an INS04 code used here"))
        if m.benefit_status not in BENEFIT_STATUSES:
            issues.append(Issue(f"{where}.benefit_status", "must be A or C"))
        if m.employment_status is not None and m.employment_status not in EMPLOYMENT_STATUSES:
            issues.append(Issue(f"{where}.employment_status", "must be FT, PT or TE"))
        if not clean(m.last_name):
            issues.append(Issue(f"{where}.last_name", "is required (NM103)"))
        if m.ssn is not None and not re.fullmatch(r"\d{9}", m.ssn):
            issues.append(Issue(f"{where}.ssn", "must be nine digits"))
        for j, c in enumerate(m.coverages):
            if c.insurance_line not in INSURANCE_LINES.values():
                issues.append(Issue(f"{where}.coverages[{j}].insurance_line", "must be HLT, DEN or VIS"))
            if c.coverage_level not in COVERAGE_LEVELS.values():
                issues.append(Issue(f"{where}.coverages[{j}].coverage_level", "must be EMP, ESP, ECH or FAM"))
            if c.end is not None and c.end < c.begin:
                issues.append(Issue(f"{where}.coverages[{j}].end", "is before the coverage begins"))
    if issues:
        raise ValidationFailed(issues)


def _member_segments(m: Member) -> list[str]:
    out = [segment("INS", "Y" if m.is_subscriber else "N", m.relationship, m.maintenance, m.reason,
                   m.benefit_status, "", "", (m.employment_status or "") if m.is_subscriber else "")]
    out.append(segment("REF", "0F", clean(m.subscriber_id, 50)))
    if not m.is_subscriber:
        out.append(segment("REF", "23", clean(m.member_id, 50)))
    if m.eligibility_begin:
        out.append(segment("DTP", "356", "D8", d8(m.eligibility_begin)))
    if m.eligibility_end:
        out.append(segment("DTP", "357", "D8", d8(m.eligibility_end)))
    ssn = ("34", m.ssn) if m.ssn else ("", "")
    out.append(segment("NM1", "IL", "1", clean(m.last_name, 60), clean(m.first_name, 35), clean(m.middle_name, 25),
                       "", "", *ssn))
    a = m.address
    if a is not None and clean(a.line1) and clean(a.city) and len(clean(a.state)) == 2 and clean(a.postal_code):
        out.append(segment("N3", clean(a.line1, 55), clean(a.line2, 55)))
        out.append(segment("N4", clean(a.city, 30), clean(a.state), re.sub(r"\D", "", a.postal_code)[:9]))
    if m.birth_date:
        out.append(segment("DMG", "D8", d8(m.birth_date), m.gender or "U"))
    for c in m.coverages:
        out.append(segment("HD", c.maintenance, "", c.insurance_line, clean(c.plan_description, 50),
                           c.coverage_level))
        out.append(segment("DTP", "348", "D8", d8(c.begin)))
        if c.end is not None:
            out.append(segment("DTP", "349", "D8", d8(c.end)))
    return out


def transaction_segments(f: EnrollmentFile) -> list[str]:
    """ST to SE: the transaction set, SE01 counting every segment from ST to SE."""
    ic = f.interchange
    body = [segment("ST", "834", "0001", VERSION),
            segment("BGN", "00", clean(f.reference, 50), d8(ic.created.date()), ic.created.strftime("%H%M"),
                    "", "", "", BGN_ACTIONS[f.kind])]
    if clean(f.group_number):
        body.append(segment("REF", "38", clean(f.group_number, 50)))
    body.append(segment("DTP", "007", "D8", d8(f.file_effective)))
    body.append(segment("N1", "P5", clean(f.sponsor.name, 60), f.sponsor.qualifier, clean(f.sponsor.identifier, 80)))
    body.append(segment("N1", "IN", clean(f.insurer.name, 60), f.insurer.qualifier, clean(f.insurer.identifier, 80)))
    for m in f.members:
        body.extend(_member_segments(m))
    body.append(segment("SE", str(len(body) + 1), "0001"))
    return body


def write(f: EnrollmentFile, *, newlines: bool = True) -> str:
    """The whole interchange: ISA, GS, the transaction set, GE, IEA. One functional group with one transaction
    set, so GE01 = 1 and IEA01 = 1; the interchange and group control numbers are the same number."""
    validate(f)
    ic = f.interchange
    ctrl = f"{ic.control_number:09d}"
    isa = ELEMENT.join([
        "ISA", "00", " " * 10, "00", " " * 10,
        ic.sender_qualifier.ljust(2)[:2], clean(ic.sender_id).ljust(15)[:15],
        ic.receiver_qualifier.ljust(2)[:2], clean(ic.receiver_id).ljust(15)[:15],
        ic.created.strftime("%y%m%d"), ic.created.strftime("%H%M"), REPETITION, "00501", ctrl, "0", ic.usage,
        COMPONENT])
    gs = segment("GS", "BE", clean(ic.sender_id, 15), clean(ic.receiver_id, 15), d8(ic.created.date()),
                 ic.created.strftime("%H%M"), str(ic.control_number), "X", VERSION)
    segments = [isa, gs, *transaction_segments(f), segment("GE", "1", str(ic.control_number)),
                segment("IEA", "1", ctrl)]
    end = SEGMENT + ("\n" if newlines else "")
    return end.join(segments) + end
