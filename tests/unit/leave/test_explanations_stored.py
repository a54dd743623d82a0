"""An accrual's explanation stored with the law's sentences by reference reads back as the very lines it was."""
from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from backoffice.errors import DomainError
from backoffice.leave import engine, explanations


def _accrued(law: engine.Law, **changes) -> tuple[tuple[str, ...], engine.Law, Decimal | None]:
    """An accrual under `law` on the first fortnight it is in force (8-hour weekdays), and the law applied."""
    first = law.effective_from
    fortnight = (first + timedelta(days=i) for i in range(14))
    days = tuple((day, Decimal("8")) for day in fortnight if day.weekday() < 5)
    size = law.min_employees if law.max_employees is None else law.max_employees
    inp = dict(jurisdiction=law.jurisdiction, employer_size=size, hire_date=first - timedelta(days=10),
               policy_year_start=date(first.year, 1, 1), balance_before=Decimal("0"),
               accrued_this_year_before=Decimal("0"), used_this_year_before=Decimal("0"), hours=days)
    inp.update(changes)
    result = engine.accrue(engine.AccrualInput(**inp))
    return result.explanation, engine.applicable(law.jurisdiction, days[0][0], size), inp.get("day_hours")


CASES = {"plain": {}, "at the caps": {"balance_before": Decimal("1000"), "accrued_this_year_before": Decimal("1000")},
         "a normal day of 10 hours": {"day_hours": Decimal("10.00")}, "history known": {"worked_before": ()},
         "hired today": {"hire_date": None}}


@pytest.mark.parametrize("case", CASES)
def test_every_held_laws_accrual_explanation_reads_back_line_for_line(case):
    """For each of the laws held (every version and tier) the stored form expands to the engine's lines, and the law's
    heading is stored as a reference, not as text."""
    seen = 0
    for law in engine.every_law():
        changes = dict(CASES[case])
        if changes.get("hire_date", 1) is None:
            changes["hire_date"] = law.effective_from
        try:
            lines, applied, day = _accrued(law, **changes)
        except DomainError:           # a version shadowed on its first day by a later one, or a threshold refused
            continue
        stored = explanations.compact(lines, applied, day)
        assert isinstance(stored, dict) and ["heading", "", ""] in stored["lines"]
        assert explanations.expand(json.loads(json.dumps(stored))) == list(lines)
        seen += 1
    assert seen >= 40


def test_the_stored_form_is_a_fraction_of_the_text():
    """New York's 100+ tier: the heading, the waiting period, the usage cap's words and the transcription note are
    references; the figures stay as text."""
    law = engine.applicable("NY", date(2026, 11, 16), 150)
    lines, applied, day = _accrued(law)
    stored = explanations.compact(lines, applied, day)
    assert len(json.dumps(stored)) * 2 < len(json.dumps(list(lines)))
    # 80 hours (ten 8-hour weekdays) / 30 = 2.6667 hours accrued, none used
    assert stored["lines"] == [["heading", "", ""],
                               "80 hours worked × 1/30 = 2.6667 hours; accrued 2.6667, balance 0 → 2.6667.",
                               ["usable", "", ""], ["usage", "", "0 used so far, 2.6667 usable."], ["tail.0", "", ""]]


def test_lines_no_sentence_of_the_law_matches_stay_text_and_a_list_reads_as_it_is():
    law = engine.applicable("NY", date(2026, 11, 16), 150)
    stored = explanations.compact(["Exempt and salaried: deemed to work 40 hours a week."], law, None)
    assert stored["lines"] == ["Exempt and salaried: deemed to work 40 hours a week."]
    assert explanations.expand(stored) == ["Exempt and salaried: deemed to work 40 hours a week."]
    assert explanations.expand(["Paycheck 7 was reversed."]) == ["Paycheck 7 was reversed."]


def test_a_law_not_held_is_stored_in_full_and_a_reference_to_one_reads_as_a_note_naming_it():
    """A law version taken out of the data files: its entries still read (no error on the ledger pages), each
    reference as a note naming the sentence and the law, the worker's own figures and text lines as stored."""
    law = engine.applicable("NY", date(2026, 11, 16), 150)
    given = engine.Law(**{**{f: getattr(law, f) for f in law.__dataclass_fields__ if f != "_terms"},
                          "name": "A law given as data"})
    assert explanations.compact(["a line"], given, None) == ["a line"]
    assert explanations.expand({"law": "XX-SICK", "version": "2020-01-01", "tier": "all employers", "day": None,
                                "lines": [["heading", "", ""], "84 hours worked", ["usage", "", "; 0 used"]]}) == [
        "[the heading sentence of XX-SICK, version of 2020-01-01 (all employers), is no longer in the law data]",
        "84 hours worked",
        "[the usage sentence of XX-SICK, version of 2020-01-01 (all employers), is no longer in the law data]; 0 used"]
