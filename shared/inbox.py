"""Inbox: ``(consumer, event_id)`` recorded in the same transaction as the effect."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from shared.events import Event


async def first_delivery(connection: asyncpg.Connection, consumer: str, event: Event) -> bool:
    """True when ``consumer`` has never applied ``event``; records it in the transaction."""
    return event.event_id in await first_deliveries(connection, consumer, [event])


async def first_deliveries(
    connection: asyncpg.Connection, consumer: str, events: Sequence[Event]
) -> set[UUID]:
    """The ids of ``events`` that ``consumer`` has never applied, recorded in the
    transaction with one statement (a chunk of events costs one round trip, not one each)."""
    rows = await connection.fetch(
        "INSERT INTO inbox (consumer, event_id, subject) "
        "SELECT $1, event_id, subject FROM unnest($2::uuid[], $3::text[]) AS e(event_id, subject) "
        "ON CONFLICT DO NOTHING RETURNING event_id",
        consumer,
        [event.event_id for event in events],
        [event.subject for event in events],
    )
    return {row["event_id"] for row in rows}
