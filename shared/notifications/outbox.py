"""Writing notifications, in the caller's transaction, and reading them back."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from shared.events import uuid7
from shared.rows import rows_as


class Notice(msgspec.Struct, frozen=True, kw_only=True):
    """One notification to write: to whom (``email`` empty when they have none: a letter),
    of which kind, with the values its texts name (never more than the person may read)."""

    recipient: str
    kind: str
    details: dict[str, Any] = msgspec.field(default_factory=dict)
    email: str = ""
    language: str = "fr"


class Notification(msgspec.Struct, frozen=True, kw_only=True):
    """A notification as stored: its mail's fate is traceable (status, attempts, last error)."""

    id: uuid.UUID
    recipient: str
    kind: str
    details: dict[str, Any]
    language: str
    email: str
    mail_status: str
    attempts: int
    last_error: str
    sent_at: datetime | None
    unsubscribe_token: uuid.UUID
    created_at: datetime


async def write(connection: asyncpg.Connection, notices: Sequence[Notice], now: datetime) -> None:
    """Record ``notices`` in the transaction ``connection`` is in: the mail goes once it
    commits (pending), unless the person has no address or unsubscribed from that kind."""
    if not notices:
        return
    await connection.executemany(
        "INSERT INTO notifications (id, recipient, kind, details, language, email, "
        "mail_status, next_attempt_at, created_at) "
        "SELECT $1, $2, $3, $4, $5, $6, CASE WHEN $6 = '' THEN 'no_address' "
        "WHEN EXISTS (SELECT 1 FROM notification_opt_outs o WHERE o.recipient = $2 "
        "AND o.kind = $3) THEN 'unsubscribed' ELSE 'pending' END, $7, $7",
        [
            (uuid7(), n.recipient, n.kind, n.details, n.language, n.email.strip(), now)
            for n in notices
        ],
    )


async def inbox(
    connection: asyncpg.Connection | asyncpg.Pool, recipient: str, limit: int = 50
) -> list[Notification]:
    """The person's notifications, the newest first."""
    rows = await connection.fetch(
        "SELECT * FROM notifications WHERE recipient = $1 ORDER BY created_at DESC, id DESC "
        "LIMIT $2",
        recipient,
        limit,
    )
    return rows_as(Notification, rows)


async def latest(connection: asyncpg.Connection | asyncpg.Pool, limit: int) -> list[Notification]:
    """Everyone's notifications, the newest first (what was sent, and how it went)."""
    rows = await connection.fetch(
        "SELECT * FROM notifications ORDER BY created_at DESC, id DESC LIMIT $1", limit
    )
    return rows_as(Notification, rows)


async def one_of(
    connection: asyncpg.Connection | asyncpg.Pool,
    notification_id: uuid.UUID,
    recipient: str | None = None,
) -> Notification | None:
    """One notification; with ``recipient``, only theirs (someone else's is none)."""
    rows = await connection.fetch(
        "SELECT * FROM notifications WHERE id = $1 AND ($2::text IS NULL OR recipient = $2)",
        notification_id,
        recipient,
    )
    found = rows_as(Notification, rows)
    return found[0] if found else None


async def kind_of_token(
    connection: asyncpg.Connection | asyncpg.Pool, token: uuid.UUID
) -> tuple[str, str] | None:
    """(recipient, kind) of the mail whose unsubscribe link carries ``token``."""
    row = await connection.fetchrow(
        "SELECT recipient, kind FROM notifications WHERE unsubscribe_token = $1", token
    )
    return None if row is None else (row["recipient"], row["kind"])


async def unsubscribe(connection: asyncpg.Connection | asyncpg.Pool, token: uuid.UUID) -> str:
    """No more mail of that kind to that person (their pending ones are held back too);
    the kind, or "" for an unknown token. Doing it twice changes nothing."""
    found = await kind_of_token(connection, token)
    if found is None:
        return ""
    recipient, kind = found
    await connection.execute(
        "WITH o AS (INSERT INTO notification_opt_outs (recipient, kind) VALUES ($1, $2) "
        "ON CONFLICT DO NOTHING) UPDATE notifications SET mail_status = 'unsubscribed' "
        "WHERE recipient = $1 AND kind = $2 AND mail_status = 'pending'",
        recipient,
        kind,
    )
    return kind
