"""The device lifecycle: states, the transitions inventory allows, and its refusals (pure)."""

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
    # shipped to a workshop, or brought there by hand
    State.RECEIVED: frozenset({State.IN_TRANSIT, State.IN_REFURBISHMENT, State.RECYCLED}),
    State.IN_TRANSIT: frozenset({State.IN_REFURBISHMENT, State.RECYCLED}),
    State.IN_REFURBISHMENT: frozenset({State.READY, State.RECYCLED, State.DISMANTLED}),
    State.READY: frozenset({State.RESERVED}),
    State.RESERVED: frozenset({State.READY, State.DELIVERED}),
    State.DELIVERED: frozenset({State.RETURNED}),
    State.RETURNED: frozenset({State.IN_REFURBISHMENT}),
    State.RECYCLED: frozenset(),
    State.DISMANTLED: frozenset({State.RECYCLED}),  # parts harvested, then the rest recycled
}


class TransitionRefused(Conflict):
    """A fact that the lifecycle refuses; the message is the reason a coordinator reads."""


class IllegalTransition(TransitionRefused):
    def __init__(self, current: State, target: State) -> None:
        super().__init__(
            f"A device that is {current} cannot become {target}.",
            code="device.cannot_become",
            state=current,
            next_state=target,
        )
        self.current = current
        self.target = target


class ReservationRefused(TransitionRefused):
    """A reservation request answered no (an answer to the requester, not an anomaly)."""


class NotYet(Exception):
    """The fact depends on another one not applied yet (events may arrive out of order)."""


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
    grade: str | None = None
    brand: str = ""
    model: str = ""

    def stages(self) -> list[HistoryEntry]:
        """The history as a person reads it: the first entry of each state it went through."""
        return [
            entry
            for previous, entry in zip([None, *self.history], self.history, strict=False)
            if previous is None or previous.state is not entry.state
        ]
