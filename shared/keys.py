"""Rotating and revoking the keys that sign tokens, with no outage (``boucle keys``).

A rotation adds a new key to the key ring every service trusts, then makes it the signing
key; the old one stays trusted until every token it signed has expired (``RETIREMENT_DELAY``),
then services refuse it by themselves and the next change to the ring drops it. A revocation
drops a key from the ring at once (a new signing key first, if it was the signing one):
every service reads the ring again within a second and refuses the key's tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.auth import (
    PRIVATE_KEY_FILE,
    RETIREMENT_DELAY,
    TRUSTED_KEYS_FILE,
    KeyRing,
    TrustedKey,
    ensure_keypair,
    key_id,
    load_private_key,
    public_pem,
    read_key_ring,
    write_key_ring,
    write_private_key,
)


def signing_kid(folder: Path) -> str:
    return key_id(load_private_key(folder).public_key())


def rotate(folder: Path, now: datetime) -> list[str]:
    """A new signing key; returns the ids of the keys that stopped signing (none when the
    folder had no key: its first one is made)."""
    if not (folder / PRIVATE_KEY_FILE).exists():
        ensure_keypair(folder)
        return []
    ring = _current_ring(folder, now)
    new_key = Ed25519PrivateKey.generate()
    retiring = []
    for index, entry in enumerate(ring.keys):
        if entry.retires_at is None:
            ring.keys[index] = _retired(entry, now + RETIREMENT_DELAY)
            retiring.append(entry.kid)
    ring.keys.append(_entry(new_key, now))
    # Trusted everywhere before it signs anything: a service that meets a token of a key it
    # does not know reads the ring again.
    write_key_ring(folder / TRUSTED_KEYS_FILE, ring)
    write_private_key(folder / PRIVATE_KEY_FILE, new_key)
    return retiring


def revoke(folder: Path, kid: str, now: datetime) -> None:
    ring = _current_ring(folder, now)
    if kid not in {entry.kid for entry in ring.keys}:
        known = ", ".join(entry.kid for entry in ring.keys)
        raise LookupError(f"no trusted key {kid!r} in {folder} (trusted: {known})")
    if kid == signing_kid(folder):
        rotate(folder, now)
        ring = read_key_ring(folder / TRUSTED_KEYS_FILE)
    ring.keys = [entry for entry in ring.keys if entry.kid != kid]
    write_key_ring(folder / TRUSTED_KEYS_FILE, ring)


def describe(folder: Path, now: datetime) -> list[str]:
    signing = signing_kid(folder) if (folder / PRIVATE_KEY_FILE).exists() else ""
    lines = []
    for entry in read_key_ring(folder / TRUSTED_KEYS_FILE).keys:
        if entry.kid == signing:
            state = "signs tokens"
        elif entry.retires_at is None:
            state = "trusted (signs no more)"
        elif entry.retires_at > now:
            state = f"signs no more; trusted until {when(entry.retires_at)}"
        else:
            state = "retired: refused"
        lines.append(f"{entry.kid}  added {when(entry.added_at)}  {state}")
    return lines


def _current_ring(folder: Path, now: datetime) -> KeyRing:
    """The ring as it is (made from the signing key if there is none yet), without the keys
    whose retirement has come."""
    ensure_keypair(folder)
    ring = read_key_ring(folder / TRUSTED_KEYS_FILE)
    ring.keys = [entry for entry in ring.keys if entry.retires_at is None or entry.retires_at > now]
    return ring


def _entry(key: Ed25519PrivateKey, now: datetime) -> TrustedKey:
    public_key = key.public_key()
    return TrustedKey(kid=key_id(public_key), public_key=public_pem(public_key), added_at=now)


def _retired(entry: TrustedKey, at: datetime) -> TrustedKey:
    return TrustedKey(
        kid=entry.kid, public_key=entry.public_key, added_at=entry.added_at, retires_at=at
    )


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
