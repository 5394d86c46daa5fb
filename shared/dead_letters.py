"""Dead letters: the DLQ's advisories read back with the message each one is about, and the
replay of that message to its subject so that its consumers get another chance at it.

The DLQ stream keeps JetStream's advisories, not the messages: an advisory names the stream,
the consumer and the stream sequence of the message, which is read from its own stream for
as long as that stream keeps it.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Literal

import msgspec
import nats.js.errors
from nats.js import JetStreamContext
from nats.js.api import RawStreamMsg

from shared.contracts.streams import DLQ_STREAM
from shared.errors import Conflict

PAGE = 50
MESSAGE_ID = "Nats-Msg-Id"
# Headers about the first publication's expectations would make the replay fail.
DROPPED_HEADERS = ("nats-msg-id", "nats-expected-")
Reason = Literal["max_deliveries", "terminated"]


class DeadLetter(msgspec.Struct, frozen=True, kw_only=True):
    """One consumer gave up on one message: why, when, and what the message was."""

    dlq_seq: int
    reason: Reason
    stream: str
    consumer: str
    stream_seq: int
    deliveries: int
    dead_at: datetime
    subject: str | None
    """The message's subject, ``None`` when its stream no longer keeps it."""
    event_id: str | None
    producer: str | None
    message_id: str | None
    explanation: str = ""
    """What the consumer said when it terminated the message, when the server passes it on."""

    @property
    def replayable(self) -> bool:
        return self.subject is not None


class DeadLetterPage(msgspec.Struct, frozen=True, kw_only=True):
    letters: list[DeadLetter]
    next_before: int | None
    """Pass it as ``before`` to get older dead letters."""


class MessageGone(Conflict):
    """The message is no longer in its stream (limits or deletion): nothing left to replay."""


class _Advisory(msgspec.Struct, kw_only=True):
    type: str
    stream: str
    consumer: str
    stream_seq: int
    deliveries: int = 0
    timestamp: str = ""
    reason: str = ""


class _Envelope(msgspec.Struct, kw_only=True):
    event_id: str | None = None
    producer: str | None = None


_advisory = msgspec.json.Decoder(_Advisory)
_envelope = msgspec.json.Decoder(_Envelope)


async def dead_letters(
    js: JetStreamContext, before: int | None = None, limit: int = PAGE
) -> DeadLetterPage:
    """The newest dead letters first, ``limit`` at most, older than ``before`` if given."""
    state = (await js.stream_info(DLQ_STREAM)).state
    if state.messages == 0:
        return DeadLetterPage(letters=[], next_before=None)
    sequence = min(state.last_seq, before - 1) if before else state.last_seq
    letters: list[DeadLetter] = []
    while sequence >= state.first_seq and len(letters) < limit:
        letter = await dead_letter(js, sequence)
        if letter is not None:
            letters.append(letter)
        sequence -= 1
    more = len(letters) == limit and sequence >= state.first_seq
    return DeadLetterPage(letters=letters, next_before=letters[-1].dlq_seq if more else None)


async def dead_letter(js: JetStreamContext, dlq_seq: int) -> DeadLetter | None:
    """The dead letter at ``dlq_seq`` of the DLQ, ``None`` if there is none."""
    try:
        stored = await js.get_msg(DLQ_STREAM, dlq_seq)
    except nats.js.errors.NotFoundError:
        return None
    try:
        advisory = _advisory.decode(stored.data or b"")
    except msgspec.DecodeError:
        return None  # not an advisory: nothing a person could act on
    original = await _original(js, advisory.stream, advisory.stream_seq)
    envelope = _read_envelope(original)
    return DeadLetter(
        dlq_seq=dlq_seq,
        reason="terminated" if ".MSG_TERMINATED." in (stored.subject or "") else "max_deliveries",
        stream=advisory.stream,
        consumer=advisory.consumer,
        stream_seq=advisory.stream_seq,
        deliveries=advisory.deliveries,
        dead_at=_moment(advisory.timestamp, stored),
        subject=original.subject if original else None,
        event_id=envelope.event_id,
        producer=envelope.producer,
        message_id=(original.headers or {}).get(MESSAGE_ID) if original else None,
        explanation=advisory.reason,
    )


def replay_message_id(letter: DeadLetter) -> str:
    """A message id of its own, so that JetStream does not drop the replay as a duplicate
    of the first publication; stable, so that the same replay sent twice is dropped."""
    first = letter.event_id or letter.message_id or f"{letter.stream}:{letter.stream_seq}"
    return f"{first}:replay:{letter.dlq_seq}"


async def replay(js: JetStreamContext, letter: DeadLetter) -> int:
    """Publish the dead letter's message again to its subject, same body and headers but its
    own message id; returns its sequence in the stream. Consumers' inboxes make it harmless
    for those that had applied it already."""
    original = await _original(js, letter.stream, letter.stream_seq)
    if original is None or original.subject is None:
        raise MessageGone(
            f"Message {letter.stream_seq} of stream {letter.stream} is no longer kept: "
            "there is nothing left to replay.",
            code="dead_letters.gone",
            number=letter.dlq_seq,
            stream=letter.stream,
            stream_seq=letter.stream_seq,
        )
    headers = {
        name: value
        for name, value in (original.headers or {}).items()
        if not name.lower().startswith(DROPPED_HEADERS)
    }
    headers[MESSAGE_ID] = replay_message_id(letter)
    ack = await js.publish(
        original.subject, original.data or b"", stream=letter.stream, headers=headers
    )
    return ack.seq


async def _original(js: JetStreamContext, stream: str, sequence: int) -> RawStreamMsg | None:
    try:
        return await js.get_msg(stream, sequence)
    except (nats.js.errors.NotFoundError, nats.js.errors.BadRequestError):
        return None


def _read_envelope(original: RawStreamMsg | None) -> _Envelope:
    if original is None or not original.data:
        return _Envelope()
    with contextlib.suppress(msgspec.DecodeError):
        return _envelope.decode(original.data)
    return _Envelope()  # not a Boucle event: an unreadable body is why some letters die


def _moment(timestamp: str, stored: RawStreamMsg) -> datetime:
    """The advisory's own time (nanoseconds cut to microseconds), else when it was stored."""
    if timestamp:
        whole, _, fraction = timestamp.rstrip("Z").partition(".")
        with contextlib.suppress(ValueError):
            moment = datetime.fromisoformat(whole).replace(tzinfo=UTC)
            return (
                moment.replace(microsecond=int((fraction + "000000")[:6])) if fraction else moment
            )
    return stored.time or datetime.now(UTC)
