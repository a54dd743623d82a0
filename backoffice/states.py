"""State machines as data: which action moves a record from which states to which, and one transition()."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from backoffice.errors import DomainError


@dataclass(frozen=True)
class Move:
    """One action on a record: the states it may start from and the state it leads to (None: the state stays).

    `words` is the action as a past participle ("approved"), so a refusal reads "it cannot be approved"; `hint`
    says what to do instead; `code` is the DomainError code of the refusal."""

    action: str
    sources: tuple[str, ...]
    target: str | None
    words: str
    hint: str = ""
    code: str = "bad_state"

    def __post_init__(self) -> None:  # plain strings, as the database holds them (StrEnum members welcome)
        object.__setattr__(self, "sources", tuple(str(s) for s in self.sources))
        object.__setattr__(self, "target", None if self.target is None else str(self.target))


@dataclass(frozen=True)
class StateMachine:
    """The moves of one kind of record. The record keeps its state in `field`; `noun` names it in messages.
    A model names its machine in `__states__`."""

    noun: str
    states: type[StrEnum]
    moves: tuple[Move, ...]
    field: str = "state"

    def __post_init__(self) -> None:
        known = {s.value for s in self.states}
        actions = [m.action for m in self.moves]
        if len(set(actions)) != len(actions):
            raise ValueError(f"{self.noun}: an action is listed twice in {actions}")
        for m in self.moves:
            unknown = (set(m.sources) | ({m.target} if m.target is not None else set())) - known
            if unknown:
                raise ValueError(f"{self.noun} move {m.action!r} names unknown states {sorted(unknown)}")

    def move(self, action: str) -> Move:
        for m in self.moves:
            if m.action == action:
                return m
        raise ValueError(f"{self.noun} has no action {action!r}")

    def allows(self, state: str | None, action: str) -> bool:
        return state in self.move(action).sources

    def actions(self, state: str | None) -> tuple[str, ...]:
        """The actions possible from `state`, in the order of the table."""
        return tuple(m.action for m in self.moves if state in m.sources)

    def refusal(self, record, action: str) -> DomainError:
        """The error for a move the table does not allow: the record, its state and the move, in words."""
        m = self.move(action)
        state = getattr(record, self.field)
        label = f"{self.noun[:1].upper()}{self.noun[1:]} #{record.id}"
        if m.target is not None and state == m.target:
            message, code = f"{label} is already {_words(state)}: it cannot be {m.words} twice", f"already_{state}"
        else:
            only = _either([_words(s) for s in m.sources])
            article = "an" if only[:1] in "aeiou" else "a"
            message = (f"{label} is {_words(state)}: it cannot be {m.words}; "
                       f"only {article} {only} {self.noun} can be {m.words}")
            code = m.code
        return DomainError(message + (f"; {m.hint}" if m.hint else ""), code=code)


def _words(state) -> str:
    return str(state).replace("_", " ")


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def machine_of(record) -> StateMachine:
    return type(record).__states__


def allows(record, action: str) -> bool:
    """Whether the record's state allows `action` (permissions aside)."""
    machine = machine_of(record)
    return machine.allows(getattr(record, machine.field), action)


def allowed(record) -> tuple[str, ...]:
    """Every action the record's state allows (permissions aside)."""
    machine = machine_of(record)
    return machine.actions(getattr(record, machine.field))


def check_move(record, action: str) -> Move:
    """The move, if the record's state allows it; otherwise a DomainError naming the record, state and move."""
    machine = machine_of(record)
    if not machine.allows(getattr(record, machine.field), action):
        raise machine.refusal(record, action)
    return machine.move(action)


def transition(record, action: str) -> str:
    """Make the move: refuse it as check_move does, else set the record's new state (if it changes) and return
    the state the record is in afterwards."""
    m = check_move(record, action)
    machine = machine_of(record)
    if m.target is not None:
        setattr(record, machine.field, machine.states(m.target))
    return getattr(record, machine.field)
