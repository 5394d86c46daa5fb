"""Events leave the streams once archived, on real servers of their own (PostgreSQL and
nats-server, no services): written to files, verified, purged from the streams — never past
what a durable consumer still has to acknowledge — and the register rebuilt from the files
then the streams is the register rebuilt from the whole streams before."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import nats
import pytest
from nats.aio.client import Client
from nats.js.api import AckPolicy, ConsumerConfig

from boucle.devstack.stack import Stack
from services.inventory.archive.event_store import ArchivedEventsStore
from services.inventory.archive.events import archive_events_due, archive_stream
from services.inventory.impact.footprint import footprint_of, measure
from services.inventory.rebuild.digest import RegisterDigest, register_digest
from services.inventory.rebuild.replay import (
    EventsMissing,
    Rebuild,
    drop_schema,
    rebuild_and_compare,
)
from shared.bus import ensure_streams
from shared.contracts.streams import STREAMS
from shared.db import create_pool
from shared.uow import PostgresUnitOfWork
from tests.support.commands import boucle_inventory
from tests.support.register import Donation, publish
from tests.support.stacks import running_stack

REFERENCE = "inventory_rebuild_events_reference"
REBUILT = "inventory_rebuild_events"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("event-archive"), with_services=False) as stack:
        yield stack


@pytest.fixture
async def client(servers: Stack) -> AsyncIterator[Client]:
    client = await nats.connect(servers.nats.url)
    js = client.jetstream()
    for stream in STREAMS:  # every test starts from empty streams and no archive
        with contextlib.suppress(nats.js.errors.NotFoundError):
            await js.delete_stream(stream.name)
    await ensure_streams(js)
    connection = await asyncpg.connect(servers.postgres.dsn)
    await connection.execute(
        "TRUNCATE inventory.tier_archived_events, inventory.tier_stream_purges"
    )
    await connection.close()
    yield client
    await client.close()


@pytest.fixture
async def archive(servers: Stack) -> AsyncIterator[PostgresUnitOfWork[ArchivedEventsStore]]:
    pool = await create_pool(servers.postgres.dsn, "inventory", 1, 2)
    yield PostgresUnitOfWork(pool, ArchivedEventsStore, wake=lambda: None)
    await pool.close()


async def rebuilt(servers: Stack, schema: str) -> Rebuild:
    """The register rebuilt into ``schema`` (kept) from what the streams and the archive
    files of the servers' inventory hold."""
    return await rebuild_and_compare(
        servers.postgres.dsn, servers.nats.url, schema=schema, keep=True
    )


async def digest_of(servers: Stack, schema: str) -> RegisterDigest:
    pool = await create_pool(servers.postgres.dsn, schema, 1, 1)
    try:
        return await register_digest(pool)
    finally:
        await pool.close()


def is_file(location: str) -> bool:
    return Path(location).is_file()


def move(path: Path, to: Path) -> None:
    path.rename(to)


def damage(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"\0")


async def a_moment_between() -> datetime:
    """A moment after every message stored so far and before any stored next."""
    await asyncio.sleep(0.05)
    moment = datetime.now(UTC)
    await asyncio.sleep(0.05)
    return moment


async def tier_command(servers: Stack, *arguments: str) -> tuple[int, str, str]:
    return await boucle_inventory(servers, "tier", *arguments)


async def tier_events(servers: Stack, folder: Path, *options: str) -> tuple[int, str, str]:
    events = ("events", "--nats-url", servers.nats.url, "--folder", str(folder))
    return await tier_command(servers, *events, *options)


