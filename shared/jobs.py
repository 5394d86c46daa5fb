"""A service's periodic job: one round now, then one every few seconds, for the life of the
process. A round that meets a passing database error (the server restarting, a connection
lost) is logged as a warning and the next round tries again; a round that fails otherwise (a
bug, a statement the database refuses) is logged as an error with its traceback, and the next
round tries again too: a job never ends while its process lives, so a fault that goes away
heals without a restart."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from structlog.typing import FilteringBoundLogger

from shared.db import TRANSIENT_ERRORS


async def every(
    seconds: float,
    round_: Callable[[], Awaitable[object]],
    log: FilteringBoundLogger,
    retrying: str,
) -> None:
    """Run ``round_`` every ``seconds``; a transient error is logged as ``retrying``, any
    other as ``<retrying>_after_error`` with its traceback."""
    while True:
        try:
            await round_()
        except TRANSIENT_ERRORS as error:
            log.warning(retrying, error=repr(error))
        except Exception:
            log.exception(f"{retrying}_after_error")
        await asyncio.sleep(seconds)
