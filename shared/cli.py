"""The ``boucle`` command: run the stack, one service, print tokens, write the contracts."""

from __future__ import annotations

import argparse
import asyncio
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

    serve = commands.add_parser("serve", help="run one service against BOUCLE_* servers")
    serve.add_argument("service", choices=_services())

    token = commands.add_parser("token", help="print a development token (only the token)")
    token.add_argument("--role", action="append", required=True, choices=_roles())
    token.add_argument("--scope", action="append", default=[])
    token.add_argument("--subject", default="dev")
    token.add_argument("--hours", type=int, default=12)
    token.add_argument("--data", type=Path, default=DEFAULT_DATA)

    contracts = commands.add_parser("contracts", help="write proto/ from the event Structs")
    contracts.add_argument("--check", action="store_true", help="fail if proto/ is stale")
    contracts.add_argument("--out", type=Path, default=Path("proto"))

    args = parser.parse_args(argv)
    if args.command == "up":
        from shared.devstack.up import run_up

        return run_up(args.data, demo=args.demo, free_ports=args.free_ports)
    if args.command == "serve":
        return _serve(args.service)
    if args.command == "token":
        return _token(args)
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

    from shared.config import load_settings
    from shared.services import build_app

    settings = load_settings(service=service)
    app = build_app(service)
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


def _token(args: argparse.Namespace) -> int:
    from shared.auth import issue_token, load_private_key

    try:
        key = load_private_key(args.data / "keys")
    except FileNotFoundError:
        print(f"no signing key in {args.data}/keys: run `boucle up` first", file=sys.stderr)
        return 2
    print(issue_token(key, args.subject, tuple(args.role), tuple(args.scope), args.hours * 3600))
    return 0


if __name__ == "__main__":
    sys.exit(main())
