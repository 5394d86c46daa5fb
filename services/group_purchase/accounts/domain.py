"""Pure rules of accounts and sessions: who may sign in, refresh, and how long things last."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import date, datetime, timedelta
from typing import Annotated, Any

import msgspec

from shared.auth import ROLES, UNSCOPED_ROLES, Principal
from shared.errors import DomainError
from shared.notifications.addresses import EMAIL_LENGTH, is_email
from shared.trainings import ERASURE_COURSE, Course, valid_on
from shared.web.i18n import LANGUAGES, Language

# A session token lives a few minutes: every service trusts it without asking anyone, so
# this is the longest a disabled account or a signed-out session can still be used.
SESSION_TOKEN_LIFETIME = timedelta(minutes=10)
# The refresh token (opaque, stored hashed) lasts one working day from sign-in.
REFRESH_LIFETIME = timedelta(hours=12)
RESET_LINK_LIFETIME = timedelta(hours=24)
MINIMUM_PASSWORD_LENGTH = 12

Login = Annotated[str, msgspec.Meta(min_length=2, max_length=64, pattern=r"^[a-z0-9._-]+$")]
DisplayName = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]


class AccountError(DomainError):
    """A refusal of accounts and sessions, with the HTTP status it answers: 401 credentials
    that open no session, 403 an account that may not, 404 an unknown one, 409 a clash, 422 a
    value to correct, 429 too many attempts."""

    def __init__(
        self, message: str, status_code: int = 422, /, *, code: str, **details: Any
    ) -> None:
        super().__init__(message, code=code, **details)
        self.status_code = status_code


class Account(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    login: str
    display_name: str
    roles: tuple[str, ...]
    scopes: tuple[str, ...] = ()
    enabled: bool = True
    password_hash: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class Session(msgspec.Struct, frozen=True, kw_only=True):
    """A signed-in browser: its refresh token is known only by its hash."""

    id: uuid.UUID
    account_id: uuid.UUID
    expires_at: datetime
    revoked_at: datetime | None = None


class MachineToken(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str
    roles: tuple[str, ...]
    scopes: tuple[str, ...] = ()
    created_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def subject(self) -> str:
        return f"machine:{self.id}"


# --- where a person is told what happened

MailLanguage = Language


class Contact(msgspec.Struct, frozen=True, kw_only=True):
    """Where the person is told what happened: an e-mail address ("" for none: the inbox and
    printed letters only) and the language of the mails."""

    email: str = ""
    language: MailLanguage = "fr"


class ContactUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A change of one's contact: the fields given change, the others stay."""

    email: Annotated[str, msgspec.Meta(max_length=EMAIL_LENGTH)] | msgspec.UnsetType = msgspec.UNSET
    language: MailLanguage | msgspec.UnsetType = msgspec.UNSET


def checked_email(email: str) -> str:
    """The address as kept (trimmed; "" for none), or a refusal a person can act on."""
    email = email.strip()
    if email and not is_email(email):
        raise AccountError(
            f"“{email}” is not an e-mail address (name@example.org); leave it blank for no mail.",
            code="accounts.invalid_email",
            email=email,
        )
    return email


def checked_contact(email: str, language: str) -> Contact:
    checked = checked_email(email)
    if language not in LANGUAGES:
        raise AccountError("The language of the mails is fr or en.", code="accounts.mail_language")
    return msgspec.convert({"email": checked, "language": language}, Contact)


def own_account(principal: Principal) -> uuid.UUID:
    """The account of the person signed in; a development or machine token has none."""
    try:
        return uuid.UUID(principal.sub)
    except ValueError:
        raise AccountError(
            "This session was not opened with an account (a development or machine token): "
            "it has no contact to set.",
            403,
            code="accounts.not_an_account",
        ) from None


def changed_contact(contact: Contact, update: ContactUpdate) -> Contact:
    """``contact`` with what ``update`` gives, checked."""
    email = contact.email if update.email is msgspec.UNSET else update.email
    language = contact.language if update.language is msgspec.UNSET else update.language
    return checked_contact(email, language)


def normalise_login(login: str) -> str:
    return login.strip().lower()


def check_new_account(login: str, display_name: str, roles: tuple[str, ...]) -> None:
    try:
        msgspec.convert({"login": login, "display_name": display_name}, _NewAccount)
    except msgspec.ValidationError as error:
        raise AccountError(
            "A login is 2 to 64 lower-case letters, digits, dots, dashes or underscores, "
            "and a display name 1 to 120 characters.",
            code="accounts.invalid_account",
        ) from error
    check_roles(roles)


