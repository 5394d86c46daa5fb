"""The audit trail: who read or changed a sensitive record, when and from where.

The table is append-only by the database's own triggers, not by convention. The address
and request id come from the request being served."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime

import asyncpg
import msgspec

from shared.logging import contextvars

# The address of the caller being served: kept for the audit trail, not put in every log line.
client_address: ContextVar[str] = ContextVar("client_address", default="")


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True):
    at: datetime
    actor: str
    action: str
    subject: str
    address: str
    request_id: str


async def record(
    connection: asyncpg.Connection | asyncpg.Pool, actor: str, action: str, subject: str
) -> None:
    """Add an entry, in the caller's transaction when given a connection."""
    context = contextvars.get_contextvars()
    await connection.execute(
        "INSERT INTO audit_log (actor, action, subject, address, request_id) "
        "VALUES ($1, $2, $3, $4, $5)",
        actor,
        action,
        subject,
        client_address.get(),
        str(context.get("request_id", "")),
    )


async def latest(connection: asyncpg.Pool, limit: int = 1000) -> list[AuditEntry]:
    rows = await connection.fetch(
        "SELECT at, actor, action, subject, address, request_id FROM audit_log "
        "ORDER BY id DESC LIMIT $1",
        limit,
    )
    return [AuditEntry(**dict(row)) for row in rows]
