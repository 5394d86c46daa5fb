"""Events leave the streams once archived: the messages a stream stored before the month of
``BOUCLE_STREAM_MAX_AGE_DAYS`` ago are written out a month per file, read back and compared
by digest, recorded, and only then purged from the stream — never beyond what a durable
consumer still has to acknowledge. The rebuild reads the files, then the stream.

JetStream's own ``max_age`` is not used: it would drop events whether or not they were
archived (an archive folder out of reach, say). The purge removes exactly the sequences the
files hold.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import msgspec
from nats.aio.client import Client
from nats.js import JetStreamContext

from services.inventory.archive import event_files, files
from services.inventory.archive.event_store import ArchivedEvents, ArchivedEventsStore
from services.inventory.archive.tiers import Progress, TierRefused, quiet
from services.inventory.rebuild.reading import stored_messages
from shared.contracts.streams import STREAMS
from shared.uow import UnitOfWork

EVENTS_FOLDER = "events"  # under the archive folder, one folder per stream


class StreamArchived(msgspec.Struct, frozen=True, kw_only=True):
    """What one round did to a stream: the files written, where the stream starts now, and
    the bytes its purge freed."""

    stream: str
    files: list[ArchivedEvents]
    first_sequence: int
    freed_bytes: int


class EventsVerified(msgspec.Struct, frozen=True, kw_only=True):
    archived: ArchivedEvents
    file_intact: bool  # its SHA-256 is the one recorded
    events_intact: bool  # its messages' digest and count are the ones recorded

    @property
    def intact(self) -> bool:
        return self.file_intact and self.events_intact


async def verify_event_files(uow: UnitOfWork[ArchivedEventsStore]) -> list[EventsVerified]:
    """Every archived events' file read again and compared with what was recorded."""
    async with uow.begin() as work:
        recorded = await work.store.files()
    return [await _verified(archived) for archived in recorded]


async def _verified(archived: ArchivedEvents) -> EventsVerified:
    digest = await asyncio.to_thread(event_files.events_digest, Path(archived.location))
    return EventsVerified(
        archived=archived,
        file_intact=await file_intact(archived),
        events_intact=digest is not None
        and (digest.rows, digest.hexdigest()) == (archived.events, archived.events_sha256),
    )


async def file_intact(archived: ArchivedEvents) -> bool:
    """Whether the file of ``archived`` is there and its SHA-256 is the one recorded."""
    try:
        found = await asyncio.to_thread(files.file_sha256, Path(archived.location))
    except OSError:
        return False
    return found == archived.file_sha256


def events_due_before(now: datetime, max_age_days: int) -> datetime:
    """The first moment whose events stay in the streams: the start (UTC) of the month that
    was current ``max_age_days`` ago, so that months leave whole."""
    then = (now - timedelta(days=max_age_days)).astimezone(UTC)
    return datetime(then.year, then.month, 1, tzinfo=UTC)


async def archive_events_due(
    uow: UnitOfWork[ArchivedEventsStore],
    client: Client,
    max_age_days: int,
    folder: Path,
    progress: Progress = quiet,
) -> list[StreamArchived]:
    """Every stream's events older than the month of ``max_age_days`` ago archived, then
    purged from it."""
    async with uow.begin() as work:
        before = events_due_before(work.now(), max_age_days)
    return [
        await archive_stream(uow, client, stream.name, folder, before, progress)
        for stream in STREAMS
    ]


async def archive_stream(
    uow: UnitOfWork[ArchivedEventsStore],
    client: Client,
    stream: str,
    folder: Path,
    before: datetime,
    progress: Progress = quiet,
) -> StreamArchived:
    """The messages ``stream`` stored before ``before`` and not yet archived, written a month
    per file and recorded; then every archived message purged from the stream.

    Written and recorded in one transaction holding the stream's lock: a second replica's
    round finds the lock taken and leaves the stream to it (two writing the same files would
    leave one's file under the other's record); a failure records nothing (a file without its
    record is never read, and is written again by the next round)."""
    written: list[ArchivedEvents] = []
    async with uow.begin() as work:
        if await work.store.try_lock_stream(stream):
            written = await _write_files(
                work.store, client, stream, folder / EVENTS_FOLDER / stream, before, progress
            )
            for archived in written:
                await work.store.record(archived)
    first, freed = await _purge_archived(uow, client.jetstream(), stream)
    return StreamArchived(stream=stream, files=written, first_sequence=first, freed_bytes=freed)


