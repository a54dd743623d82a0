"""What a carrier's next 834 change file must say: the members added, changed and termed since the last file sent,
decided by comparing two snapshots (what the carrier was last told, what is true now). Pure: plain JSON-able
dicts in, frozen decisions out; `as_of` is passed in.

A snapshot maps a member id ("W42", "W42D7") to the member as sent:
    {"subscriber_id", "relationship" (self|spouse|child|domestic_partner), "first_name", "middle_name",
     "last_name", "birth_date" (ISO or null), "ssn_last4" ("" when unknown; the SSN itself is never stored here),
     "address" ({line1, line2, city, state, postal_code} on a subscriber, else null), "cobra" (bool),
     "coverages": {kind (medical|dental|vision): {"plan_id", "plan_name", "tier", "start", "end" (ISO or null),
                   "event" (new_hire|open_enrollment|life_event)}}}

The fields that count as a change (INS03 001) are exactly IDENTITY_FIELDS, ADDRESS_FIELD, "cobra" and, per
coverage, COVERAGE_FIELDS; anything else (the employment status, the client the worker is placed with) does not.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping

from benefits.engine.edi834 import ADD, AUDIT, CHANGE, TERM

IDENTITY_FIELDS = ("first_name", "middle_name", "last_name", "birth_date", "ssn_last4", "relationship")
ADDRESS_FIELD = "address"
COVERAGE_FIELDS = ("plan_id", "tier", "start", "end")

# INS04 maintenance reasons (X12 code list 1203 in the 005010X220A1 guide), chosen as follows:
REASON_BY_EVENT = {"new_hire": "28",         # 28 initial enrollment
                   "open_enrollment": "EC",  # EC member benefit selection
                   "life_event": "EC"}
REASON_COBRA = "09"          # 09 COBRA: the member moved to (or was added on) continuation coverage
REASON_COVERAGE = "EC"       # a plan, tier or date change: the member's benefit selection
REASON_IDENTITY = "25"       # 25 change in identifying data elements (name, birth date, SSN)
REASON_ADDRESS = "43"        # 43 change of location
REASON_TERM = "07"           # 07 termination of benefits
REASON_AUDIT = "XN"          # XN notification only: a full (audit) file's 030 loops


@dataclass(frozen=True)
class CoverageChange:
    kind: str                    # medical | dental | vision
    maintenance: str             # HD01: 021 | 001 | 024 | 030
    end: date | None = None      # the end sent with a term (DTP*349)


@dataclass(frozen=True)
class MemberChange:
    member_id: str
    maintenance: str             # INS03: 021 add | 001 change | 024 term | 030 audit
    reason: str                  # INS04
    fields: tuple[str, ...]      # what changed, for the preview ("tier", "address", "dental added", ...)
    coverages: tuple[CoverageChange, ...]

    @property
    def action(self) -> str:
        return {ADD: "add", CHANGE: "change", TERM: "term", AUDIT: "audit"}[self.maintenance]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _earliest_event(member: Mapping) -> str:
    events = [c.get("event") or "" for _, c in sorted(member["coverages"].items(), key=lambda kv: kv[1]["start"])]
    return events[0] if events else ""


def _gone_coverage_end(cov: Mapping) -> date:
    """The end to send for a coverage that is no longer in the enrollments: its own end when one was sent,
    else its start (an election cancelled before it began: terminated on its effective date, i.e. never in
    force)."""
    return _day(cov.get("end")) or _day(cov["start"])


def _coverage_changes(before: Mapping, now: Mapping) -> tuple[list[CoverageChange], list[str]]:
    out: list[CoverageChange] = []
    said: list[str] = []
    for kind in sorted(set(before) | set(now)):
        old, new = before.get(kind), now.get(kind)
        if old is None:
            out.append(CoverageChange(kind, ADD))
            said.append(f"{kind} added")
        elif new is None:
            out.append(CoverageChange(kind, TERM, _gone_coverage_end(old)))
            said.append(f"{kind} ended")
        else:
            moved = [f for f in COVERAGE_FIELDS if old.get(f) != new.get(f)]
            new_election = old.get("plan_id") != new.get("plan_id") or old.get("start") != new.get("start")
            ends_sooner = new.get("end") and (not old.get("end") or new["end"] < old["end"])
            if ends_sooner and not new_election:
                out.append(CoverageChange(kind, TERM, _day(new["end"])))
                said.append(f"{kind} ends {new['end']}")
            elif moved:
                out.append(CoverageChange(kind, CHANGE))
                said.extend(f"{kind} {'plan' if f == 'plan_id' else f}" for f in moved)
    return out, said


def decide(previous: Mapping[str, Mapping] | None, current: Mapping[str, Mapping], as_of: date
           ) -> list[MemberChange]:
    """The members a change file carries, subscribers first and each one's dependents after it.

    - in `current`, not in `previous`: 021 add (reason from the election's event: 28 new hire, EC otherwise; 09
      when on COBRA);
    - in both: 024 term when a coverage's election (same plan and start) now ends sooner than last sent and every
      coverage has an end; 001 change when any counted field or coverage differs (another plan or start is a new
      election: a change, whatever its end) (reason 09 COBRA > EC coverage > 25 identity > 43 address); else nothing;
    - in `previous` only: 024 term of every coverage still open when last sent (ended on the end sent, else on its
      start: cancelled before it began); a member whose every coverage had been sent with an end before `as_of`
      was termed already and is simply dropped."""
    previous = previous or {}
    changes: list[MemberChange] = []
    for mid in _ordered(set(previous) | set(current), previous, current):
        old, new = previous.get(mid), current.get(mid)
        if old is None:
            reason = REASON_COBRA if new.get("cobra") else REASON_BY_EVENT.get(_earliest_event(new), "AI")
            covs = tuple(CoverageChange(k, ADD) for k in sorted(new["coverages"]))
            changes.append(MemberChange(mid, ADD, reason, ("new member",), covs))
            continue
        if new is None:
            open_covs = {k: c for k, c in old["coverages"].items()
                         if not c.get("end") or _day(c["end"]) >= as_of}
            if not open_covs:
                continue
            covs = tuple(CoverageChange(k, TERM, _gone_coverage_end(c)) for k, c in sorted(open_covs.items()))
            changes.append(MemberChange(mid, TERM, REASON_TERM, ("coverage ended",), covs))
            continue
        covs, said = _coverage_changes(old["coverages"], new["coverages"])
        identity = [f for f in IDENTITY_FIELDS if old.get(f) != new.get(f)]
        address = old.get(ADDRESS_FIELD) != new.get(ADDRESS_FIELD)
        cobra = bool(old.get("cobra")) != bool(new.get("cobra"))
        fields = tuple(said + identity + ([ADDRESS_FIELD] if address else []) + (["cobra"] if cobra else []))
        if not fields:
            continue
        all_ended = all(c.get("end") for c in new["coverages"].values())
        if covs and all_ended and any(c.maintenance == TERM for c in covs) and not (identity or address or cobra):
            changes.append(MemberChange(mid, TERM, REASON_TERM, fields, tuple(covs)))
            continue
        reason = (REASON_COBRA if cobra else REASON_COVERAGE if covs else REASON_IDENTITY if identity
                  else REASON_ADDRESS)
        changes.append(MemberChange(mid, CHANGE, reason, fields, tuple(covs)))
    return changes


def audit(current: Mapping[str, Mapping]) -> list[MemberChange]:
    """A full file: every current member as 030 (audit or compare), reason XN, every coverage 030."""
    return [MemberChange(mid, AUDIT, REASON_AUDIT, (), tuple(CoverageChange(k, AUDIT)
                                                            for k in sorted(current[mid]["coverages"])))
            for mid in _ordered(set(current), {}, current)]


def _ordered(ids: set[str], previous: Mapping, current: Mapping) -> list[str]:
    """Subscribers by worker number, each followed by its dependents (by dependent number)."""
    def key(mid: str):
        member = current.get(mid) or previous.get(mid)
        sub = member["subscriber_id"]
        worker = int(sub[1:]) if sub[1:].isdigit() else 0
        dep = mid[len(sub):]
        return (worker, sub, 0 if not dep else 1, int(dep[1:]) if dep[1:].isdigit() else 0, mid)
    return sorted(ids, key=key)
