"""The ``boucle`` command: run the stack and see its processes, run one service, print tokens,
maintain the register, write the contracts."""

from __future__ import annotations

import argparse
import asyncio
import gc
import signal
import sys
from pathlib import Path

DEFAULT_DATA = Path(".boucle")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="boucle", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="run all four services on embedded PostgreSQL and NATS")
    up.add_argument("--demo", action="store_true", help="load a demo territory")
    up.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data folder (kept)")
    up.add_argument(
        "--free-ports", action="store_true", help="use free ports instead of 8001-8004 etc."
    )
    up.add_argument(
        "--cluster",
        action="store_true",
        help="the production shape: 3 NATS nodes (R3 streams), 2 processes per service",
    )

    status = commands.add_parser(
        "status", help="the processes `boucle up` runs: state, restarts, where each logs"
    )
    status.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the `boucle up` folder")

    serve = commands.add_parser("serve", help="run one service against BOUCLE_* servers")
    serve.add_argument("service", choices=_services())

    token = commands.add_parser("token", help="print a development token (only the token)")
    token.add_argument("--role", action="append", required=True, choices=_roles())
    token.add_argument("--scope", action="append", default=[])
    token.add_argument("--subject", default="dev")
    token.add_argument("--hours", type=int, default=12)
    token.add_argument("--data", type=Path, default=DEFAULT_DATA)

    users = commands.add_parser("users", help="manage staff accounts")
    users.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the `boucle up` folder")
    users.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL URL (default: BOUCLE_DATABASE_URL or "
        "the database of `boucle up` in --data)",
    )
    users.add_argument("--url", default=None, help="base URL of the sign-in pages, for reset links")
    actions = users.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="list the accounts")
    add = actions.add_parser("add", help="add an account; prints a link to set its password")
    add.add_argument("login")
    add.add_argument("--name", required=True, help="display name")
    add.add_argument("--role", action="append", required=True, choices=_roles())
    add.add_argument("--scope", action="append", default=[])
    disable = actions.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("login")
    reset = actions.add_parser("reset", help="print a one-time link to choose a new password")
    reset.add_argument("login")
    contact = actions.add_parser(
        "contact", help="set where an account is told what happened (e-mail, language)"
    )
    contact.add_argument("login")
    contact.add_argument("--email", required=True, help='its address ("" for no mail)')
    contact.add_argument("--language", default="fr", choices=("fr", "en"))

    inventory = commands.add_parser("inventory", help="maintain the device register")
    inventory.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the `boucle up` folder")
    inventory.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL URL (default: BOUCLE_DATABASE_URL or the database of `boucle up`)",
    )
    register_actions = inventory.add_subparsers(dest="action", required=True)
    archive = register_actions.add_parser(
        "archive", help="move old histories of delivered or recycled devices to the archive"
    )
    archive.add_argument(
        "--older-than-days",
        type=int,
        default=None,
        help="devices in their final state for longer than this (default: "
        "BOUCLE_PASSIVE_AFTER_DAYS, 365)",
    )
    tier = register_actions.add_parser(
        "tier",
        help="move a month of passive history to the archived tier, verify, restore it; "
        "archive old events and purge them from the streams",
    )
    tier.add_argument(
        "step", choices=("move", "verify", "restore", "status", "events", "verify-events")
    )
    tier.add_argument("month", nargs="?", default=None, help="YYYY-MM (move, verify, restore)")
    tier.add_argument(
        "--older-than-days",
        type=int,
        default=None,
        help="events: those stored before the month of this many days ago (default: "
        "BOUCLE_STREAM_MAX_AGE_DAYS)",
    )
    tier.add_argument(
        "--nats-url", default=None, help="NATS URL (default: BOUCLE_NATS_URL or `boucle up`'s)"
    )
    tier.add_argument(
        "--folder",
        type=Path,
        default=None,
        help="where archived months go (default: BOUCLE_ARCHIVE_FOLDER, or the `boucle up` "
        "folder's archive/)",
    )
    register_actions.add_parser(
        "recount", help="compute the impact figures' daily counters afresh from the register"
    )
    rebuild = register_actions.add_parser(
        "rebuild", help="rebuild the register from the streams into a schema of its own and compare"
    )
    rebuild.add_argument(
        "--nats-url", default=None, help="NATS URL (default: BOUCLE_NATS_URL or `boucle up`'s)"
    )
    rebuild.add_argument(
        "--keep", action="store_true", help="keep the rebuilt schema (inventory_rebuild)"
    )

    from shared.keys_command import add_keys_command

    add_keys_command(commands)

    contracts = commands.add_parser("contracts", help="write proto/ from the event Structs")
    contracts.add_argument("--check", action="store_true", help="fail if proto/ is stale")
    contracts.add_argument("--out", type=Path, default=Path("proto"))

    args = parser.parse_args(argv)
    if hasattr(args, "run"):
        return int(args.run(args))
    if args.command == "up":
        from boucle.devstack.up import run_up

        return run_up(args.data, args.demo, args.free_ports, args.cluster)
    if args.command == "status":
        return _status(args.data)
    if args.command == "serve":
        return _serve(args.service)
    if args.command == "token":
        return _token(args)
    if args.command == "users":
        return _users(args)
    if args.command == "inventory":
        from boucle.devstack.stack import Stack
        from services.inventory.commands import run_inventory_command

        local = Stack(args.data)
        return run_inventory_command(args, local.postgres.dsn, local.nats.url)
    from shared.proto import write_or_check

    return write_or_check(args.out, check=args.check)


