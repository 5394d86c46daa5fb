"""The counter page over real HTTP, as a browser sends it: session cookie, CSRF token, the
hidden idempotency key, a multipart form with an optional photo."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import httpx
import pytest

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from services.collection_point.intake.counter_pages import MAX_FORM_BYTES, MAX_PHOTO_BYTES
from shared.label_sheets import render_png
from shared.labels import format_code, generate_code
from tests.support.labels import issued_codes
from tests.support.places import created_place
from tests.support.stacks import token_for
from tests.support.waiting import wait_for

HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"\s*/?>')
NO_PHOTO = ("", b"", "application/octet-stream")  # what a browser sends for an empty file input


@dataclass
class Counter:
    """A collector's browser at the counter of one collection point."""

    stack: Stack
    client: httpx.AsyncClient
    url: str
    point: CollectionPoint

    async def new_label(self) -> str:
        """A label from the point's roll: Boucle printed it, no device carries it yet."""
        (code,) = await issued_codes(self.stack, self.client, self.point.id)
        return code

    async def open(self) -> dict[str, str]:
        """Load the empty form; the hidden fields it carries (CSRF token, point, key)."""
        answer = await self.client.get(f"{self.url}?point={self.point.id}")
        assert answer.status_code == 200, answer.text
        return dict(HIDDEN.findall(answer.text))

    async def send(
        self,
        hidden: dict[str, str],
        label: str,
        photo: tuple[str, bytes, str] = NO_PHOTO,
        acknowledged: bool = True,
        query: str = "",
        headers: dict[str, str] | None = None,
        **details: str | list[str],
    ) -> httpx.Response:
        fields: dict[str, str | list[str]] = {
            **hidden,
            "label": label,
            "device_type": "laptop",
            **details,
        }
        if acknowledged:
            fields["acknowledged"] = "yes"
        return await self.client.post(
            self.url + query, data=fields, files={"photo": photo}, headers=headers
        )


@pytest.fixture
async def counter(stack: Stack, collection_point: CollectionPoint) -> AsyncIterator[Counter]:
    token = token_for(stack, "collector", f"collection_point:{collection_point.id}")
    async with httpx.AsyncClient(
        timeout=30, headers={"Accept": "text/html"}, cookies={"boucle_session": token}
    ) as client:
        yield Counter(stack, client, f"{stack.url('collection_point')}/guichet", collection_point)


async def intakes_labelled(pool: asyncpg.Pool, body: str) -> list[asyncpg.Record]:
    """Intakes whose label starts with ``body`` (the 8 symbols before the check symbol)."""
    return await pool.fetch("SELECT id, label FROM intakes WHERE label LIKE $1 || '%'", body)


