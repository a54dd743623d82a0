"""Issue 18, point 2: the engine formats no explanation text while it calculates; the words come on demand, the same.

State tax lines computed with explain=False carry one deferred step that computes the line again in words when it is
read; the hot records get a quicker __init__ (quick_init) and stay frozen dataclasses."""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from backoffice.periods import PayFrequency
from payroll.engine import Deduction, Earning, PaycheckInput, W4, calculate_paycheck, tables_for
from payroll.engine.model import QUIET, Line, Pct, YearToDate, quick_init, render_steps
from payroll.engine.states import StateTaxLine, compute_state_taxes, state_line_explanation, supported_states

try:  # the folder may or may not be a package
    from .test_state_helpers import ctx
except ImportError:
    from test_state_helpers import ctx

D = Decimal


def test_kentucky_quiet_gives_the_hand_figure_and_the_same_words_when_read():
    """KY 2026, biweekly $3,000 (test_state_flat_rate KY-biweekly): (78,000 - 3,360) x 3.5% = 2,612.40 / 26 =
    100.4769 -> 100.48. Quiet, the line holds one deferred step; rendered, it is the explained line's words."""
    context = ctx("KY")
    explained = compute_state_taxes(context)
    quiet = compute_state_taxes(context, explain=False)
    assert [x.amount for x in quiet] == [x.amount for x in explained] and quiet[0].amount == D("100.48")
    assert len(quiet[0].explanation) == 1 and quiet[0].explanation[0][0] is state_line_explanation
    assert render_steps(quiet[0].explanation) == explained[0].explanation
    assert "Annualised wages: $3,000.00 x 26 pay periods = $78,000.00" in explained[0].explanation


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_covered_state_quiet_and_explained_agree_line_for_line(year):
    """For every state covered the whole year, a biweekly $3,000 with a $200 bonus, a 401(k) and a Section 125
    deduction, living in another state (reciprocity and top-ups run): the same lines, amounts and wages either way,
    and the deferred words equal the explained ones."""
    states = sorted(supported_states(year))
    assert len(states) >= 40
    for i, state in enumerate(states):
        home = states[(i + 7) % len(states)]
        context = ctx(state, year=year, gross="3200", supplemental="200", residence=home,
                      pretax={"401k": "150", "section125": "80"}, ytd="150000")
        explained = compute_state_taxes(context)
        quiet = compute_state_taxes(context, explain=False)
        assert [(x.code, x.state, x.amount, x.wages, x.employer) for x in quiet] == \
            [(x.code, x.state, x.amount, x.wages, x.employer) for x in explained], state
        assert [render_steps(x.explanation) for x in quiet] == [x.explanation for x in explained], state


def test_a_paycheck_line_reads_the_state_words_and_figures_do_not_depend_on_reading_them():
    """NC 2026 biweekly 80 h x $25 = $2,000, single, no NC-4 (NC-30 2026, percentage method per period: the
    standard deduction 12,750 / 26 = 490.38; (2,000 - 490.38) = 1,509.62 x 4.09% (3.99% + 0.1 point) = 61.74,
    rounded to the whole dollar = 62.00). The line's words are read on demand, the same each time."""
    inp = PaycheckInput(pay_date=date(2026, 3, 6), pay_frequency=PayFrequency.BIWEEKLY, work_state="NC",
                        residence_state="NC", earnings=(Earning("regular", hours=D(80), rate=D(25)),), w4=W4())
    result = calculate_paycheck(inp, tables_for(date(2026, 3, 6)))
    line = next(x for x in result.employee_taxes if x.code == "state_income_tax")
    assert line.amount == D("62.00")
    words = line.explanation
    assert words == line.explanation and all(isinstance(w, str) for w in words)
    assert "$1,509.62 x 4.09% = $61.74" in words and "Rounded to the whole dollar: $62.00" in words


