"""Multi-state rules as data: reciprocal agreements, the convenience-of-the-employer rule, and wages split by state."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Callable, Mapping, Sequence

from backoffice.errors import Issue, ValidationFailed
from backoffice.geo import STATES
from backoffice.money import ZERO, fmt_share, fmt_usd, round_cents

from ..shares import fractions
from .rules import DATA_ROOT

__all__ = ["Reciprocity", "ConvenienceRule", "reciprocity_for_year", "reciprocal_form", "convenience_rules",
           "convenience_state", "compute_allocated"]

EVERY_OTHER_STATE = "*"


@dataclass(frozen=True)
class Reciprocity:
    """One work state's reciprocal agreements: residents of these states who file the form owe it no withholding."""

    work_state: str
    form: str
    residents_of: frozenset[str]
    source: str
    conditions: Mapping[str, str]        # residence state -> a condition the employee states on the form


@dataclass(frozen=True)
class ConvenienceRule:
    state: str
    applies_to: str                      # "all" | "residents_of_convenience_states"
    source: str


def _load(tax_year: int) -> dict | None:
    path = DATA_ROOT / str(tax_year) / "reciprocity.json"
    if not path.is_file():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    if int(raw["tax_year"]) != tax_year:
        raise ValueError(f"{path}: tax_year does not match the folder")
    return raw


@lru_cache(maxsize=None)
def reciprocity_for_year(tax_year: int) -> Mapping[str, Reciprocity] | None:
    """work state -> its agreements, from data/<year>/reciprocity.json; None when the year has no such file
    (the engine then falls back to the per-state 'reciprocity' keys)."""
    raw = _load(tax_year)
    if raw is None:
        return None
    out = {}
    for work, entry in raw["work_states"].items():
        residents = entry["residents_of"]
        if residents == EVERY_OTHER_STATE:
            residents = [s for s in STATES if s != work]
        unknown = [s for s in [work, *residents] if s not in STATES]
        if unknown or work in residents:
            raise ValueError(f"reciprocity.json {tax_year} {work}: bad states {unknown or [work]}")
        out[work] = Reciprocity(work, entry["form"], frozenset(residents), entry["source"],
                                dict(entry.get("conditions", {})))
    return out


def reciprocal_form(work_state: str, home_state: str, tax_year: int,
                    per_state_keys: Mapping[str, str]) -> str | None:
    """The exemption form a resident of home_state files in work_state, or None when there is no agreement.

    The year's reciprocity.json is the one truth; a year without that file uses the work state's own keys."""
    table = reciprocity_for_year(tax_year)
    if table is None:
        return per_state_keys.get(home_state)
    entry = table.get(work_state)
    if entry is None or home_state not in entry.residents_of:
        return None
    condition = entry.conditions.get(home_state)
    return f"{entry.form} ({condition})" if condition else entry.form


@lru_cache(maxsize=None)
def convenience_rules(tax_year: int) -> Mapping[str, ConvenienceRule]:
    raw = _load(tax_year)
    if raw is None:
        return {}
    rules = raw.get("convenience_of_employer", {}).get("states", {})
    out = {}
    for state, entry in rules.items():
        if entry["applies_to"] not in ("all", "residents_of_convenience_states"):
            raise ValueError(f"reciprocity.json {tax_year} {state}: unknown applies_to {entry['applies_to']!r}")
        out[state] = ConvenienceRule(state, entry["applies_to"], entry["source"])
    return out


def convenience_state(office_state: str, work_state: str, residence_state: str, for_convenience: bool,
                      tax_year: int) -> ConvenienceRule | None:
    """The office state's convenience rule when it makes the office state tax remote work done elsewhere.

    A worker assigned to an employer location in a convenience-rule state who works from another state for
    their own convenience (not the employer's necessity) is taxed by the office state as if working there.
    Connecticut and New Jersey apply their rule only to residents of states that have one themselves."""
    if not office_state or office_state == work_state or not for_convenience:
        return None
    rules = convenience_rules(tax_year)
    rule = rules.get(office_state)
    if rule is None or office_state == residence_state:
        return None
    if rule.applies_to == "residents_of_convenience_states":
        home = rules.get(residence_state)
        if home is None or home.applies_to != "all":
            return None
    return rule


# --- a worker who works in several states in one pay period -----------------------------------------------------

def _shares(work_shares: Sequence[tuple[str, Decimal]]) -> list[tuple[str, Decimal, Decimal]]:
    """(state, measure) pairs (hours or wages) -> (state, measure, fraction of the whole), states merged, in the
    states' order."""
    unknown = [Issue("work_shares", f"{s.upper()!r} is not a US state or DC") for s, _m in work_shares
               if s.upper() not in STATES]
    if unknown:
        raise ValidationFailed(unknown)
    return sorted(fractions([(s.upper(), m) for s, m in work_shares], "work_shares", "state"))


def check_one_state_shares(work_shares: Sequence[tuple[str, Decimal]], work_state: str) -> None:
    """Shares that name one state only (or one with any hours) are checked as several would be, and must name the
    work state: `[{"state": "IL", "hours": 40}]` with work_state PA says all the work was in Illinois, which the
    paycheck would otherwise tax as Pennsylvania's without a word (runs send no shares for one state)."""
    parts = _shares(work_shares)
    others = sorted(s for s, _m, _f in parts if s != work_state.upper())
    if others:
        raise ValidationFailed([Issue("work_shares", f"all this period's work is in {others[0]} but the work state "
                                                     f"is {work_state.upper()}: give {others[0]} as the work state, "
                                                     f"or the shares of every state worked in")])


