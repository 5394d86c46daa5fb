"""Key rotation: a new key signs while the old one's tokens stay good until they expire; a
revoked key's tokens are refused at once, even by a service that remembered them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from boucle.cli import main
from shared.auth import (
    MAX_TOKEN_SECONDS,
    PRIVATE_KEY_FILE,
    RETIREMENT_DELAY,
    TRUSTED_KEYS_FILE,
    InvalidToken,
    TrustedKeys,
    ensure_keypair,
    issue_token,
    key_id,
    load_private_key,
    read_key_ring,
    write_private_key,
)
from shared.keys import describe, revoke, rotate, signing_kid
from shared.web.security import VerifiedTokens


def token(folder: Path, subject: str = "amina") -> str:
    return issue_token(load_private_key(folder), subject, ("collector",), ttl_seconds=600)


def service_reading(folder: Path) -> VerifiedTokens:
    """What a service holds: the ring's file, checked again at once for the test."""
    return VerifiedTokens(TrustedKeys(str(folder / TRUSTED_KEYS_FILE), recheck_seconds=0))


def test_a_token_names_the_key_that_signed_it(tmp_path: Path) -> None:
    ensure_keypair(tmp_path)
    assert token(tmp_path).split(".")[0] == signing_kid(tmp_path)


def test_after_a_rotation_old_and_new_tokens_are_both_accepted(tmp_path: Path) -> None:
    ensure_keypair(tmp_path)
    tokens = service_reading(tmp_path)
    before = token(tmp_path)
    old_kid = signing_kid(tmp_path)
    assert tokens.verify(before).sub == "amina"

    assert rotate(tmp_path, datetime.now(UTC)) == [old_kid]

    after = token(tmp_path, "bilal")
    assert signing_kid(tmp_path) != old_kid
    assert tokens.verify(before).sub == "amina"
    assert tokens.verify(after).sub == "bilal"


def test_a_service_meeting_a_new_key_reads_the_ring_again_at_once(tmp_path: Path) -> None:
    ensure_keypair(tmp_path)
    tokens = VerifiedTokens(TrustedKeys(str(tmp_path / TRUSTED_KEYS_FILE), recheck_seconds=3600))
    rotate(tmp_path, datetime.now(UTC))
    assert tokens.verify(token(tmp_path)).sub == "amina"


def test_the_old_key_is_trusted_until_every_token_it_signed_has_expired(tmp_path: Path) -> None:
    ensure_keypair(tmp_path)
    now = datetime.now(UTC)
    rotate(tmp_path, now)
    old, new = read_key_ring(tmp_path / TRUSTED_KEYS_FILE).keys
    assert new.retires_at is None
    assert old.retires_at == now + RETIREMENT_DELAY
    assert timedelta(seconds=MAX_TOKEN_SECONDS) < RETIREMENT_DELAY


def test_a_key_whose_retirement_has_come_is_refused_and_dropped(tmp_path: Path) -> None:
    ensure_keypair(tmp_path)
    old = token(tmp_path)
    rotate(tmp_path, datetime.now(UTC) - RETIREMENT_DELAY - timedelta(seconds=1))
    with pytest.raises(InvalidToken, match="not trusted"):
        service_reading(tmp_path).verify(old)
    assert "retired: refused" in describe(tmp_path, datetime.now(UTC))[0]
    rotate(tmp_path, datetime.now(UTC))
    assert len(read_key_ring(tmp_path / TRUSTED_KEYS_FILE).keys) == 2


def test_a_revoked_key_is_refused_even_for_a_token_already_remembered(tmp_path: Path) -> None:
    ensure_keypair(tmp_path)
    tokens = service_reading(tmp_path)
    leaked_kid, leaked = signing_kid(tmp_path), token(tmp_path)
    rotate(tmp_path, datetime.now(UTC))
    assert tokens.verify(leaked).sub == "amina"

    revoke(tmp_path, leaked_kid, datetime.now(UTC))

    with pytest.raises(InvalidToken, match="not trusted"):
        tokens.verify(leaked)
    assert tokens.verify(token(tmp_path)).sub == "amina"


def test_revoking_the_signing_key_signs_with_a_new_one_first(tmp_path: Path) -> None:
    ensure_keypair(tmp_path)
    tokens = service_reading(tmp_path)
    leaked_kid, leaked = signing_kid(tmp_path), token(tmp_path)

    revoke(tmp_path, leaked_kid, datetime.now(UTC))

    assert signing_kid(tmp_path) != leaked_kid
    assert [entry.kid for entry in read_key_ring(tmp_path / TRUSTED_KEYS_FILE).keys] == [
        signing_kid(tmp_path)
    ]
    with pytest.raises(InvalidToken):
        tokens.verify(leaked)
    assert tokens.verify(token(tmp_path)).sub == "amina"


def test_revoking_a_key_nobody_trusts_says_which_keys_are_trusted(tmp_path: Path) -> None:
    ensure_keypair(tmp_path)
    with pytest.raises(LookupError, match=signing_kid(tmp_path)):
        revoke(tmp_path, "not-a-key", datetime.now(UTC))


def test_a_keys_folder_from_before_rotation_gets_a_ring_trusting_its_key(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    write_private_key(tmp_path / PRIVATE_KEY_FILE, key)
    ensure_keypair(tmp_path)
    (entry,) = read_key_ring(tmp_path / TRUSTED_KEYS_FILE).keys
    assert entry.kid == key_id(key.public_key())
    assert load_private_key(tmp_path).public_key() == key.public_key()


def test_no_token_outlives_the_retirement_of_its_key() -> None:
    with pytest.raises(ValueError, match="12 hours"):
        issue_token(Ed25519PrivateKey.generate(), "x", ("admin",), ttl_seconds=13 * 3600)


def test_the_command_rotates_lists_and_revokes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = ["keys", "--keys", str(tmp_path)]
    assert main([*keys, "rotate"]) == 0
    first = signing_kid(tmp_path)
    assert main([*keys, "rotate"]) == 0
    second = signing_kid(tmp_path)
    shown = capsys.readouterr().out
    assert f"key {first} signs no more; trusted until" in shown
    assert f"{second}  added" in shown and "signs tokens" in shown

    assert main([*keys, "revoke", first]) == 0
    assert main([*keys, "list"]) == 0
    listed = capsys.readouterr().out.split("revoked")[-1]
    assert first not in listed and second in listed
    assert main([*keys, "revoke", first]) == 1
    assert "no trusted key" in capsys.readouterr().err
