"""Named guards and effects that process files may use.

A guard answers "may this transition happen now?": it returns ``None`` to allow, or a human-readable
reason (translated, in words an agent can read to the customer) to refuse. An effect runs inside the
transition's transaction after the state changed. Process files name them; a file naming an unknown one
is rejected by the loader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket

    from .schema import ProcessDef, TransitionDef


@dataclass
class TransitionContext:
    """What a guard or effect sees: the locked ticket, who acts, the transition and the submitted values."""

    ticket: Ticket
    actor: User | None
    process: ProcessDef
    transition: TransitionDef | None  # None while a ticket is being created
    values: dict[str, Any] = field(default_factory=dict)  # cleaned field values submitted with the action
    comment: str = ''


Guard = Callable[[TransitionContext], 'str | None']
Effect = Callable[[TransitionContext], None]

_guards: dict[str, Guard] = {}
_effects: dict[str, Effect] = {}


def guard(name: str) -> Callable[[Guard], Guard]:
    """Register a guard under ``name`` (the name process files use)."""

    def register(func: Guard) -> Guard:
        if name in _guards and _guards[name] is not func:
            raise ValueError(f'guard {name!r} is registered twice')
        _guards[name] = func
        return func

    return register


def effect(name: str) -> Callable[[Effect], Effect]:
    """Register an effect under ``name`` (the name process files use)."""

    def register(func: Effect) -> Effect:
        if name in _effects and _effects[name] is not func:
            raise ValueError(f'effect {name!r} is registered twice')
        _effects[name] = func
        return func

    return register


def get_guard(name: str) -> Guard:
    return _guards[name]


def get_effect(name: str) -> Effect:
    return _effects[name]


def guard_names() -> set[str]:
    return set(_guards)


def effect_names() -> set[str]:
    return set(_effects)
