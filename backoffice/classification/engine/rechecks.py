"""Re-check triggers: facts that change the classification picture (long hours, one dominant client, set schedule)."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping, Sequence

from backoffice.errors import Issue, raise_if
from backoffice.dates import long_date
from backoffice.money import D, fmt_pct, fmt_usd
from backoffice.classification.engine.questionnaire import SCHEMA
from backoffice.classification.engine.rulesets import default_catalog

WEEK = _dt.timedelta(days=7)


@dataclass(frozen=True)
class WeekHours:
    week_start: _dt.date
    hours: Decimal


@dataclass(frozen=True)
class ScheduleChange:
    on: _dt.date
    schedule_set_by: str  # a behavioral_control.schedule_set_by value


@dataclass(frozen=True)
class RecheckFacts:
    """What is known about an engagement since it was classified (all optional)."""

    weekly_hours: Sequence[WeekHours] = field(default_factory=tuple)
    income_by_client: Mapping[str, Decimal] = field(default_factory=dict)  # this year's income per client
    engagement_client: str | None = None  # the client of this engagement, when income_by_client is given
    income_from: _dt.date | None = None  # the first pay date counted in income_by_client (the share's "since")
    schedule_changes: Sequence[ScheduleChange] = field(default_factory=tuple)


@dataclass(frozen=True)
class Trigger:
    code: str  # long_hours | dominant_client | client_sets_schedule
    explanation: str
    since: _dt.date | None
    facts: Mapping[str, Any]


def _validate(facts: RecheckFacts) -> None:
    issues: list[Issue] = []
    allowed = SCHEMA["behavioral_control"]["schedule_set_by"]
    for i, w in enumerate(facts.weekly_hours):
        if not isinstance(w.hours, Decimal) or w.hours < 0:
            issues.append(Issue(f"weekly_hours[{i}].hours", "must be a Decimal of 0 or more"))
    starts = [w.week_start for w in facts.weekly_hours]
    if len(set(starts)) != len(starts):
        issues.append(Issue("weekly_hours", "a week appears twice", "duplicate"))
    for name, amount in facts.income_by_client.items():
        if not isinstance(amount, Decimal) or amount < 0:
            issues.append(Issue(f"income_by_client.{name}", "must be a Decimal of 0 or more"))
    for i, c in enumerate(facts.schedule_changes):
        if c.schedule_set_by not in allowed:
            issues.append(Issue(f"schedule_changes[{i}].schedule_set_by", f"must be one of {', '.join(allowed)}",
                                "invalid_choice"))
    raise_if(issues)


def _long_hours(facts: RecheckFacts, limit: Decimal, weeks_needed: int) -> Trigger | None:
    run: list[WeekHours] = []
    best: list[WeekHours] = []
    for w in sorted(facts.weekly_hours, key=lambda w: w.week_start):
        consecutive = run and w.week_start - run[-1].week_start == WEEK
        if w.hours > limit:
            run = run + [w] if consecutive else [w]
        else:
            run = []
        if len(run) >= weeks_needed and (not best or len(run) >= len(best)):
            best = list(run)
    if not best:
        return None
    return Trigger(
        "long_hours",
        f"Worked more than {limit.normalize():f} hours every week for {len(best)} weeks in a row (from the week of "
        f"{long_date(best[0].week_start)}), which is at least 3 months: steady full-time work looks like "
        "employment, so the classification should be checked again.",
        best[0].week_start,
        {"weeks": len(best), "lowest_week_hours": str(min(w.hours for w in best)), "limit": str(limit)})


def _dominant_client(facts: RecheckFacts, share_limit: Decimal) -> Trigger | None:
    total = sum(facts.income_by_client.values(), D(0))
    if total <= 0:
        return None
    client, amount = max(facts.income_by_client.items(), key=lambda kv: (kv[1], kv[0]))
    share = amount / total
    if share <= share_limit:
        return None
    shown = (share * 100).quantize(Decimal("0.1"))
    period = f"since {long_date(facts.income_from)}" if facts.income_from else "this year"
    return Trigger(
        "dominant_client",
        f"{shown}% of the contractor's income comes from one client ({client}): {fmt_usd(amount)} of "
        f"{fmt_usd(total)} paid {period}, more than {fmt_pct(share_limit)}. Depending on one client points "
        "toward economic dependence.",
        facts.income_from, {"client": client, "share": str(share.quantize(Decimal("0.0001"))),
                            "limit": str(share_limit), "amount": str(amount), "total": str(total)})


def _client_sets_schedule(facts: RecheckFacts, values: Sequence[str]) -> Trigger | None:
    changes = sorted(facts.schedule_changes, key=lambda c: c.on)
    if not changes or changes[-1].schedule_set_by not in values:
        return None
    latest = changes[-1]
    before = changes[-2].schedule_set_by if len(changes) > 1 else None
    if before in values:  # already set by the client before: report from the first change into client control
        start = len(changes) - 1
        while start > 0 and changes[start - 1].schedule_set_by in values:
            start -= 1
        latest = changes[start]
    who = "the client" if latest.schedule_set_by == "hiring_entity" else "the end customer"
    return Trigger(
        "client_sets_schedule",
        f"Since {long_date(latest.on)} {who} sets the worker's schedule: setting hours is control of the kind an "
        "employer has, so the classification should be checked again.",
        latest.on, {"schedule_set_by": changes[-1].schedule_set_by, "previously": before})


def recheck_triggers(facts: RecheckFacts, *, thresholds: Mapping[str, Any] | None = None) -> list[Trigger]:
    """Every re-check trigger the facts raise, with a plain explanation; an empty list when none."""
    _validate(facts)
    t = thresholds or default_catalog().rechecks
    found = [
        _long_hours(facts, D(t["weekly_hours_over"]), int(t["consecutive_weeks"])),
        _dominant_client(facts, D(t["single_client_income_share_over"])),
        _client_sets_schedule(facts, tuple(t["schedule_set_by_triggers"])),
    ]
    return [x for x in found if x is not None]
