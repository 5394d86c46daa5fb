"""SQL of accounts, sessions and reset links (schema ``purchase``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TypeAlias

import asyncpg

from services.group_purchase.accounts.domain import Account, Session

Connection: TypeAlias = asyncpg.Connection | asyncpg.Pool
_ACCOUNT_COLUMNS = (
    "id, login, display_name, password_hash, roles, scopes, enabled, created_at, updated_at"
)


def _account(row: asyncpg.Record | None) -> Account | None:
    if row is None:
        return None
    values = dict(row)
    values["roles"] = tuple(values["roles"])
    values["scopes"] = tuple(values["scopes"])
    return Account(**values)


async def account_by_login(connection: Connection, login: str) -> Account | None:
    row = await connection.fetchrow(
        f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE lower(login) = lower($1)", login
    )
    return _account(row)


async def account_by_id(connection: Connection, account_id: uuid.UUID) -> Account | None:
    row = await connection.fetchrow(
        f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE id = $1", account_id
    )
    return _account(row)


async def list_accounts(connection: Connection) -> list[Account]:
    rows = await connection.fetch(f"SELECT {_ACCOUNT_COLUMNS} FROM accounts ORDER BY lower(login)")
    return [account for row in rows if (account := _account(row)) is not None]


async def count_accounts(connection: Connection) -> int:
    return int(await connection.fetchval("SELECT count(*) FROM accounts"))


async def insert_account(connection: Connection, account: Account) -> bool:
    """False when the login is already taken."""
    status = await connection.execute(
        "INSERT INTO accounts (id, login, display_name, password_hash, roles, scopes, enabled) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        account.id,
        account.login,
        account.display_name,
        account.password_hash,
        list(account.roles),
        list(account.scopes),
        account.enabled,
    )
    return bool(status.endswith(" 1"))


async def set_password_hash(connection: Connection, account_id: uuid.UUID, hashed: str) -> None:
    await connection.execute(
        "UPDATE accounts SET password_hash = $2, updated_at = now() WHERE id = $1",
        account_id,
        hashed,
    )


async def set_enabled(connection: Connection, account_id: uuid.UUID, enabled: bool) -> bool:
    status = await connection.execute(
        "UPDATE accounts SET enabled = $2, updated_at = now() WHERE id = $1", account_id, enabled
    )
    return bool(status.endswith(" 1"))


async def insert_session(
    connection: Connection, account_id: uuid.UUID, refresh_hash: bytes, expires_at: datetime
) -> uuid.UUID:
    session_id = uuid.uuid4()
    await connection.execute(
        "INSERT INTO account_sessions (id, account_id, refresh_hash, expires_at) "
        "VALUES ($1, $2, $3, $4)",
        session_id,
        account_id,
        refresh_hash,
        expires_at,
    )
    return session_id


async def session_by_refresh_hash(connection: Connection, refresh_hash: bytes) -> Session | None:
    row = await connection.fetchrow(
        "SELECT id, account_id, expires_at, revoked_at FROM account_sessions "
        "WHERE refresh_hash = $1",
        refresh_hash,
    )
    return Session(**dict(row)) if row else None


async def touch_session(connection: Connection, session_id: uuid.UUID) -> None:
    await connection.execute(
        "UPDATE account_sessions SET last_refreshed_at = now() WHERE id = $1", session_id
    )


async def revoke_session(connection: Connection, refresh_hash: bytes) -> None:
    await connection.execute(
        "UPDATE account_sessions SET revoked_at = now() "
        "WHERE refresh_hash = $1 AND revoked_at IS NULL",
        refresh_hash,
    )


async def revoke_sessions_of(
    connection: Connection, account_id: uuid.UUID, keep: uuid.UUID | None = None
) -> None:
    await connection.execute(
        "UPDATE account_sessions SET revoked_at = now() "
        "WHERE account_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2",
        account_id,
        keep,
    )


async def insert_reset(
    connection: Connection, account_id: uuid.UUID, token_hash: bytes, expires_at: datetime
) -> None:
    # A new link replaces the ones not used yet.
    await connection.execute(
        "UPDATE password_resets SET used_at = now() WHERE account_id = $1 AND used_at IS NULL",
        account_id,
    )
    await connection.execute(
        "INSERT INTO password_resets (token_hash, account_id, expires_at) VALUES ($1, $2, $3)",
        token_hash,
        account_id,
        expires_at,
    )


async def usable_reset(
    connection: Connection, token_hash: bytes, now: datetime, lock: bool = False
) -> uuid.UUID | None:
    """The account of a reset link that is neither used nor expired."""
    value = await connection.fetchval(
        "SELECT account_id FROM password_resets "
        "WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2"
        + (" FOR UPDATE" if lock else ""),
        token_hash,
        now,
    )
    return value if isinstance(value, uuid.UUID) else None


async def use_reset(connection: Connection, token_hash: bytes) -> None:
    await connection.execute(
        "UPDATE password_resets SET used_at = now() WHERE token_hash = $1", token_hash
    )
