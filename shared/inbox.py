"""Inbox: ``(consumer, event_id)`` recorded in the same transaction as the effect."""

from __future__ import annotations

import asyncpg

from shared.events import Event


async def first_delivery(connection: asyncpg.Connection, consumer: str, event: Event) -> bool:
    """True when ``consumer`` has never applied ``event``; records it in the transaction."""
    recorded = await connection.fetchval(
        "INSERT INTO inbox (consumer, event_id, subject) VALUES ($1, $2, $3) "
        "ON CONFLICT DO NOTHING RETURNING true",
        consumer,
        event.event_id,
        event.subject,
    )
    return bool(recorded)
