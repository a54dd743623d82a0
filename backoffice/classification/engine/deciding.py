"""For a "needs review" outcome: the smallest set of unanswered questions whose answers would decide it.

A set decides the outcome when *every* combination of answers to it (each question's allowed values other than
"not stated") gives a determination other than needs_review: the questions settle the case whichever way they are
answered. The search is exact for sets of one question and bounded for larger ones:

1. candidates are the unanswered enumerated questions read by the decisive tests' factors, their derivations and
   the ABC threshold steps;
2. every candidate is tried alone with each of its values (one evaluation of the decisive tests per value);
3. pairs, then triples, are tried among the candidates that move at least one decisive factor (or the outcome)
   for some value, most influential first (a pair among the first POOL[2] of them, a triple among the first
   POOL[3]), each stopping at the first combination that leaves the case undecided, until `budget` evaluations
   have been spent.

When no set of up to three questions decides it within the budget, the single question that decides it for the
most answers is returned with decides_either_way = False: answering it may decide the case, depending on the
answer. Pure: no clock, no I/O.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Callable

from backoffice.classification.engine.questionnaire import NOT_STATED, Answers, allowed_values

MAX_SIZE = 3
DEFAULT_BUDGET = 400
POOL = {2: 8, 3: 6}


@dataclass(frozen=True)
class DecidingSet:
    fields: tuple[str, ...]
    decides_either_way: bool
    outcomes: tuple[tuple[tuple[tuple[str, str], ...], str], ...]  # ((field, value), ...) -> determination
    evaluations: int


def _with(answers: Answers, values: dict[str, str]) -> Answers:
    merged = dict(answers.values)
    merged.update(values)
    return replace(answers, values=MappingProxyType(merged))


def candidate_fields(read_paths: list[str], answers: Answers) -> list[str]:
    """Unanswered enumerated questions among the paths the decisive tests read, in order, without repeats."""
    out: list[str] = []
    for path in read_paths:
        if path in out or path.count(".") != 1:
            continue
        allowed = allowed_values(path)
        if allowed is None or answers.values.get(path, NOT_STATED) != NOT_STATED:
            continue
        out.append(path)
    return out


def find_deciding_set(answers: Answers, candidates: list[str], outcome: Callable[[Answers], tuple[str, object]],
                      budget: int = DEFAULT_BUDGET) -> DecidingSet | None:
    """The smallest set of candidates whose every combination of answers decides the outcome (see module doc).

    `outcome(answers)` returns (determination, signature); the signature (e.g. every decisive factor's direction)
    tells whether a question moves anything at all, which orders the pool for pairs and triples.
    """
    spent = 0
    base_signature = outcome(answers)[1]
    spent += 1
    values = {f: [v for v in (allowed_values(f) or ()) if v != NOT_STATED] for f in candidates}
    single: dict[str, dict[str, str]] = {}
    moves: dict[str, int] = {}
    for f in candidates:
        single[f], moves[f] = {}, 0
        for v in values[f]:
            determination, signature = outcome(_with(answers, {f: v}))
            single[f][v] = determination
            moves[f] += (signature != base_signature) + 2 * (determination != "needs_review")
            spent += 1
        if single[f] and all(d != "needs_review" for d in single[f].values()):
            return DecidingSet((f,), True, tuple((((f, v),), d) for v, d in single[f].items()), spent)
    ranked = sorted((f for f in candidates if moves[f]), key=lambda f: (-moves[f], candidates.index(f)))
    deciding_once = [f for f in ranked if any(d != "needs_review" for d in single[f].values())]
    best: tuple[tuple[str, ...], list] | None = None
    if deciding_once:
        f = max(deciding_once, key=lambda f: sum(d != "needs_review" for d in single[f].values()))
        best = ((f,), [(((f, v),), d) for v, d in single[f].items()])
    for size in range(2, MAX_SIZE + 1):
        for combo in itertools.combinations(ranked[:POOL[size]], size):
            cost = 1
            for f in combo:
                cost *= len(values[f])
            if spent + cost > budget:
                continue
            rows, ok = [], True
            for chosen in itertools.product(*(values[f] for f in combo)):
                pairs = tuple(zip(combo, chosen))
                d = outcome(_with(answers, dict(pairs)))[0]
                spent += 1
                rows.append((pairs, d))
                if d == "needs_review":
                    ok = False
                    break
            if ok:
                return DecidingSet(combo, True, tuple(rows), spent)
    if best is None:
        return None
    return DecidingSet(best[0], False, tuple(best[1]), spent)
