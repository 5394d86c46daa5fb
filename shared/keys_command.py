"""The ``boucle keys`` command: its arguments, and what it prints (shared/keys.py does the work,
imported only when the command runs, so that other commands start without it)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_KEYS = Path(".boucle/keys")


def add_keys_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser("keys", help="list, rotate or revoke the keys that sign tokens")
    keys.add_argument(
        "--keys",
        type=Path,
        default=DEFAULT_KEYS,
        help="the keys folder: the signing key and public/auth-keys.json (default: %(default)s)",
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
    from shared.auth import RETIREMENT_DELAY, TRUSTED_KEYS_FILE
    from shared.keys import describe, revoke, rotate, signing_kid, when

    folder: Path = args.keys
    now = datetime.now(UTC)
    if args.action == "rotate":
        retiring = rotate(folder, now)
        print(f"signing with key {signing_kid(folder)}")
        for kid in retiring:
            print(f"key {kid} signs no more; trusted until {when(now + RETIREMENT_DELAY)}")
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
