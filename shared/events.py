"""Event contracts: the envelope every event carries and the subject ↔ Struct registry."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

import msgspec


def uuid7() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7)."""
    milliseconds = time.time_ns() // 1_000_000
    random_bits = int.from_bytes(os.urandom(10), "big")
    value = (milliseconds & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= (random_bits >> 64 & 0xFFF) << 64
    value |= 0b10 << 62
    value |= random_bits & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def utc_now() -> datetime:
    return datetime.now(UTC)


# What tells the time to code that must be testable without waiting: utc_now, or a fake.
Clock = Callable[[], datetime]


class Event(msgspec.Struct, frozen=True, kw_only=True):
    """The envelope. Subclasses declare ``subject`` and add their own fields (with defaults
    for anything added later: a field never changes type, a new meaning gets a new name)."""

    subject: ClassVar[str]
    description: ClassVar[str] = ""

    event_id: uuid.UUID = msgspec.field(default_factory=uuid7)
    occurred_at: datetime = msgspec.field(default_factory=utc_now)
    producer: str
    schema_version: int = 1
    aggregate_id: uuid.UUID
    aggregate_version: int = 1
    correlation_id: str = ""


E = TypeVar("E", bound=Event)


class UndecodableEvent(ValueError):
    """A message whose subject is unknown or whose body does not match its contract."""


class EventRegistry:
    """Maps subjects to Structs, with one decoder built per Struct."""

    def __init__(self) -> None:
        self._types: dict[str, type[Event]] = {}
        self._decoders: dict[str, msgspec.json.Decoder[Any]] = {}

    def register(self, event_type: type[E]) -> type[E]:
        subject = event_type.subject
        if subject in self._types and self._types[subject] is not event_type:
            raise ValueError(f"subject {subject} registered twice")
        self._types[subject] = event_type
        self._decoders[subject] = msgspec.json.Decoder(event_type)
        return event_type

    def decode(self, subject: str, payload: bytes) -> Event:
        decoder = self._decoders.get(subject)
        if decoder is None:
            raise UndecodableEvent(f"no contract for subject {subject}")
        try:
            event: Event = decoder.decode(payload)
        except msgspec.DecodeError as error:
            raise UndecodableEvent(f"{subject}: {error}") from error
        return event

    def types(self) -> dict[str, type[Event]]:
        return dict(sorted(self._types.items()))


registry = EventRegistry()
_encoder = msgspec.json.Encoder()


def encode(event: Event) -> bytes:
    return _encoder.encode(event)