async def test_a_scanned_full_url_registers_the_device_and_it_reaches_inventory(
    stack: Stack, counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    code = await counter.new_label()
    scanned = f"HTTPS://{stack.public_host.upper()}/D/{code}"  # what a wedge scanner types

    sent = await counter.send(await counter.open(), scanned)

    assert sent.status_code == 303, sent.text
    confirmed = await counter.client.get(sent.url.join(sent.headers["location"]))
    assert confirmed.status_code == 200
    assert f"Ordinateur portable {format_code(code)} enregistré" in confirmed.text
    today = confirmed.text.split('id="today"', 1)[1]
    assert format_code(code) in today
    assert 'value=""' in confirmed.text.split('id="label"', 1)[1].split(">", 1)[0]
    collector = token_for(stack, "collector")

    async def in_inventory() -> dict | None:
        answer = await counter.client.get(
            f"{stack.url('inventory')}/api/v1/devices/{code}",
            headers={"Authorization": f"Bearer {collector}", "Accept": "application/json"},
        )
        return answer.json() if answer.status_code == 200 else None

    device = await wait_for(in_inventory)
    assert device["state"] == "received"
    assert [entry["place_name"] for entry in device["history"]] == [counter.point.name]


async def test_a_form_sent_twice_with_its_hidden_key_registers_the_donation_once(
    counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    code = await counter.new_label()
    hidden = await counter.open()

    double_click = await asyncio.gather(*(counter.send(hidden, code) for _ in range(2)))
    reloaded = await counter.send(hidden, code)

    answers = [*double_click, reloaded]
    assert [answer.status_code for answer in answers] == [303, 303, 303]
    assert len({answer.headers["location"] for answer in answers}) == 1
    assert len(await intakes_labelled(collection_pool, code[:8])) == 1


async def test_a_wrong_check_symbol_is_refused_with_the_reason_and_nothing_is_saved(
    counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    code = generate_code()
    wrong = code[:8] + ("0" if code[8] != "0" else "1")

    refused = await counter.send(await counter.open(), format_code(wrong).lower())

    assert refused.status_code == 422
    page = html.unescape(refused.text)
    assert f"Le dernier caractère de l'étiquette {format_code(wrong)} (le caractère" in page
    field = page.split('id="label"', 1)[1].split(">", 1)[0]
    assert f'value="{format_code(wrong).lower()}"' in field
    assert 'aria-invalid="true"' in field
    assert "label-error" in field
    assert await intakes_labelled(collection_pool, code[:8]) == []


async def test_a_donation_without_the_donors_acknowledgement_is_not_saved(
    counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    code = await counter.new_label()

    refused = await counter.send(await counter.open(), code, acknowledged=False)

    assert refused.status_code == 422
    assert "Cochez cette case" in html.unescape(refused.text)
    assert await intakes_labelled(collection_pool, code[:8]) == []


async def test_a_label_already_attached_is_refused_saying_where(
    counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    code = await counter.new_label()
    assert (await counter.send(await counter.open(), code)).status_code == 303

    again = await counter.send(await counter.open(), code)

    assert again.status_code == 409
    assert f"reçu à {counter.point.name}" in html.unescape(again.text)
    assert len(await intakes_labelled(collection_pool, code[:8])) == 1


async def test_a_photo_of_a_printed_label_registers_that_label(
    stack: Stack, counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    code = await counter.new_label()
    photo = render_png(code, stack.public_host)

    sent = await counter.send(await counter.open(), "", photo=("label.png", photo, "image/png"))

    assert sent.status_code == 303, sent.text
    confirmed = await counter.client.get(sent.url.join(sent.headers["location"]))
    assert f"Ordinateur portable {format_code(code)} enregistré" in confirmed.text
    assert [row["label"] for row in await intakes_labelled(collection_pool, code[:8])] == [code]


async def test_a_photo_without_a_label_is_refused_in_words_and_nothing_is_saved(
    counter: Counter,
) -> None:
    refused = await counter.send(
        await counter.open(), "", photo=("notes.txt", b"not an image", "text/plain")
    )

    assert refused.status_code == 422
    assert "n'est pas une photo" in html.unescape(refused.text)


async def test_a_collector_cannot_use_the_counter_of_another_point(
    stack: Stack, counter: Counter, http: httpx.AsyncClient
) -> None:
    elsewhere = token_for(
        stack, "collector", "collection_point:00000000-0000-0000-0000-000000000000"
    )
    answer = await http.get(
        f"{counter.url}?point={counter.point.id}",
        headers={"Accept": "text/html"},
        cookies={"boucle_session": elsewhere},
    )
    assert answer.status_code == 404


async def test_a_point_offers_only_the_types_it_accepts_and_refuses_the_others(
    stack: Stack, collection_pool: asyncpg.Pool, http: httpx.AsyncClient
) -> None:
    created = await created_place(http, stack, accepted_types=["tablet", "smartphone"])
    place = created.json()["place"]
    point = CollectionPoint(
        id=place["id"],
        name=place["name"],
        kind=place["kind"],
        address=place["address"],
        postcode=place["postcode"],
        commune=place["commune"],
    )
    token = token_for(stack, "collector", f"collection_point:{point.id}")
    async with httpx.AsyncClient(
        timeout=30, headers={"Accept": "text/html"}, cookies={"boucle_session": token}
    ) as client:
        counter = Counter(stack, client, f"{stack.url('collection_point')}/guichet", point)
        page = await client.get(f"{counter.url}?point={point.id}")
        offered = re.findall(
            r'name="device_type" id="type-(\w+)" value="\w+"( checked)?', page.text
        )
        assert offered == [("tablet", " checked"), ("smartphone", "")]

        code = await counter.new_label()
        refused = await counter.send(await counter.open(), code)  # a laptop, forged

    assert refused.status_code == 422
    assert "n'accepte pas ce type d'appareil (Ordinateur portable)" in html.unescape(refused.text)
    assert await intakes_labelled(collection_pool, code[:8]) == []


async def test_details_typed_at_the_counter_are_kept_and_a_company_gets_its_receipt(
    counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    code = await counter.new_label()
    company = f"Brasserie Nord {code[:4]}"

    sent = await counter.send(
        await counter.open(),
        code,
        brand="Dell",
        model="Latitude 5490",
        serial_number="CN0ABC",
        condition="good",
        accessories=["charger", "case"],
        weight="1,9",
        donor_kind="company",
        contact_name="Camille Martin",
        contact_email="camille@brasserie.example",
        donor_reference=company,
    )

    assert sent.status_code == 303, sent.text
    confirmed = html.unescape(
        (await counter.client.get(sent.url.join(sent.headers["location"]))).text
    )
    link = re.search(r'<a href="([^"]+)">Reçu de don pour ([^<]+) \(PDF\)</a>', confirmed)
    assert link is not None
    assert link.group(2) == company
    receipt = await counter.client.get(sent.url.join(link.group(1)))
    assert receipt.status_code == 200
    assert receipt.headers["content-type"] == "application/pdf"
    row = await collection_pool.fetchrow(
        "SELECT i.brand, i.model, i.serial_number, i.condition, i.accessories, i.weight_kg, "
        "i.donor_kind, i.donor_reference, i.acknowledged_by, c.email FROM intakes i "
        "JOIN donor_contacts c ON c.intake_id = i.id WHERE i.label = $1",
        code,
    )
    assert dict(row) == {
        "brand": "Dell",
        "model": "Latitude 5490",
        "serial_number": "CN0ABC",
        "condition": "good",
        "accessories": ["charger", "case"],
        "weight_kg": 1.9,
        "donor_kind": "company",
        "donor_reference": company,
        "acknowledged_by": "donor",
        "email": "camille@brasserie.example",
    }


async def test_a_wrong_weight_is_refused_next_to_the_field_with_the_details_open(
    counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    code = await counter.new_label()

    refused = await counter.send(await counter.open(), code, weight="lourd", brand="Acer")

    assert refused.status_code == 422
    page = html.unescape(refused.text)
    assert '<details class="counter-details" open>' in page
    field = page.split('id="weight"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in field
    assert "weight-error" in field
    assert "Le poids s'écrit en kilos" in page
    assert 'value="Acer"' in page  # what was typed is given back
    assert await intakes_labelled(collection_pool, code[:8]) == []


async def test_news_for_the_donor_needs_an_address_and_keeps_the_pages_language(
    counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    code = await counter.new_label()

    refused = await counter.send(
        await counter.open(), code, contact_name="Mme Martin", contact_news="yes"
    )

    assert refused.status_code == 422
    page = html.unescape(refused.text)
    assert '<details class="counter-details" open>' in page
    field = page.split('id="contact_email"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in field and "contact_email-error" in field
    assert "il faut son adresse e-mail" in page
    checkbox = page.split('id="contact_news"', 1)[1].split(">", 1)[0]
    assert "checked" in checkbox  # what was ticked is given back
    assert await intakes_labelled(collection_pool, code[:8]) == []

    sent = await counter.send(
        await counter.open(),
        code,
        query="?lang=en",
        contact_email="martin@example.org",
        contact_news="yes",
    )
    assert sent.status_code == 303, sent.text
    row = await collection_pool.fetchrow(
        "SELECT c.news, c.language FROM intakes i JOIN donor_contacts c ON c.intake_id = i.id "
        "WHERE i.label = $1",
        code,
    )
    assert tuple(row) == (True, "en")


async def test_a_voided_label_is_refused_at_the_counter_saying_when(
    stack: Stack, counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    base = stack.url("collection_point")
    token = token_for(stack, "collector", f"collection_point:{counter.point.id}")
    collector = {"Authorization": f"Bearer {token}"}
    batch = await counter.client.post(
        f"{base}/api/v1/label-batches",
        json={"collection_point_id": str(counter.point.id), "count": 1},
        headers=collector,
    )
    code = batch.json()["labels"][0]["code"]
    await counter.client.post(
        f"{base}/api/v1/labels/{code}/void", json={"reason": "lost"}, headers=collector
    )

    refused = await counter.send(await counter.open(), code)

    assert refused.status_code == 422
    assert f"L'étiquette {format_code(code)} a été annulée le" in html.unescape(refused.text)
    assert await intakes_labelled(collection_pool, code[:8]) == []


async def test_a_label_boucle_never_printed_is_refused_next_to_the_field_and_nothing_saved(
    counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    code = generate_code()

    refused = await counter.send(await counter.open(), format_code(code))

    assert refused.status_code == 422
    page = html.unescape(refused.text)
    error = page.split('id="label-error">', 1)[1].split("</span>", 1)[0]
    assert error == (
        f"L'étiquette {format_code(code)} n'a jamais été imprimée par Boucle : vérifiez les "
        "caractères sous le QR code, ou prenez une étiquette de votre rouleau."
    )
    field = page.split('id="label"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in field
    assert f'value="{format_code(code)}"' in field
    assert await intakes_labelled(collection_pool, code[:8]) == []


async def test_a_photo_too_big_is_refused_next_to_the_photo_field_keeping_what_was_typed(
    counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    code = await counter.new_label()
    photo = ("IMG_0001.jpg", b"\xff\xd8\xff" + bytes(MAX_PHOTO_BYTES), "image/jpeg")

    refused = await counter.send(await counter.open(), code, photo=photo, brand="Dell")

    assert refused.status_code == 413
    page = html.unescape(refused.text)
    error = page.split('id="photo-error">', 1)[1].split("</span>", 1)[0]
    assert error == "La photo dépasse 10 Mo : reprenez-la en plus petite taille."
    field = page.split('id="photo"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in field and "photo-error" in field
    assert 'value="Dell"' in page
    assert await intakes_labelled(collection_pool, code[:8]) == []


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_a_form_far_too_big_for_the_server_gets_a_page_that_says_why(
    counter: Counter, lang: str
) -> None:
    """The server answers as soon as it reads the announced size, before the body is sent (a
    client still sending would see the connection closed: here only the headers go out)."""
    address = httpx.URL(counter.url)
    reader, writer = await asyncio.open_connection(address.host, address.port)
    token = counter.client.cookies["boucle_session"]
    writer.write(
        (
            f"POST /guichet?point={counter.point.id}&lang={lang} HTTP/1.1\r\n"
            f"Host: {address.host}:{address.port}\r\n"
            "Accept: text/html\r\n"
            f"Cookie: boucle_session={token}; boucle_csrf={'x' * 43}\r\n"
            "Content-Type: multipart/form-data; boundary=photo\r\n"
            f"Content-Length: {MAX_FORM_BYTES + 1}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    try:
        answer = (await asyncio.wait_for(reader.read(), 30)).decode()
    finally:
        writer.close()

    head, page = answer.split("\r\n\r\n", 1)
    assert head.startswith("HTTP/1.1 413 ")
    assert "content-type: text/html" in head.lower()
    said = {
        "fr": "La photo dépasse 10 Mo : reprenez-la en plus petite taille.",
        "en": "The photo is over 10 MB: take it again at a smaller size.",
    }
    assert said[lang] in html.unescape(page)
    assert f'href="/guichet?point={counter.point.id}"' in page


JSON = {"Accept": "application/json"}  # what the page's script asks, from its offline queue


async def test_the_pages_script_gets_the_registration_in_words_and_a_second_send_is_a_replay(
    counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    code = await counter.new_label()
    hidden = await counter.open()
    query = f"?point={counter.point.id}"

    first, again = [await counter.send(hidden, code, query=query, headers=JSON) for _ in range(2)]

    assert first.status_code == again.status_code == 201, first.text
    assert first.json() == again.json()
    answer = first.json()
    assert answer["message"] == f"Ordinateur portable {format_code(code)} enregistré"
    assert answer["label"] == format_code(code)
    assert answer["location"] == f"/guichet?point={counter.point.id}&enregistre={answer['id']}"
    assert len(await intakes_labelled(collection_pool, code[:8])) == 1


async def test_the_pages_script_gets_a_refusal_by_field_in_the_pages_language(
    counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    code = generate_code()
    wrong = code[:8] + ("0" if code[8] != "0" else "1")

    refused = await counter.send(
        await counter.open(),
        wrong,
        query=f"?point={counter.point.id}&lang=en",
        headers=JSON,
        weight="heavy",
    )

    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    reasons = {error["key"]: error["message"] for error in problem["errors"]}
    assert problem["detail"] == f"Nothing was saved: {reasons['label']} {reasons['weight']}"
    assert set(reasons) == {"label", "weight"}
    assert format_code(wrong) in reasons["label"]
    assert await intakes_labelled(collection_pool, code[:8]) == []


async def test_the_pages_script_needs_the_form_token_like_the_form(
    counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    code = await counter.new_label()
    hidden = {**await counter.open(), "_csrf_token": "forged"}

    refused = await counter.send(hidden, code, query=f"?point={counter.point.id}", headers=JSON)

    assert refused.status_code == 403
    assert refused.json()["extensions"] == {"reason": "csrf"}
    assert await intakes_labelled(collection_pool, code[:8]) == []


async def test_the_counter_app_manifest_and_service_worker_are_served_to_anyone(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    base = stack.url("collection_point")

    worker = await http.get(f"{base}/guichet/sw.js")
    manifest = await http.get(f"{base}/guichet/manifest.webmanifest?lang=en")

    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert worker.headers["service-worker-allowed"] == "/guichet"
    assert worker.headers["cache-control"] == "no-cache"
    assert manifest.status_code == 200
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    assert manifest.json()["name"] == "Boucle — collection counter"
    icon = await http.get(f"{base}{manifest.json()['icons'][0]['src']}")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
