"""The device lifecycle: states and the transitions inventory allows (pure, no I/O)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import msgspec

from shared.errors import Conflict


class State(StrEnum):
    RECEIVED = "received"
    IN_TRANSIT = "in_transit"
    IN_REFURBISHMENT = "in_refurbishment"
    READY = "ready"
    RESERVED = "reserved"
    DELIVERED = "delivered"
    RETURNED = "returned"
    RECYCLED = "recycled"
    DISMANTLED = "dismantled"


TRANSITIONS: dict[State, frozenset[State]] = {
    State.RECEIVED: frozenset({State.IN_TRANSIT, State.RECYCLED}),
    State.IN_TRANSIT: frozenset({State.IN_REFURBISHMENT, State.RECYCLED}),
    State.IN_REFURBISHMENT: frozenset({State.READY, State.RECYCLED, State.DISMANTLED}),
    State.READY: frozenset({State.RESERVED}),
    State.RESERVED: frozenset({State.READY, State.DELIVERED}),
    State.DELIVERED: frozenset({State.RETURNED}),
    State.RETURNED: frozenset({State.IN_REFURBISHMENT}),
    State.RECYCLED: frozenset(),
    State.DISMANTLED: frozenset(),
}


class IllegalTransition(Conflict):
    def __init__(self, current: State, target: State) -> None:
        super().__init__(f"A device that is {current} cannot become {target}.")
        self.current = current
        self.target = target


def check_transition(current: State, target: State) -> None:
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(current, target)


class HistoryEntry(msgspec.Struct, frozen=True, kw_only=True):
    at: datetime
    state: State
    subject: str
    producer: str
    place_name: str
    correlation_id: str


class Device(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    code: str
    code_display: str
    device_type: str
    state: State
    version: int
    registered_at: datetime
    state_since: datetime
    history: list[HistoryEntry]
