"""The attention watch, run every few minutes: it looks at the dead letters and at the
devices stuck in each state, and announces ``inventory.attention.raised`` for what rose
since the last look (kept in ``attention_levels``): a restart or a second replica repeats
nothing, and coordinators are told once of each new dead letter, each rise of a stuck count.
group_purchase, which holds the coordinators' contacts, tells them."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from nats.js import JetStreamContext

from services.inventory import units
from services.inventory.attention.rules import (
    DEAD_LETTERS,
    News,
    Seen,
    news,
    stuck_thresholds,
)
from services.inventory.attention.store import AttentionStore
from services.inventory.lifecycle.domain import State
from services.inventory.lifecycle.steps import PRODUCER
from shared.bus import NATS_ERRORS
from shared.contracts.inventory import AttentionRaised
from shared.contracts.streams import DLQ_STREAM
from shared.jobs import every
from shared.logging import get_logger
from shared.uow import UnitOfWork
from shared.web.app import Runtime

EVERY_SECONDS = 300.0  # thresholds are days: a few minutes late is on time
log = get_logger("boucle.inventory.attention")

DeadLetterLook = Callable[[], Awaitable[Seen | None]]


async def watch_attention(
    uow: UnitOfWork[AttentionStore],
    thresholds: Mapping[State, timedelta],
    dead_letters: DeadLetterLook,
) -> list[AttentionRaised]:
    """One look (at the unit of work's time): what rose since the last one is announced, and
    every level seen is kept. ``dead_letters`` reads the dead-letter stream (None when the
    bus does not answer: its level stays as it was)."""
    async with uow.begin() as work:
        store = work.store
        await store.take_turn()
        now = work.now()
        seen = await store.stuck(thresholds, now)
        letters = await dead_letters()
        if letters is not None:
            seen.append(letters)
        found = news(await store.kept(), seen)
        versions = await store.keep(seen, {told.seen.watched for told in found}, now)
        raised = [_raised(told, versions[told.seen.watched], now) for told in found]
        await work.announce(*raised)
    return raised


def _raised(told: News, version: int, now: datetime) -> AttentionRaised:
    seen = told.seen
    return AttentionRaised(
        producer=PRODUCER,
        aggregate_id=uuid.uuid5(uuid.NAMESPACE_URL, f"boucle:inventory:attention:{seen.watched}"),
        aggregate_version=version,
        occurred_at=now,
        kind="dead_letters" if seen.watched == DEAD_LETTERS else "stuck",
        new=told.new,
        count=seen.count,
        state=seen.state,
        threshold_days=round(seen.threshold / timedelta(days=1), 2),
        oldest_since=seen.oldest_since,
    )


def dead_letters_of(js: JetStreamContext) -> DeadLetterLook:
    """A look at the dead-letter stream: the last dead letter's number and how many are kept."""

    async def look() -> Seen | None:
        try:
            state = (await js.stream_info(DLQ_STREAM)).state
        except NATS_ERRORS as error:
            log.warning("dead_letters_not_watched", error=repr(error))
            return None
        return Seen(watched=DEAD_LETTERS, level=state.last_seq, count=state.messages)

    return look


async def watch_attention_periodically(runtime: Runtime) -> None:
    uow = units.attention(runtime)
    thresholds = stuck_thresholds(runtime.settings.inventory)
    look = dead_letters_of(runtime.js)

    async def look_once() -> None:
        for raised in await watch_attention(uow, thresholds, look):
            log.info("attention_raised", kind=raised.kind, state=raised.state, new=raised.new)

    await every(EVERY_SECONDS, look_once, log, "attention_watch_retrying")
