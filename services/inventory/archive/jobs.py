"""The histories of devices that ended their journey long ago move to the archive, every
hour."""

from __future__ import annotations

import asyncio

from services.inventory import units
from services.inventory.archive.handlers import archive_histories
from shared.db import TRANSIENT_ERRORS
from shared.logging import get_logger
from shared.web.app import Runtime

ARCHIVE_EVERY_SECONDS = 3600.0
log = get_logger("boucle.inventory.jobs")


async def archive_histories_periodically(runtime: Runtime) -> None:
    uow = units.archive(runtime)
    while True:
        try:
            archived = await archive_histories(uow, runtime.settings.inventory.archive_after_days)
            if archived.devices:
                log.info(
                    "histories_archived",
                    devices=archived.devices,
                    history_rows=archived.history_rows,
                )
        except TRANSIENT_ERRORS as error:
            log.warning("history_archiving_retrying", error=repr(error))
        await asyncio.sleep(ARCHIVE_EVERY_SECONDS)