async def test_archived_events_leave_the_streams_and_the_rebuild_reads_them_from_the_files(
    servers: Stack,
    client: Client,
    archive: PostgresUnitOfWork[ArchivedEventsStore],
    tmp_path: Path,
) -> None:
    js = client.jetstream()
    earlier = [Donation() for _ in range(3)]
    for donation in earlier:
        await publish(js, *donation.made_ready())
    before = await a_moment_between()
    later = [Donation() for _ in range(2)]
    for donation in later:
        await publish(js, *donation.made_ready())
    await publish(js, earlier[0].requested(uuid.uuid4()))  # an old device asked for now

    try:
        reference = await rebuilt(servers, REFERENCE)  # from the whole streams
        assert reference.rebuilt.devices == 5
        assert reference.replayed.failed == 0 and reference.replayed.never_applicable == []

        archived = {
            stream.name: await archive_stream(archive, client, stream.name, tmp_path, before)
            for stream in STREAMS
        }
        collection, workshop = archived["COLLECTION"], archived["REFURBISHMENT"]
        assert [(f.first_sequence, f.last_sequence, f.events) for f in collection.files] == [
            (1, 3, 3)
        ]
        assert [(f.first_sequence, f.last_sequence, f.events) for f in workshop.files] == [
            (1, 12, 12)
        ]
        assert archived["PURCHASE"].files == []  # nothing stored there before the moment
        for part in (*collection.files, *workshop.files):
            assert is_file(part.location) and part.bytes > 0
        # the streams now start after what the files hold, and keep the rest
        states = {s.name: (await js.stream_info(s.name)).state for s in STREAMS}
        assert (states["COLLECTION"].first_seq, states["COLLECTION"].messages) == (4, 2)
        assert (states["REFURBISHMENT"].first_seq, states["REFURBISHMENT"].messages) == (13, 8)
        assert states["PURCHASE"].messages == 1
        assert collection.freed_bytes > 0 and workshop.freed_bytes > 0

        again = await rebuilt(servers, REBUILT)  # from the files, then the streams
        assert again.rebuilt.value == reference.rebuilt.value
        assert again.events_read == reference.events_read
        assert again.replayed.failed == 0 and again.replayed.never_applicable == []

        # a second round finds nothing more to archive and purges nothing twice
        second = await archive_stream(archive, client, "COLLECTION", tmp_path, before)
        assert second.files == [] and second.first_sequence == 4

        code, out, err = await tier_command(servers, "verify-events")
        assert code == 0, err
        assert out.count("file intact, events intact") == 2  # COLLECTION's and REFURBISHMENT's

        # an archive file lost is said, never read as fewer events
        lost = Path(collection.files[0].location)
        away = lost.with_suffix(".away")
        move(lost, away)
        with pytest.raises(EventsMissing, match="archive file of COLLECTION events 1 to 3"):
            await rebuilt(servers, REBUILT)
        move(away, lost)
        damage(lost)  # and one changed is not the one archived
        with pytest.raises(EventsMissing, match="not the one archived"):
            await rebuilt(servers, REBUILT)
        code, out, _ = await tier_command(servers, "verify-events")
        assert code == 1
        assert "COLLECTION 1 to 3" in out and "file DAMAGED" in out
    finally:
        await drop_schema(servers.postgres.dsn, REFERENCE)
        await drop_schema(servers.postgres.dsn, REBUILT)


async def test_events_a_durable_consumer_has_not_acknowledged_stay_in_the_stream(
    servers: Stack,
    client: Client,
    archive: PostgresUnitOfWork[ArchivedEventsStore],
    tmp_path: Path,
) -> None:
    js = client.jetstream()
    donations = [Donation() for _ in range(4)]
    await publish(js, *(donation.received() for donation in donations))
    slow = await js.pull_subscribe(
        "collection.>", durable="slow", stream="COLLECTION",
        config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT),
    )  # fmt: skip
    before = await a_moment_between()

    first = await archive_stream(archive, client, "COLLECTION", tmp_path, before)
    assert [(f.first_sequence, f.last_sequence) for f in first.files] == [(1, 4)]
    assert first.first_sequence == 1 and first.freed_bytes == 0  # archived, not purged
    assert (await js.stream_info("COLLECTION")).state.messages == 4

    for message in await slow.fetch(2, timeout=5):
        await message.ack_sync()
    after_two = await archive_stream(archive, client, "COLLECTION", tmp_path, before)
    assert after_two.files == [] and after_two.first_sequence == 3  # what it acknowledged left

    # the rebuild reads the four from the file, and nothing twice from the stream
    try:
        result = await rebuilt(servers, REBUILT)
        assert result.events_read == 4 and result.rebuilt.devices == 4
    finally:
        await drop_schema(servers.postgres.dsn, REBUILT)


