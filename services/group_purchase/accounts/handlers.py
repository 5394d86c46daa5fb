"""Use cases of accounts: each loads, decides with the domain rules, and commits once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg
import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.group_purchase.accounts import store
from services.group_purchase.accounts.domain import (
    REFRESH_LIFETIME,
    RESET_LINK_LIFETIME,
    SESSION_TOKEN_LIFETIME,
    Account,
    AccountError,
    check_may_refresh,
    check_may_sign_in,
    check_new_account,
    check_new_password,
    digest,
    generated_password,
    new_secret,
    normalise_login,
    token_scopes,
)
from services.group_purchase.accounts.passwords import hash_password, password_matches
from shared.auth import issue_token
from shared.db import transaction


class SignedIn(msgspec.Struct, frozen=True):
    """What a browser keeps: a short session token and the refresh secret behind it."""

    account: Account
    session_token: str
    refresh_secret: str


def _now() -> datetime:
    return datetime.now(UTC)


def session_token(key: Ed25519PrivateKey, account: Account) -> str:
    return issue_token(
        key,
        str(account.id),
        account.roles,  # type: ignore[arg-type]
        token_scopes(account),
        int(SESSION_TOKEN_LIFETIME.total_seconds()),
    )


async def add_account(
    pool: asyncpg.Pool,
    login: str,
    display_name: str,
    roles: tuple[str, ...],
    scopes: tuple[str, ...] = (),
    password: str | None = None,
) -> Account:
    login = normalise_login(login)
    check_new_account(login, display_name.strip(), roles)
    hashed = None
    if password is not None:
        check_new_password(password, login)
        hashed = await asyncio.to_thread(hash_password, password)
    account = Account(
        id=uuid.uuid4(),
        login=login,
        display_name=display_name.strip(),
        roles=tuple(dict.fromkeys(roles)),
        scopes=tuple(dict.fromkeys(scope.strip() for scope in scopes if scope.strip())),
        password_hash=hashed,
    )
    async with transaction(pool) as connection:
        if not await store.insert_account(connection, account):
            raise AccountError(
                f"The login {login} is already taken.", 409, code="accounts.login_taken"
            )
    return account


async def sign_in(
    pool: asyncpg.Pool, key: Ed25519PrivateKey, login: str, password: str
) -> SignedIn:
    account = await store.account_by_login(pool, normalise_login(login))
    matches = await asyncio.to_thread(
        password_matches, account.password_hash if account else None, password
    )
    account = check_may_sign_in(account, matches)
    refresh_secret = new_secret()
    async with transaction(pool) as connection:
        await store.insert_session(
            connection, account.id, digest(refresh_secret), _now() + REFRESH_LIFETIME
        )
    return SignedIn(account, session_token(key, account), refresh_secret)


async def refresh(
    pool: asyncpg.Pool, key: Ed25519PrivateKey, refresh_secret: str
) -> tuple[Account, str]:
    """A new session token, with the account's current roles, for a live session."""
    async with transaction(pool) as connection:
        session = await store.session_by_refresh_hash(connection, digest(refresh_secret))
        account = await store.account_by_id(connection, session.account_id) if session else None
        account = check_may_refresh(session, account, _now())
        assert session is not None
        await store.touch_session(connection, session.id)
    return account, session_token(key, account)


async def sign_out(pool: asyncpg.Pool, refresh_secret: str) -> None:
    async with transaction(pool) as connection:
        await store.revoke_session(connection, digest(refresh_secret))


async def change_password(
    pool: asyncpg.Pool,
    account_id: uuid.UUID,
    current_password: str,
    new_password: str,
    refresh_secret: str,
) -> None:
    """Changing one's password ends one's other sessions (a stolen one among them)."""
    account = await store.account_by_id(pool, account_id)
    if account is None or not account.enabled:
        raise AccountError(
            "This account is unknown or disabled.", 403, code="accounts.no_password_here"
        )
    matches = await asyncio.to_thread(password_matches, account.password_hash, current_password)
    if not matches:
        raise AccountError(
            "The current password is wrong; nothing was changed.",
            422,
            code="accounts.wrong_current_password",
        )
    check_new_password(new_password, account.login)
    hashed = await asyncio.to_thread(hash_password, new_password)
    async with transaction(pool) as connection:
        current = await store.session_by_refresh_hash(connection, digest(refresh_secret))
        await store.set_password_hash(connection, account.id, hashed)
        await store.revoke_sessions_of(connection, account.id, keep=current.id if current else None)


async def issue_reset_link(pool: asyncpg.Pool, account_id: uuid.UUID) -> tuple[Account, str]:
    """A one-time secret for ``/auth/reset/<secret>``; only its hash is stored."""
    secret = new_secret()
    async with transaction(pool) as connection:
        account = await store.account_by_id(connection, account_id)
        if account is None:
            raise AccountError("No such account.", 404, code="accounts.account_unknown")
        await store.insert_reset(
            connection, account.id, digest(secret), _now() + RESET_LINK_LIFETIME
        )
    return account, secret


async def account_of_reset_link(pool: asyncpg.Pool, secret: str) -> Account:
    account_id = await store.usable_reset(pool, digest(secret), _now())
    account = await store.account_by_id(pool, account_id) if account_id else None
    if account is None:
        raise AccountError(
            "This link is unknown, already used or expired; ask an administrator for a new one.",
            404,
            code="accounts.link_unusable",
        )
    return account


async def reset_password(pool: asyncpg.Pool, secret: str, new_password: str) -> Account:
    """Use a reset link once: set the password, end every session of the account."""
    account = await account_of_reset_link(pool, secret)
    check_new_password(new_password, account.login)
    hashed = await asyncio.to_thread(hash_password, new_password)
    async with transaction(pool) as connection:
        if await store.usable_reset(connection, digest(secret), _now(), lock=True) != account.id:
            raise AccountError(
                "This link was used meanwhile; ask for a new one.",
                409,
                code="accounts.link_unusable",
            )
        await store.use_reset(connection, digest(secret))
        await store.set_password_hash(connection, account.id, hashed)
        await store.revoke_sessions_of(connection, account.id)
    return account


async def disable_account(pool: asyncpg.Pool, account_id: uuid.UUID) -> Account:
    """Disabled now; its sessions stop refreshing, so it is locked out within minutes."""
    async with transaction(pool) as connection:
        if not await store.set_enabled(connection, account_id, False):
            raise AccountError("No such account.", 404, code="accounts.account_unknown")
        await store.revoke_sessions_of(connection, account_id)
        account = await store.account_by_id(connection, account_id)
    assert account is not None
    return account


async def disable_account_by_login(pool: asyncpg.Pool, login: str) -> Account:
    account = await store.account_by_login(pool, normalise_login(login))
    if account is None:
        raise AccountError(
            f"No account has the login {login}.", 404, code="accounts.account_unknown"
        )
    return await disable_account(pool, account.id)


async def ensure_first_admin(pool: asyncpg.Pool, login: str = "admin") -> str | None:
    """On an empty register, an ``admin`` account with a generated password, returned once."""
    if await store.count_accounts(pool):
        return None
    password = generated_password()
    await add_account(pool, login, "Administrateur", ("admin",), password=password)
    return password
