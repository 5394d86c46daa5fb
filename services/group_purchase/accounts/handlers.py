"""Use cases of accounts, one unit of work each (a password is hashed or checked outside
it, never holding a transaction open): load, decide with the domain rules, commit once."""

from __future__ import annotations

import asyncio
import uuid

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.group_purchase.accounts.domain import (
    REFRESH_LIFETIME,
    RESET_LINK_LIFETIME,
    SESSION_TOKEN_LIFETIME,
    Account,
    AccountError,
    Contact,
    ContactUpdate,
    ExpiringTraining,
    Training,
    TrainingCreate,
    changed_contact,
    check_may_give_roles,
    check_may_refresh,
    check_may_sign_in,
    check_new_account,
    check_new_password,
    check_roles,
    check_training,
    digest,
    generated_password,
    new_secret,
    normalise_login,
    token_scopes,
)
from services.group_purchase.accounts.passwords import hash_password, password_matches
from services.group_purchase.accounts.store import AccountStore
from shared.auth import issue_token
from shared.contracts.purchase import TrainingRecorded
from shared.events import uuid7
from shared.trainings import EXPIRY_NOTICE, ends_soon, local_day
from shared.uow import UnitOfWork

PRODUCER = "group_purchase"

Accounts = UnitOfWork[AccountStore]


class SignedIn(msgspec.Struct, frozen=True):
    """What a browser keeps: a short session token and the refresh secret behind it."""

    account: Account
    session_token: str
    refresh_secret: str


def session_token(key: Ed25519PrivateKey, account: Account) -> str:
    return issue_token(
        key,
        str(account.id),
        account.roles,  # type: ignore[arg-type]
        token_scopes(account),
        int(SESSION_TOKEN_LIFETIME.total_seconds()),
    )


