"""Intake details over real HTTP: what the agent notes about a device and its donor, the
donor's acknowledgements, voided labels, the company donation receipt and the point's view."""

from __future__ import annotations

import html
import uuid
from typing import Any

import asyncpg
import httpx
import pypdfium2

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from services.collection_point.store import PointStore
from shared.events import utc_now
from shared.labels import format_code, generate_code
from shared.web import formats
from shared.web.pages import TIMEZONE
from tests.support.labels import issued_codes
from tests.support.stacks import token_for
from tests.support.waiting import wait_for

ACKNOWLEDGED = {"data_erasure": True, "recycling": True, "stickers_removed": True}


def _intake(point: CollectionPoint, label: str, **details: Any) -> dict[str, Any]:
    return {
        "label": label,
        "device_type": "laptop",
        "collection_point_id": str(point.id),
        "acknowledgements": ACKNOWLEDGED,
        **details,
    }


def _collector(stack: Stack, point: CollectionPoint) -> dict[str, str]:
    token = token_for(stack, "collector", f"collection_point:{point.id}")
    return {"Authorization": f"Bearer {token}"}


def _text_of(pdf: bytes) -> str:
    return "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf))


async def test_the_details_of_a_device_and_its_donor_are_stored_and_shown(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    (code,) = await issued_codes(stack, http, collection_point.id)
    headers = _collector(stack, collection_point)
    body = _intake(
        collection_point,
        code,
        brand="Lenovo",
        model="ThinkPad T480",
        serial_number="PF1ABCDE",
        condition="worn",
        accessories=["charger", "mouse", "charger"],
        weight_kg=1.6,
        donor_kind="individual",
        contact={"name": "Amina Benali", "phone": "06 12 34 56 78"},
    )

    created = await http.post(
        f"{stack.url('collection_point')}/api/v1/intakes", json=body, headers=headers
    )

    assert created.status_code == 201, created.text
    shown = await http.get(
        f"{stack.url('collection_point')}/api/v1/intakes/{created.json()['id']}", headers=headers
    )
    intake = shown.json()
    assert {key: intake[key] for key in ("brand", "model", "serial_number", "condition")} == {
        "brand": "Lenovo",
        "model": "ThinkPad T480",
        "serial_number": "PF1ABCDE",
        "condition": "worn",
    }
    assert intake["accessories"] == ["charger", "mouse"]
    assert intake["weight_kg"] == 1.6
    assert intake["donor_kind"] == "individual"
    assert intake["acknowledged_by"] == "donor"
    assert "Amina" not in shown.text  # the contact is kept, not echoed
    contact = await collection_pool.fetchrow(
        "SELECT name, phone FROM donor_contacts WHERE intake_id = $1",
        uuid.UUID(intake["id"]),
    )
    assert dict(contact) == {"name": "Amina Benali", "phone": "06 12 34 56 78"}


async def test_the_intake_event_carries_no_contact_data(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    (code,) = await issued_codes(stack, http, collection_point.id)
    body = _intake(
        collection_point,
        code,
        donor_kind="company",
        contact={"name": "Brasserie Nord SARL", "email": "dons@brasserie-nord.example"},
    )

    created = await http.post(
        f"{stack.url('collection_point')}/api/v1/intakes",
        json=body,
        headers=_collector(stack, collection_point),
    )

    assert created.status_code == 201, created.text
    payload = await collection_pool.fetchval(
        "SELECT convert_from(payload, 'UTF8') FROM outbox "
        "WHERE subject = 'collection.device.received' "
        "AND convert_from(payload, 'UTF8')::jsonb ->> 'label' = $1",
        code,
    )
    assert payload is not None
    for personal in ("Brasserie", "dons@", "brasserie-nord", "contact", "donor"):
        assert personal not in payload


async def test_an_intake_without_the_donors_acknowledgements_is_refused_and_nothing_stored(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    url = f"{stack.url('collection_point')}/api/v1/intakes"
    headers = _collector(stack, collection_point)
    missing, partial = await issued_codes(stack, http, collection_point.id, 2)
    without = _intake(collection_point, missing)
    del without["acknowledgements"]
    one_short = _intake(
        collection_point, partial, acknowledgements={**ACKNOWLEDGED, "stickers_removed": False}
    )

    answers = [
        await http.post(url, json=without, headers=headers),
        await http.post(url, json=one_short, headers=headers),
    ]

    for answer in answers:
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "counter.acknowledgements"
        assert "Il manque l'accord du donateur" in answer.json()["detail"]
    assert answers[1].json()["extensions"]["missing"] == ["stickers_removed"]
    assert "sur : stickers_removed." in answers[1].json()["detail"]
    assert (
        await collection_pool.fetchval(
            "SELECT count(*) FROM intakes WHERE label = ANY($1::text[])", [missing, partial]
        )
        == 0
    )


async def test_details_out_of_bounds_are_refused_with_the_field_named(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    url = f"{stack.url('collection_point')}/api/v1/intakes"
    headers = _collector(stack, collection_point)
    too_heavy = _intake(collection_point, generate_code(), weight_kg=120)
    no_weight = _intake(collection_point, generate_code(), weight_kg=0)
    bad_email = _intake(collection_point, generate_code(), contact={"email": "nobody"})
    reference_alone = _intake(collection_point, generate_code(), donor_reference="ACME")

    for body, field in (
        (too_heavy, "weight_kg"),
        (no_weight, "weight_kg"),
        (bad_email, "email"),
        (reference_alone, "donor"),
    ):
        answer = await http.post(url, json=body, headers=headers)
        assert 400 <= answer.status_code < 500, answer.text
        assert field in answer.json()["detail"], answer.text


async def test_voided_and_never_printed_labels_are_refused_and_labels_of_other_points_travel(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    base = stack.url("collection_point")
    other = CollectionPoint(
        id=uuid.uuid4(),
        name=f"Mairie test {uuid.uuid4().hex[:6]}",
        kind="town_hall",
        address="2 place de test",
        postcode="59100",
        commune="Roubaix",
    )
    async with collection_pool.acquire() as connection:
        await PointStore(connection).upsert_point(other)
    here = _collector(stack, collection_point)
    batch = await http.post(
        f"{base}/api/v1/label-batches",
        json={"collection_point_id": str(collection_point.id), "count": 2},
        headers=here,
    )
    voided, travelling = (label["code"] for label in batch.json()["labels"])
    await http.post(f"{base}/api/v1/labels/{voided}/void", json={"reason": "torn"}, headers=here)

    refused = await http.post(
        f"{base}/api/v1/intakes", json=_intake(collection_point, voided), headers=here
    )
    elsewhere = await http.post(
        f"{base}/api/v1/intakes", json=_intake(other, travelling), headers=_collector(stack, other)
    )
    unknown = generate_code()
    never_issued = await http.post(
        f"{base}/api/v1/intakes", json=_intake(collection_point, unknown), headers=here
    )

    assert refused.status_code == 422
    assert refused.json()["code"] == "counter.label_voided"
    today = formats.day(utc_now().astimezone(TIMEZONE).date(), language="fr")
    assert refused.json()["detail"] == (
        f"L'étiquette {format_code(voided)} a été annulée le {today} : prenez une étiquette "
        "neuve et posez-la sur cet appareil."
    )
    assert (
        await collection_pool.fetchval("SELECT count(*) FROM intakes WHERE label = $1", voided) == 0
    )
    assert elsewhere.status_code == 201, elsewhere.text
    assert never_issued.status_code == 422, never_issued.text
    assert never_issued.headers["content-type"] == "application/problem+json"
    assert never_issued.json()["code"] == "counter.label_never_issued"
    assert (
        f"{format_code(unknown)} n'a jamais été imprimée par Boucle : vérifiez les caractères "
        "sous le QR code, ou prenez une étiquette de votre rouleau" in never_issued.json()["detail"]
    )
    stored = await collection_pool.fetchval(
        "SELECT count(*) FROM intakes WHERE label = $1", unknown
    ) + await collection_pool.fetchval(
        "SELECT count(*) FROM outbox WHERE convert_from(payload, 'UTF8')::jsonb ->> 'label' = $1",
        unknown,
    )
    assert stored == 0


async def test_a_company_receipt_lists_the_devices_it_gave_that_day(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    base = stack.url("collection_point")
    headers = _collector(stack, collection_point)
    company = f"Brasserie Nord {uuid.uuid4().hex[:6]}"
    *given, someone_else = await issued_codes(stack, http, collection_point.id, 4)
    for index, code in enumerate(given):
        answer = await http.post(
            f"{base}/api/v1/intakes",
            json=_intake(
                collection_point,
                code,
                brand="Dell",
                model=f"Latitude 54{index}0",
                serial_number=f"SN-{index}-{code}",
                donor_kind="company",
                donor_reference=company,
                contact={"name": "Camille Martin", "email": "camille@brasserie.example"},
            ),
            headers=headers,
        )
        assert answer.status_code == 201, answer.text
    await http.post(
        f"{base}/api/v1/intakes", json=_intake(collection_point, someone_else), headers=headers
    )
    today = utc_now().astimezone(TIMEZONE).date().isoformat()
    url = f"{base}/api/v1/collection-points/{collection_point.id}/donation-receipts.pdf"

    receipt = await http.get(url, params={"donor": company.upper(), "date": today}, headers=headers)

    assert receipt.status_code == 200, receipt.text
    assert receipt.headers["content-type"] == "application/pdf"
    text = _text_of(receipt.content)
    for code in given:
        assert format_code(code) in text
        assert f"SN-{given.index(code)}-" in text
    assert format_code(someone_else) not in text
    assert "Dell Latitude 5400" in text
    assert company.upper() in text
    assert collection_point.name in text
    assert "1 rue de test" in text
    assert "effacées" in text and "certificat" in text
    assert "Camille" not in text and "camille@" not in text
    elsewhere = _collector_of_another_point(stack)
    assert (
        await http.get(url, params={"donor": company, "date": today}, headers=elsewhere)
    ).status_code == 404
    unknown = await http.get(url, params={"donor": "Nobody", "date": today}, headers=headers)
    assert unknown.status_code == 404


async def test_the_point_view_shows_where_each_device_is_once_inventory_knows(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    base = stack.url("collection_point")
    headers = {**_collector(stack, collection_point), "Accept": "text/html"}
    (code,) = await issued_codes(stack, http, collection_point.id)
    created = await http.post(
        f"{base}/api/v1/intakes",
        json=_intake(collection_point, code, brand="HP", model="EliteBook"),
        headers=headers,
    )
    assert created.status_code == 201, created.text
    view = f"{base}/guichet/{collection_point.id}/collecte"

    async def announced() -> str | None:
        page = await http.get(view, params={"etat": "received"}, headers=headers)
        return page.text if format_code(code) in page.text else None

    page = html.unescape(await wait_for(announced))
    row = page.split(format_code(code), 1)[1].split("</tr>", 1)[0]
    assert "Reçu dans un point de collecte" in row
    assert "HP EliteBook" in row
    assert "Reçu dans un point de collecte</a> : <strong>1</strong>" in page
    english = await http.get(view, params={"lang": "en"}, headers=headers)
    assert "Received at a collection point" in english.text
    in_transit = await http.get(view, params={"etat": "in_transit"}, headers=headers)
    assert format_code(code) not in in_transit.text
    another_day = await http.get(view, params={"jour": "02/01/2020", "lang": "fr"}, headers=headers)
    assert format_code(code) not in another_day.text
    outsider = await http.get(
        view, headers={**_collector_of_another_point(stack), "Accept": "text/html"}
    )
    assert outsider.status_code == 404


def _collector_of_another_point(stack: Stack) -> dict[str, str]:
    token = token_for(stack, "collector", f"collection_point:{uuid.uuid4()}")
    return {"Authorization": f"Bearer {token}"}
