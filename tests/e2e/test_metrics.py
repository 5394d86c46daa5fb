"""/metrics on the real services: a donation shows up as a latency histogram of its route, as
the time its event waited in the counter's outbox, and as the lag inventory applied it with."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from tests.support.labels import issued_codes
from tests.support.stacks import token_for
from tests.support.waiting import wait_for


async def samples(
    http: httpx.AsyncClient, url: str
) -> dict[str, list[tuple[dict[str, str], float]]]:
    text = (await http.get(f"{url}/metrics")).text
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


async def test_a_donation_is_measured_from_the_counter_to_inventory(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    collector = token_for(stack, "collector", f"collection_point:{collection_point.id}")
    (code,) = await issued_codes(stack, http, collection_point.id)
    intake = await http.post(
        f"{stack.url('collection_point')}/api/v1/intakes",
        json={
            "label": code,
            "device_type": "laptop",
            "collection_point_id": str(collection_point.id),
            "acknowledgements": {"data_erasure": True, "recycling": True, "stickers_removed": True},
        },
        headers={"Authorization": f"Bearer {collector}"},
    )
    assert intake.status_code == 201, intake.text

    counter = await samples(http, stack.url("collection_point"))
    buckets = [
        value
        for labels, value in counter["boucle_http_request_duration_seconds_bucket"]
        if labels["route"] == "/api/v1/intakes" and labels["method"] == "POST"
    ]
    assert buckets and buckets[-1] >= 1, "no latency histogram for the intake route"
    assert buckets == sorted(buckets), "histogram buckets are cumulative"

    async def published() -> float | None:
        found = await samples(http, stack.url("collection_point"))
        counts = [value for _, value in found.get("boucle_outbox_age_seconds_count", [])]
        return sum(counts) or None

    async def applied() -> float | None:
        found = await samples(http, stack.url("inventory"))
        counts = [
            value
            for labels, value in found.get("boucle_event_lag_seconds_count", [])
            if labels["consumer"] == "inventory/COLLECTION"
        ]
        return sum(counts) or None

    assert await wait_for(published) >= 1
    assert await wait_for(applied) >= 1
