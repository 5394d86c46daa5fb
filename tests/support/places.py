"""Collection points created through the API."""

from __future__ import annotations

import uuid

import httpx

from boucle.devstack.stack import Stack
from tests.support.stacks import token_for

ALWAYS_OPEN = "24/7"


def _place(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": f"Maison de quartier {uuid.uuid4().hex[:6]}",
        "kind": "neighbourhood_house",
        "address": "3 rue des Arts",
        "postcode": "59800",
        "commune": f"Testville-{uuid.uuid4().hex[:6]}",
        "opening_hours": ALWAYS_OPEN,
        "accepted_types": ["laptop", "tablet"],
        "latitude": 50.63,
        "longitude": 3.06,
    }
    body.update(overrides)
    return body


async def created_place(
    http: httpx.AsyncClient, stack: Stack, **overrides: object
) -> httpx.Response:
    return await http.post(
        f"{stack.url('collection_point')}/api/v1/collection-points",
        json=_place(**overrides),
        headers={"Authorization": f"Bearer {token_for(stack, 'coordinator')}"},
    )
