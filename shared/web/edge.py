"""Hostile input refused at the edge of every service, before any handler works with it.

- A Host header that is not one of ours (links sent by e-mail, such as a password reset, are
  built from it): 400.
- More than ``BOUCLE_PUBLIC_REQUESTS_PER_MINUTE`` requests from one address on public routes:
  429 with ``Retry-After``.
- A NUL (U+0000) or half of a surrogate pair, which no text column can store, in a path or
  query parameter, a form field, a JSON string or a text body: 422 naming where.
- A JSON body nested deeper than ``BOUCLE_MAX_JSON_DEPTH``: 400.
- A body sent to a JSON route with another content type: 415. A value of the wrong JSON
  type (``"12"`` for a number) is refused, not converted: 422 naming the field.
- A body over its route's limit (``BOUCLE_MAX_BODY_BYTES`` unless the route says): 413, and
  the rest of the body read and dropped, so that a client still sending it reads the answer.

Every refusal is a problem (``shared.web.problems``): problem+json, or the error page for a
browser."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from shared.config import Settings
from shared.limits import RequestRate
from shared.web.problems import Problem
from shared.web.requests import caller_address

# Probes and scrapers call these by an internal address, and they reflect nothing.
UNCHECKED_HOST_PATHS = ("/health/", "/metrics")
# Browsers fetch a page's style sheets and images with it: counted with the page, not apart.
UNLIMITED_PUBLIC_PATHS = (*UNCHECKED_HOST_PATHS, "/static/", "/schema")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
ANY_ADDRESS = frozenset({"", "0.0.0.0", "::"})
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
# What a handler did not read of a body is read and dropped after the answer, up to this
# much and this long, while the client goes on sending; then the connection is closed.
DISCARDED_AT_MOST = 64 * 1024 * 1024
DISCARDING_SECONDS = 15.0
SILENCE_SECONDS = 1.0

_HOST = re.compile(r"(?P<name>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_JSON_START = re.compile(rb"\s*[\[{]")
_LONE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


@dataclass(frozen=True)
class Edge:
    """What the edge of one service process accepts, from its settings."""

    hosts: frozenset[str]
    any_host: bool
    public_rate: RequestRate
    max_json_depth: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Edge:
        named = [name.strip().lower() for name in settings.allowed_hosts.split(",")]
        from_urls = (
            urlsplit(url).hostname
            for url in (settings.public_url, settings.accounts_url, settings.inventory_url)
        )
        hosts = {*LOCAL_HOSTS, *named, *(host for host in from_urls if host)}
        if settings.http_host not in ANY_ADDRESS:
            hosts.add(settings.http_host.lower())
        return cls(
            hosts=frozenset(hosts - {""}),
            any_host="*" in named,
            public_rate=RequestRate(settings.public_requests_per_minute),
            max_json_depth=settings.max_json_depth,
        )

    def refuse_foreign_host(self, host: str | None) -> None:
        if host is None or self.any_host:
            return
        named = _HOST.fullmatch(host)
        if named is None or named["name"].strip("[]").lower() not in self.hosts:
            raise Problem(400, f"This server does not answer for the host “{host[:100]}”.")

    def refuse_too_many(self, caller: str) -> None:
        wait = self.public_rate.wait_seconds(caller)
        if wait:
            raise Problem(
                429,
                f"Too many requests from your address: try again in {wait} second(s).",
                headers={"Retry-After": str(wait)},
                retry_after_seconds=wait,
            )


Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]


def in_order(*guards: Guard) -> Callable[[Request[Any, Any, Any]], Awaitable[None]]:
    """``guards`` run one after the other before each request's handler, as one hook given
    the request (``before_request``): Litestar gives every guard it calls a copy of the route
    handler, a copy per request that cost more than a donation's own handler."""

    async def each_in_turn(request: Request[Any, Any, Any]) -> None:
        handler = request.route_handler
        for guard in guards:
            await guard(request, handler)

    return each_in_turn


async def screen_request(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Guard run before authorization: the host named, and how often public routes are hit."""
    edge: Edge = connection.app.state.edge
    path = connection.scope["path"]
    if path.startswith(UNCHECKED_HOST_PATHS):
        return
    edge.refuse_foreign_host(connection.headers.get("host"))
    if handler.opt.get("public") and not path.startswith(UNLIMITED_PUBLIC_PATHS):
        edge.refuse_too_many(caller_address(connection))


async def screen_input(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Guard run after authorization (nobody unknown gets a body read): every value sent."""
    path_values = connection.scope.get("path_params", {}).items()
    refuse_unstorable(((name, v) for name, v in path_values if isinstance(v, str)), "path")
    query = connection.scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, errors="replace")
        refuse_unstorable(pairs, "query")
    if isinstance(connection, Request) and _has_body(connection.scope):
        edge: Edge = connection.app.state.edge
        await _screen_body(connection, edge.max_json_depth)


def refuse_unstorable(values: Iterable[tuple[str, str]], source: str) -> None:
    """422 naming the first value holding a character no text column can store."""
    for name, text in values:
        for shown, checked in ((f"{name!r}", name), (name, text)):
            found = _UNSTORABLE.search(checked)
            if found:
                message = (
                    f"contains U+{ord(found.group()):04X}, a character that text cannot hold "
                    "(a NUL or half of a surrogate pair); remove it and send again"
                )
                raise Problem(
                    422,
                    f"{shown}: {message}",
                    errors=[{"key": shown, "source": source, "message": message}],
                )


