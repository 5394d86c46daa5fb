"""``boucle keys``: list, rotate and revoke the keys that sign tokens, with no outage.

A rotation adds a new key to the key ring every service trusts, then makes it the signing
key; the old one stays trusted until every token it signed has expired (``RETIREMENT_DELAY``),
then services refuse it by themselves and the next change to the ring drops it. A revocation
drops a key from the ring at once (a new signing key first, if it was the signing one):
every service reads the ring again within a second and refuses the key's tokens."""

from __future__ import annotations

import argparse
import sys
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

DEFAULT_KEYS = Path(".boucle/keys")


def add_keys_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser("keys", help="list, rotate or revoke the keys that sign tokens")
    keys.add_argument(
        "--keys",
        type=Path,
        default=DEFAULT_KEYS,
        help=f"the keys folder: {PRIVATE_KEY_FILE} and {TRUSTED_KEYS_FILE} (default: %(default)s)",
    )
    actions = keys.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="the trusted keys: which one signs, until when others last")
    actions.add_parser(
        "rotate", help="sign with a new key; the old one is trusted until its tokens expire"
    )
    revoke = actions.add_parser("revoke", help="stop trusting a key at once (a leaked key)")
    revoke.add_argument("kid", help="the key's id, as `boucle keys list` shows it")
    keys.set_defaults(run=run_keys_command)


def run_keys_command(args: argparse.Namespace) -> int:
    folder: Path = args.keys
    now = datetime.now(UTC)
    if args.action == "rotate":
        retiring = rotate(folder, now)
        print(f"signing with key {signing_kid(folder)}")
        for kid in retiring:
            print(f"key {kid} signs no more; trusted until {_when(now + RETIREMENT_DELAY)}")
    elif args.action == "revoke":
        try:
            revoke(folder, args.kid, now)
        except LookupError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"key {args.kid} revoked: its tokens are refused; signing with {signing_kid(folder)}")
    if not (folder / TRUSTED_KEYS_FILE).exists():
        print(f"no keys in {folder}: `boucle keys rotate --keys {folder}` creates them")
        return 1
    for line in describe(folder, now):
        print(line)
    return 0


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
            state = f"signs no more; trusted until {_when(entry.retires_at)}"
        else:
            state = "retired: refused"
        lines.append(f"{entry.kid}  added {_when(entry.added_at)}  {state}")
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


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
