"""CPU of one donation's trip through a service's Litestar layers (middleware, guards, body,
response), in process: no server, no database, the handler answering at once. The best of a
few runs, so that other work on the machine counts as little as possible.

Run with ``python -m tests.benchmarks.bench_http_stack``."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

import msgspec
from litestar import Controller, Litestar, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.types import Message, ReceiveMessage

from services.collection_point.domain import IntakeCreate
from shared.auth import Principal, ensure_keypair, issue_token, load_private_key
from shared.config import load_settings
from shared.web.app import ServiceDefinition, create_app
from shared.web.replays import IdempotencyKey, request_fingerprint
from shared.web.security import allow

ANSWER = msgspec.json.encode({"id": "01920000-0000-7000-8000-000000000000", "label": "K7Q2"})
DONATION = msgspec.json.encode(
    {
        "label": "K7Q2-M9XB-4",
        "device_type": "laptop",
        "collection_point_id": "01920000-0000-7000-8000-000000000000",
        "acknowledgements": {"data_erasure": True, "recycling": True, "stickers_removed": True},
    }
)


class IntakeController(Controller):
    """The intake route's signature, answering without the database."""

    path = "/api/v1/intakes"

    @post("/", opt=allow("collector"), status_code=201)
    async def create_intake(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[IntakeCreate],
        runtime: NamedDependency[object],
        principal: NamedDependency[Principal],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[bytes]:
        await request_fingerprint(request, principal)
        return Response(ANSWER, status_code=201, media_type="application/json")


def intake_app(keys: Path, log_sink: TextIO) -> tuple[Litestar, str]:
    """The app and a collector's token; its log lines (one per request, as in production,
    so they are counted) go to ``log_sink``."""
    settings = load_settings(
        {}, service="collection_point", auth_public_key=str(ensure_keypair(keys)), log_format="json"
    )
    definition = ServiceDefinition(
        name="collection_point", title="bench", route_handlers=[IntakeController], migrations=keys
    )
    terminal, sys.stderr = sys.stderr, log_sink
    try:
        app = create_app(settings, definition)  # its logger keeps writing to the sink
    finally:
        sys.stderr = terminal
    app.state.runtime = None  # what the lifespan would set; the handler does not use it
    return app, issue_token(load_private_key(keys), "bench", ("collector",))


async def donate(app: Litestar, token: str) -> int:
    """One intake request through the ASGI app; its status."""
    headers = [
        (b"host", b"127.0.0.1:8000"),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(DONATION)).encode()),
        (b"authorization", f"Bearer {token}".encode()),
        (b"idempotency-key", b"bench"),
        (b"accept", b"*/*"),
    ]
    scope: Any = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/v1/intakes", "raw_path": b"/api/v1/intakes",
        "root_path": "", "query_string": b"", "headers": headers,
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {},
    }  # fmt: skip
    body_sent = False
    status = 0

    async def receive() -> ReceiveMessage:
        nonlocal body_sent
        if body_sent:  # the handler read it all: nothing more comes
            await asyncio.Event().wait()
        body_sent = True
        return {"type": "http.request", "body": DONATION, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def microseconds_per_request(app: Litestar, token: str, requests: int) -> float:
    for _ in range(200):  # warm caches (signature models, verified tokens)
        assert await donate(app, token) == 201
    started = time.process_time()
    for _ in range(requests):
        await donate(app, token)
    return (time.process_time() - started) / requests * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1500, help="requests per run")
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as keys, open(os.devnull, "w") as log_sink:
        app, token = intake_app(Path(keys), log_sink)
        runs = [
            asyncio.run(microseconds_per_request(app, token, args.requests))
            for _ in range(args.runs)
        ]
    print(
        f"intake request through Litestar's layers: {min(runs):.0f} µs of CPU (best of "
        f"{args.runs} runs of {args.requests}; median {sorted(runs)[len(runs) // 2]:.0f} µs)"
    )


if __name__ == "__main__":
    main()
