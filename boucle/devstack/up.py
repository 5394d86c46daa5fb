"""``boucle up``: start everything, print where it is, stop everything cleanly on Ctrl-C."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from boucle.devstack import demo_purchase
from boucle.devstack.calls import call
from boucle.devstack.cluster import ClusterStack, any_free_cluster_ports
from boucle.devstack.mail_catcher import MailCatcher
from boucle.devstack.stack import Stack, any_free_ports
from services.group_purchase.accounts import operators
from services.group_purchase.notifications import coordinators
from services.group_purchase.notifications.contacts import give_demo_address
from shared.auth import ROLES, issue_token, load_private_key
from shared.config import SERVICES


def run_up(
    data_dir: Path, demo: bool = False, free_ports: bool = False, cluster: bool = False
) -> int:
    if cluster:
        stack: Stack = ClusterStack(data_dir, any_free_cluster_ports() if free_ports else None)
    else:
        stack = Stack(data_dir, any_free_ports() if free_ports else None)
    stopping = threading.Event()
    mail = MailCatcher().start()  # every mail the services send stops here
    stack.smtp_port = mail.port

    def request_stop(signal_number: int, _frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        print(f"Boucle: starting PostgreSQL and NATS (data in {stack.data_dir})", flush=True)
        stack.start_servers()
        stack.migrate_all()
        point_ids: list[str] = []
        scopes: dict[str, tuple[str, ...]] = {}
        admin_password = asyncio.run(operators.first_admin(stack.postgres.dsn))
        people: list[tuple[str, str, str]] = []
        if demo:
            point_ids, scopes = _seed_demo_territory(stack)
            people = asyncio.run(operators.demo_accounts(stack.postgres.dsn, scopes))
            asyncio.run(coordinators.give_demo_address(stack.postgres.dsn))
            # the demo's reservation lapses within a day, so its social worker is warned now
            stack.settings["BOUCLE_RESERVATION_HOURS"] = str(demo_purchase.RESERVATION_HOURS)
        print("Boucle: starting the four services", flush=True)
        stack.start_services()
        tokens = _dev_tokens(stack, scopes)
        if demo:
            codes = _post_demo_intakes(stack, tokens["coordinator"], point_ids)
            _refurbish_demo_laptop(stack, scopes, codes[0])
            demo_purchase.file_requests_and_open_a_campaign(
                stack, tokens | _demo_social_worker(stack, scopes), scopes
            )
            for device_type in asyncio.run(coordinators.tell_shortage_now(stack.postgres.dsn)):
                print(f"  stock short, the coordination told: {device_type}")
        stack.supervise(report=lambda line: print(f"Boucle: {line}", flush=True))
        _print_welcome(stack, tokens, mail.serve_page())
        _print_accounts(stack, admin_password, people)
        while not stopping.is_set():
            stopping.wait(0.5)
        return 0
    finally:
        print("Boucle: stopping…", flush=True)
        stack.stop()
        mail.stop()
        print("Boucle: stopped.", flush=True)


def _seed_demo_territory(stack: Stack) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """Collection points and a workshop; the scopes the demo's people get."""
    from services.collection_point.demo import seed as seed_points
    from services.group_purchase.requests.demo import seed as seed_organisation
    from services.refurbishment.demo import seed as seed_workshop

    point_ids = [str(point_id) for point_id in asyncio.run(seed_points(stack.postgres.dsn))]
    workshop = f"workshop:{asyncio.run(seed_workshop(stack.postgres.dsn))}"
    organisation = f"organisation:{asyncio.run(seed_organisation(stack.postgres.dsn))}"
    scopes = {
        "collector": tuple(f"collection_point:{point}" for point in point_ids),
        "refurbisher": (workshop,),
        "erasure_officer": (workshop,),
        "social_worker": (organisation,),
    }
    return point_ids, scopes


def _dev_tokens(stack: Stack, scopes: dict[str, tuple[str, ...]]) -> dict[str, str]:
    key = load_private_key(stack.keys_dir)
    return {
        role: issue_token(key, f"dev-{role}", (role,), scopes.get(role, ()))  # type: ignore[arg-type]
        for role in ROLES
    }


