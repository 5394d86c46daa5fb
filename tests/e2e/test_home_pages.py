"""Each service's home page, as each person of the demo opens it over real HTTP: only the
pages their role may open, what awaits them counted on real data, and the administrators'
accounts pages from every home."""

from __future__ import annotations

import re

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from shared.auth import ROLES
from shared.config import SERVICES
from tests.support.households import Territory
from tests.support.http import HTML, bearer, said
from tests.support.shipments import Point
from tests.support.stacks import token_for
from tests.support.workshop import checked_in, donated_device, new_workshop

LINK = re.compile(r'<a href="([^"#?]+)"')


def _home_links(page: str) -> list[str]:
    """The links of the home's own content: what awaits and where to start."""
    content = page.split('<main id="contenu"', 1)[1].split("</main>", 1)[0]
    return [link for link in LINK.findall(content) if link != "/schema"]


async def _people(stack: Stack, http: httpx.AsyncClient, point: CollectionPoint) -> dict[str, str]:
    """A token per role, scoped as the demo scopes its people; "" for nobody signed in."""
    workshop = await new_workshop(stack)
    territory = await Territory(stack, http).open()
    scopes = {
        "collector": (f"collection_point:{point.id}",),
        "refurbisher": (f"workshop:{workshop}",),
        "erasure_officer": (f"workshop:{workshop}",),
        "social_worker": (f"organisation:{territory.organisation_id}",),
    }
    return {
        "": "",
        **{role: token_for(stack, role, *scopes.get(role, ())) for role in ROLES},
    }


async def test_every_link_a_home_shows_opens_for_the_person_who_sees_it(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    people = await _people(stack, http, collection_point)
    seen: dict[tuple[str, str], list[str]] = {}
    for service in SERVICES:
        for role, token in people.items():
            headers = {**HTML, **(bearer(token) if token else {})}
            home = await http.get(f"{stack.url(service)}/", headers=headers)
            assert home.status_code == 200, (service, role)
            links = _home_links(home.text)
            seen[service, role] = links
            for link in links:
                url = link if link.startswith("http") else stack.url(service) + link
                answer = await http.get(url, headers=headers, follow_redirects=True)
                assert answer.status_code == 200, f"{role or 'anonymous'} on {service}: {link}"
    accounts = f"{stack.url('group_purchase')}/accounts"
    for service in SERVICES:
        assert accounts in seen[service, "admin"], service
        for role in people:
            if role != "admin":
                assert accounts not in seen[service, role], (service, role)
    # what each sees is led by their role, not the same list for all
    assert seen["inventory", ""] == ["/impact"]
    assert "/registre" in seen["inventory", "coordinator"]
    assert "/guichet" in seen["collection_point", "collector"]
    assert "/guichet" not in seen["collection_point", "social_worker"]
    assert "/atelier" not in seen["refurbishment", "collector"]


async def test_an_erasure_officer_sees_the_devices_to_erase_as_they_arrive(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    workshop = await new_workshop(stack)
    officer = {**HTML, **bearer(token_for(stack, "erasure_officer", f"workshop:{workshop}"))}
    refurbisher = {**HTML, **bearer(token_for(stack, "refurbisher", f"workshop:{workshop}"))}
    home = f"{stack.url('refurbishment')}/"

    before = said(await http.get(home, headers=officer))
    assert "Rien ne vous attend ici pour l’instant." in before

    for _ in range(2):
        await checked_in(stack, http, workshop, await donated_device(stack, collection_point))

    after = await http.get(home, headers=officer)
    assert "Appareils à effacer : 2" in said(after)
    assert f'href="/atelier/{workshop}"' in after.text
    # erasing is not the refurbisher's step: nothing of it on their home
    assert "Appareils à effacer" not in said(await http.get(home, headers=refurbisher))
    english = await http.get(f"{home}?lang=en", headers=officer)
    assert "Devices to erase: 2" in said(english)


async def test_a_collector_sees_the_boxes_still_to_dispatch(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    point = Point(stack, http, collection_point)
    agent = {**HTML, **point.headers}
    home = f"{stack.url('collection_point')}/"
    assert "Rien ne vous attend ici pour l’instant." in said(await http.get(home, headers=agent))

    await point.opened_for(await new_workshop(stack))

    answer = await http.get(home, headers=agent)
    assert "Cartons ouverts pour un atelier, à expédier : 1" in said(answer)
    assert f'href="/guichet/{collection_point.id}/envois"' in answer.text


async def test_a_social_worker_without_a_proposal_is_told_that_nothing_awaits(
    stack: Stack, http: httpx.AsyncClient, territory: Territory
) -> None:
    answer = await http.get(f"{stack.url('group_purchase')}/", headers={**HTML, **territory.worker})

    assert "Ce qui vous attend" in said(answer)
    assert "Rien ne vous attend ici pour l’instant." in said(answer)


async def test_a_device_proposed_to_a_household_awaits_its_social_worker_and_leads_the_request(
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
) -> None:
    stack, http = territory.stack, territory.http
    await territory.ready_device(bus, inventory_pool, purchase_pool)
    household = await territory.household()
    request = await territory.request(household["id"])
    await territory.need_when(request["id"], "proposed")
    worker = {**HTML, **territory.worker}

    home = said(await http.get(f"{stack.url('group_purchase')}/", headers=worker))
    assert "Appareils proposés à vos foyers, à confirmer ou refuser : 1" in home
    households = said(await http.get(f"{stack.url('group_purchase')}/demandes", headers=worker))
    assert "<td>1 — <strong>1 à confirmer ou refuser</strong></td>" in households
    page = await http.get(f"{stack.url('group_purchase')}/demandes/{request['id']}", headers=worker)
    text = said(page)
    assert "À faire maintenant : confirmer l’appareil proposé au foyer, ou le refuser." in text
    # confirming is the step; declining and cancelling are folded beneath it
    decline = page.text.split('<details class="step-more">', 1)[1]
    assert decline.index("Cet appareil ne convient pas ?") < decline.index("/refus")
    assert page.text.index("/confirmation") < page.text.index('<details class="step-more">')


@pytest.mark.parametrize("service", SERVICES)
async def test_nobody_signed_in_sees_no_waiting_list(
    stack: Stack, http: httpx.AsyncClient, service: str
) -> None:
    answer = await http.get(f"{stack.url(service)}/", headers=HTML)

    assert "Ce qui vous attend" not in said(answer)
    assert answer.headers["cache-control"] == "no-store"