def check_roles(roles: tuple[str, ...]) -> None:
    unknown = [role for role in roles if role not in ROLES]
    if not roles or unknown:
        raise AccountError(
            f"Give at least one role among: {', '.join(ROLES)}.", code="accounts.invalid_roles"
        )


class _NewAccount(msgspec.Struct):
    login: Login
    display_name: DisplayName


def check_new_password(password: str, login: str) -> None:
    if len(password) < MINIMUM_PASSWORD_LENGTH:
        raise AccountError(
            f"The password must have at least {MINIMUM_PASSWORD_LENGTH} characters; "
            "a few unrelated words make a good one.",
            code="accounts.password_too_short",
            minimum=MINIMUM_PASSWORD_LENGTH,
        )
    if normalise_login(login) in password.lower():
        raise AccountError(
            "The password must not contain the login.", code="accounts.password_has_login"
        )


def check_may_sign_in(account: Account | None, password_matches: bool) -> Account:
    """Same message for an unknown login and a wrong password: logins are not revealed."""
    if account is None or not password_matches:
        raise AccountError("Wrong login or password.", 401, code="accounts.wrong_credentials")
    if not account.enabled:
        raise AccountError(
            "This account is disabled; ask an administrator.", 403, code="accounts.disabled"
        )
    return account


def check_may_refresh(session: Session | None, account: Account | None, now: datetime) -> Account:
    """A session refreshes only while it is neither revoked nor expired, for an enabled account."""
    if session is None or account is None:
        raise AccountError(
            "This session is unknown: sign in again.", 401, code="accounts.session_ended"
        )
    if session.revoked_at is not None:
        raise AccountError(
            "This session was ended: sign in again.", 401, code="accounts.session_ended"
        )
    if session.expires_at <= now:
        raise AccountError(
            "This session has expired: sign in again.", 401, code="accounts.session_ended"
        )
    if not account.enabled:
        raise AccountError(
            "This account is disabled; ask an administrator.", 403, code="accounts.disabled"
        )
    return account


def token_scopes(account: Account) -> tuple[str, ...]:
    """Unscoped roles reach everything anyway; others carry exactly their scopes."""
    return () if set(account.roles) <= UNSCOPED_ROLES else account.scopes


def new_secret() -> str:
    """An opaque secret for a refresh token or a reset link (256 bits)."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> bytes:
    """Secrets are stored as their SHA-256: a database leak does not leak usable tokens."""
    return hashlib.sha256(secret.encode()).digest()


def generated_password() -> str:
    """A password for a first admin or a demo account: 4 groups of 5 readable symbols."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


# --- trainings

ERASURE_ROLE = "erasure_officer"
TrainingReference = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Trainer = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]


class TrainingCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A training as an administrator records it: the course, its reference (the attendance
    certificate's number), the day it was taken, who gave it and its last valid day."""

    course: Course
    reference: TrainingReference
    taken_on: date
    trainer: Trainer
    valid_until: date


class Training(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    account_id: uuid.UUID
    course: Course
    reference: str
    taken_on: date
    trainer: str
    valid_until: date
    recorded_by: str = ""
    recorded_at: datetime | None = None

    def valid_on(self, day: date) -> bool:
        return valid_on(self.taken_on, self.valid_until, day)


class ExpiringTraining(msgspec.Struct, frozen=True, kw_only=True):
    """A training whose validity ends soon, with whose it is (for administrators' list)."""

    training: Training
    login: str
    display_name: str


def check_training(training: TrainingCreate) -> None:
    if training.valid_until < training.taken_on:
        raise AccountError(
            "A training is valid until a day after it was taken: check the two dates.",
            code="accounts.training_ends_before",
        )


def check_may_give_roles(
    given: tuple[str, ...], held: tuple[str, ...], trainings: list[Training], day: date
) -> None:
    """The erasure-officer role goes only to someone whose erasure training is valid today."""
    newly_given = ERASURE_ROLE in given and ERASURE_ROLE not in held
    if newly_given and not any(t.course == ERASURE_COURSE and t.valid_on(day) for t in trainings):
        raise AccountError(
            "The erasure-officer role needs an erasure training valid today: record the "
            "person's training first.",
            code="accounts.training_required",
        )
