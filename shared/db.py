"""The asyncpg pool, owned by the application's lifespan; each service works in its own schema."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeAlias

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

# The connection itself is gone or not answering: rolling back on it would only wait again,
# and the server rolls back a transaction whose connection closes.
CONNECTION_LOST: tuple[type[BaseException], ...] = (
    OSError,
    ConnectionError,
    TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.InternalClientError,
)

CONNECT_TIMEOUT = 5.0  # a server that accepts the socket but never answers
# a connection (in the caller's transaction) or the pool (one statement on its own)
Executor: TypeAlias = asyncpg.Connection | asyncpg.Pool

# Defaults for tools and jobs (archive, rebuild, demo seeding); a service passes its settings.
ACQUIRE_TIMEOUT = 10.0  # every connection busy (or being re-established) for that long
STATEMENT_TIMEOUT = 30.0
BEGIN_ATTEMPTS = 2  # a stale pooled connection fails at BEGIN: try once more on another one


class DatabaseBusy(TimeoutError):
    """No connection could be had, or the database did not start a transaction, in time:
    nothing was done. (A statement that timed out, by contrast, may have been applied.)"""


class FailFastPool(asyncpg.Pool):
    """An asyncpg pool whose every acquisition gives up after ``acquire_timeout`` — those made
    inside ``pool.fetch`` and friends too, which asyncpg would otherwise let wait forever."""

    def __init__(self, *args: Any, acquire_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.acquire_timeout = acquire_timeout

    def acquire(self, *, timeout: float | None = None) -> Any:
        return super().acquire(timeout=self.acquire_timeout if timeout is None else timeout)


def fail_fast_seconds(pool: asyncpg.Pool) -> float:
    """How long a request waits for a stuck database before it fails fast: to get a
    connection and start its transaction, or for a write made of one statement."""
    return float(getattr(pool, "acquire_timeout", ACQUIRE_TIMEOUT))


async def acquire(pool: asyncpg.Pool, within: float) -> asyncpg.Connection:
    """A connection of ``pool``, or ``DatabaseBusy`` after ``within`` seconds."""
    try:
        return await pool.acquire(timeout=within)
    except TimeoutError as error:
        raise DatabaseBusy("no database connection in time") from error


async def _init_connection(connection: asyncpg.Connection) -> None:
    await connection.set_type_codec(
        "jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
    )


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Skip asyncpg's reset round trip on release: every unit of work ends its transaction,
    and nothing sets session state on pooled connections (no LISTEN, no session locks)."""


async def create_pool(
    dsn: str,
    schema: str,
    min_size: int = 2,
    max_size: int = 10,
    *,
    acquire_timeout: float = ACQUIRE_TIMEOUT,
    statement_timeout: float = STATEMENT_TIMEOUT,
    connection_class: type[asyncpg.Connection] = asyncpg.Connection,
) -> asyncpg.Pool:
    """A pool whose connections see ``schema`` first; the schema is created if missing.

    ``acquire_timeout`` bounds getting a connection and starting a transaction on it;
    ``statement_timeout`` bounds each statement (asyncpg cancels it on the server)."""
    connection = await asyncpg.connect(dsn, timeout=CONNECT_TIMEOUT)
    try:
        await connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    except asyncpg.exceptions.UniqueViolationError:
        pass  # another process created it at the same moment
    finally:
        await connection.close()
    pool = FailFastPool(
        dsn,
        acquire_timeout=acquire_timeout,
        connection_class=connection_class,
        record_class=asyncpg.Record,
        min_size=min_size,
        max_size=max_size,
        max_queries=50_000,
        max_inactive_connection_lifetime=300.0,
        loop=None,
        init=_init_connection,
        reset=_keep_session,
        server_settings={"search_path": schema, "application_name": f"boucle-{schema}"},
        command_timeout=statement_timeout,
        timeout=min(CONNECT_TIMEOUT, acquire_timeout),
    )
    await pool
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
        except BaseException as error:
            if isinstance(error, CONNECTION_LOST):
                reusable = False
                raise
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


@asynccontextmanager
async def connection_of(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A connection for work outside a transaction, within the pool's fail-fast time. One
    whose statement went unanswered is closed, not handed back: the pool would first wait
    for the statement's cancellation, which a stuck server does not confirm either."""
    held = await acquire(pool, fail_fast_seconds(pool))
    reusable = True
    try:
        yield held
    except CONNECTION_LOST:
        reusable = False
        raise
    finally:
        await _release(pool, held, reusable)


async def _begin(pool: asyncpg.Pool) -> tuple[asyncpg.Connection, Transaction]:
    """A connection with its transaction started, within the pool's acquire timeout: a
    database that does not answer ``BEGIN`` in time is stuck, and nothing was done yet."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + fail_fast_seconds(pool)
    for attempt in range(1, BEGIN_ATTEMPTS + 1):
        connection = await acquire(pool, max(deadline - loop.time(), 0.0))
        unit = connection.transaction()
        try:
            async with asyncio.timeout_at(deadline):
                await unit.start()
        except TRANSIENT_ERRORS as error:
            await _release(pool, connection, reusable=False)
            if isinstance(error, TimeoutError):
                raise DatabaseBusy("the database did not start a transaction in time") from error
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
    """True when a connection of ``pool`` answers a trivial query in ``within`` seconds.

    The answer comes at the deadline whatever the query does: a cancelled query on a frozen
    server can take longer than that to clean up, and it does so in the background."""
    probe = asyncio.ensure_future(pool.fetchval("SELECT true", timeout=within))
    done, _ = await asyncio.wait({probe}, timeout=within)
    if not done:
        probe.cancel()
        probe.add_done_callback(_consume_outcome)
        return False
    return not probe.cancelled() and probe.exception() is None and bool(probe.result())


def _consume_outcome(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()
