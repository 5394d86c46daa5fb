"""Every process of every service ensures the streams at start: only a stream that differs
from what Boucle wants is updated, and a JetStream API that times out is asked again."""

from __future__ import annotations

import dataclasses

import nats.errors
import nats.js.errors
import pytest
from nats.js.api import StreamConfig, StreamInfo, StreamState

from shared import bus
from shared.contracts.streams import DLQ_STREAM, STREAMS

EVERY_STREAM = {stream.name for stream in STREAMS} | {DLQ_STREAM}


class FakeJetStream:
    """Streams kept in a dict; the first ``timeouts`` calls time out."""

    def __init__(self, timeouts: int = 0) -> None:
        self.streams: dict[str, StreamConfig] = {}
        self.updated: list[str] = []
        self.timeouts = timeouts

    def _maybe_time_out(self) -> None:
        if self.timeouts:
            self.timeouts -= 1
            raise nats.errors.TimeoutError

    async def stream_info(self, name: str) -> StreamInfo:
        self._maybe_time_out()
        if name not in self.streams:
            raise nats.js.errors.NotFoundError
        return StreamInfo(config=self.streams[name], state=StreamState(0, 0, 0, 0, 0))

    async def add_stream(self, config: StreamConfig) -> None:
        self.streams[config.name or ""] = config

    async def update_stream(self, config: StreamConfig) -> None:
        self.updated.append(config.name or "")
        self.streams[config.name or ""] = config


@pytest.fixture(autouse=True)
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bus, "ENSURE_STREAM_BACKOFF", 0.0)


async def test_streams_already_as_wanted_are_left_alone() -> None:
    js = FakeJetStream()
    await bus.ensure_streams(js, replicas=3)  # type: ignore[arg-type]
    await bus.ensure_streams(js, replicas=3)  # type: ignore[arg-type]
    assert set(js.streams) == EVERY_STREAM
    assert js.updated == []


async def test_streams_with_fewer_replicas_are_updated_to_three() -> None:
    js = FakeJetStream()
    await bus.ensure_streams(js, replicas=1)  # type: ignore[arg-type]
    await bus.ensure_streams(js, replicas=3)  # type: ignore[arg-type]
    assert set(js.updated) == EVERY_STREAM
    assert {config.num_replicas for config in js.streams.values()} == {3}


async def test_a_server_default_left_unset_is_not_an_update() -> None:
    js = FakeJetStream()
    await bus.ensure_streams(js)  # type: ignore[arg-type]
    js.streams[DLQ_STREAM] = dataclasses.replace(js.streams[DLQ_STREAM], duplicate_window=120.0)
    await bus.ensure_streams(js)  # type: ignore[arg-type]
    assert js.updated == []


async def test_a_jetstream_api_that_times_out_is_asked_again() -> None:
    js = FakeJetStream(timeouts=bus.ENSURE_STREAM_ATTEMPTS - 1)
    await bus.ensure_streams(js)  # type: ignore[arg-type]
    assert set(js.streams) == EVERY_STREAM


async def test_a_jetstream_api_that_keeps_timing_out_fails_the_start() -> None:
    js = FakeJetStream(timeouts=bus.ENSURE_STREAM_ATTEMPTS)
    with pytest.raises(nats.errors.TimeoutError):
        await bus.ensure_streams(js)  # type: ignore[arg-type]