def test_several_work_states_keep_their_words():
    """A paycheck split over two work states is computed in words as before (multistate.py): its lines hold text."""
    context = dataclasses.replace(ctx("PA"), work_shares=(("PA", D(30)), ("NC", D(10))))
    quiet = compute_state_taxes(context, explain=False)
    assert all(isinstance(step, str) for x in quiet for step in x.explanation)
    assert [x.amount for x in quiet] == [x.amount for x in compute_state_taxes(context)]


def test_quiet_keeps_nothing():
    QUIET.append("a")
    QUIET.extend(["b", "c"])
    QUIET.insert(0, "d")
    assert list(QUIET) == [] and not QUIET


def test_quick_init_records_are_still_frozen_dataclasses():
    """Equality, hash, repr, replace, defaults and default factories are the dataclass's; assignment still fails."""
    a = StateTaxLine("state_income_tax", "KY", D("100.48"), ("x",))
    assert a == StateTaxLine("state_income_tax", "KY", D("100.48"), explanation=("x",))
    assert hash(a) == hash(StateTaxLine("state_income_tax", "KY", D("100.48"), ("x",)))
    assert repr(a) == "StateTaxLine(code='state_income_tax', state='KY', amount=Decimal('100.48'), " \
                      "explanation=('x',), employer=False, wages=None)"
    assert dataclasses.replace(a, amount=D(1)).amount == D(1) and a.employer is False and a.wages is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.amount = D(0)
    first, second = Deduction("hsa"), Deduction("hsa")
    assert first.options == {} and first.options is not second.options       # a fresh dict each, as before
    assert YearToDate().gross == D("0.00") and YearToDate(D(5)).gross == D(5)
    assert dataclasses.replace(YearToDate(), hsa=D(7)) == YearToDate(hsa=D(7))
    with pytest.raises(TypeError):
        YearToDate(D(1), gross=D(2))                                         # given twice
    with pytest.raises(TypeError):
        Deduction()                                                          # code is required


def test_a_line_is_an_immutable_record_with_its_words_on_demand():
    """Line is a named tuple (one C call to build): fields by name, defaults, no assignment, as_dict as before."""
    line = Line("medicare", D("14.50"), (("{} × {} = {}", D("1000.00"), Pct(D("0.0145")), D("14.50")),), "TX")
    assert (line.code, line.amount, line.state, line.ref, line.locality) == ("medicare", D("14.50"), "TX", None, None)
    assert line.explanation == ("$1,000.00 × 1.45% = $14.50",)
    assert line.as_dict() == {"code": "medicare", "amount": "14.50", "explanation": ["$1,000.00 × 1.45% = $14.50"],
                              "state": "TX"}
    assert line.as_dict(explain=False) == {"code": "medicare", "amount": "14.50", "state": "TX"}
    with pytest.raises(AttributeError):
        line.amount = D(0)


def test_quick_init_refuses_classes_it_cannot_speed_up():
    @dataclasses.dataclass(frozen=True, slots=True)
    class Slotted:
        x: int

    @dataclasses.dataclass
    class Mutable:
        x: int

    for cls in (Slotted, Mutable):
        with pytest.raises(TypeError):
            quick_init(cls)


def test_reading_two_paychecks_lines_in_turn_gives_each_its_own_words():
    """The deferred words keep the last context read: reading A, B, A, B in turn still gives each its own words
    (KY $3,000 biweekly: 100.48 as above; PA $3,000: 3,000 x 3.07% = 92.10, test_state_flat_rate PA-plain)."""
    ky, pa = ctx("KY"), ctx("PA")
    quiet_ky, quiet_pa = compute_state_taxes(ky, explain=False), compute_state_taxes(pa, explain=False)
    words_ky, words_pa = compute_state_taxes(ky)[0].explanation, compute_state_taxes(pa)[0].explanation
    assert (quiet_ky[0].amount, quiet_pa[0].amount) == (D("100.48"), D("92.10"))
    for _ in range(2):
        assert render_steps(quiet_ky[0].explanation) == words_ky
        assert render_steps(quiet_pa[0].explanation) == words_pa
    assert words_ky != words_pa
