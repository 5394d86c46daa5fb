"""Account use cases on the real database: what ends a session, and what a renewal carries."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from boucle.devstack.stack import Stack
from services.group_purchase.accounts import handlers
from services.group_purchase.accounts.domain import AccountError
from services.group_purchase.accounts.store import AccountStore
from shared.auth import verify_token
from shared.db import create_pool
from tests.support.purchase_units import accounts_on

PASSWORD = "correct horse battery staple"
KEY = Ed25519PrivateKey.generate()


@pytest.fixture
async def pool(stack: Stack) -> AsyncIterator[asyncpg.Pool]:
    opened = await create_pool(stack.postgres.dsn, "purchase", 1, 4)
    yield opened
    await opened.close()


async def an_account(pool: asyncpg.Pool, *roles: str) -> str:
    login = f"agent.{uuid.uuid4().hex[:8]}"
    await handlers.add_account(
        accounts_on(pool), login, "Agent", roles or ("refurbisher",), (), PASSWORD
    )
    return login


async def test_a_signed_in_session_renews_with_the_accounts_current_roles(
    pool: asyncpg.Pool,
) -> None:
    login = await an_account(pool)
    signed_in = await handlers.sign_in(accounts_on(pool), KEY, login, PASSWORD)
    claims = verify_token(KEY.public_key(), signed_in.session_token)
    assert claims.sub == str(signed_in.account.id)
    assert claims.exp - claims.iat <= 15 * 60
    await pool.execute(
        "UPDATE accounts SET roles = '{refurbisher,erasure_officer}' WHERE id = $1",
        signed_in.account.id,
    )
    _, renewed = await handlers.refresh(accounts_on(pool), KEY, signed_in.refresh_secret)
    assert verify_token(KEY.public_key(), renewed).roles == ("refurbisher", "erasure_officer")


async def test_the_database_keeps_only_a_digest_of_refresh_secrets(pool: asyncpg.Pool) -> None:
    signed_in = await handlers.sign_in(accounts_on(pool), KEY, await an_account(pool), PASSWORD)
    stored = await pool.fetchval(
        "SELECT refresh_hash FROM account_sessions WHERE account_id = $1", signed_in.account.id
    )
    assert signed_in.refresh_secret.encode() not in bytes(stored)


async def test_signing_out_ends_only_that_session(pool: asyncpg.Pool) -> None:
    login = await an_account(pool)
    laptop = await handlers.sign_in(accounts_on(pool), KEY, login, PASSWORD)
    phone = await handlers.sign_in(accounts_on(pool), KEY, login, PASSWORD)
    await handlers.sign_out(accounts_on(pool), laptop.refresh_secret)
    with pytest.raises(AccountError, match="ended"):
        await handlers.refresh(accounts_on(pool), KEY, laptop.refresh_secret)
    await handlers.refresh(accounts_on(pool), KEY, phone.refresh_secret)


async def test_disabling_an_account_ends_all_its_sessions(pool: asyncpg.Pool) -> None:
    login = await an_account(pool)
    signed_in = await handlers.sign_in(accounts_on(pool), KEY, login, PASSWORD)
    await handlers.disable_account_by_login(accounts_on(pool), login)
    with pytest.raises(AccountError):
        await handlers.refresh(accounts_on(pool), KEY, signed_in.refresh_secret)
    with pytest.raises(AccountError, match="disabled"):
        await handlers.sign_in(accounts_on(pool), KEY, login, PASSWORD)


async def test_changing_a_password_ends_the_other_sessions_but_keeps_this_one(
    pool: asyncpg.Pool,
) -> None:
    login = await an_account(pool)
    here = await handlers.sign_in(accounts_on(pool), KEY, login, PASSWORD)
    elsewhere = await handlers.sign_in(accounts_on(pool), KEY, login, PASSWORD)
    new = "une toute autre phrase"
    await handlers.change_password(
        accounts_on(pool), here.account.id, PASSWORD, new, here.refresh_secret
    )
    await handlers.refresh(accounts_on(pool), KEY, here.refresh_secret)
    with pytest.raises(AccountError):
        await handlers.refresh(accounts_on(pool), KEY, elsewhere.refresh_secret)
    with pytest.raises(AccountError):
        await handlers.sign_in(accounts_on(pool), KEY, login, PASSWORD)
    await handlers.sign_in(accounts_on(pool), KEY, login, new)


async def test_a_reset_link_works_once_replaces_older_links_and_ends_every_session(
    pool: asyncpg.Pool,
) -> None:
    login = await an_account(pool)
    signed_in = await handlers.sign_in(accounts_on(pool), KEY, login, PASSWORD)
    account = await AccountStore(pool).account_by_login(login)
    assert account is not None
    _, older = await handlers.issue_reset_link(accounts_on(pool), account.id)
    _, secret = await handlers.issue_reset_link(accounts_on(pool), account.id)
    with pytest.raises(AccountError, match="unknown, already used or expired"):
        await handlers.account_of_reset_link(accounts_on(pool), older)
    await handlers.reset_password(accounts_on(pool), secret, "la clé est sous le pot")
    with pytest.raises(AccountError):
        await handlers.reset_password(accounts_on(pool), secret, "encore une autre phrase")
    with pytest.raises(AccountError):
        await handlers.refresh(accounts_on(pool), KEY, signed_in.refresh_secret)
    await handlers.sign_in(accounts_on(pool), KEY, login, "la clé est sous le pot")


async def test_a_login_is_unique_whatever_its_case(pool: asyncpg.Pool) -> None:
    login = await an_account(pool)
    with pytest.raises(AccountError, match="already taken"):
        await handlers.add_account(accounts_on(pool), login.upper(), "Other", ("collector",))


async def test_the_first_admin_is_created_only_on_an_empty_register(pool: asyncpg.Pool) -> None:
    # The session's database already holds accounts: nothing is created nor printed.
    await an_account(pool)
    assert (
        await handlers.ensure_first_admin(accounts_on(pool), f"admin.{uuid.uuid4().hex[:6]}")
        is None
    )