def refuse_hostile_json(body: bytes, max_depth: int) -> None:
    """400 for JSON nested deeper than ``max_depth``, 422 for an unstorable character in a
    string; anything else malformed is left to the handler's decoding (a 400 too)."""
    if body.count(b"[") + body.count(b"{") <= max_depth and b"\\u" not in body:
        return  # cheap, and true of nearly every body: neither can be there
    try:
        value = msgspec.json.decode(body)
    except RecursionError:
        raise _too_deep(max_depth) from None
    except msgspec.DecodeError as error:
        if _LONE_SURROGATE.search(body):
            raise Problem(
                400,
                "The JSON body holds half of a surrogate pair (an escape \\uD800 to \\uDFFF "
                f"not followed by its other half): {error}",
            ) from None
        return
    refuse_unstorable(_strings_of(value, max_depth), "body")


def _strings_of(value: Any, max_depth: int) -> Iterator[tuple[str, str]]:
    """Each key and string of a decoded JSON value with where it is (``items[2].name``),
    refusing on the way a nesting deeper than ``max_depth``; depth-first, without recursion."""
    if isinstance(value, str):
        yield "body", value
    pending: list[tuple[Iterator[tuple[str, Any]], int]] = []
    if isinstance(value, dict | list):
        pending.append((_children(value, ""), 1))
    while pending:
        children, depth = pending[-1]
        child = next(children, None)
        if child is None:
            pending.pop()
            continue
        where, item = child
        yield where, item if isinstance(item, str) else ""  # a key is text too
        if isinstance(item, dict | list):
            if depth >= max_depth:
                raise _too_deep(max_depth, where)
            pending.append((_children(item, where), depth + 1))


def _children(container: dict[str, Any] | list[Any], where: str) -> Iterator[tuple[str, Any]]:
    if isinstance(container, list):
        for index, item in enumerate(container):
            yield f"{where}[{index}]", item
    else:
        for key, item in container.items():
            yield (f"{where}.{key}" if where else key), item


def _too_deep(max_depth: int, where: str = "") -> Problem:
    at = f" (at {where[:200]})" if where else ""
    return Problem(
        400, f"The JSON body is nested too deeply{at}: {max_depth} levels at most are accepted."
    )


def _has_body(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if (name == b"content-length" and value != b"0") or name == b"transfer-encoding":
            return True
    return False


async def _screen_body(request: Request[Any, Any, Any], max_json_depth: int) -> None:
    """Read as the handler will (Litestar keeps what was read for it), then look inside."""
    media_type = request.content_type[0]
    if media_type in FORM_TYPES:
        form = await request.form()
        fields = ((name, value) for name, value in form.multi_items() if isinstance(value, str))
        refuse_unstorable(fields, "body")
        return
    body = await request.body()
    is_json = media_type == "application/json" or media_type.endswith("+json")
    if is_json or _JSON_START.match(body):
        refuse_hostile_json(body, max_json_depth)
    elif media_type.startswith("text/") and b"\x00" in body:
        refuse_unstorable([("body", "\x00")], "body")
    expected = _json_body_type(request)
    if expected is not None:
        if not is_json:
            raise Problem(
                415,
                f"This route takes JSON: send the body with Content-Type: application/json "
                f"(it came as {media_type or 'nothing'}).",
            )
        refuse_loose_json(body, expected)


def _json_body_type(request: Request[Any, Any, Any]) -> Any:
    """The type a handler reads its JSON body into, or None when it takes no JSON body."""
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    kwarg = getattr(data, "kwarg_definition", None)
    if data is None or getattr(kwarg, "media_type", "application/json") != "application/json":
        return None
    return data.annotation


def refuse_loose_json(body: bytes, expected: Any) -> None:
    """422 when ``body`` holds the right fields with values of the wrong JSON type (Litestar
    would convert ``"12"`` into 12): a program sending that has a bug it should hear of."""
    try:
        msgspec.json.decode(body, type=expected, strict=True)
    except msgspec.ValidationError as error:
        message, _, path = str(error).partition(" - at `$.")
        key = path.rstrip("`") or "body"
        raise Problem(
            422, f"{key}: {message}", errors=[{"key": key, "source": "body", "message": message}]
        ) from error
    except (TypeError, msgspec.DecodeError):
        return  # a type msgspec does not decode itself, or not JSON: the handler says


def read_to_the_end(app: ASGIApp) -> ASGIApp:
    """Wrap the whole application (404s included) so that a body the handler did not read, as
    when it refused the request early, is read and dropped once the answer is sent: a server
    closing a connection with bytes unread resets it, and a client still sending its body
    (most send all of it before reading) would get the reset instead of the answer. A client
    waiting for the answer before sending gets it at once. At most ``DISCARDED_AT_MOST`` bytes
    are read this way, for ``DISCARDING_SECONDS`` and while they keep coming; then the
    connection is closed."""

    async def reading_to_the_end(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _has_body(scope):
            await app(scope, receive, send)
            return
        body_read = False

        async def receive_watching() -> ReceiveMessage:
            nonlocal body_read
            message = await receive()
            body_read = message["type"] != "http.request" or not message.get("more_body")
            return message

        await app(scope, receive_watching, send)
        if not body_read:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(DISCARDING_SECONDS):
                    await _discard_rest(receive)

    return reading_to_the_end


async def _discard_rest(receive: Receive) -> None:
    dropped = 0
    while dropped <= DISCARDED_AT_MOST:
        async with asyncio.timeout(SILENCE_SECONDS):  # a client waiting, not sending
            message = await receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            return
        dropped += len(message.get("body", b""))
