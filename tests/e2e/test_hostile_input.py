"""Hostile input, generated from the OpenAPI documents of the four running services, is refused
at the edge with a 4xx problem a person can read — never a 5xx; and the limits hold: body
size, requests a minute on public routes, the host names a service answers for."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from boucle.devstack.stack import Stack
from shared.config import SERVICES, Settings
from shared.labels import generate_code
from tests.support.routes import declared_routes
from tests.support.stacks import token_for

NUL = "a\x00b"
DEEP = 50_000
MAX_BODY = Settings().max_body_bytes
PROBLEM = "application/problem+json"
SCOPED = ("collector", "refurbisher", "erasure_officer", "social_worker")


@dataclass(frozen=True)
class Probe:
    """One hostile request and what its answer must say."""

    what: str
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None
    names: str = ""  # the parameter or field the refusal must name
    status: int = 0  # the exact status expected, when there is one
    may_pass: bool = False  # a value within what the operation declares: only no 5xx


# Addresses of this machine (any 127.x.y.z is) that no other test calls from.
OWN_ADDRESSES = (f"127.{random.randint(1, 254)}.0.{host}" for host in itertools.count(2))


def attacker() -> httpx.AsyncClient:
    """A client on an address of its own, so that its requests count against no other
    test's allowance on public routes."""
    transport = httpx.AsyncHTTPTransport(local_address=next(OWN_ADDRESSES))
    return httpx.AsyncClient(transport=transport, timeout=60)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with attacker() as http:
        yield http


def _types(schema: dict[str, Any]) -> set[str]:
    declared = schema.get("type", [])
    found = set(declared if isinstance(declared, list) else [declared])
    for option in schema.get("oneOf", []) + schema.get("anyOf", []):
        found |= _types(option)
    return found


def _enum(schema: dict[str, Any]) -> bool:
    options = schema.get("oneOf", []) + schema.get("anyOf", [])
    return "enum" in schema or any(_enum(option) for option in options)


