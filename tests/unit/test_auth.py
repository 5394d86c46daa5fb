"""Tokens signed with Ed25519: verified with the public key, forgeries and expiry refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.auth import (
    InvalidToken,
    TrustedKeys,
    ensure_keypair,
    issue_token,
    load_private_key,
    verify_token,
)
from shared.web.security import VerifiedTokens
from tests.support.uow import FakeClock


def test_a_token_issued_with_the_private_key_is_verified_with_the_public_key(
    tmp_path: Path,
) -> None:
    public_path = ensure_keypair(tmp_path)
    token = issue_token(
        load_private_key(tmp_path), "amina", ("collector",), ("collection_point:1",)
    )
    principal = verify_token(TrustedKeys(str(public_path)), token)
    assert principal.sub == "amina"
    assert principal.roles == ("collector",)
    assert principal.may_reach("collection_point:1")
    assert not principal.may_reach("collection_point:2")


def test_coordinators_reach_every_scope() -> None:
    key = Ed25519PrivateKey.generate()
    principal = verify_token(key.public_key(), issue_token(key, "c", ("coordinator",)))
    assert principal.may_reach("collection_point:anything")


def test_a_token_signed_by_another_key_is_refused() -> None:
    ours, theirs = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with pytest.raises(InvalidToken):
        verify_token(ours.public_key(), issue_token(theirs, "mallory", ("admin",)))


def test_a_token_whose_claims_were_edited_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    kid, body, signature = issue_token(key, "amina", ("collector",)).split(".")
    forged = f"{kid}.{body.replace(body[5], 'A' if body[5] != 'A' else 'B')}.{signature}"
    with pytest.raises(InvalidToken):
        verify_token(key.public_key(), forged)


def test_an_expired_token_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    with pytest.raises(InvalidToken, match="expired"):
        verify_token(key.public_key(), issue_token(key, "amina", ("collector",), ttl_seconds=-1))


def test_the_key_pair_is_created_once(tmp_path: Path) -> None:
    ensure_keypair(tmp_path)
    first = (tmp_path / "auth-ed25519.pem").read_bytes()
    ensure_keypair(tmp_path)
    assert (tmp_path / "auth-ed25519.pem").read_bytes() == first
    assert (tmp_path / "auth-ed25519.pem").stat().st_mode & 0o077 == 0


def test_a_remembered_token_is_still_refused_once_it_expires() -> None:
    key = Ed25519PrivateKey.generate()
    clock = FakeClock(datetime.now(UTC))
    tokens = VerifiedTokens(key.public_key(), clock=clock)
    token = issue_token(key, "amina", ("collector",), ttl_seconds=60)
    assert tokens.verify(token).sub == "amina"
    clock.advance(timedelta(seconds=50))
    assert tokens.verify(token).sub == "amina"
    clock.advance(timedelta(seconds=12))
    with pytest.raises(InvalidToken, match="expired"):
        tokens.verify(token)
    assert tokens.expired_but_genuine(token)


def test_a_token_first_seen_after_it_expired_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    clock = FakeClock(datetime.now(UTC) + timedelta(seconds=62))
    token = issue_token(key, "amina", ("collector",), ttl_seconds=60)
    with pytest.raises(InvalidToken, match="expired"):
        VerifiedTokens(key.public_key(), clock=clock).verify(token)


def test_remembering_tokens_does_not_let_a_forgery_through() -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    tokens = VerifiedTokens(key.public_key(), size=2)
    for _ in range(3):
        tokens.verify(issue_token(key, "amina", ("collector",)))
    with pytest.raises(InvalidToken):
        tokens.verify(issue_token(other, "mallory", ("admin",)))