def _services() -> tuple[str, ...]:
    from shared.config import SERVICES

    return SERVICES


def _roles() -> tuple[str, ...]:
    from shared.auth import ROLES

    return ROLES


def _serve(service: str) -> int:
    from granian.constants import Interfaces
    from granian.server.embed import Server

    from boucle.services import build_app
    from shared.config import load_settings

    settings = load_settings(service=service)
    app = build_app(service)
    quiet_collector()
    server = Server(app, address=settings.http_host, port=settings.port, interface=Interfaces.ASGI)

    async def run() -> None:
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, server.stop)
        await server.serve()

    try:
        import uvloop
    except ImportError:  # not built for this platform: the standard loop serves too
        asyncio.run(run())
    else:
        uvloop.run(run())
    return 0


# The cyclic collector runs once this many more container objects were made than freed.
# Python's 700 ran it every few requests under load, each run promoting the objects of the
# requests then in flight, until full collections walked the whole heap.
YOUNG_COLLECTION_THRESHOLD = 7_000


def quiet_collector() -> None:
    """What start-up built (modules, the app, its routes and models) lives as long as the
    process: moved out of the cyclic collector's sight, which then runs less often. Reference
    counting still frees everything at once; only garbage in cycles waits a little longer."""
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])


def _status(data: Path) -> int:
    from boucle.devstack.supervisor import STATUS_FILE, status_report

    code, lines = status_report(data / STATUS_FILE)
    print("\n".join(lines))
    return code


def _token(args: argparse.Namespace) -> int:
    from shared.auth import issue_token, load_private_key

    try:
        key = load_private_key(args.data / "keys")
    except FileNotFoundError:
        print(f"no signing key in {args.data}/keys: run `boucle up` first", file=sys.stderr)
        return 2
    try:
        token = issue_token(
            key, args.subject, tuple(args.role), tuple(args.scope), args.hours * 3600
        )
    except ValueError as error:  # longer than a key is trusted after a rotation
        print(f"{error}: ask for --hours 12 or fewer", file=sys.stderr)
        return 2
    print(token)
    return 0


def _users(args: argparse.Namespace) -> int:
    import os

    from boucle.devstack.stack import Stack
    from services.group_purchase.accounts import operators
    from services.group_purchase.accounts.domain import AccountError
    from services.group_purchase.notifications import contacts
    from shared.config import DEFAULT_PORTS

    dsn = (
        args.database_url or os.environ.get("BOUCLE_DATABASE_URL") or Stack(args.data).postgres.dsn
    )
    base = (
        args.url
        or os.environ.get("BOUCLE_ACCOUNTS_URL")
        or os.environ.get("BOUCLE_PUBLIC_URL")
        or f"http://127.0.0.1:{DEFAULT_PORTS['group_purchase']}"
    ).rstrip("/")
    try:
        if args.action == "list":
            for line in asyncio.run(operators.list_accounts(dsn)):
                print(line)
        elif args.action == "add":
            secret = asyncio.run(
                operators.add_account(
                    dsn, args.login, args.name, tuple(args.role), tuple(args.scope)
                )
            )
            print(f"account {args.login} added; its password is chosen at this one-time link:")
            print(f"{base}/auth/reset/{secret}")
        elif args.action == "contact":
            if not asyncio.run(contacts.set_contact(dsn, args.login, args.email, args.language)):
                print(f"no account {args.login}", file=sys.stderr)
                return 1
            print(f"account {args.login}: mail to “{args.email or 'none'}”, in {args.language}")
        elif args.action == "disable":
            asyncio.run(operators.disable_account(dsn, args.login))
            print(f"account {args.login} disabled; its sessions end within 10 minutes")
        else:
            secret = asyncio.run(operators.reset_link(dsn, args.login))
            print(f"one-time link for {args.login} (valid 24 hours):")
            print(f"{base}/auth/reset/{secret}")
    except AccountError as error:
        print(str(error), file=sys.stderr)
        return 1
    except OSError as error:
        print(f"cannot reach the database ({error}): is `boucle up` running?", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