async def test_events_purged_without_an_archive_stop_the_rebuild_saying_which(
    servers: Stack, client: Client
) -> None:
    js = client.jetstream()
    donations = [Donation() for _ in range(3)]
    await publish(js, *(donation.received() for donation in donations))
    await js.purge_stream("COLLECTION", seq=3)
    with pytest.raises(EventsMissing, match="events 1 to 2 of COLLECTION"):
        await rebuilt(servers, REBUILT)
    await drop_schema(servers.postgres.dsn, REBUILT)


async def test_the_command_archives_the_events_older_than_it_is_told(
    servers: Stack, client: Client, tmp_path: Path
) -> None:
    js = client.jetstream()
    await publish(js, *Donation().made_ready())

    code, _, err = await tier_events(servers, tmp_path)
    assert code == 2 and "--older-than-days" in err  # the streams keep everything by default

    # 40 days ago was last month or earlier: this month's events stay
    code, out, err = await tier_events(servers, tmp_path, "--older-than-days", "40")
    assert code == 0, err
    assert "COLLECTION" in out and " 0 events archived" in out
    assert "the stream starts at 1" in out
    assert (await js.stream_info("COLLECTION")).state.messages == 1


async def test_the_periodic_round_archives_every_stream_s_months_due_and_the_footprint_shows_it(
    servers: Stack, client: Client, tmp_path: Path
) -> None:
    js = client.jetstream()
    donation = Donation()
    await publish(js, *donation.made_ready(), donation.requested(uuid.uuid4()))
    pool = await create_pool(servers.postgres.dsn, "inventory", 1, 2)
    try:
        # seventy days from now, keeping thirty days of events: this month's are due
        later = datetime.now(UTC) + timedelta(days=70)
        uow = PostgresUnitOfWork(pool, ArchivedEventsStore, lambda: None, clock=lambda: later)
        rounds = await archive_events_due(uow, client, 30, tmp_path)
        archived = {stream.stream: sum(f.events for f in stream.files) for stream in rounds}
        assert archived == {"COLLECTION": 1, "INVENTORY": 0, "REFURBISHMENT": 4, "PURCHASE": 1}
        for stream in STREAMS:
            assert (await js.stream_info(stream.name)).state.messages == 0

        found = footprint_of(await measure(pool, js, datetime.now(UTC)))
        assert found.archived_events == 6
        assert found.event_file_bytes == sum(f.bytes for s in rounds for f in s.files) > 0
        assert found.saved_bytes > -found.event_file_bytes  # the streams' bytes count as saved
    finally:
        await pool.close()


async def test_two_replicas_archiving_at_once_write_and_record_each_file_once(
    servers: Stack,
    client: Client,
    archive: PostgresUnitOfWork[ArchivedEventsStore],
    tmp_path: Path,
) -> None:
    js = client.jetstream()
    for _ in range(3):
        await publish(js, *Donation().made_ready())
    before = await a_moment_between()

    rounds = await asyncio.gather(
        *(archive_stream(archive, client, "REFURBISHMENT", tmp_path, before) for _ in range(2))
    )
    assert sorted(len(done.files) for done in rounds) == [0, 1]  # one wrote, the other left it
    assert (await js.stream_info("REFURBISHMENT")).state.messages == 0
    code, out, err = await tier_command(servers, "verify-events")
    assert code == 0, err
    assert out.count("file intact, events intact") == 1
