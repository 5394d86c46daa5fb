"""HTTP idempotency: a replayed ``Idempotency-Key`` gets the first answer, never a second effect."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

import asyncpg
import msgspec

from shared.errors import DomainError


class IdempotencyConflict(DomainError):
    """The key was already used for a different request."""

    def __init__(self, key: str) -> None:
        super().__init__(
            "This Idempotency-Key was already used for a different request; "
            "send a new key for a new request.",
            code="idempotency.key_reused",
        )
        self.key = key


class StoredResponse(msgspec.Struct, frozen=True):
    status_code: int
    body: bytes


def fingerprint(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\x00")
    return digest.hexdigest()


async def claim(
    connection: asyncpg.Connection, key: str, request_fingerprint: str
) -> StoredResponse | None:
    """Claim ``key`` in the current transaction.

    Returns ``None`` when this request owns the key (do the work, then :func:`remember`);
    returns the stored answer when the key was used before. A concurrent request with the
    same key waits here until the first one commits or rolls back.
    """
    owned = await connection.fetchval(
        "INSERT INTO idempotency_keys (key, fingerprint) VALUES ($1, $2) "
        "ON CONFLICT DO NOTHING RETURNING true",
        key,
        request_fingerprint,
    )
    if owned:
        return None
    row = await connection.fetchrow(
        "SELECT fingerprint, status_code, response FROM idempotency_keys WHERE key = $1", key
    )
    assert row is not None
    if row["fingerprint"] != request_fingerprint:
        raise IdempotencyConflict(key)
    return StoredResponse(row["status_code"], row["response"])


async def stored(
    connection: asyncpg.Connection | asyncpg.Pool, key: str, request_fingerprint: str
) -> StoredResponse | None:
    """The answer stored under ``key``, or ``None`` when the key holds no answer (yet).

    Raises :class:`IdempotencyConflict` when the key was used for a different request."""
    row = await connection.fetchrow(
        "SELECT fingerprint, status_code, response FROM idempotency_keys WHERE key = $1", key
    )
    if row is None:
        return None
    if row["fingerprint"] != request_fingerprint:
        raise IdempotencyConflict(key)
    if row["status_code"] is None or row["response"] is None:
        return None
    return StoredResponse(row["status_code"], row["response"])


async def remember(connection: asyncpg.Connection, key: str, status_code: int, body: bytes) -> None:
    await connection.execute(
        "UPDATE idempotency_keys SET status_code = $2, response = $3 WHERE key = $1",
        key,
        status_code,
        body,
    )


async def answer_once(
    connection: asyncpg.Connection,
    key: str | None,
    request_fingerprint: str,
    status_code: int,
    work: Callable[[], Awaitable[bytes]],
) -> StoredResponse:
    """Do ``work`` once per key, in the caller's transaction, and keep its answer; a replay
    (even a concurrent one: it waits for the first to commit) gets the first answer."""
    if key is not None:
        answer = await claim(connection, key, request_fingerprint)
        if answer is not None:
            return answer
    body = await work()
    if key is not None:
        await remember(connection, key, status_code, body)
    return StoredResponse(status_code, body)
