"""Data moves through the tiers by itself, every hour: the histories of journeys that ended
long ago to the passive tier, then the passive months due to the archived tier (when an
archive folder is set), then the events older than the streams keep (when a retention age
is set)."""

from __future__ import annotations

from pathlib import Path

from services.inventory import units
from services.inventory.archive.events import archive_events_due
from services.inventory.archive.handlers import archive_histories
from services.inventory.archive.tiers import TierRefused, archive_due
from shared.jobs import every
from shared.logging import get_logger
from shared.web.app import Runtime

ARCHIVE_EVERY_SECONDS = 3600.0
log = get_logger("boucle.inventory.jobs")


async def archive_histories_periodically(runtime: Runtime) -> None:
    await every(ARCHIVE_EVERY_SECONDS, lambda: move_due(runtime), log, "history_archiving_retrying")


async def move_due(runtime: Runtime) -> None:
    """One round: histories to the passive tier, months due to the archived one, events due
    out of the streams."""
    uow = units.archive(runtime)
    tiers = runtime.settings.inventory
    archived = await archive_histories(
        uow, tiers.passive_after_days, tablespace=tiers.passive_tablespace
    )
    if archived.devices:
        log.info(
            "histories_made_passive",
            devices=archived.devices,
            history_rows=archived.history_rows,
        )
    if not tiers.archive_folder:
        return
    folder = Path(tiers.archive_folder)
    try:
        for month in await archive_due(uow, tiers.archive_after_months, folder):
            log.info(
                "month_archived",
                month=f"{month.month:%Y-%m}",
                rows=month.rows,
                bytes=month.bytes,
                database_bytes=month.database_bytes,
            )
    except TierRefused as refused:  # a file that did not read back: the month stays
        log.error("month_not_archived", reason=str(refused), code=refused.code)
    if tiers.stream_max_age_days:
        await _events_out_of_the_streams(runtime, tiers.stream_max_age_days, folder)


async def _events_out_of_the_streams(runtime: Runtime, days: int, folder: Path) -> None:
    try:
        streams = await archive_events_due(units.event_archive(runtime), runtime.nats, days, folder)
    except TierRefused as refused:  # a file that did not read back: nothing was purged
        log.error("events_not_archived", reason=str(refused), code=refused.code)
        return
    for stream in streams:
        if stream.files or stream.freed_bytes:
            log.info(
                "events_archived",
                stream=stream.stream,
                files=len(stream.files),
                events=sum(part.events for part in stream.files),
                first_sequence=stream.first_sequence,
                freed_bytes=stream.freed_bytes,
            )
