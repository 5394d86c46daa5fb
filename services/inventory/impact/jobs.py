"""The impact counters' moves are folded into daily and monthly counters, every few
seconds."""

from __future__ import annotations

from services.inventory.impact.counters import compact
from shared.jobs import every
from shared.logging import get_logger
from shared.web.app import Runtime

COMPACT_EVERY_SECONDS = 10.0  # the figures read the moves too: this only keeps them fast
log = get_logger("boucle.inventory.jobs")


async def compact_impact_counters_periodically(runtime: Runtime) -> None:
    await every(
        COMPACT_EVERY_SECONDS, lambda: compact(runtime.pool), log, "impact_compaction_retrying"
    )
