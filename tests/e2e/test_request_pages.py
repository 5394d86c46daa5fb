"""The request pages over real HTTP, as a browser sends them (session cookie, CSRF token,
forms): a social worker takes a household from registration to hand-over through the pages
only; refusals are said in words; another organisation's pages do not exist for her."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from shared.labels import format_code
from tests.support.households import Territory
from tests.support.http import HTML, UUID, said
from tests.support.request_pages import Desk, desk_of, token_of
from tests.support.requests import pdf_text
from tests.support.stacks import token_for
from tests.support.waiting import wait_for


@pytest.fixture
async def territory(
    stack: Stack, http: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> AsyncIterator[Territory]:
    opened = await Territory(stack, http).open()
    yield opened
    await opened.close(purchase_pool)


HOUSEHOLD = {
    "commune": "Roubaix",
    "contact_name": "Famille Exemple",
    "contact_phone": "06 12 34 56 78",
    "school_age_children": "2",
    "no_computer": "yes",
    "internet_access": "phone_only",
    "consent": "yes",
}


async def registered(desk: Desk, **fields: str) -> str:
    """Register a household through the form: its id."""
    answer = await desk.send(
        "/demandes/foyers/nouveau", "/demandes/foyers/nouveau", HOUSEHOLD | fields
    )
    assert answer.status_code == 303, said(answer)
    found = re.fullmatch(rf"/demandes/foyers/({UUID})\?fait=registered", answer.headers["location"])
    assert found, answer.headers["location"]
    return found.group(1)


async def filed(desk: Desk, household: str, place: str, **fields: str) -> str:
    """File a request of one laptop through the household's page: the request's id."""
    answer = await desk.send(
        f"/demandes/foyers/{household}",
        f"/demandes/foyers/{household}/demandes",
        {"device_type": "laptop", "purpose": "school", "pickup_place": place} | fields,
    )
    assert answer.status_code == 303, said(answer)
    found = re.fullmatch(rf"/demandes/({UUID})\?fait=submitted", answer.headers["location"])
    assert found, answer.headers["location"]
    return found.group(1)


def need_and_proposal(page: httpx.Response, request: str) -> tuple[str, str]:
    need = re.search(rf"/demandes/{request}/besoins/({UUID})/confirmation", page.text)
    proposal = re.search(rf'name="proposal_id" value="({UUID})"', page.text)
    assert need and proposal, said(page)
    return need.group(1), proposal.group(1)


async def test_a_social_worker_takes_a_household_from_request_to_hand_over_with_the_pages(
    stack: Stack,
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
) -> None:
    device = await territory.ready_device(bus, inventory_pool, purchase_pool)
    async with desk_of(stack, token_of(territory.worker)) as desk:
        household = await registered(desk, organisation_id=territory.organisation_id)
        shown = await desk.page(f"/demandes/foyers/{household}?fait=registered")
        assert shown.headers["cache-control"] == "no-store"
        assert "Le foyer est enregistré" in said(shown)
        assert "Enfants scolarisés (2)" in said(shown)
        assert f'<option value="{territory.place}">' in said(shown)
        seen_by = await purchase_pool.fetch(
            "SELECT actor, action FROM audit_log WHERE subject = $1 ORDER BY id",
            f"household:{household}",
        )
        assert [row["action"] for row in seen_by] == ["household.registered", "household.read"]
        assert {row["actor"] for row in seen_by} == {seen_by[0]["actor"]} != {""}

        request = await filed(desk, household, territory.place, min_memory_gb="4")
        page = await desk.page(f"/demandes/{request}")
        text = said(page)
        assert page.headers["cache-control"] == "no-store"
        assert "un appareil est proposé" in text
        assert format_code(device.label) in text
        assert "Mémoire : 8 Go (au moins 4 Go demandés)" in text
        assert f"Déjà au lieu de retrait choisi : {territory.place}" in text
        assert "Enfants scolarisés : 2 × 15 = 30 points" in text
        need, proposal = need_and_proposal(page, request)

        confirmation = f"/demandes/{request}/besoins/{need}/confirmation"
        answer = await desk.send(f"/demandes/{request}", confirmation, {"proposal_id": proposal})
        assert answer.status_code == 303, said(answer)
        assert answer.headers["location"].startswith(f"/demandes/{request}?fait=confirmed")
        again = await desk.send(f"/demandes/{request}", confirmation, {"proposal_id": proposal})
        assert again.status_code == 409
        assert "n'attend plus de confirmation" in said(again)
        assert "Traceback" not in again.text

        async def reserved() -> httpx.Response | None:
            page = await desk.page(f"/demandes/{request}")
            return page if "Réservé jusqu'au" in said(page) else None

        await wait_for(reserved, within=40)
        handed = await desk.send(
            f"/demandes/{request}", f"/demandes/{request}/besoins/{need}/remise", {"place": ""}
        )
        assert handed.status_code == 303, said(handed)
        after = await desk.page(handed.headers["location"])
        assert "La remise est enregistrée" in said(after)
        assert f"/demandes/besoins/{need}/recu.pdf" in after.text

        receipt = await desk.page(f"/demandes/besoins/{need}/recu.pdf")
        assert receipt.headers["content-type"] == "application/pdf"
        reference = re.search(r"M-[A-Z0-9]{7}", said(after))
        assert reference
        assert reference.group(0) in pdf_text(receipt.content)
        assert format_code(device.label) in pdf_text(receipt.content)

        returned = await desk.send(
            f"/demandes/{request}",
            f"/demandes/{request}/besoins/{need}/retour",
            {"reason": "ne démarre plus"},
        )
        assert returned.status_code == 303, said(returned)
        assert "appareil rapporté" in said(await desk.page(f"/demandes/{request}"))


async def test_a_refused_proposal_is_not_proposed_again_and_a_need_can_be_cancelled(
    stack: Stack,
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
) -> None:
    device = await territory.ready_device(bus, inventory_pool, purchase_pool)
    household = (await territory.household())["id"]
    async with desk_of(stack, token_of(territory.worker)) as desk:
        request = await filed(desk, household, territory.place)
        page = await desk.page(f"/demandes/{request}")
        need, proposal = need_and_proposal(page, request)
        declined = await desk.send(
            f"/demandes/{request}",
            f"/demandes/{request}/besoins/{need}/refus",
            {"proposal_id": proposal, "reason": "trop lourd pour l'enfant"},
        )
        assert declined.status_code == 303, said(declined)
        after = said(await desk.page(declined.headers["location"]))
        assert "La proposition est refusée" in after
        assert proposal not in after, "a refused device is not proposed again"
        assert format_code(device.label) not in after

        cancelled = await desk.send(
            f"/demandes/{request}", f"/demandes/{request}/besoins/{need}/annulation"
        )
        assert cancelled.status_code == 303
        after = said(await desk.page(cancelled.headers["location"]))
        assert "Le besoin est annulé" in after
        assert "Annuler ce besoin" not in after
        again = await desk.send("/demandes", f"/demandes/{request}/besoins/{need}/annulation")
        assert again.status_code == 409
        assert "Ce besoin est déjà terminé" in said(again)


async def test_a_household_that_asks_to_be_forgotten_is_erased_after_a_confirmation(
    stack: Stack, territory: Territory
) -> None:
    async with desk_of(stack, token_of(territory.worker)) as desk:
        household = await registered(desk, organisation_id=territory.organisation_id)
        request = await filed(desk, household, "", device_type="monitor")
        waiting = said(await desk.page(f"/demandes/{request}"))
        assert "Pourquoi rien ne convient pour l'instant" in waiting
        assert "Aucun appareil prêt de ce type : écran" in waiting

        confirm = await desk.page(f"/demandes/foyers/{household}/effacement")
        assert confirm.status_code == 200
        assert "Famille Exemple" in said(confirm), "what will be erased is shown first"
        erased = await desk.send(
            f"/demandes/foyers/{household}", f"/demandes/foyers/{household}/effacement"
        )
        assert erased.status_code == 303
        after = said(await desk.page(erased.headers["location"]))
        assert "Les données personnelles du foyer sont effacées" in after
        assert "Famille Exemple" not in after
        assert "Nouvelle demande" not in after
        assert "annulé" in said(await desk.page(f"/demandes/{request}"))


async def test_a_household_without_consent_is_refused_in_words_next_to_the_box(
    stack: Stack, territory: Territory
) -> None:
    async with desk_of(stack, token_of(territory.worker)) as desk:
        answer = await desk.send(
            "/demandes/foyers/nouveau",
            "/demandes/foyers/nouveau",
            {
                **HOUSEHOLD,
                "consent": "",
                "commune": "Wattrelos",
                "organisation_id": territory.organisation_id,
            },
        )
    assert answer.status_code == 422
    text = said(answer)
    assert "Le consentement du foyer est nécessaire" in text
    assert re.search(r'id="household-consent"[^>]*aria-invalid="true"', answer.text)
    assert 'value="Wattrelos"' in answer.text, "what was typed is kept"


async def test_a_form_field_that_cannot_be_read_is_said_next_to_it(
    stack: Stack, territory: Territory
) -> None:
    async with desk_of(stack, token_of(territory.worker)) as desk:
        answer = await desk.send(
            "/demandes/foyers/nouveau",
            "/demandes/foyers/nouveau",
            {
                **HOUSEHOLD,
                "contact_phone": "appelez-moi",
                "organisation_id": territory.organisation_id,
            },
        )
        assert answer.status_code == 422
        assert "Un numéro de téléphone ne contient que des chiffres" in said(answer)
        assert re.search(r'id="household-contact_phone"[^>]*aria-invalid="true"', answer.text)
        english = await desk.send(
            "/demandes/foyers/nouveau?lang=en",
            "/demandes/foyers/nouveau?lang=en",
            {**HOUSEHOLD, "commune": "", "organisation_id": territory.organisation_id},
        )
    assert english.status_code == 422
    assert "This field is required." in said(english)


async def test_another_organisations_worker_finds_no_such_household_nor_request(
    stack: Stack,
    http: httpx.AsyncClient,
    territory: Territory,
    purchase_pool: asyncpg.Pool,
) -> None:
    household = (await territory.household())["id"]
    request = (await territory.request(household, device_type="printer"))["id"]
    other = await Territory(stack, http).open()
    try:
        async with desk_of(stack, token_of(other.worker)) as outsider:
            for path in (f"/demandes/foyers/{household}", f"/demandes/{request}"):
                answer = await outsider.page(path)
                assert answer.status_code == 404, path
                assert "text/html" in answer.headers["content-type"]
            listed = await outsider.page("/demandes")
            assert household not in listed.text
            queue = await outsider.page("/demandes/file")
            assert request not in queue.text
            need = (await territory.view(request))["needs"][0]["id"]
            cancel = await outsider.send(
                "/demandes", f"/demandes/{request}/besoins/{need}/annulation"
            )
            assert cancel.status_code == 404
    finally:
        await other.close(purchase_pool)


async def test_coordinators_see_the_queue_propose_now_and_set_quotas(
    stack: Stack, territory: Territory
) -> None:
    household = (await territory.household(job_seeking=True))["id"]
    request = (await territory.request(household, device_type="printer"))["id"]
    async with desk_of(stack, token_for(stack, "coordinator")) as coordination:
        queue = await coordination.page("/demandes/file")
        assert queue.status_code == 200
        assert request in queue.text
        assert "Où le stock manque" in said(queue)
        proposed = await coordination.send("/demandes/file", "/demandes/file/propositions")
        assert proposed.status_code == 303
        assert "proposees=" in proposed.headers["location"]
        shown = await coordination.page(proposed.headers["location"])
        assert "Appareils proposés : " in said(shown)

        name = f"Association test {uuid.uuid4().hex[:6]}"
        fields = {"name": name, "kind": "association", "commune": "Tourcoing"}
        created = await coordination.send(
            "/demandes/organisations", "/demandes/organisations", fields
        )
        assert created.status_code == 303, said(created)
        twice = await coordination.send(
            "/demandes/organisations", "/demandes/organisations", fields
        )
        assert twice.status_code == 409
        assert f"Une structure porte déjà le nom « {name} »" in said(twice)
        quota = await coordination.send(
            "/demandes/organisations",
            f"/demandes/organisations/{territory.organisation_id}/quota",
            {"monthly_quota": "-3"},
        )
        assert quota.status_code == 422
        assert "Un nombre entier de 0 à 100000." in said(quota)  # as the API holds it
        quota = await coordination.send(
            "/demandes/organisations",
            f"/demandes/organisations/{territory.organisation_id}/quota",
            {"monthly_quota": "12"},
        )
        assert quota.status_code == 303
    async with desk_of(stack, token_of(territory.worker)) as worker:
        assert (await worker.page("/demandes/organisations")).status_code == 403


async def test_the_published_criteria_and_the_paper_form_are_open_to_anyone(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    base = stack.url("group_purchase")
    criteria = await http.get(f"{base}/demandes/criteres", headers=HTML)
    assert criteria.status_code == 200
    text = said(criteria)
    assert "Enfants scolarisés" in text
    assert "15 points chacun, 4 au plus" in text
    assert "/api/v1/open-data/priority-criteria.json" in text
    english = await http.get(f"{base}/demandes/criteres?lang=en", headers=HTML)
    assert "School-age children" in said(english)

    form = await http.get(f"{base}/demandes/formulaire.pdf")
    assert form.status_code == 200
    assert form.headers["content-type"] == "application/pdf"
    assert form.content.startswith(b"%PDF")
    assert "School-age children" in pdf_text(form.content), "the language chosen is remembered"
