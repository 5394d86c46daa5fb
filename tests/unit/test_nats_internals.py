"""nats-py internals Boucle reads, checked on the pinned version: an upgrade that drops them
fails here, by name, instead of silently disabling the relay's orphan clean-up or the
consumers' connection check."""

from __future__ import annotations

import asyncio

import nats
from nats.js.client import JetStreamContext


def test_jetstream_context_keeps_its_pending_publishes_in_a_dict() -> None:
    js = nats.NATS().jetstream()
    futures = js._publish_async_futures  # read by shared/outbox.py
    assert isinstance(futures, dict)
    assert js.publish_async_pending() == len(futures)


def test_jetstream_context_knows_its_client() -> None:
    client = nats.NATS()
    js = client.jetstream()
    assert isinstance(js, JetStreamContext)
    assert js._nc is client  # read by shared/bus.py
    assert client.is_connected is False


def test_jetstream_context_counts_its_publish_slots_with_a_semaphore() -> None:
    js = nats.NATS().jetstream(publish_async_max_pending=2)
    slots = js._publish_async_pending_semaphore  # read by shared/outbox.py
    assert isinstance(slots, asyncio.Semaphore)
    assert not slots.locked()
