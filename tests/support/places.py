"""Collection points created through the API, and a bus's stops set through it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx

from boucle.devstack.stack import Stack
from services.collection_point.places.hours import TIMEZONE
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


def in_paris(days: int = 0) -> datetime:
    """Now in Paris, ``days`` from today."""
    return datetime.now(TIMEZONE) + timedelta(days=days)


def bus_stop(
    days_ahead: int, opens: str, closes: str, commune: str = "Comines", **overrides: object
) -> dict[str, object]:
    """A stop in ``days_ahead`` days (Paris time), as a coordinator sends it."""
    body: dict[str, object] = {
        "place_name": f"Parvis de la mairie de {commune}",
        "commune": commune,
        "insee_code": "59152",
        "latitude": 50.7622,
        "longitude": 3.0083,
        "day": in_paris(days_ahead).date().isoformat(),
        "opens": opens,
        "closes": closes,
    }
    body.update(overrides)
    return body


async def opened_bus(http: httpx.AsyncClient, stack: Stack, **overrides: object) -> dict[str, Any]:
    """An itinerant place (kind mobile), as the API answered its creation."""
    answer = await created_place(
        http, stack, kind="mobile", name=f"Bus numérique {uuid.uuid4().hex[:6]}", **overrides
    )
    assert answer.status_code == 201, answer.text
    place: dict[str, Any] = answer.json()["place"]
    return place


async def stops_set(
    http: httpx.AsyncClient,
    stack: Stack,
    place_id: str,
    stops: list[dict[str, object]],
    role: str = "coordinator",
    **headers: str,
) -> httpx.Response:
    return await http.put(
        f"{stack.url('collection_point')}/api/v1/collection-points/{place_id}/stops",
        json={"stops": stops},
        headers={"Authorization": f"Bearer {token_for(stack, role)}", **headers},
    )
