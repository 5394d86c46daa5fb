"""SQL of accounts, sessions and reset links (schema ``purchase``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TypeAlias

import asyncpg

from services.group_purchase.accounts.domain import (
    Account,
    Contact,
    ExpiringTraining,
    MachineToken,
    Session,
    Training,
)
from shared.rows import row_as, rows_as

Connection: TypeAlias = asyncpg.Connection | asyncpg.Pool
_MACHINE_COLUMNS = "id, name, roles, scopes, created_at, last_used_at, revoked_at"
_TRAINING_COLUMNS = (
    "t.id, t.account_id, t.course, t.reference, t.taken_on, t.trainer, t.valid_until, "
    "t.recorded_by, t.recorded_at"
)
_ACCOUNT_COLUMNS = (
    "id, login, display_name, password_hash, roles, scopes, enabled, created_at, updated_at"
)


class AccountStore:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    async def account_by_login(self, login: str) -> Account | None:
        row = await self.connection.fetchrow(
            f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE lower(login) = lower($1)", login
        )
        return row_as(Account, row)

    async def account_by_id(self, account_id: uuid.UUID) -> Account | None:
        row = await self.connection.fetchrow(
            f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE id = $1", account_id
        )
        return row_as(Account, row)

    async def list_accounts(self) -> list[Account]:
        rows = await self.connection.fetch(
            f"SELECT {_ACCOUNT_COLUMNS} FROM accounts ORDER BY lower(login)"
        )
        return rows_as(Account, rows)

    async def count_accounts(self) -> int:
        return int(await self.connection.fetchval("SELECT count(*) FROM accounts"))

    async def insert_account(self, account: Account) -> bool:
        """False when the login is already taken."""
        status = await self.connection.execute(
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

    async def set_roles(self, account_id: uuid.UUID, roles: tuple[str, ...]) -> None:
        await self.connection.execute(
            "UPDATE accounts SET roles = $2, updated_at = now() WHERE id = $1",
            account_id,
            list(roles),
        )

    async def set_password_hash(self, account_id: uuid.UUID, hashed: str) -> None:
        await self.connection.execute(
            "UPDATE accounts SET password_hash = $2, updated_at = now() WHERE id = $1",
            account_id,
            hashed,
        )

    async def set_enabled(self, account_id: uuid.UUID, enabled: bool) -> bool:
        status = await self.connection.execute(
            "UPDATE accounts SET enabled = $2, updated_at = now() WHERE id = $1",
            account_id,
            enabled,
        )
        return bool(status.endswith(" 1"))

    async def contact_of(self, account_id: uuid.UUID) -> Contact | None:
        row = await self.connection.fetchrow(
            "SELECT email, language FROM accounts WHERE id = $1", account_id
        )
        return row_as(Contact, row)

    async def set_contact(self, account_id: uuid.UUID, contact: Contact) -> None:
        await self.connection.execute(
            "UPDATE accounts SET email = $2, language = $3, updated_at = now() WHERE id = $1",
            account_id,
            contact.email,
            contact.language,
        )

    async def insert_session(
        self, account_id: uuid.UUID, refresh_hash: bytes, expires_at: datetime
    ) -> uuid.UUID:
        session_id = uuid.uuid4()
        await self.connection.execute(
            "INSERT INTO account_sessions (id, account_id, refresh_hash, expires_at) "
            "VALUES ($1, $2, $3, $4)",
            session_id,
            account_id,
            refresh_hash,
            expires_at,
        )
        return session_id

    async def session_by_refresh_hash(self, refresh_hash: bytes) -> Session | None:
        row = await self.connection.fetchrow(
            "SELECT id, account_id, expires_at, revoked_at FROM account_sessions "
            "WHERE refresh_hash = $1",
            refresh_hash,
        )
        return row_as(Session, row)

    async def touch_session(self, session_id: uuid.UUID) -> None:
        await self.connection.execute(
            "UPDATE account_sessions SET last_refreshed_at = now() WHERE id = $1", session_id
        )

    async def revoke_session(self, refresh_hash: bytes) -> None:
        await self.connection.execute(
            "UPDATE account_sessions SET revoked_at = now() "
            "WHERE refresh_hash = $1 AND revoked_at IS NULL",
            refresh_hash,
        )

    async def revoke_sessions_of(
        self, account_id: uuid.UUID, keep: uuid.UUID | None = None
    ) -> None:
        await self.connection.execute(
            "UPDATE account_sessions SET revoked_at = now() "
            "WHERE account_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2",
            account_id,
            keep,
        )

    async def insert_reset(
        self, account_id: uuid.UUID, token_hash: bytes, expires_at: datetime
    ) -> None:
        # A new link replaces the ones not used yet.
        await self.connection.execute(
            "UPDATE password_resets SET used_at = now() WHERE account_id = $1 AND used_at IS NULL",
            account_id,
        )
        await self.connection.execute(
            "INSERT INTO password_resets (token_hash, account_id, expires_at) VALUES ($1, $2, $3)",
            token_hash,
            account_id,
            expires_at,
        )

    async def usable_reset(
        self, token_hash: bytes, now: datetime, lock: bool = False
    ) -> uuid.UUID | None:
        """The account of a reset link that is neither used nor expired."""
        value = await self.connection.fetchval(
            "SELECT account_id FROM password_resets "
            "WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2"
            + (" FOR UPDATE" if lock else ""),
            token_hash,
            now,
        )
        return value if isinstance(value, uuid.UUID) else None

    async def use_reset(self, token_hash: bytes) -> None:
        await self.connection.execute(
            "UPDATE password_resets SET used_at = now() WHERE token_hash = $1", token_hash
        )

    # --- machine tokens

    async def machine_tokens(self) -> list[MachineToken]:
        rows = await self.connection.fetch(
            f"SELECT {_MACHINE_COLUMNS} FROM machine_tokens ORDER BY created_at DESC"
        )
        return rows_as(MachineToken, rows)

    async def insert_machine_token(self, token: MachineToken, secret_hash: bytes) -> None:
        await self.connection.execute(
            "INSERT INTO machine_tokens (id, name, roles, scopes, secret_hash) "
            "VALUES ($1, $2, $3, $4, $5)",
            token.id,
            token.name,
            list(token.roles),
            list(token.scopes),
            secret_hash,
        )

    async def revoke_machine_token(self, token_id: uuid.UUID) -> bool:
        """False when there is no such token (revoking one twice keeps its first time)."""
        status = await self.connection.execute(
            "UPDATE machine_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1",
            token_id,
        )
        return bool(status.endswith(" 1"))

    async def use_machine_token(self, secret_hash: bytes) -> MachineToken | None:
        """The live token of that secret, marked used now; ``None`` if unknown or revoked."""
        row = await self.connection.fetchrow(
            "UPDATE machine_tokens SET last_used_at = now() "
            f"WHERE secret_hash = $1 AND revoked_at IS NULL RETURNING {_MACHINE_COLUMNS}",
            secret_hash,
        )
        return row_as(MachineToken, row)

    # --- trainings

    async def insert_training(self, training: Training) -> bool:
        """False when a training with that reference is already recorded."""
        status = await self.connection.execute(
            "INSERT INTO trainings (id, account_id, course, reference, taken_on, trainer, "
            "valid_until, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
            "ON CONFLICT (reference) DO NOTHING",
            training.id,
            training.account_id,
            training.course,
            training.reference,
            training.taken_on,
            training.trainer,
            training.valid_until,
            training.recorded_by,
            training.recorded_at,
        )
        return bool(status.endswith(" 1"))

    async def trainings_of(self, account_id: uuid.UUID) -> list[Training]:
        """The person's trainings, the one ending last first."""
        rows = await self.connection.fetch(
            f"SELECT {_TRAINING_COLUMNS} FROM trainings t WHERE t.account_id = $1 "
            "ORDER BY t.valid_until DESC, t.reference",
            account_id,
        )
        return rows_as(Training, rows)

    async def trainings_ending_between(self, first: date, last: date) -> list[ExpiringTraining]:
        """Trainings whose last valid day falls between ``first`` and ``last`` (included), of
        enabled accounts, the soonest first."""
        rows = await self.connection.fetch(
            f"SELECT {_TRAINING_COLUMNS}, a.login, a.display_name FROM trainings t "
            "JOIN accounts a ON a.id = t.account_id "
            "WHERE t.valid_until BETWEEN $1 AND $2 AND a.enabled "
            "ORDER BY t.valid_until, lower(a.login), t.reference",
            first,
            last,
        )
        return [
            ExpiringTraining(
                training=training, login=row["login"], display_name=row["display_name"]
            )
            for training, row in zip(rows_as(Training, rows), rows, strict=True)
        ]
