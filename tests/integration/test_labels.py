"""Label batches over real HTTP: issue, print, reprint, void, scope."""

from __future__ import annotations

import io
import uuid

import httpx
import pypdfium2
import zxingcpp
from PIL import Image

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from shared.labels import parse_code
from tests.support.stacks import token_for


def _codes_on(pdf: bytes) -> list[str]:
    pages = [page.render(scale=6).to_pil() for page in pypdfium2.PdfDocument(pdf)]
    return sorted(parse_code(r.text) for page in pages for r in zxingcpp.read_barcodes(page))


async def test_a_collector_issues_a_batch_prints_it_voids_one_and_reprints_the_rest(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    base = stack.url("collection_point")
    token = token_for(stack, "collector", f"collection_point:{collection_point.id}")
    collector = {"Authorization": f"Bearer {token}"}
    created = await http.post(
        f"{base}/api/v1/label-batches",
        json={"collection_point_id": str(collection_point.id), "count": 25},
        headers=collector,
    )
    assert created.status_code == 201, created.text
    batch = created.json()
    codes = sorted(label["code"] for label in batch["labels"])
    assert len(set(codes)) == 25
    assert all(parse_code(code) == code for code in codes)

    sheet = await http.get(
        f"{base}/api/v1/label-batches/{batch['id']}/sheet",
        params={"format": "L7160"},
        headers=collector,
    )
    assert sheet.headers["content-type"] == "application/pdf"
    assert _codes_on(sheet.content) == codes

    voided = codes[3]
    assert (
        await http.post(
            f"{base}/api/v1/labels/{voided}/void", json={"reason": "torn"}, headers=collector
        )
    ).status_code == 204
    again = await http.post(
        f"{base}/api/v1/labels/{voided}/void", json={"reason": "torn"}, headers=collector
    )
    assert again.status_code == 409

    reprint = await http.get(f"{base}/api/v1/label-batches/{batch['id']}/sheet", headers=collector)
    assert _codes_on(reprint.content) == [code for code in codes if code != voided]

    single = await http.get(f"{base}/api/v1/labels/{codes[0]}/png", headers=collector)
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(single.content)))
    assert [parse_code(r.text) for r in decoded] == [codes[0]]
    assert (
        await http.get(f"{base}/api/v1/labels/{voided}/svg", headers=collector)
    ).status_code == 409


async def test_a_replayed_batch_request_issues_no_second_batch(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    headers = {
        "Authorization": f"Bearer {token_for(stack, 'coordinator')}",
        "Idempotency-Key": str(uuid.uuid4()),
    }
    body = {"collection_point_id": str(collection_point.id), "count": 3}
    url = f"{stack.url('collection_point')}/api/v1/label-batches"
    first = await http.post(url, json=body, headers=headers)
    second = await http.post(url, json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()


async def test_labels_of_another_point_are_invisible_and_bad_counts_are_explained(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    base = stack.url("collection_point")
    coordinator = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}
    batch = (
        await http.post(
            f"{base}/api/v1/label-batches",
            json={"collection_point_id": str(collection_point.id), "count": 2},
            headers=coordinator,
        )
    ).json()
    code = batch["labels"][0]["code"]
    outsider = token_for(stack, "collector", f"collection_point:{uuid.uuid4()}")
    elsewhere = {"Authorization": f"Bearer {outsider}"}
    assert (
        await http.get(f"{base}/api/v1/label-batches/{batch['id']}", headers=elsewhere)
    ).status_code == 404
    assert (
        await http.get(f"{base}/api/v1/labels/{code}/svg", headers=elsewhere)
    ).status_code == 404
    assert (
        await http.post(
            f"{base}/api/v1/labels/{code}/void", json={"reason": "lost"}, headers=elsewhere
        )
    ).status_code == 404
    for count in (0, 5000):
        refused = await http.post(
            f"{base}/api/v1/label-batches",
            json={"collection_point_id": str(collection_point.id), "count": count},
            headers=coordinator,
        )
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"
        assert "count" in refused.json()["detail"]