def _demo_social_worker(stack: Stack, scopes: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """The demo's households are registered by the demo social worker's account (which has an
    address): her news goes by mail to the catcher, and to her inbox when she signs in."""
    account_id = asyncio.run(give_demo_address(stack.postgres.dsn))
    if not account_id:
        return {}
    key = load_private_key(stack.keys_dir)
    role = "social_worker"
    return {role: issue_token(key, account_id, (role,), scopes[role])}  # type: ignore[arg-type]


def _post_demo_intakes(stack: Stack, token: str, point_ids: list[str]) -> list[str]:
    from services.collection_point.demo import DEMO_DONOR

    kinds = ["laptop", "laptop", "smartphone", "tablet", "desktop", "smartphone"]
    rolls = {  # labels are printed in batches for a point before devices arrive
        point_id: [
            label["code"]
            for label in call(
                f"{stack.url('collection_point')}/api/v1/label-batches",
                token,
                {"collection_point_id": point_id, "count": len(kinds)},
            )["labels"]
        ]
        for point_id in dict.fromkeys(point_ids)
    }
    codes = []
    for index, kind in enumerate(kinds):
        point_id = point_ids[index % len(point_ids)]
        code = rolls[point_id].pop()
        body = {
            "label": code,
            "device_type": kind,
            "collection_point_id": point_id,
            # The agent told the donor the three points and the donor accepted them.
            "acknowledgements": {"data_erasure": True, "recycling": True, "stickers_removed": True},
        }
        if index == 0:  # the laptop refurbished below: its donor hears it is ready
            body["contact"] = DEMO_DONOR
        call(f"{stack.url('collection_point')}/api/v1/intakes", token, body)
        codes.append(code)
        print(f"  demo device {code}: {stack.url('inventory')}/d/{code}")
    collected = f"{stack.url('collection_point')}/guichet/{point_ids[0]}/collecte"
    print(f"  what the first point collected (its donor's contact can be erased): {collected}")
    return codes


def _refurbish_demo_laptop(stack: Stack, scopes: dict[str, tuple[str, ...]], code: str) -> None:
    """Take one demo laptop through the bench, so the demo shows a device ready for a home."""
    key = load_private_key(stack.keys_dir)
    workshop = scopes["refurbisher"][0].removeprefix("workshop:")

    def token(subject: str, role: str) -> str:
        return issue_token(key, subject, (role,), scopes[role])  # type: ignore[arg-type]

    api = f"{stack.url('refurbishment')}/api/v1"
    order = _once_heard(  # the workshop learns of the device from its event
        lambda: call(
            f"{api}/check-ins",
            token("dev-refurbisher", "refurbisher"),
            {"workshop_id": workshop, "label": code},
        ),
        404,
    )
    if order is None:
        print("  (the demo workshop did not hear of the device in time; skipped)")
        return
    media = {
        "media_type": "flash",
        "level": "purge",
        "method": "crypto_erase",
        "tool": "nvme-cli",
        "tool_version": "2.8",
        "verification": "full",
        "started_at": "2026-11-28T09:00:00Z",
        "ended_at": "2026-11-28T09:04:00Z",
    }
    # the demo's two trained erasure officers sign with their accounts; the workshop learns
    # of their trainings from group_purchase's events, a moment after it started
    first, second = asyncio.run(operators.officer_ids(stack.postgres.dsn))
    erasure = _once_heard(
        lambda: call(
            f"{api}/work-orders/{order['id']}/erasures",
            token(first, "erasure_officer"),
            {"media": [media]},
        ),
        422,
    )
    issued = erasure and _once_heard(
        lambda: call(
            f"{api}/erasures/{erasure['erasure_id']}/validation",
            token(second, "erasure_officer"),
        ),
        422,
    )
    if not issued:
        print("  (the demo workshop did not hear of the officers' trainings in time; skipped)")
        return
    grade = {"grade": "B", "functional_pass": True, "specs": {"memory_gb": 8, "storage_gb": 256}}
    refurbisher = token("dev-refurbisher", "refurbisher")
    call(f"{api}/work-orders/{order['id']}/grade", refurbisher, grade)
    call(f"{api}/work-orders/{order['id']}/release", refurbisher)
    print(f"  refurbished and released: {stack.url('inventory')}/d/{code}")
    print(
        f"    erasure certificate: {stack.url('refurbishment')}/verifier?sha256={issued['sha256']}"
    )


def _once_heard(send: Callable[[], Any], waiting: int) -> Any:
    """What ``send`` answers, sent again while it answers ``waiting`` (a service that has not
    heard yet of another's event), 10 seconds at most; ``None`` if it never did."""
    for _ in range(100):
        try:
            return send()
        except urllib.error.HTTPError as error:
            if error.code != waiting:
                raise
            time.sleep(0.1)
    return None


def _print_welcome(stack: Stack, tokens: dict[str, str], mail_page: str) -> None:
    print("\nBoucle is running. Press Ctrl-C to stop.\n")
    for service in SERVICES:
        print(f"  {service:<17} {'  '.join(stack.urls(service))}   (API description: /schema)")
    print(f"\n  where to give     {stack.url('collection_point')}/lieux")
    print(f"  check an erasure  {stack.url('refurbishment')}/verifier")
    print(f"  mail sent         {mail_page}   (SMTP catcher on 127.0.0.1:{stack.smtp_port})")
    print(f"\n  PostgreSQL        {stack.postgres.dsn}")
    print(f"  NATS              {stack.nats.url}")
    if stack.supervisor is not None:
        print(f"\nA process that stops is {stack.supervisor.policy}; `boucle status` lists them.")
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