async def add_account(
    uow: Accounts,
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
    async with uow.begin() as work:
        # a new account has no training yet: the erasure-officer role is given afterwards
        check_may_give_roles(account.roles, (), [], local_day(work.now()))
        if not await work.store.insert_account(account):
            raise AccountError(
                f"The login {login} is already taken.", 409, code="accounts.login_taken"
            )
    return account


async def sign_in(uow: Accounts, key: Ed25519PrivateKey, login: str, password: str) -> SignedIn:
    async with uow.begin() as work:
        account = await work.store.account_by_login(normalise_login(login))
    matches = await asyncio.to_thread(
        password_matches, account.password_hash if account else None, password
    )
    account = check_may_sign_in(account, matches)
    refresh_secret = new_secret()
    async with uow.begin() as work:
        await work.store.insert_session(
            account.id, digest(refresh_secret), work.now() + REFRESH_LIFETIME
        )
    return SignedIn(account, session_token(key, account), refresh_secret)


async def refresh(
    uow: Accounts, key: Ed25519PrivateKey, refresh_secret: str
) -> tuple[Account, str]:
    """A new session token, with the account's current roles, for a live session."""
    async with uow.begin() as work:
        session = await work.store.session_by_refresh_hash(digest(refresh_secret))
        account = await work.store.account_by_id(session.account_id) if session else None
        account = check_may_refresh(session, account, work.now())
        assert session is not None
        await work.store.touch_session(session.id)
    return account, session_token(key, account)


async def sign_out(uow: Accounts, refresh_secret: str) -> None:
    async with uow.begin() as work:
        await work.store.revoke_session(digest(refresh_secret))


async def change_password(
    uow: Accounts,
    account_id: uuid.UUID,
    current_password: str,
    new_password: str,
    refresh_secret: str,
) -> None:
    """Changing one's password ends one's other sessions (a stolen one among them)."""
    async with uow.begin() as work:
        account = await work.store.account_by_id(account_id)
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
    async with uow.begin() as work:
        current = await work.store.session_by_refresh_hash(digest(refresh_secret))
        await work.store.set_password_hash(account.id, hashed)
        await work.store.revoke_sessions_of(account.id, keep=current.id if current else None)


async def issue_reset_link(uow: Accounts, account_id: uuid.UUID) -> tuple[Account, str]:
    """A one-time secret for ``/auth/reset/<secret>``; only its hash is stored."""
    secret = new_secret()
    async with uow.begin() as work:
        account = await work.store.account_by_id(account_id)
        if account is None:
            raise AccountError("No such account.", 404, code="accounts.account_unknown")
        await work.store.insert_reset(account.id, digest(secret), work.now() + RESET_LINK_LIFETIME)
    return account, secret


async def account_of_reset_link(uow: Accounts, secret: str) -> Account:
    async with uow.begin() as work:
        account_id = await work.store.usable_reset(digest(secret), work.now())
        account = await work.store.account_by_id(account_id) if account_id else None
    if account is None:
        raise AccountError(
            "This link is unknown, already used or expired; ask an administrator for a new one.",
            404,
            code="accounts.link_unusable",
        )
    return account


async def reset_password(uow: Accounts, secret: str, new_password: str) -> Account:
    """Use a reset link once: set the password, end every session of the account."""
    account = await account_of_reset_link(uow, secret)
    check_new_password(new_password, account.login)
    hashed = await asyncio.to_thread(hash_password, new_password)
    async with uow.begin() as work:
        if await work.store.usable_reset(digest(secret), work.now(), lock=True) != account.id:
            raise AccountError(
                "This link was used meanwhile; ask for a new one.",
                409,
                code="accounts.link_unusable",
            )
        await work.store.use_reset(digest(secret))
        await work.store.set_password_hash(account.id, hashed)
        await work.store.revoke_sessions_of(account.id)
    return account


async def disable_account(uow: Accounts, account_id: uuid.UUID) -> Account:
    """Disabled now; its sessions stop refreshing, so it is locked out within minutes."""
    async with uow.begin() as work:
        if not await work.store.set_enabled(account_id, False):
            raise AccountError("No such account.", 404, code="accounts.account_unknown")
        await work.store.revoke_sessions_of(account_id)
        account = await work.store.account_by_id(account_id)
    assert account is not None
    return account


async def disable_account_by_login(uow: Accounts, login: str) -> Account:
    async with uow.begin() as work:
        account = await work.store.account_by_login(normalise_login(login))
    if account is None:
        raise AccountError(
            f"No account has the login {login}.", 404, code="accounts.account_unknown"
        )
    return await disable_account(uow, account.id)


async def ensure_first_admin(uow: Accounts, login: str = "admin") -> str | None:
    """On an empty register, an ``admin`` account with a generated password, returned once."""
    async with uow.begin() as work:
        if await work.store.count_accounts():
            return None
    password = generated_password()
    await add_account(uow, login, "Administrateur", ("admin",), password=password)
    return password


# --- one's own contact


async def contact_of(uow: Accounts, account_id: uuid.UUID) -> Contact:
    """Where the person is told what happened (their address, the language of their mails)."""
    async with uow.begin() as work:
        contact = await work.store.contact_of(account_id)
    if contact is None:
        raise AccountError("No such account.", 404, code="accounts.account_unknown")
    return contact


async def set_contact(
    uow: Accounts, account_id: uuid.UUID, update: ContactUpdate, actor: str = ""
) -> Contact:
    """Where the person is told what happened changes: their e-mail address ("" for none: the
    inbox and printed letters only) and the language of their mails; audited under ``actor``
    (an administrator), the person themselves by default."""
    async with uow.begin() as work:
        contact = await work.store.contact_of(account_id)
        if contact is None:
            raise AccountError("No such account.", 404, code="accounts.account_unknown")
        changed = changed_contact(contact, update)
        await work.store.set_contact(account_id, changed)
        await work.audit(actor or str(account_id), "account.contact_set", f"account:{account_id}")
    return changed


# --- roles and trainings


async def _account(work_store: AccountStore, account_id: uuid.UUID) -> Account:
    account = await work_store.account_by_id(account_id)
    if account is None:
        raise AccountError("No such account.", 404, code="accounts.account_unknown")
    return account


async def set_roles(
    uow: Accounts, actor: str, account_id: uuid.UUID, roles: tuple[str, ...]
) -> Account:
    """An administrator gives an account its roles; the erasure-officer role only to someone
    whose erasure training is valid today. The new roles reach the person's pages within
    minutes (their session token is renewed with the account's current roles)."""
    roles = tuple(dict.fromkeys(roles))
    check_roles(roles)
    async with uow.begin() as work:
        account = await _account(work.store, account_id)
        trainings = await work.store.trainings_of(account_id)
        check_may_give_roles(roles, account.roles, trainings, local_day(work.now()))
        await work.store.set_roles(account_id, roles)
        await work.audit(actor, "account.roles_set", f"account:{account_id}")
    return msgspec.structs.replace(account, roles=roles)


async def record_training(
    uow: Accounts, actor: str, account_id: uuid.UUID, given: TrainingCreate
) -> Training:
    """An administrator records a training someone followed; the workshops learn of it (the
    account id, course, reference and validity: never the name or the trainer)."""
    check_training(given)
    async with uow.begin() as work:
        await _account(work.store, account_id)
        training = Training(
            id=uuid7(),
            account_id=account_id,
            course=given.course,
            reference=given.reference.strip(),
            taken_on=given.taken_on,
            trainer=given.trainer.strip(),
            valid_until=given.valid_until,
            recorded_by=actor,
            recorded_at=work.now(),
        )
        if not await work.store.insert_training(training):
            raise AccountError(
                f"A training with the reference {training.reference} is already recorded.",
                409,
                code="accounts.training_reference_taken",
            )
        await work.announce(
            TrainingRecorded(
                producer=PRODUCER,
                aggregate_id=training.id,
                account_id=account_id,
                course=training.course,
                reference=training.reference,
                valid_from=training.taken_on,
                valid_until=training.valid_until,
            )
        )
        await work.audit(actor, "training.recorded", f"account:{account_id}")
    return training


async def trainings_of(uow: Accounts, account_id: uuid.UUID) -> tuple[Account, list[Training]]:
    async with uow.begin() as work:
        account = await _account(work.store, account_id)
        return account, await work.store.trainings_of(account_id)


async def expiring_trainings(uow: Accounts) -> list[ExpiringTraining]:
    """Trainings whose validity ends within 30 days from today (today included); the person
    and the administrators are told of each once (``notifications.reminders``)."""
    async with uow.begin() as work:
        today = local_day(work.now())
        return await work.store.trainings_ending_between(today, today + EXPIRY_NOTICE)


async def my_expiring_trainings(uow: Accounts, account_id: uuid.UUID) -> list[Training]:
    """The person's own trainings that end within 30 days (shown on their account page)."""
    async with uow.begin() as work:
        today = local_day(work.now())
        return [
            training
            for training in await work.store.trainings_of(account_id)
            if ends_soon(training.valid_until, today)
        ]
