"""Dead letters for the coordination, as JSON: every message a consumer gave up on, what
became of it, and its replay (once per dead letter). The pages call the same use cases."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from nats.js import JetStreamContext

from services.inventory import units
from services.inventory.dead_letters.store import Replay, ReplayStore, replays
from shared import dead_letters
from shared.auth import COORDINATION, Principal
from shared.bus import NATS_ERRORS
from shared.dead_letters import DeadLetter, MessageGone
from shared.errors import Conflict, DomainError, NotFound
from shared.uow import UnitOfWork
from shared.web.app import Runtime
from shared.web.security import allow

OVERSEERS = allow(*COORDINATION)


class DeadLetterEntry(DeadLetter, frozen=True, kw_only=True):
    replay: Replay | None = None
    """``None`` until someone replays it."""


class DeadLetterEntries(msgspec.Struct, frozen=True, kw_only=True):
    entries: list[DeadLetterEntry]
    next_before: int | None
    """Pass it as ``before`` to get older dead letters."""


class AlreadyReplayed(Conflict):
    """A dead letter is replayed once; a second replay would only repeat the first."""


class NoSuchDeadLetter(NotFound):
    """No dead letter has this number."""


class BusUnavailable(DomainError):
    """NATS does not answer: nothing was read or replayed."""

    status_code = 503


def dlq_sequence(text: str) -> int:
    """The DLQ sequence written in a path; anything else names no dead letter."""
    if not text.isdigit() or len(text) > 18 or int(text) < 1:
        raise NoSuchDeadLetter(
            f"There is no dead letter {text}.", code="dead_letters.not_found", number=text[:20]
        )
    return int(text)


async def list_dead_letters(runtime: Runtime, before: int | None = None) -> DeadLetterEntries:
    """The newest dead letters first, each with its replay if there was one."""
    try:
        page = await dead_letters.dead_letters(runtime.js, before)
    except NATS_ERRORS as error:
        raise _bus_unavailable() from error
    replayed = await replays(runtime.pool, [letter.dlq_seq for letter in page.letters])
    return DeadLetterEntries(
        entries=[
            DeadLetterEntry(**msgspec.structs.asdict(letter), replay=replayed.get(letter.dlq_seq))
            for letter in page.letters
        ],
        next_before=page.next_before,
    )


async def replay_dead_letter(
    uow: UnitOfWork[ReplayStore], js: JetStreamContext, dlq_seq: int, principal: Principal
) -> Replay:
    """Publish the dead letter's message again, once: the replay row is taken first, so that
    two coordinators pressing the button together publish it once."""
    try:
        letter = await dead_letters.dead_letter(js, dlq_seq)
    except NATS_ERRORS as error:
        raise _bus_unavailable() from error
    if letter is None:
        raise NoSuchDeadLetter(
            f"There is no dead letter {dlq_seq}.", code="dead_letters.not_found", number=dlq_seq
        )
    if letter.subject is None:
        raise MessageGone(
            f"Message {letter.stream_seq} of stream {letter.stream} is no longer kept: "
            "there is nothing left to replay.",
            code="dead_letters.gone",
            number=dlq_seq,
            stream=letter.stream,
            stream_seq=letter.stream_seq,
        )
    message_id = dead_letters.replay_message_id(letter)
    async with uow.begin() as work:
        replayed_at = await work.store.take(
            dlq_seq, letter.stream, letter.stream_seq, letter.subject, message_id, principal.sub
        )
        if replayed_at is None:
            earlier = await work.store.replay_of(dlq_seq)
            raise AlreadyReplayed(
                f"Dead letter {dlq_seq} was already replayed by {earlier.replayed_by} on "
                f"{earlier.replayed_at:%Y-%m-%d %H:%M} UTC: it is replayed once only.",
                code="dead_letters.already_replayed",
                number=dlq_seq,
                replayed_by=earlier.replayed_by,
                replayed_at=earlier.replayed_at,
            )
        try:
            sequence = await dead_letters.replay(js, letter)
        except NATS_ERRORS as error:  # rolled back: it can be replayed again later
            raise _bus_unavailable() from error
        await work.store.note_replayed_as(dlq_seq, sequence)
    return Replay(
        dlq_seq=dlq_seq,
        stream=letter.stream,
        stream_seq=letter.stream_seq,
        subject=letter.subject,
        message_id=message_id,
        replayed_as=sequence,
        replayed_by=principal.sub,
        replayed_at=replayed_at,
    )


def _bus_unavailable() -> BusUnavailable:
    return BusUnavailable(
        "The event bus does not answer right now; try again in a moment.",
        code="dead_letters.bus_unavailable",
    )


class DeadLetterController(Controller):
    path = "/api/v1/dead-letters"
    tags = ["dead letters"]

    @get("/", opt=OVERSEERS)
    async def list_dead_letters(
        self,
        runtime: NamedDependency[Runtime],
        before: Annotated[int | None, QueryParameter(ge=1)] = None,
    ) -> DeadLetterEntries:
        """Messages consumers gave up on (too many deliveries, or terminated), newest first,
        50 a page, with the message's subject and event while its stream keeps it."""
        return await list_dead_letters(runtime, before)

    @post("/{dlq_seq:str}/replay", opt=OVERSEERS)
    async def replay_dead_letter(
        self,
        dlq_seq: FromPath[str],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Replay:
        """Publish the message again to its subject under a new message id; once per dead
        letter (409 the second time). Consumers that had applied it skip it."""
        return await replay_dead_letter(
            units.dead_letters(runtime), runtime.js, dlq_sequence(dlq_seq), principal
        )


ROUTES = [DeadLetterController]
