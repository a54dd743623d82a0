"""Who may enroll in which plan, and from when: engagement type, hours, waiting period and the HDHP rule for an HSA,
each decision with its reason in words. Pure: facts in, a frozen result out; `on` is passed in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

# 29 CFR 2590.715-2708(a): no waiting period may exceed 90 days (every calendar day counts, the start date is day
# 1, so coverage begins no later than the 91st day: start + 90 days).
MAX_WAITING_DAYS = 90
# The new-hire enrollment window: 30 days from the day the worker becomes eligible (a plan rule of this house).
NEW_HIRE_WINDOW_DAYS = 30
GROUP_KINDS = ("medical", "dental", "vision", "401k", "hsa", "fsa", "dcfsa", "commuter")


@dataclass(frozen=True)
class PlanRules:
    """The eligibility rules of one plan (data on the plan)."""

    kind: str
    waiting_days: int = 0
    min_weekly_hours: Decimal | None = None        # e.g. 30: the ACA full-time line; None = any hours
    contractors_eligible: bool = False
    hdhp: bool = False
    plan_year_start: date | None = None
    plan_year_end: date | None = None


@dataclass(frozen=True)
class WorkerFacts:
    """What eligibility needs to know about a worker on the day asked about."""

    engagement_types: tuple[str, ...]               # the types of the worker's engagements active that day
    hire_date: date | None                          # first day of work with the agency, across clients
    average_weekly_hours: Decimal | None = None     # over the look-back; None = no hours recorded yet
    hdhp_elected: bool = False                      # has (or is electing) an HDHP medical plan


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str
    eligible_from: date | None = None
    new_hire_window_closes: date | None = None      # the last day of the new-hire window (inclusive)


def fmt_day(d: date) -> str:
    """'Mar 2, 2026' — how a person reads a date in a sentence."""
    return f"{d:%b} {d.day}, {d.year}"


def check(plan: PlanRules, worker: WorkerFacts, on: date) -> Eligibility:
    """Whether `worker` may enroll in `plan` on `on`, from when, and why, in words. The steps, in the order a
    benefits clerk would take them: plan year, engagement type, hours, waiting period, then the HDHP rule."""
    if not 0 <= plan.waiting_days <= MAX_WAITING_DAYS:
        raise ValueError(f"waiting period of {plan.waiting_days} days: at most {MAX_WAITING_DAYS} "
                         "(29 CFR 2590.715-2708)")
    if plan.plan_year_end is not None and on > plan.plan_year_end:
        return Eligibility(False, f"This plan year ended on {fmt_day(plan.plan_year_end)}.")
    types = set(worker.engagement_types)
    if not types:
        return Eligibility(False, "You have no active engagement with the agency.")
    if "leased_employee" not in types and not plan.contractors_eligible:
        return Eligibility(False, "Contractors are not eligible for the agency's group plans (only leased "
                                  "employees are); see your portable benefits instead.")
    if worker.hire_date is None:
        return Eligibility(False, "Your start date is not recorded yet.")
    if plan.min_weekly_hours is not None and worker.average_weekly_hours is not None \
            and worker.average_weekly_hours < plan.min_weekly_hours:
        return Eligibility(False, f"This plan needs an average of {plan.min_weekly_hours.normalize():f} hours a week; "
                                  f"you average {worker.average_weekly_hours.quantize(Decimal('0.1'))}.")
    start = worker.hire_date
    eligible_from = start + timedelta(days=plan.waiting_days)
    if plan.plan_year_start is not None and eligible_from < plan.plan_year_start:
        eligible_from = plan.plan_year_start
    closes = eligible_from + timedelta(days=NEW_HIRE_WINDOW_DAYS - 1)
    if plan.kind == "hsa" and not worker.hdhp_elected:
        return Eligibility(False, "An HSA needs a high-deductible health plan (HDHP) election (IRC 223(c)(1)); "
                                  "elect the HDHP medical plan first.", eligible_from, closes)
    if plan.waiting_days:
        why = f"{plan.waiting_days}-day waiting period from your start on {fmt_day(start)}"
    else:
        why = f"no waiting period; you started on {fmt_day(start)}"
    if plan.min_weekly_hours is not None:
        if worker.average_weekly_hours is None:
            why += f"; the {plan.min_weekly_hours.normalize():f} hours a week rule is checked once hours are recorded"
        else:
            why += (f"; you average {worker.average_weekly_hours.quantize(Decimal('0.1'))} hours a week "
                    f"(the plan needs {plan.min_weekly_hours.normalize():f})")
    return Eligibility(True, f"Eligible from {fmt_day(eligible_from)}: {why}.", eligible_from, closes)