def compute_allocated(ctx, single: Callable, work_shares: Sequence[tuple[str, Decimal]], reciprocity: Callable,
                      resident_top_up: Callable, measure: str = "hours",
                      unclaimed: Callable | None = None) -> list:
    """State lines for a paycheck earned in several states, each state's share of the wages by `measure`.

    The rule used (and why): each work state's income tax is computed on the whole pay as if it had all been
    earned there (so a graduated state applies the rate that the worker's whole pay reaches, as the nonresident
    returns of CA 540NR and NY IT-203 do: tax on all income x the state's share), then multiplied by the state's
    share. Programs (SDI, PFML, ...) are computed on the state's share of the wages. A residence state with
    reciprocity takes over the reciprocal work states' shares; a residence state that requires withholding on
    its residents' wages earned elsewhere (resident_top_up) withholds its tax on the whole pay less what the
    other states withheld, never below zero.

    `single(ctx)` computes one state's lines for a one-state context; `reciprocity(work, home)` returns the
    exemption form or None (the certificate claim already checked); `resident_top_up(home)` says whether the
    home state asks for withholding on wages earned elsewhere; `unclaimed(work, home)` returns the exemption form
    when the two states have an agreement that the worker's certificate does not claim (said in the explanation)."""
    from . import StateTaxLine      # the package imports this module: import the line type when first used

    parts = _shares(work_shares)
    home = ctx.residence_state.upper()
    head = (f"Wages earned in {len(parts)} states this period, split by {measure} worked: "
            + ", ".join(f"{s} {m:f} ({fmt_share(f)})" for s, m, f in parts) + ".")
    lines: list = []
    withheld_elsewhere = ZERO
    home_share = ZERO
    home_line = None
    program_lines: list = []
    allotted = ZERO
    for i, (state, _measure, fraction) in enumerate(parts):
        alone = replace(ctx, work_state=state, residence_state=state, work_shares=(), office_state="")
        # each share's wages to the cent; the last takes what is left, so the shares add up to the gross
        share_wages = round_cents(ctx.gross * fraction) if i < len(parts) - 1 else ctx.gross - allotted
        allotted += share_wages
        share_ctx = replace(alone, gross=share_wages, supplemental=round_cents(ctx.supplemental * fraction),
                            supplemental_other=round_cents(ctx.supplemental_other * fraction),
                            pretax={k: round_cents(v * fraction) for k, v in ctx.pretax.items()})
        form = reciprocity(state, home) if state != home else None
        if form is not None:
            home_share += fraction
            lines.append(StateTaxLine("state_income_tax", state, ZERO, (
                head, f"{state} share {fmt_share(fraction)}: {home} resident with {form} on file under the two "
                      f"states' reciprocal agreement, so no {state} tax; {home} withholds on this share.")))
        else:
            whole = next(x for x in single(alone) if x.code == "state_income_tax")
            amount = round_cents(whole.amount * fraction)
            not_claimed = unclaimed(state, home) if unclaimed is not None and state != home else None
            if not_claimed:
                head_steps: tuple[str, ...] = (
                    head, f"{state} and {home} have a reciprocal agreement, but no claim of it is on "
                          f"file: with {not_claimed} {state} would withhold nothing on this share.")
            else:
                head_steps = (head,)
            steps = (*head_steps, f"{state} withholding on the whole pay as if all earned in {state}: "
                           f"{fmt_usd(whole.amount)}", *("  " + s for s in whole.explanation),
                     f"x {state} share {fmt_share(fraction)} = {fmt_usd(amount)}")
            line = StateTaxLine("state_income_tax", state, amount, steps, wages=share_wages)
            if state == home:
                home_share += fraction
                home_line = (line, whole)
            else:
                withheld_elsewhere += amount
            lines.append(line)
        share_step = f"{state} share of the wages ({fmt_share(fraction)} by {measure}): {fmt_usd(share_wages)}"
        program_lines.extend(replace(x, explanation=(share_step, *x.explanation))
                             for x in single(share_ctx) if x.code != "state_income_tax")

    if home_share or resident_top_up(home):
        whole_home = home_line[1] if home_line else None
        if resident_top_up(home):
            if whole_home is None:
                alone = replace(ctx, work_state=home, residence_state=home, work_shares=(), office_state="")
                whole_home = next(x for x in single(alone) if x.code == "state_income_tax")
            amount = max(ZERO, whole_home.amount - withheld_elsewhere)
            steps = (head, f"{home} requires withholding on its residents' wages wherever earned, less the other "
                           f"states' withholding.",
                     f"{home} withholding on the whole pay: {fmt_usd(whole_home.amount)}",
                     *("  " + s for s in whole_home.explanation),
                     f"Less other states' withholding {fmt_usd(withheld_elsewhere)} = {fmt_usd(amount)}")
        else:
            if whole_home is None:
                alone = replace(ctx, work_state=home, residence_state=home, work_shares=(), office_state="")
                whole_home = next(x for x in single(alone) if x.code == "state_income_tax")
            amount = round_cents(whole_home.amount * home_share)
            steps = (head, f"{home} (residence) withholding on the whole pay: {fmt_usd(whole_home.amount)}",
                     *("  " + s for s in whole_home.explanation),
                     f"x {home}'s share (its own work and reciprocal states' work) {fmt_share(home_share)} = "
                     f"{fmt_usd(amount)}")
        wages = round_cents(ctx.gross if resident_top_up(home) else ctx.gross * home_share)
        line = StateTaxLine("state_income_tax", home, amount, steps, wages=wages)
        lines = [x for x in lines if not (x.code == "state_income_tax" and x.state == home)] + [line]
    return lines + program_lines
