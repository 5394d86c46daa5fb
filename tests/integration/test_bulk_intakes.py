"""A corporate donation imported from a CSV file over real HTTP: all rows or none."""

from __future__ import annotations

import uuid

import asyncpg
import httpx

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from shared.labels import format_code, generate_code
from tests.support.labels import issued_codes
from tests.support.stacks import token_for
from tests.support.waiting import wait_for


def _url(stack: Stack, point: CollectionPoint) -> str:
    return f"{stack.url('collection_point')}/api/v1/collection-points/{point.id}/bulk-intakes"


def _headers(stack: Stack, point: CollectionPoint, **extra: str) -> dict[str, str]:
    token = token_for(stack, "collector", f"collection_point:{point.id}")
    return {"Authorization": f"Bearer {token}", "Content-Type": "text/csv", **extra}


async def test_a_valid_file_registers_every_device_once_and_they_reach_inventory(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    inventory_pool: asyncpg.Pool,
) -> None:
    codes = await issued_codes(stack, http, collection_point.id, 40)
    text = "label;device_type\n" + "".join(f"{format_code(c)};laptop\n" for c in codes)
    headers = _headers(stack, collection_point, **{"Idempotency-Key": str(uuid.uuid4())})
    first = await http.post(_url(stack, collection_point), content=text.encode(), headers=headers)
    again = await http.post(_url(stack, collection_point), content=text.encode(), headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["imported"] == 40
    assert again.json() == first.json()

    async def registered() -> int | None:
        count = await inventory_pool.fetchval(
            "SELECT count(*) FROM devices WHERE label = ANY($1::text[])", codes
        )
        return count if count == 40 else None

    assert await wait_for(registered) == 40


async def test_one_bad_row_imports_nothing_and_every_problem_is_listed_by_line(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    good, attached = await issued_codes(stack, http, collection_point.id, 2)
    coordinator = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}
    await http.post(
        f"{stack.url('collection_point')}/api/v1/intakes",
        json={"label": attached, "device_type": "tablet",
              "collection_point_id": str(collection_point.id),
              "acknowledgements": {"data_erasure": True, "recycling": True,
                                   "stickers_removed": True}},
        headers=coordinator,
    )  # fmt: skip
    text = f"label,device_type\n{good},laptop\n{attached},laptop\nK7Q2-M9XB-4,laptop\n"
    answer = await http.post(
        _url(stack, collection_point),
        content=text.encode(),
        headers=_headers(stack, collection_point),
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "bulk.problems"
    assert "Rien n'a été importé" in answer.json()["detail"]
    problems = [(e["line"], e["column"]) for e in answer.json()["errors"]]
    assert problems == [(3, "label"), (4, "label")]  # attached elsewhere; wrong check symbol
    imported = await collection_pool.fetchval("SELECT count(*) FROM intakes WHERE label = $1", good)
    assert imported == 0


async def test_a_collector_cannot_import_at_another_point(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    elsewhere = token_for(stack, "collector", f"collection_point:{uuid.uuid4()}")
    answer = await http.post(
        _url(stack, collection_point),
        content=f"label,device_type\n{generate_code()},laptop\n".encode(),
        headers={"Authorization": f"Bearer {elsewhere}", "Content-Type": "text/csv"},
    )
    assert answer.status_code == 404


async def test_a_bulk_donation_keeps_its_details_stands_on_its_agreement_and_gets_a_receipt(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    codes = await issued_codes(stack, http, collection_point.id, 2)
    company = f"Transports Lys {uuid.uuid4().hex[:6]}"
    text = "label,device_type,brand,model,serial_number\n" + "".join(
        f"{code},laptop,HP,ProBook 450,SN{index}\n" for index, code in enumerate(codes)
    )

    answer = await http.post(
        _url(stack, collection_point),
        params={"donor": company},
        content=text.encode(),
        headers=_headers(stack, collection_point),
    )

    assert answer.status_code == 201, answer.text
    rows = await collection_pool.fetch(
        "SELECT brand, model, serial_number, donor_kind, donor_reference, acknowledged_by "
        "FROM intakes WHERE label = ANY($1::text[]) ORDER BY serial_number",
        codes,
    )
    assert [dict(row) for row in rows] == [
        {
            "brand": "HP",
            "model": "ProBook 450",
            "serial_number": f"SN{index}",
            "donor_kind": "company",
            "donor_reference": company,
            "acknowledged_by": "donation_agreement",
        }
        for index in range(2)
    ]
    today = await collection_pool.fetchval("SELECT (now() AT TIME ZONE 'Europe/Paris')::date")
    receipt = await http.get(
        f"{stack.url('collection_point')}/api/v1/collection-points/{collection_point.id}"
        "/donation-receipts.pdf",
        params={"donor": company, "date": today.isoformat()},
        headers=_headers(stack, collection_point),
    )
    assert receipt.status_code == 200, receipt.text


async def test_a_voided_label_in_a_file_is_refused_on_its_line(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    base = stack.url("collection_point")
    headers = _headers(stack, collection_point)
    batch = await http.post(
        f"{base}/api/v1/label-batches",
        json={"collection_point_id": str(collection_point.id), "count": 1},
        headers={"Authorization": headers["Authorization"]},
    )
    voided = batch.json()["labels"][0]["code"]
    await http.post(
        f"{base}/api/v1/labels/{voided}/void",
        json={"reason": "lost"},
        headers={"Authorization": headers["Authorization"]},
    )
    (fresh,) = await issued_codes(stack, http, collection_point.id)
    text = f"label,device_type\n{fresh},laptop\n{voided},laptop\n"

    answer = await http.post(_url(stack, collection_point), content=text.encode(), headers=headers)

    assert answer.status_code == 422
    assert {"line": 3, "column": "label"}.items() <= answer.json()["errors"][0].items()
    assert answer.json()["errors"][0]["code"] == "bulk.label_voided"
    assert "a été annulée" in answer.json()["errors"][0]["message"]


async def test_a_label_boucle_never_printed_is_refused_on_its_line_and_nothing_imported(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    fresh, never_printed = (
        (await issued_codes(stack, http, collection_point.id))[0],
        generate_code(),
    )
    text = f"label,device_type\n{fresh},laptop\n{format_code(never_printed)},laptop\n"

    answer = await http.post(
        _url(stack, collection_point),
        content=text.encode(),
        headers=_headers(stack, collection_point),
    )

    in_english = await http.post(
        _url(stack, collection_point),
        content=text.encode(),
        headers={**_headers(stack, collection_point), "Accept-Language": "en"},
    )

    assert answer.status_code == in_english.status_code == 422, answer.text
    (problem,) = answer.json()["errors"]
    (problem_en,) = in_english.json()["errors"]
    assert (problem["line"], problem["column"]) == (3, "label")
    assert problem["code"] == problem_en["code"] == "counter.label_never_issued"
    assert problem["message"] == (
        f"L'étiquette {format_code(never_printed)} n'a jamais été imprimée par Boucle : vérifiez "
        "les caractères sous le QR code, ou prenez une étiquette de votre rouleau."
    )
    assert problem_en["message"] == (
        f"The label {format_code(never_printed)} was never printed by Boucle: check the "
        "characters under the QR code, or take a label from your roll."
    )
    assert in_english.json()["detail"].startswith("Nothing was imported: the file has errors")
    stored = await collection_pool.fetchval(
        "SELECT count(*) FROM intakes WHERE label = ANY($1::text[])", [fresh, never_printed]
    )
    assert stored == 0