def _inlined(document: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """``node`` with each ``$ref`` to a component schema replaced by the schema."""
    if isinstance(node, list):
        return [_inlined(document, item, depth) for item in node]
    if not isinstance(node, dict) or depth > 8:
        return node
    reference = node.get("$ref", "")
    if reference.startswith("#/components/schemas/"):
        named = document["components"]["schemas"][reference.rsplit("/", 1)[-1]]
        return _inlined(document, named, depth + 1)
    return {key: _inlined(document, value, depth) for key, value in node.items()}


def _body_schema(operation: dict[str, Any]) -> dict[str, Any]:
    content = (operation.get("requestBody") or {}).get("content", {})
    schema: dict[str, Any] = content.get("application/json", {}).get("schema", {})
    return schema


def _string_field(schema: dict[str, Any]) -> str:
    for name, declared in schema.get("properties", {}).items():
        if "string" in _types(declared) and declared.get("format") != "uuid":
            return str(name)
    return "name"


def _example(parameter: dict[str, Any]) -> str:
    schema = parameter.get("schema", {})
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    if "integer" in _types(schema):
        return "7"
    return generate_code()


def _token(stack: Stack, roles: tuple[str, ...]) -> dict[str, str]:
    """A bearer token of a role that passes the route's guard; none for public routes."""
    if not roles:
        return {}
    role = next((r for r in ("admin", "coordinator") if r in roles), roles[0])
    scopes = [f"scope:{uuid.uuid4()}"] if role in SCOPED else []
    return {"Authorization": f"Bearer {token_for(stack, role, *scopes)}"}


def _roles_by_operation(stack: Stack, service: str) -> dict[tuple[str, str], tuple[str, ...]]:
    return {
        (re.sub(r":[^}]+\}", "}", path), method): tuple(opt.get("roles", ()))
        for path, method, opt in declared_routes(stack, service)
    }


def probes(stack: Stack, service: str, document: dict[str, Any]) -> Iterator[Probe]:
    roles = _roles_by_operation(stack, service)
    for path, item in _inlined(document, document["paths"]).items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            verb = method.upper()
            headers = {"Accept": "application/json", **_token(stack, roles.get((path, verb), ()))}
            parameters = operation.get("parameters", [])
            yield from _parameter_probes(stack.url(service), verb, path, parameters, headers)
            if verb != "GET":
                yield from _body_probes(
                    stack.url(service) + concrete(path, parameters, {}),
                    verb,
                    _body_schema(operation),
                    headers,
                )


def concrete(path: str, parameters: list[dict[str, Any]], values: dict[str, str]) -> str:
    examples = {p["name"]: _example(p) for p in parameters if p["in"] == "path"}
    examples.update(values)
    return re.sub(r"\{(\w+)\}", lambda match: examples[match.group(1)], path)


def _parameter_probes(
    base: str, verb: str, path: str, parameters: list[dict[str, Any]], headers: dict[str, str]
) -> Iterator[Probe]:
    operation = f"{verb} {path}"
    page = {**headers, "Accept": "text/html"}
    for parameter in parameters:
        name, where, schema = parameter["name"], parameter["in"], parameter.get("schema", {})
        types = _types(schema)
        if where == "path":
            url = base + concrete(path, parameters, {name: quote(NUL)})
            uuid_typed = schema.get("format") == "uuid"
            named = "" if uuid_typed else name  # a NUL is not a uuid: 404 like any other
            yield Probe(f"{operation}: NUL in {name}", verb, url, headers, names=named)
            if not path.startswith("/api/"):
                yield Probe(f"{operation}: NUL in {name}, a page", verb, url, page)
            if uuid_typed:
                wrong = base + concrete(path, parameters, {name: "not-a-uuid"})
                yield Probe(f"{operation}: {name} not a uuid", verb, wrong, headers)
        elif where == "query":
            url = base + concrete(path, parameters, {})
            if "string" in types:
                nul = f"{url}?{name}={quote(NUL)}"
                yield Probe(f"{operation}: NUL in ?{name}", verb, nul, headers, names=name)
                if not path.startswith("/api/"):
                    yield Probe(f"{operation}: NUL in ?{name}, a page", verb, nul, page)
            if "integer" in types:
                for value, declared in _out_of_range(schema):
                    wrong = f"{url}?{name}={value}"
                    what = f"{operation}: ?{name}={value}"
                    yield Probe(what, verb, wrong, headers, names=name, may_pass=not declared)
            if _enum(schema):
                wrong = f"{url}?{name}=none-of-these"
                yield Probe(f"{operation}: ?{name} not one of", verb, wrong, headers, names=name)
            if types & {"integer", "boolean", "number"}:
                wrong = f"{url}?{name}=twelve"
                yield Probe(f"{operation}: ?{name}=twelve", verb, wrong, headers, names=name)


def _out_of_range(schema: dict[str, Any]) -> list[tuple[int, bool]]:
    """Just past each declared bound (refused), and past what PostgreSQL's integer and bigint
    hold (refused if over the declared maximum, else at least no 5xx)."""
    over_maximum = "maximum" in schema
    values = [(value, over_maximum) for value in (2**31, 2**63, 10**30)]
    if "minimum" in schema:
        values.append((int(schema["minimum"]) - 1, True))
    if over_maximum:
        values.append((int(schema["maximum"]) + 1, True))
    return values


def _body_probes(
    url: str, verb: str, schema: dict[str, Any], headers: dict[str, str]
) -> Iterator[Probe]:
    operation = f"{verb} {url.split('/', 3)[-1]}"
    name = _string_field(schema)
    as_json = {**headers, "Content-Type": "application/json"}
    nul = json.dumps({name: NUL}).encode()
    yield Probe(f"{operation}: NUL in {name}", verb, url, as_json, nul, names=name)
    surrogate = b'{"%s": "\\ud800"}' % name.encode()
    yield Probe(f"{operation}: lone surrogate in {name}", verb, url, as_json, surrogate, status=400)
    deep = b'{"%s": %s%s}' % (name.encode(), b"[" * DEEP, b"]" * DEEP)
    yield Probe(f"{operation}: {DEEP} nested arrays", verb, url, as_json, deep, status=400)
    if schema:
        wrong = json.dumps({name: 12, **dict.fromkeys(schema.get("required", []), 12)})
        yield Probe(f"{operation}: numbers for text", verb, url, as_json, wrong.encode())
    else:  # a body the handler reads itself (a CSV, a PDF)
        text = {**headers, "Content-Type": "text/csv"}
        csv = b"label,device_type\nK7Q2\x00M9XB,laptop\n"
        yield Probe(f"{operation}: NUL in a CSV", verb, url, text, csv, names="body")
    too_big = b'{"%s": "%s"}' % (name.encode(), b"x" * MAX_BODY)
    yield Probe(f"{operation}: body over the limit", verb, url, as_json, too_big, status=413)


async def _refusal_problems(http: httpx.AsyncClient, probe: Probe) -> list[str]:
    try:
        answer = await http.request(
            probe.method, probe.url, headers=probe.headers, content=probe.content
        )
    except httpx.TransportError as error:
        return [f"{probe.what}: no answer read ({error!r})"]
    said = f"{probe.what}: {answer.status_code} {answer.text[:200]!r}"
    if probe.status and answer.status_code != probe.status:
        return [f"{said} (expected {probe.status})"]
    if probe.may_pass and answer.status_code < 500:
        return []
    if not 400 <= answer.status_code < 500:
        return [said]
    kind = answer.headers.get("content-type", "")
    if probe.headers.get("Accept") == "text/html":
        return [] if kind.startswith("text/html") and answer.text else [f"{said} not a page"]
    if kind != PROBLEM:
        return [f"{said} is {kind}, not problem+json"]
    detail = answer.json().get("detail", "")
    if not detail or probe.names not in detail:
        return [f"{said} does not name {probe.names!r}"]
    return []


@pytest.mark.parametrize("service", SERVICES)
async def test_every_operation_refuses_hostile_input_with_a_4xx_problem_never_a_5xx(
    stack: Stack, service: str, client: httpx.AsyncClient
) -> None:
    document = (await client.get(stack.url(service) + "/schema/openapi.json")).json()
    every = list(probes(stack, service, document))
    sending = asyncio.Semaphore(6)

    async def checked(probe: Probe) -> list[str]:
        async with sending:
            return await _refusal_problems(client, probe)

    found = [line for lines in await asyncio.gather(*map(checked, every)) for line in lines]
    assert not found, "\n".join(found)
    assert len(every) >= 30


async def test_a_client_that_sends_a_whole_body_over_the_limit_reads_the_413(
    stack: Stack, client: httpx.AsyncClient
) -> None:
    """httpx sends all of a body before it reads the answer: a server that answers early and
    closes would reset the connection under it. Unknown addresses (404) are read too."""
    token = token_for(stack, "coordinator")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = b"x" * 20_000_000
    for url, status in (
        (stack.url("collection_point") + "/api/v1/intakes", 413),
        (stack.url("refurbishment") + "/verifier", 413),
        (stack.url("inventory") + "/api/v1/nothing-here", 404),
    ):
        answer = await client.post(url, content=body, headers=headers)
        assert answer.status_code == status, url
        assert answer.headers["content-type"] == PROBLEM
    assert "MB at most" in answer.json()["detail"] or status == 404


async def test_an_address_flooding_a_public_route_gets_429_with_retry_after_others_do_not(
    stack: Stack,
) -> None:
    allowance = Settings().public_requests_per_minute
    url = stack.url("inventory") + "/d/NOT-A-CODE"
    async with attacker() as flooding, attacker() as someone_else:
        sending = asyncio.Semaphore(8)

        async def one() -> int:
            async with sending:
                return (await flooding.get(url)).status_code

        statuses = await asyncio.gather(*(one() for _ in range(allowance)))
        assert set(statuses) == {404}  # the whole allowance passes, at once
        for _ in range(100):  # what came back while the allowance was sent (10 a second)
            refused = await flooding.get(url, headers={"Accept": "application/json"})
            if refused.status_code != 404:
                break
        assert refused.status_code == 429
        assert refused.headers["content-type"] == PROBLEM
        assert 0 < int(refused.headers["retry-after"]) <= 60
        assert "Too many requests" in refused.json()["detail"]
        assert (await someone_else.get(url)).status_code == 404
        assert (await flooding.get(stack.url("inventory") + "/health/live")).status_code == 200


async def test_a_host_that_is_not_ours_is_refused_but_probes_answer_any_host(
    stack: Stack, client: httpx.AsyncClient
) -> None:
    url = stack.url("collection_point")
    forged = await client.get(url + "/lieux", headers={"Host": "attacker.example"})
    assert forged.status_code == 400
    assert forged.headers["content-type"] == PROBLEM
    assert "attacker.example" in forged.json()["detail"]
    page = await client.get(
        url + "/lieux", headers={"Host": "attacker.example", "Accept": "text/html"}
    )
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    for host in (stack.public_host, "localhost", f"localhost:{stack.ports.services['inventory']}"):
        assert (await client.get(url + "/lieux", headers={"Host": host})).status_code == 200
    probe = await client.get(url + "/health/live", headers={"Host": "10.1.2.3:8002"})
    assert probe.status_code == 200
