"""A JSON route takes JSON: another content type is a 415, and a value of the wrong JSON type
is refused with the field named, never silently converted."""

from __future__ import annotations

import json
import uuid

import httpx

from boucle.devstack.stack import Stack
from tests.support.stacks import token_for

ACKNOWLEDGED = {"data_erasure": True, "recycling": True, "stickers_removed": True}


def _intake(point: uuid.UUID, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "label": "K7Q2-M9XB-A",
        "device_type": "laptop",
        "collection_point_id": str(point),
        "acknowledgements": ACKNOWLEDGED,
    }
    return {**body, **changes}


async def test_a_json_body_sent_as_plain_text_is_a_415_that_says_what_to_send(
    stack: Stack,
) -> None:
    token = token_for(stack, "coordinator")
    async with httpx.AsyncClient(base_url=stack.url("collection_point")) as http:
        answer = await http.post(
            "/api/v1/intakes",
            content=json.dumps(_intake(uuid.uuid4())),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
        )
    assert answer.status_code == 415, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "Content-Type: application/json" in answer.json()["detail"]


async def test_a_number_sent_as_a_string_is_refused_naming_the_field(stack: Stack) -> None:
    token = token_for(stack, "coordinator")
    async with httpx.AsyncClient(base_url=stack.url("collection_point")) as http:
        answer = await http.post(
            "/api/v1/intakes",
            json=_intake(uuid.uuid4(), weight_kg="2.5"),
            headers={"Authorization": f"Bearer {token}"},
        )
        labels = await http.post(
            "/api/v1/label-batches",
            json={"collection_point_id": str(uuid.uuid4()), "count": "6"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["errors"][0]["key"] == "weight_kg"
    assert "weight_kg" in problem["detail"]
    assert labels.status_code == 422, labels.text
    assert labels.json()["errors"][0]["key"] == "count"


async def test_a_json_body_with_a_charset_is_still_json(stack: Stack) -> None:
    token = token_for(stack, "coordinator")
    async with httpx.AsyncClient(base_url=stack.url("collection_point")) as http:
        answer = await http.post(
            "/api/v1/intakes",
            content=json.dumps(_intake(uuid.uuid4())).encode(),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json; charset=utf-8",
            },
        )
    # an unknown collection point: the body itself was read as JSON
    assert answer.status_code == 404, answer.text
