"""State machines as data: the tables allow their moves, transition() refuses the rest in words."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pytest

from backoffice.errors import DomainError
from backoffice.states import Move, StateMachine, allowed, allows, check_move, transition


class Light(StrEnum):
    OFF = "off"
    WARMING_UP = "warming_up"
    ON = "on"


LAMP = StateMachine("lamp", Light, field="status", moves=(
    Move("switch_on", (Light.OFF,), Light.WARMING_UP, "switched on"),
    Move("settle", (Light.WARMING_UP,), Light.ON, "settled"),
    Move("dim", (Light.WARMING_UP, Light.ON), None, "dimmed", hint="switch it on first", code="lamp_dark"),
    Move("switch_off", (Light.WARMING_UP, Light.ON), Light.OFF, "switched off"),
))


@dataclass
class Lamp:
    id: int
    status: str
    __states__ = LAMP


def test_a_move_the_table_allows_sets_the_new_state():
    lamp = Lamp(7, "off")
    assert transition(lamp, "switch_on") == "warming_up"
    assert lamp.status == Light.WARMING_UP and lamp.status == "warming_up"


def test_a_stay_move_leaves_the_state_as_it_is():
    lamp = Lamp(7, "on")
    assert transition(lamp, "dim") == "on" and lamp.status == "on"


def test_a_refused_move_names_the_record_its_state_and_the_move_and_changes_nothing():
    lamp = Lamp(12, "off")
    with pytest.raises(DomainError) as exc:
        transition(lamp, "settle")
    assert exc.value.message == "Lamp #12 is off: it cannot be settled; only a warming up lamp can be settled"
    assert exc.value.code == "bad_state" and lamp.status == "off"


def test_the_refusal_lists_every_state_it_may_start_from_and_adds_the_hint():
    with pytest.raises(DomainError) as exc:
        check_move(Lamp(3, "off"), "dim")
    assert exc.value.message == ("Lamp #3 is off: it cannot be dimmed; only a warming up or on lamp can be dimmed; "
                                 "switch it on first")
    assert exc.value.code == "lamp_dark"


def test_moving_again_into_the_state_the_record_is_in_is_refused_as_twice():
    with pytest.raises(DomainError) as exc:
        transition(Lamp(5, "on"), "settle")
    assert exc.value.message == "Lamp #5 is already on: it cannot be settled twice"
    assert exc.value.code == "already_on"


def test_the_allowed_actions_are_the_moves_from_the_current_state_in_table_order():
    assert allowed(Lamp(1, "warming_up")) == ("settle", "dim", "switch_off")
    assert allowed(Lamp(1, "off")) == ("switch_on",)
    assert allows(Lamp(1, "on"), "dim") and not allows(Lamp(1, "on"), "switch_on")


def test_a_state_outside_the_table_allows_nothing():
    assert allowed(Lamp(1, "paid")) == () and not allows(Lamp(1, "paid"), "dim")


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError, match="no action 'explode'"):
        check_move(Lamp(1, "on"), "explode")


def test_a_table_naming_an_unknown_state_or_an_action_twice_is_refused_when_built():
    with pytest.raises(ValueError, match="unknown states"):
        StateMachine("lamp", Light, moves=(Move("blink", ("off",), "blinking", "blinked"),))
    with pytest.raises(ValueError, match="listed twice"):
        StateMachine("lamp", Light, moves=(Move("dim", ("on",), None, "dimmed"), Move("dim", ("off",), None, "x")))


def test_the_moves_hold_plain_strings_as_the_database_does():
    m = LAMP.move("switch_on")
    assert m.sources == ("off",) and type(m.sources[0]) is str and type(m.target) is str


def test_a_state_with_an_underscore_reads_as_words():
    with pytest.raises(DomainError, match="^Lamp #2 is already warming up: it cannot be switched on twice$"):
        check_move(Lamp(2, "warming_up"), "switch_on")
