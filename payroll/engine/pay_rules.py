"""Wage-and-hour rules as dated data: the federal and state minimum wages and the state daily overtime rules, read
from payroll/engine/data/pay_rules.json (each entry with its effective dates and source). Pure: no db, no clock."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from backoffice.errors import DomainError
from backoffice.money import D

DATA_FILE = Path(__file__).with_name("data") / "pay_rules.json"


@dataclass(frozen=True, slots=True)
class DailyRule:
    """One state's daily overtime rule for a span of dates."""

    state: str
    effective_from: date
    effective_to: date | None
    overtime_after: Decimal | None           # hours in a day after which each hour is overtime (1.5x)
    double_time_after: Decimal | None        # ... after which each hour is double time (2x)
    seventh_day: bool                        # CA: the seventh consecutive day of work in the workweek
    only_below_min_wage_multiple: Decimal | None   # NV: applies only when the rate is below this × minimum wage
    source: str


@dataclass(frozen=True, slots=True)
class MinimumWage:
    rate: Decimal
    source: str
    jurisdiction: str          # "federal" or the state code whose rate applies


@dataclass(frozen=True, slots=True)
class PayRules:
    """Minimum wages and daily overtime rules as dated data (payroll/engine/data/pay_rules.json)."""

    federal: tuple[tuple[date, date | None, Decimal, str], ...]
    state_minimum: Mapping[str, tuple[tuple[date, date | None, Decimal | None, str], ...]]
    daily: Mapping[str, tuple[DailyRule, ...]]
    # (state, day) -> answer: a run asks the same few questions for every worker (not part of equality)
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    def minimum_wage(self, state: str, day: date) -> MinimumWage:
        """The higher of the federal and the state minimum wage on the day (29 U.S.C. 218(a))."""
        key = ("mw", state, day)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._minimum_wage(state, day)
        return hit

    def _minimum_wage(self, state: str, day: date) -> MinimumWage:
        fed = _dated(self.federal, day)
        if fed is None:
            raise DomainError(f"no federal minimum wage for {day}")
        best = MinimumWage(fed[2], fed[3], "federal")
        st = _dated(self.state_minimum.get(state, ()), day)
        if st is not None and st[2] is not None and st[2] > best.rate:
            best = MinimumWage(st[2], st[3], state)
        return best

    def week(self, state: str, monday: date) -> tuple[tuple[DailyRule | None, MinimumWage], ...]:
        """(daily rule, minimum wage) for each day of the week from `monday`, Monday first (asked once per state and
        week: a run asks it for every worker)."""
        key = ("week", state, monday)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = tuple((self.daily_rule(state, d), self.minimum_wage(state, d))
                                          for d in (monday + _DAYS[i] for i in range(7)))
        return hit

    def daily_rule(self, state: str, day: date) -> DailyRule | None:
        key = ("daily", state, day)
        if key in self._memo:
            return self._memo[key]
        rule = self._memo[key] = self._daily_rule(state, day)
        return rule

    def _daily_rule(self, state: str, day: date) -> DailyRule | None:
        for rule in self.daily.get(state, ()):
            if rule.effective_from <= day and (rule.effective_to is None or day <= rule.effective_to):
                return rule
        return None


_DAYS = tuple(timedelta(days=i) for i in range(7))


def _dated(rows, day: date):
    for row in rows:
        if row[0] <= day and (row[1] is None or day <= row[1]):
            return row
    return None


def _day(v: str | None) -> date | None:
    return None if v is None else date.fromisoformat(v)


def _dec(v: str | None) -> Decimal | None:
    return None if v is None else D(v)


def rules_from_json(data: Mapping) -> PayRules:
    """PayRules from the data file's JSON shape (tests pass their own)."""
    federal = tuple((_day(r["effective_from"]), _day(r["effective_to"]), D(r["rate"]), r["source"])
                    for r in data["federal_minimum_wage"])
    states = {st: tuple((_day(r["effective_from"]), _day(r["effective_to"]), _dec(r["rate"]), r["source"])
                        for r in rows) for st, rows in data.get("state_minimum_wage", {}).items()}
    daily = {st: tuple(DailyRule(st, _day(r["effective_from"]), _day(r["effective_to"]), _dec(r["overtime_after"]),
                                 _dec(r["double_time_after"]), bool(r["seventh_day"]),
                                 _dec(r["only_below_min_wage_multiple"]), r["source"]) for r in rows)
             for st, rows in data.get("daily_overtime", {}).items()}
    return PayRules(federal, states, daily)


@lru_cache(maxsize=1)
def pay_rules() -> PayRules:
    """The rules in payroll/engine/data/pay_rules.json, read once."""
    return rules_from_json(json.loads(DATA_FILE.read_text()))
