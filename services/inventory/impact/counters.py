"""The impact figures' counters (migration 018), kept by triggers as devices move: the moves
folded into daily and monthly counters every few seconds, computed afresh from the register
on demand."""

from __future__ import annotations

import asyncpg

from shared.db import transaction

# What the counters are made of; the moves are emptied by each compaction.
COUNTER_TABLES = (
    "impact_collected",
    "impact_collected_monthly",
    "impact_first_handovers",
    "impact_handed_over",
    "impact_handed_over_monthly",
    "impact_first_equipped",
    "impact_households",
)
MOVES_TABLES = ("impact_collected_moves", "impact_handed_over_moves", "impact_households_moves")


async def compact(pool: asyncpg.Pool) -> None:
    """Fold the moves committed so far into the daily and monthly counters."""
    async with transaction(pool) as connection:
        await connection.execute("SELECT impact_compact()")


async def recount(pool: asyncpg.Pool) -> dict[str, int]:
    """Every counter computed afresh from ``devices`` and ``reservations`` in one transaction
    (moves wait for it, none is half-counted); the rows each table holds after."""
    async with transaction(pool) as connection:
        await connection.execute("SELECT impact_recount()")
        return {
            table: await connection.fetchval(f"SELECT count(*) FROM {table}")
            for table in COUNTER_TABLES
        }