async def _write_files(
    store: ArchivedEventsStore,
    client: Client,
    stream: str,
    folder: Path,
    before: datetime,
    progress: Progress,
) -> list[ArchivedEvents]:
    after = await store.last_archived(stream)
    state = (await client.jetstream().stream_info(stream)).state
    after = max(after, (state.first_seq or 1) - 1)
    total = max(0, (state.last_seq or 0) - after)
    if not total:
        return []
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    written: list[ArchivedEvents] = []
    with tempfile.TemporaryDirectory(dir=folder, prefix=".export-") as scratch:
        writer: event_files.EventFileWriter | None = None
        month: date | None = None
        messages = stored_messages(client, stream, ">", after_sequence=after)
        try:
            async for message in messages:
                stored_at = message.metadata.timestamp
                if stored_at >= before:
                    break
                if writer is not None and month != _month(stored_at):
                    written.append(await _written(writer, stream, month, folder))
                    writer = None
                if writer is None:
                    month = _month(stored_at)
                    writer = event_files.EventFileWriter(Path(scratch) / f"{month}.ndjson")
                writer.add(message)
                progress(stream, writer.last_sequence - after, total)
        finally:
            await messages.aclose()
        if writer is not None and month is not None:
            written.append(await _written(writer, stream, month, folder))
    return written


async def _written(
    writer: event_files.EventFileWriter, stream: str, month: date | None, folder: Path
) -> ArchivedEvents:
    """The gathered messages as a file, read back and compared with what was read."""
    assert month is not None
    target = folder / event_files.file_name(stream, f"{month:%Y-%m}", writer.first_sequence)
    size = await asyncio.to_thread(writer.write, target)
    read_back = await asyncio.to_thread(event_files.events_digest, target)
    expected = (writer.digest.rows, writer.digest.hexdigest())
    if read_back is None or (read_back.rows, read_back.hexdigest()) != expected:
        await asyncio.to_thread(target.unlink, missing_ok=True)
        raise TierRefused(
            f"The file written for the events of {stream} in {month:%Y-%m} does not read back "
            "as the stream's messages: nothing was purged.",
            code="tier.digest",
        )
    return ArchivedEvents(
        stream=stream,
        first_sequence=writer.first_sequence,
        last_sequence=writer.last_sequence,
        month=month,
        events=writer.digest.rows,
        location=str(target.resolve()),
        bytes=size,
        file_sha256=await asyncio.to_thread(files.file_sha256, target),
        events_sha256=writer.digest.hexdigest(),
    )


async def _purge_archived(
    uow: UnitOfWork[ArchivedEventsStore], js: JetStreamContext, stream: str
) -> tuple[int, int]:
    """Every archived message of ``stream`` purged from it, but those a durable consumer has
    yet to acknowledge. The stream's first sequence after, and the bytes freed."""
    async with uow.begin() as work:
        archived = await work.store.last_archived(stream)
    before = (await js.stream_info(stream)).state
    up_to = archived + 1
    for consumer in await js.consumers_info(stream):
        if consumer.config.durable_name and (consumer.num_pending or consumer.num_ack_pending):
            floor = consumer.ack_floor.stream_seq if consumer.ack_floor else 0
            up_to = min(up_to, (floor or 0) + 1)
    if archived == 0 or up_to <= (before.first_seq or 0):
        return before.first_seq or 0, 0
    await js.purge_stream(stream, seq=up_to)
    after = (await js.stream_info(stream)).state
    freed = max(0, (before.bytes or 0) - (after.bytes or 0))  # new messages may have come
    async with uow.begin() as work:
        await work.store.record_purge(stream, after.first_seq or up_to, freed)
    return after.first_seq or up_to, freed


def _month(moment: datetime) -> date:
    at = moment.astimezone(UTC)
    return date(at.year, at.month, 1)
