"""The OpenAPI document as the services really answer: who may call each operation, and every
error it can return, as RFC 9457 problem+json (Litestar documents a 400 of its own shape only).

A route states what the document cannot see in its signature through its ``opt``:
``answers`` (more error statuses, e.g. a 401 for a wrong secret on a public route) and
``body_media_type`` (a body the handler reads itself, e.g. ``application/pdf``), ``example``
(a request body to show, checked against the operation's schema by the tests) and ``returns``
(the Struct of a JSON answer the handler sends as bytes, as an idempotent replay does).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

import msgspec
from litestar import Litestar, Request
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.routes import HTTPRoute

from shared.web.problems import PROBLEM_JSON, TITLES

METHODS = ("get", "put", "post", "delete", "patch")
WRITES = ("put", "post", "delete", "patch")
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error, as RFC 9457 problem details, with a message a person can act on.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {
            "type": "string",
            "description": "What went wrong and what to do, in the language Accept-Language "
            "prefers (French unless English is asked for).",
        },
        "instance": {"type": "string"},
        "code": {
            "type": "string",
            "description": "A refusal's stable code, the same in every language "
            "(e.g. campaigns.full).",
        },
        "errors": {
            "type": "array",
            "description": "One entry per field refused, named as the client sent it.",
            "items": {"type": "object"},
        },
        "extensions": {"type": "object"},
    },
}
BEARER = {"type": "http", "scheme": "bearer", "bearerFormat": "Ed25519-signed token"}


class ContractRenderPlugin(JsonRenderPlugin):
    """Serves ``/schema/openapi.json`` with the errors and roles added, computed once."""

    def __init__(self) -> None:
        super().__init__()
        self._document: dict[str, Any] | None = None

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        if self._document is None:
            self._document = describe_errors_and_roles(request.app, openapi_schema)
        return self.render_json(request, self._document)


def describe_errors_and_roles(app: Litestar, document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` with, on each operation: the roles that may call it (``x-roles``, and
    bearer security unless it is public) and a problem+json response for each error status
    it can answer."""
    described = copy.deepcopy(dict(document))
    components = described.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components.setdefault("securitySchemes", {})["bearer"] = BEARER
    options = dict(_route_options(app))
    described = _without_open_alternatives(described)
    for path, item in described.get("paths", {}).items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            opt = options.get((path, method), {})
            public = bool(opt.get("public"))
            if "body_media_type" in opt:  # a route that reads its body itself (a PDF…)
                operation["requestBody"] = {
                    "required": True,
                    "content": {opt["body_media_type"]: {"schema": {"type": "string"}}},
                }
            if not public:
                operation["security"] = [{"bearer": []}]
                operation["x-roles"] = list(opt.get("roles", ()))
            responses = operation.setdefault("responses", {})
            responses.pop("400", None)  # Litestar's own error shape, which no route sends
            content: dict[str, Any] = {PROBLEM_JSON: {"schema": PROBLEM_REF}}
            if _answers_pages(responses):  # a page's error is a page too
                content["text/html"] = {"schema": {"type": "string"}}
            if "returns" in opt:
                _document_answer(described, responses, opt["returns"])
            if "example" in opt:
                body = operation.get("requestBody", {}).get("content", {})
                body.get("application/json", {})["example"] = opt["example"]
            statuses = {*error_statuses(method, operation, public), *opt.get("answers", ())}
            for status in sorted(statuses):
                responses[str(status)] = {"description": TITLES[status], "content": content}
    return described


def error_statuses(method: str, operation: Mapping[str, Any], public: bool) -> list[int]:
    """The error statuses an operation can answer, from what it takes and who may call it."""
    places = {parameter.get("in") for parameter in operation.get("parameters", ())}
    names = {str(parameter.get("name", "")) for parameter in operation.get("parameters", ())}
    has_body = "requestBody" in operation
    statuses = {400, 503}  # a malformed request; the database or NATS unreachable
    statuses |= {429} if public else {401, 403}
    if places or has_body:
        statuses.add(422)
    if "path" in places or has_body or any(name.endswith("id") for name in names):
        statuses.add(404)  # an id that does not exist, or not within the caller's scope
    if has_body:
        statuses |= {413, 415}
    if method in WRITES:
        statuses.add(409)
    return sorted(statuses)


def _document_answer(document: dict[str, Any], responses: dict[str, Any], kind: Any) -> None:
    """The success answers of an operation are ``kind`` in JSON."""
    (schema,), definitions = msgspec.json.schema_components(
        [kind], ref_template="#/components/schemas/{name}"
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in definitions.items():
        schemas.setdefault(name, definition)
    for status, response in responses.items():
        if status.startswith("2"):
            response["content"] = {"application/json": {"schema": schema}}


def _without_open_alternatives(node: Any) -> Any:
    """Litestar writes ``tuple[X, ...]`` items as ``oneOf: [X, {}]``, which no item can match
    exactly once (everything matches ``{}``): the items are ``X``."""
    if isinstance(node, list):
        return [_without_open_alternatives(item) for item in node]
    if not isinstance(node, dict):
        return node
    alternatives = node.get("oneOf")
    if isinstance(alternatives, list) and len(alternatives) == 2 and {} in alternatives:
        rest = {key: value for key, value in node.items() if key != "oneOf"}
        return _without_open_alternatives({**rest, **next(a for a in alternatives if a != {})})
    return {key: _without_open_alternatives(value) for key, value in node.items()}


def _answers_pages(responses: Mapping[str, Any]) -> bool:
    return any(
        "text/html" in response.get("content", {})
        for status, response in responses.items()
        if status.startswith("2")
    )


def _route_options(app: Litestar) -> Iterator[tuple[tuple[str, str], Mapping[str, Any]]]:
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                yield (route.path_format or "/", method.lower()), handler.opt
