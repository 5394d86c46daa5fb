"""What needs a person, decided without a database: what rose since the last look is news,
the same look twice is not, a level that fell and rises again is news again; the stuck
thresholds per state; the device types newly short and those that recovered. Then the watch
itself, through a fake unit of work and a clock moved by hand."""

from __future__ import annotations

from datetime import timedelta

import msgspec
import pytest

from services.group_purchase.notifications.coordinators import newly_short
from services.inventory.attention.rules import (
    DEAD_LETTERS,
    Seen,
    news,
    stuck_key,
    stuck_thresholds,
)
from services.inventory.attention.store import AttentionStore
from services.inventory.attention.watch import watch_attention
from services.inventory.lifecycle.domain import State
from shared.config import InventorySettings, load_settings
from shared.contracts.inventory import AttentionRaised
from shared.uow import UnitOfWork
from tests.support.fakes.inventory import FakeAttentionStore
from tests.support.uow import FakeClock, FakeUnitOfWork

DEFAULTS = stuck_thresholds(InventorySettings())


def letters(last: int, kept: int) -> Seen:
    return Seen(watched=DEAD_LETTERS, level=last, count=kept)


def stuck(state: State, devices: int) -> Seen:
    return Seen(watched=stuck_key(state), level=devices, count=devices, state=state.value)


def test_a_first_look_announces_every_dead_letter_and_every_stuck_device_there_is() -> None:
    found = news({}, [letters(3, 3), stuck(State.RECEIVED, 2), stuck(State.IN_TRANSIT, 0)])
    assert [(told.seen.watched, told.new) for told in found] == [
        (DEAD_LETTERS, 3),
        ("stuck:received", 2),
    ]


def test_the_same_look_twice_is_no_news() -> None:
    seen = [letters(3, 3), stuck(State.RECEIVED, 2)]
    assert news({DEAD_LETTERS: 3, "stuck:received": 2}, seen) == []


def test_only_what_rose_is_news_and_a_fall_is_not() -> None:
    kept = {DEAD_LETTERS: 3, "stuck:received": 2, "stuck:returned": 5}
    seen = [letters(5, 5), stuck(State.RECEIVED, 1), stuck(State.RETURNED, 6)]
    assert [(told.seen.watched, told.new) for told in news(kept, seen)] == [
        (DEAD_LETTERS, 2),
        ("stuck:returned", 1),
    ]


def test_new_dead_letters_are_never_more_than_the_stream_keeps() -> None:
    [told] = news({DEAD_LETTERS: 2}, [letters(40, 3)])  # most were removed from the stream
    assert told.new == 3


def test_a_dead_letter_stream_emptied_says_nothing() -> None:
    assert news({DEAD_LETTERS: 2}, [letters(7, 0)]) == []


def test_each_watched_state_has_its_threshold_and_ready_devices_are_not_stuck() -> None:
    thresholds = stuck_thresholds(
        InventorySettings(
            stuck_after_days=10, refurbishment_stuck_after_days=40, reservation_hours=48
        )
    )
    assert thresholds == {
        State.RECEIVED: timedelta(days=10),
        State.IN_TRANSIT: timedelta(days=10),
        State.RETURNED: timedelta(days=10),
        State.IN_REFURBISHMENT: timedelta(days=40),
        State.RESERVED: timedelta(days=3),  # its deadline passed a day ago
    }


def test_a_threshold_of_no_days_is_refused_when_the_settings_are_read() -> None:
    with pytest.raises(msgspec.ValidationError, match="stuck_after_days"):
        load_settings({"BOUCLE_STUCK_AFTER_DAYS": "0"})
    settings = load_settings({"BOUCLE_REFURBISHMENT_STUCK_AFTER_DAYS": "45"})
    assert stuck_thresholds(settings.inventory)[State.IN_REFURBISHMENT] == timedelta(days=45)


def test_a_type_is_short_once_until_it_recovers() -> None:
    assert newly_short(set(), {"tablet", "laptop"}) == (["laptop", "tablet"], [])
    assert newly_short({"tablet", "laptop"}, {"tablet", "laptop"}) == ([], [])
    assert newly_short({"tablet", "laptop"}, {"laptop"}) == ([], ["tablet"])
    assert newly_short({"laptop"}, {"tablet", "laptop"}) == (["tablet"], [])


async def look(uow: FakeUnitOfWork[FakeAttentionStore], dead_letters: int = 0) -> list[str]:
    async def dlq() -> Seen | None:
        return letters(dead_letters, dead_letters) if dead_letters else None

    fake: UnitOfWork[AttentionStore] = uow  # type: ignore[assignment]
    raised = await watch_attention(fake, DEFAULTS, dlq)
    return [f"{event.kind}:{event.state}:{event.new}/{event.count}" for event in raised]


async def test_a_device_left_beyond_its_threshold_is_announced_once_even_after_a_restart() -> None:
    uow = FakeUnitOfWork(FakeAttentionStore(), FakeClock())
    uow.store.devices.append(("received", uow.clock()))
    uow.clock.advance(timedelta(days=14))
    assert await look(uow) == []  # 14 days exactly: not beyond
    uow.clock.advance(timedelta(minutes=5))
    assert await look(uow) == ["stuck:received:1/1"]
    assert await look(uow) == []
    restarted = FakeUnitOfWork(uow.store, uow.clock)  # the levels are kept in the database
    assert await look(restarted) == []
    [raised] = uow.announced(AttentionRaised)
    assert isinstance(raised, AttentionRaised)
    assert raised.oldest_since == uow.clock() - timedelta(days=14, minutes=5)
    assert raised.threshold_days == 14


async def test_a_stuck_count_that_fell_is_announced_again_when_it_rises() -> None:
    uow = FakeUnitOfWork(FakeAttentionStore(), FakeClock())
    start = uow.clock()
    uow.store.devices += [("in_transit", start), ("in_transit", start)]
    uow.clock.advance(timedelta(days=15))
    assert await look(uow) == ["stuck:in_transit:2/2"]
    uow.store.devices.pop()  # one arrives at its workshop
    assert await look(uow) == []
    # another box left the same day, its dispatch recorded only now (the fact came late)
    uow.clock.advance(timedelta(minutes=5))
    uow.store.devices.append(("in_transit", start, uow.clock()))
    assert await look(uow) == ["stuck:in_transit:1/2"]
    versions = [event.aggregate_version for event in uow.announced(AttentionRaised)]
    assert versions == [1, 2]


async def test_a_device_newly_stuck_is_told_even_when_another_left_the_state_meanwhile() -> None:
    uow = FakeUnitOfWork(FakeAttentionStore(), FakeClock())
    start = uow.clock()
    uow.store.devices.append(("received", start))
    uow.clock.advance(timedelta(days=2))
    uow.store.devices.append(("received", uow.clock()))  # two days later, another donation
    uow.clock.advance(timedelta(days=13))
    assert await look(uow) == ["stuck:received:1/1"]  # the first one, 15 days there
    uow.store.devices.pop(0)  # it leaves for a workshop...
    uow.clock.advance(timedelta(days=2))
    assert await look(uow) == ["stuck:received:1/1"]  # ...and the second is stuck: still one
    assert await look(uow) == []


async def test_a_new_dead_letter_is_announced_once_with_counts_only() -> None:
    uow = FakeUnitOfWork(FakeAttentionStore(), FakeClock())
    assert await look(uow, dead_letters=1) == ["dead_letters::1/1"]
    assert await look(uow, dead_letters=1) == []
    assert await look(uow) == []  # the bus does not answer: nothing changes
    assert await look(uow, dead_letters=3) == ["dead_letters::2/3"]
