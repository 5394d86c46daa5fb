"""Accounts without I/O: password hashing, the sign-in throttle, sign-in and renewal rules,
and the security headers' policy."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.group_purchase.accounts.domain import (
    Account,
    AccountError,
    Session,
    check_may_refresh,
    check_may_sign_in,
    check_new_account,
    check_new_password,
    checked_email,
    digest,
    generated_password,
    token_scopes,
)
from services.group_purchase.accounts.passwords import hash_password, password_matches
from services.group_purchase.accounts.throttle import SignInThrottle
from shared.config import load_settings
from shared.web.headers import content_security_policy

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def an_account(**changes: object) -> Account:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "login": "camille",
        "display_name": "Camille",
        "roles": ("collector",),
        "scopes": ("collection_point:1",),
    }
    values.update(changes)
    return Account(**values)  # type: ignore[arg-type]


def a_session(**changes: object) -> Session:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "account_id": uuid.uuid4(),
        "expires_at": NOW + timedelta(hours=1),
    }
    values.update(changes)
    return Session(**values)  # type: ignore[arg-type]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# Passwords


def test_a_password_is_stored_as_an_argon2id_hash_that_only_it_matches() -> None:
    stored = hash_password("correct horse battery staple")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert password_matches(stored, "correct horse battery staple")
    assert not password_matches(stored, "correct horse battery stapler")


def test_no_password_matches_an_account_without_one_or_a_broken_hash() -> None:
    assert not password_matches(None, "anything at all")
    assert not password_matches("not a hash", "anything at all")


def test_a_new_password_is_long_enough_and_does_not_contain_the_login() -> None:
    check_new_password("un vélo bleu sous la pluie", "camille")
    with pytest.raises(AccountError, match="at least 12"):
        check_new_password("short", "camille")
    with pytest.raises(AccountError, match="login"):
        check_new_password("camille-2026-lille", "camille")


def test_generated_passwords_are_long_and_different() -> None:
    first, second = generated_password(), generated_password()
    assert len(first) >= 20 and first != second
    check_new_password(first, "admin")


def test_secrets_are_kept_as_digests_that_do_not_show_them() -> None:
    assert digest("abc") == digest("abc") != digest("abd")
    assert b"abc" not in digest("abc")


# New accounts


def test_an_account_needs_a_simple_login_and_a_known_role() -> None:
    check_new_account("agent.collecte", "Camille", ("collector",))
    with pytest.raises(AccountError):
        check_new_account("Camille Dupont", "Camille", ("collector",))
    with pytest.raises(AccountError):
        check_new_account("camille", "Camille", ())
    with pytest.raises(AccountError):
        check_new_account("camille", "Camille", ("superuser",))


def test_unscoped_roles_carry_no_scope_in_their_token() -> None:
    assert token_scopes(an_account()) == ("collection_point:1",)
    assert token_scopes(an_account(roles=("coordinator",), scopes=("x",))) == ()


# Signing in


def test_an_unknown_login_and_a_wrong_password_get_the_same_refusal() -> None:
    with pytest.raises(AccountError) as unknown:
        check_may_sign_in(None, False)
    with pytest.raises(AccountError) as wrong:
        check_may_sign_in(an_account(), False)
    assert str(unknown.value) == str(wrong.value)
    assert unknown.value.status_code == wrong.value.status_code == 401
    assert unknown.value.code == wrong.value.code == "accounts.wrong_credentials"


def test_a_disabled_account_cannot_sign_in_even_with_its_password() -> None:
    with pytest.raises(AccountError) as refused:
        check_may_sign_in(an_account(enabled=False), True)
    assert refused.value.status_code == 403


# Renewing a session


def test_a_live_session_of_an_enabled_account_is_renewed() -> None:
    account = an_account()
    assert check_may_refresh(a_session(account_id=account.id), account, NOW) is account


@pytest.mark.parametrize(
    ("session", "account", "status"),
    [
        (None, an_account(), 401),
        (a_session(revoked_at=NOW - timedelta(seconds=1)), an_account(), 401),
        (a_session(expires_at=NOW), an_account(), 401),
        (a_session(), an_account(enabled=False), 403),
    ],
    ids=["unknown", "signed out", "expired", "account disabled"],
)
def test_a_session_is_not_renewed_when(
    session: Session | None, account: Account, status: int
) -> None:
    with pytest.raises(AccountError) as refused:
        check_may_refresh(session, account, NOW)
    assert refused.value.status_code == status


# The throttle


def test_five_wrong_passwords_lock_the_login_for_the_rest_of_the_window() -> None:
    clock = FakeClock()
    throttle = SignInThrottle(per_login=5, per_address=100, window_seconds=900, clock=clock)
    for _ in range(5):
        assert throttle.wait_seconds("camille", "10.0.0.1") == 0
        throttle.failed("camille", "10.0.0.1")
        clock.now += 10
    assert throttle.wait_seconds("camille", "10.0.0.1") == 900 - 50
    assert throttle.wait_seconds("camille", "10.0.0.2") > 0  # the login, from anywhere
    assert throttle.wait_seconds("dominique", "10.0.0.1") == 0
    clock.now += 900 - 50
    assert throttle.wait_seconds("camille", "10.0.0.1") == 0


def test_one_address_guessing_many_logins_is_locked_out() -> None:
    clock = FakeClock()
    throttle = SignInThrottle(per_login=5, per_address=20, clock=clock)
    for attempt in range(20):
        throttle.failed(f"login-{attempt}", "10.0.0.9")
    assert throttle.wait_seconds("someone-else", "10.0.0.9") > 0
    assert throttle.wait_seconds("someone-else", "10.0.0.10") == 0


def test_signing_in_forgets_the_logins_earlier_failures() -> None:
    throttle = SignInThrottle(per_login=3, clock=FakeClock())
    for _ in range(2):
        throttle.failed("camille", "10.0.0.1")
    throttle.succeeded("camille")
    for _ in range(2):
        throttle.failed("camille", "10.0.0.1")
    assert throttle.wait_seconds("camille", "10.0.0.1") == 0


def test_a_flood_of_new_logins_and_addresses_does_not_lift_a_lockout() -> None:
    clock = FakeClock()
    throttle = SignInThrottle(per_login=5, per_address=20, clock=clock, max_keys=100)
    for _ in range(5):
        throttle.failed("camille", "10.0.0.1")
    for attempt in range(10_000):  # each a new login from a new address
        throttle.failed(f"guess-{attempt}", f"10.1.{attempt // 250}.{attempt % 250}")
    assert throttle.wait_seconds("camille", "10.0.0.2") > 0
    assert len(throttle._failures) <= 100  # bounded memory all the same
    clock.now += 15 * 60
    assert throttle.wait_seconds("camille", "10.0.0.2") == 0  # the lockout ends in time


def test_a_lockout_is_recorded_even_while_the_throttle_is_full_of_passing_keys() -> None:
    throttle = SignInThrottle(per_login=3, clock=FakeClock(), max_keys=10)
    for attempt in range(10):
        throttle.failed(f"guess-{attempt}", "10.0.0.9")
    for _ in range(3):
        throttle.failed("dominique", "10.0.0.3")
    assert throttle.wait_seconds("dominique", "10.0.0.4") > 0


# Security headers


def test_the_content_security_policy_allows_no_inline_code_and_no_framing() -> None:
    policy = content_security_policy(
        load_settings({}, public_url="https://boucle.example.org", accounts_url="")
    )
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "form-action 'self' https://boucle.example.org:*" in policy


def test_cookies_are_secure_when_the_public_address_is_https_unless_told_otherwise() -> None:
    assert load_settings({}, public_url="https://boucle.example.org").secure_cookies
    assert not load_settings({}, public_url="http://127.0.0.1:8001").secure_cookies
    assert load_settings({"BOUCLE_COOKIE_SECURE": "true"}).secure_cookies


def test_only_the_sign_in_service_behind_the_proxy_trusts_forwarded_addresses() -> None:
    assert not load_settings({}).trust_forwarded_for
    assert load_settings({"BOUCLE_TRUST_FORWARDED_FOR": "true"}).trust_forwarded_for


@pytest.mark.parametrize(
    "typed", ["amina at ccas", "amina@ccas", "@ccas.example", "a b@ccas.example", "a@b@c.example"]
)
def test_an_address_that_cannot_be_one_is_refused_with_what_was_typed(typed: str) -> None:
    with pytest.raises(AccountError) as raised:
        checked_email(typed)
    assert raised.value.code == "accounts.invalid_email"
    assert raised.value.details["email"] == typed


def test_an_address_is_kept_trimmed_and_a_blank_one_means_no_mail() -> None:
    assert checked_email("  alex.travailleur-social@ccas-roubaix.localhost ") == (
        "alex.travailleur-social@ccas-roubaix.localhost"
    )
    assert checked_email("   ") == ""
