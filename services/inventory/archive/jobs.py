"""Data moves through the tiers by itself, every hour: the histories of journeys that ended
long ago to the passive tier, then the passive months due to the archived tier (when an
archive folder is set), then the events older than the streams keep (when a retention age
is set)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from services.inventory import units
from services.inventory.archive.events import archive_events_due
from services.inventory.archive.handlers import archive_histories
from services.inventory.archive.tiers import TierRefused, archive_due
from shared.bus import RETRYABLE_ERRORS
from shared.logging import get_logger
from shared.web.app import Runtime

ARCHIVE_EVERY_SECONDS = 3600.0
log = get_logger("boucle.inventory.jobs")


async def archive_histories_periodically(runtime: Runtime) -> None:
    uow = units.archive(runtime)
    tiers = runtime.settings.inventory
    while True:
        try:
            archived = await archive_histories(
                uow, tiers.passive_after_days, tablespace=tiers.passive_tablespace
            )
            if archived.devices:
                log.info(
                    "histories_made_passive",
                    devices=archived.devices,
                    history_rows=archived.history_rows,
                )
            if tiers.archive_folder:
                for month in await archive_due(
                    uow, tiers.archive_after_months, Path(tiers.archive_folder)
                ):
                    log.info(
                        "month_archived",
                        month=f"{month.month:%Y-%m}",
                        rows=month.rows,
                        bytes=month.bytes,
                        database_bytes=month.database_bytes,
                    )
            if tiers.stream_max_age_days and tiers.archive_folder:
                for stream in await archive_events_due(
                    units.event_archive(runtime),
                    runtime.nats,
                    tiers.stream_max_age_days,
                    Path(tiers.archive_folder),
                ):
                    if stream.files or stream.freed_bytes:
                        log.info(
                            "events_archived",
                            stream=stream.stream,
                            files=len(stream.files),
                            events=sum(part.events for part in stream.files),
                            first_sequence=stream.first_sequence,
                            freed_bytes=stream.freed_bytes,
                        )
        except TierRefused as refused:  # a file that did not read back: the month stays
            log.error("month_not_archived", reason=str(refused), code=refused.code)
        except RETRYABLE_ERRORS as error:
            log.warning("history_archiving_retrying", error=repr(error))
        await asyncio.sleep(ARCHIVE_EVERY_SECONDS)
