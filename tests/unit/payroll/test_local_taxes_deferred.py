"""Local taxes as a payroll run asks for them: figures only with the words deferred, the plan of each pair of places
kept, and the places' names — each the same as the full computation gives."""
from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal

import pytest

from payroll.engine.locals import (LocalContext, Locality, UnsupportedLocality, compute_local_taxes,
                                   local_taxes_due, place_names)
from payroll.engine.model import render_steps

D = Decimal
PAY = date(2026, 3, 6)
PGH = Locality("PA", city="Pittsburgh", psd_code="700102")
PHILA = Locality("PA", city="Philadelphia", psd_code="510101")
COLUMBUS = Locality("OH", city="Columbus", school_district="NONE")
CLEVELAND = Locality("OH", city="Cleveland", school_district="NONE")
DETROIT = Locality("MI", city="Detroit")
NYC = Locality("NY", city="Brooklyn")
AUSTIN_TX = Locality("TX", city="Austin")

# (home, work): PA EIT and LST, Philadelphia's wage tax with the resident EIT credited, Ohio's two cities, a Michigan
# nonresident, New York City's period table (a method without a quiet path)
PLACES = [(Locality("NJ", city="Trenton"), PGH), (PGH, PHILA), (PHILA, PHILA), (CLEVELAND, COLUMBUS),
          (Locality("MI", city="Dearborn"), DETROIT), (NYC, None)]


def ctx(home: Locality | None, work: Locality | None, gross: str = "1000.00") -> LocalContext:
    return LocalContext(pay_date=PAY, periods_per_year=52, residence=home, work=work, gross=D(gross),
                        pretax={"401k": D("50.00")}, certificate={"withhold_residence_city": True},
                        state_certificates={"NY": {"filing_status": "single", "allowances": 1}})


@pytest.mark.parametrize("home, work", PLACES)
def test_the_figures_only_lines_carry_the_same_figures_and_read_the_same_words(home, work):
    """explain=False (what the paycheck engine asks) gives every line the figures of the full computation, and its
    one deferred step renders to exactly the words the full computation writes."""
    words = compute_local_taxes(ctx(home, work))
    quiet = compute_local_taxes(ctx(home, work), explain=False)
    assert words, "each case has at least one local line"
    assert [(ln.code, ln.locality, ln.name, ln.amount, ln.wages, ln.employer) for ln in quiet] == \
           [(ln.code, ln.locality, ln.name, ln.amount, ln.wages, ln.employer) for ln in words]
    for deferred, full in zip(quiet, words):
        assert len(deferred.explanation) == 1 and callable(deferred.explanation[0][0])
        assert render_steps(deferred.explanation) == full.explanation


def test_a_deferred_line_pickles_and_reads_its_words_in_another_process_s_shape():
    """The deferred step names a module function and holds the context: a pickled line reads the same words."""
    [line] = [ln for ln in compute_local_taxes(ctx(Locality("NJ", city="Trenton"), PGH), explain=False)
              if ln.code == "local_services_tax"]
    again = pickle.loads(pickle.dumps(line))
    assert render_steps(again.explanation) == render_steps(line.explanation)
    assert render_steps(line.explanation)[-1].startswith("Source: ")


def test_local_taxes_are_due_only_where_a_place_levies_one():
    """Austin, Texas levies none (the paycheck builds no context); Pittsburgh levies its EIT and LST."""
    assert local_taxes_due(PAY, AUSTIN_TX, Locality("TX")) is False
    assert compute_local_taxes(ctx(AUSTIN_TX, Locality("TX"))) == []
    assert local_taxes_due(PAY, Locality("NJ", city="Trenton"), PGH) is True


def test_a_refused_place_is_refused_every_time_with_the_same_words():
    """A Pennsylvania home without its PSD code cannot be taxed: the kept plan refuses the second call exactly as the
    first, whether asked through local_taxes_due or compute_local_taxes."""
    home = Locality("PA", city="Erie")
    messages = []
    for _ in range(2):
        with pytest.raises(UnsupportedLocality) as by_compute:
            compute_local_taxes(ctx(home, home))
        with pytest.raises(UnsupportedLocality) as by_due:
            local_taxes_due(PAY, home, home)
        messages += [by_compute.value.message, by_due.value.message]
    assert len(set(messages)) == 1 and "has no PSD code" in messages[0]


def test_place_names_are_each_place_described():
    """The result's two place names: Locality.describe of each, "not stated" for a missing one."""
    assert place_names(PGH, None) == ("Pittsburgh, PSD 700102, PA", "not stated")
    assert place_names(Locality("OH", city="columbus", county="franklin", school_district="2503"), CLEVELAND) == \
           ("Columbus, Franklin County, school district 2503, OH", "Cleveland, school district NONE, OH")


def test_equal_places_built_apart_share_the_plan_and_the_words_and_a_dead_record_leaves_no_stale_entry():
    """The plans and names are kept by the records' identity first (a run shares one record a place): a record
    equal to one already seen but built apart gets the same plan and words, and records built and dropped one
    after another (whose ids Python may reuse) each get their own place's words."""
    twin = Locality("PA", city="Pittsburgh", psd_code="700102")
    assert twin is not PGH
    assert local_taxes_due(PAY, PGH, PHILA) is local_taxes_due(PAY, twin, PHILA) is True
    assert place_names(twin, PHILA) == place_names(PGH, PHILA) == ("Pittsburgh, PSD 700102, PA",
                                                                    "Philadelphia, PSD 510101, PA")
    for city in ("Austin", "Dallas", "Houston", "Austin"):
        assert place_names(Locality("TX", city=city), None) == (f"{city}, TX", "not stated")
    assert local_taxes_due(PAY, AUSTIN_TX, None) is local_taxes_due(PAY, Locality("TX", city="Austin"), None) is False
