"""Labels for tests: a donation needs a label Boucle printed, so tests issue batches first."""

from __future__ import annotations

import uuid

import httpx

from boucle.devstack.stack import Stack
from services.collection_point.labels.handlers import MAX_BATCH
from tests.support.stacks import token_for


async def issued_codes(
    stack: Stack, http: httpx.AsyncClient, point_id: uuid.UUID | str, count: int = 1
) -> list[str]:
    """``count`` fresh label codes issued to the point (in batches of at most ``MAX_BATCH``),
    in compact form."""
    codes: list[str] = []
    while len(codes) < count:
        answer = await http.post(
            f"{stack.url('collection_point')}/api/v1/label-batches",
            json={
                "collection_point_id": str(point_id),
                "count": min(count - len(codes), MAX_BATCH),
            },
            headers={"Authorization": f"Bearer {token_for(stack, 'coordinator')}"},
        )
        assert answer.status_code == 201, answer.text
        codes += [label["code"] for label in answer.json()["labels"]]
    return codes
