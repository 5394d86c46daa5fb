"""``boucle up``: start everything, print where it is, stop everything cleanly on Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import signal
import threading
import urllib.request
from pathlib import Path

from services.group_purchase.accounts import operators
from shared.auth import ROLES, issue_token, load_private_key
from shared.config import SERVICES
from shared.devstack.stack import Stack, any_free_ports
from shared.labels import generate_code


def run_up(data_dir: Path, demo: bool = False, free_ports: bool = False) -> int:
    stack = Stack(data_dir, any_free_ports() if free_ports else None)
    stopping = threading.Event()

    def request_stop(signal_number: int, _frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        print(f"Boucle: starting PostgreSQL and NATS (data in {stack.data_dir})", flush=True)
        stack.start_servers()
        stack.migrate_all()
        point_ids: list[str] = []
        admin_password = asyncio.run(operators.first_admin(stack.postgres.dsn))
        people: list[tuple[str, str, str]] = []
        if demo:
            from services.collection_point.demo import seed

            point_ids = [str(point_id) for point_id in asyncio.run(seed(stack.postgres.dsn))]
            people = asyncio.run(operators.demo_accounts(stack.postgres.dsn, point_ids))
        print("Boucle: starting the four services", flush=True)
        stack.start_services()
        tokens = _dev_tokens(stack, point_ids)
        if demo:
            _post_demo_intakes(stack, tokens["coordinator"], point_ids)
        _print_welcome(stack, tokens)
        _print_accounts(stack, admin_password, people)
        while not stopping.is_set() and all(p.poll() is None for p in stack.services.values()):
            stopping.wait(0.5)
        crashed = [name for name, p in stack.services.items() if p.poll() is not None]
        if crashed:
            print(f"Boucle: {', '.join(crashed)} stopped unexpectedly; see {stack.data_dir}/logs")
            return 1
        return 0
    finally:
        print("Boucle: stopping…", flush=True)
        stack.stop()
        print("Boucle: stopped.", flush=True)


def _dev_tokens(stack: Stack, point_ids: list[str]) -> dict[str, str]:
    key = load_private_key(stack.keys_dir)
    scopes = {"collector": tuple(f"collection_point:{point}" for point in point_ids)}
    return {
        role: issue_token(key, f"dev-{role}", (role,), scopes.get(role, ()))  # type: ignore[arg-type]
        for role in ROLES
    }


def _post_demo_intakes(stack: Stack, token: str, point_ids: list[str]) -> None:
    kinds = ["laptop", "laptop", "smartphone", "tablet", "desktop", "monitor"]
    for index, kind in enumerate(kinds):
        body = {
            "label": generate_code(),
            "device_type": kind,
            "collection_point_id": point_ids[index % len(point_ids)],
        }
        request = urllib.request.Request(
            f"{stack.url('collection_point')}/api/v1/intakes",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
        print(f"  demo device {body['label']}: {stack.url('inventory')}/d/{body['label']}")


def _print_welcome(stack: Stack, tokens: dict[str, str]) -> None:
    print("\nBoucle is running. Press Ctrl-C to stop.\n")
    for service in SERVICES:
        print(f"  {service:<17} {stack.url(service)}   (API description: /schema)")
    print(f"\n  PostgreSQL        {stack.postgres.dsn}")
    print(f"  NATS              {stack.nats.url}")
    print("\nDevelopment tokens (Authorization: Bearer …), valid 12 hours:")
    for role, token in tokens.items():
        print(f"  {role:<16} {token}")
    print(flush=True)


def _print_accounts(
    stack: Stack, admin_password: str | None, people: list[tuple[str, str, str]]
) -> None:
    sign_in = f"{stack.url('group_purchase')}/auth/sign-in"
    print(f"Sign in at {sign_in}")
    if admin_password:
        print("  First administrator (shown this once; change it after signing in):")
        print(f"    login admin   password {admin_password}")
    if people:
        print("  Demo accounts, one per persona:")
        for persona, login, password in people:
            shown = password or "(unchanged since it was created; `boucle users reset`)"
            print(f"    {persona:<16} login {login:<20} password {shown}")
    print(flush=True)
