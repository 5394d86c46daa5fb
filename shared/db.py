"""The asyncpg pool, owned by the application's lifespan; each service works in its own schema."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypeAlias

import asyncpg
from asyncpg.transaction import Transaction

from shared.logging import get_logger

log = get_logger("boucle.db")

# The database is unreachable, restarting, overloaded or asked us to retry: nothing was
# applied, and the same work can be tried again later.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.InterfaceError,
    # class 57: administrator or crash shutdown, "cannot connect now", query cancelled
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TooManyConnectionsError,
    # asyncpg's protocol state left inconsistent by a connection the server terminated
    # (MagicStack/asyncpg#784): that connection is unusable, the database may be fine
    asyncpg.exceptions.InternalClientError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    ConnectionError,
    TimeoutError,
)

CONNECT_TIMEOUT = 5.0  # a server that accepts the socket but never answers
# a connection (in the caller's transaction) or the pool (one statement on its own)
Executor: TypeAlias = asyncpg.Connection | asyncpg.Pool

ACQUIRE_TIMEOUT = 10.0  # every connection busy (or being re-established) for that long
BEGIN_ATTEMPTS = 2  # a stale pooled connection fails at BEGIN: try once more on another one


async def _init_connection(connection: asyncpg.Connection) -> None:
    await connection.set_type_codec(
        "jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
    )


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Skip asyncpg's reset round trip on release: every unit of work ends its transaction,
    and nothing sets session state on pooled connections (no LISTEN, no session locks)."""


async def create_pool(dsn: str, schema: str, min_size: int = 2, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections see ``schema`` first; the schema is created if missing."""
    connection = await asyncpg.connect(dsn, timeout=CONNECT_TIMEOUT)
    try:
        await connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    except asyncpg.exceptions.UniqueViolationError:
        pass  # another process created it at the same moment
    finally:
        await connection.close()
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        server_settings={"search_path": schema, "application_name": f"boucle-{schema}"},
        command_timeout=30,
        timeout=CONNECT_TIMEOUT,
        reset=_keep_session,
    )
    assert pool is not None
    return pool


@asynccontextmanager
async def transaction(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One unit of work: commits when the block ends, rolls back if it raises.

    A pooled connection the server dropped (PostgreSQL restarted) fails at ``BEGIN``, before
    any work: it is discarded and the unit of work starts once more on a fresh connection.
    Once the transaction is decided, a failure to hand the connection back is not the unit
    of work's failure: the pool drops that connection, and the caller learns the outcome.
    """
    connection, unit = await _begin(pool)
    reusable = True
    try:
        try:
            yield connection
        except BaseException:
            try:
                await unit.rollback()
            except Exception:  # the connection is gone or confused: the server rolls back
                reusable = False
            raise
        try:
            await unit.commit()
        except BaseException:
            reusable = False
            raise
    finally:
        await _release(pool, connection, reusable)


async def _begin(pool: asyncpg.Pool) -> tuple[asyncpg.Connection, Transaction]:
    for attempt in range(1, BEGIN_ATTEMPTS + 1):
        connection = await pool.acquire(timeout=ACQUIRE_TIMEOUT)
        unit = connection.transaction()
        try:
            await unit.start()
        except TRANSIENT_ERRORS:
            await _release(pool, connection, reusable=False)
            if attempt == BEGIN_ATTEMPTS:
                raise
        else:
            return connection, unit
    raise AssertionError("unreachable")


async def _release(pool: asyncpg.Pool, connection: asyncpg.Connection, reusable: bool) -> None:
    """Hand ``connection`` back; one that failed is closed (the pool opens a new one)."""
    try:
        if not reusable:
            connection.terminate()
        await pool.release(connection)
    except Exception as error:  # the pool terminates the connection and frees its slot
        log.warning("connection_release_failed", error=repr(error))


async def database_answers(pool: asyncpg.Pool, within: float = 2.0) -> bool:
    """True when a connection of ``pool`` answers a trivial query in ``within`` seconds."""
    try:
        async with asyncio.timeout(within):
            return bool(await pool.fetchval("SELECT true"))
    except Exception:  # any failure means "not reachable now"
        return False
