"""Each service's OpenAPI document, as a client reads it: it loads, names every operation
once, says who may call it and what errors it answers, and its examples are valid requests."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema
import pytest

from boucle.devstack.stack import Stack
from shared.config import SERVICES

METHODS = ("get", "put", "post", "delete", "patch")


async def document_of(stack: Stack, service: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        answer = await http.get(f"{stack.url(service)}/schema/openapi.json")
    assert answer.status_code == 200, answer.text[:300]
    document: dict[str, Any] = answer.json()
    return document


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


@pytest.mark.parametrize("service", SERVICES)
async def test_every_operation_is_named_once_and_says_who_may_call_it(
    stack: Stack, service: str
) -> None:
    document = await document_of(stack, service)
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids)), "operation ids must be unique"
    for path, method, operation in operations(document):
        if path.startswith("/api/") and "security" in operation:
            assert operation["x-roles"], (path, method)
            assert {"401", "403"} <= set(operation["responses"]), (path, method)
        for status, response in operation["responses"].items():
            answer = response.get("content", {}).get("application/json", {}).get("schema")
            if status.startswith("2"):  # a JSON answer says its shape, not "a string"
                assert answer != {"type": "string"}, (path, method, status)
            if status.startswith(("4", "5")):
                assert "application/problem+json" in response["content"], (path, method, status)


async def test_the_examples_of_the_main_operations_are_valid_requests(stack: Stack) -> None:
    shown = 0
    for service in SERVICES:
        document = await document_of(stack, service)
        for _, _, operation in operations(document):
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not body or "example" not in body:
                continue
            schema = {**body["schema"], "components": document["components"]}
            jsonschema.validate(body["example"], schema)  # raises on an invalid example
            shown += 1
    assert shown >= 7, f"only {shown} operations show an example"
