"""The group-purchase pages over real HTTP, as a browser sends them (session cookie, CSRF token,
forms): a coordinator runs a campaign from the supplier to the delivery's labels, a social
worker pledges her households' needs and sees their share; every household pledged either
gets a device or is told why not; refusals are said in words next to the field."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from boucle.devstack.stack import Stack
from services.group_purchase.campaigns import deadlines
from tests.support.campaigns import (
    in_a_week,
    need_status,
    no_tablet_ready_elsewhere,
    waiting_need,
)
from tests.support.households import Territory
from tests.support.http import UUID
from tests.support.http import said as said_exactly
from tests.support.purchase_units import campaigns_on
from tests.support.request_pages import Desk, desk_of, token_of
from tests.support.stacks import token_for

LABEL = r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]"
NO_BREAK = str.maketrans({"\xa0": " ", "\u202f": " "})

__all__ = ["no_tablet_ready_elsewhere"]  # the fixture applies here too


def said(answer: httpx.Response) -> str:
    """The page's text as a person reads it, no-break spaces (as in ``1 234,50 €``) as spaces."""
    return said_exactly(answer).translate(NO_BREAK)


@pytest.fixture
async def territory(
    stack: Stack, http: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> AsyncIterator[Territory]:
    opened = await Territory(stack, http).open()
    yield opened
    await opened.close(purchase_pool)


@pytest.fixture
async def coordination(stack: Stack) -> AsyncIterator[Desk]:
    async with desk_of(stack, token_for(stack, "coordinator")) as desk:
        yield desk


async def new_supplier(desk: Desk) -> tuple[str, str]:
    """A supplier added through its form: its id and name."""
    name = f"Ateliers solidaires {uuid.uuid4().hex[:8]}"
    answer = await desk.send(
        "/achats/fournisseurs",
        "/achats/fournisseurs",
        {"name": name, "kind": "social_enterprise", "contact": "commandes@example.org"},
    )
    assert answer.status_code == 303, said(answer)
    assert answer.headers["location"] == "/achats/fournisseurs?fait=created"
    listed = said(await desk.page("/achats/fournisseurs?fait=created"))
    assert "Le fournisseur est ajouté" in listed and name in listed, listed
    form = said(await desk.page("/achats/campagnes/nouvelle"))
    found = re.search(rf'<option value="({UUID})">{re.escape(name)}</option>', form)
    assert found, form
    return found.group(1), name


CAMPAIGN = {
    "title": "Tablettes pour les démarches",
    "device_type": "tablet",
    "grade": "B",
    "tier_from_1": "1",
    "tier_to_1": "2",
    "tier_price_1": "300",
    "tier_from_2": "3",
    "tier_price_2": "249,90",
    "minimum_quantity": "2",
    "maximum_quantity": "3",
    "subsidy_funder": "Métropole européenne de Lille",
}


async def new_campaign(desk: Desk, supplier: str, **fields: str) -> str:
    """A draft created through the form: its id."""
    answer = await desk.send(
        "/achats/campagnes/nouvelle",
        "/achats/campagnes/nouvelle",
        CAMPAIGN | {"supplier_id": supplier, "deadline": in_a_week()} | fields,
    )
    assert answer.status_code == 303, said(answer)
    found = re.fullmatch(rf"/achats/campagnes/({UUID})\?fait=created", answer.headers["location"])
    assert found, answer.headers["location"]
    return found.group(1)


async def opened(desk: Desk, campaign: str, policy: str = "cancel") -> None:
    path = f"/achats/campagnes/{campaign}"
    answer = await desk.send(path, f"{path}/ouverture", {"deadline_policy": policy})
    assert answer.status_code == 303, said(answer)
    assert "La campagne est ouverte aux engagements" in said(await desk.page(path + "?fait=opened"))


async def pledged(desk: Desk, campaign: str, need: dict[str, Any]) -> str:
    """Pledge a need through the "Inscrire un besoin" form: the campaign page after."""
    path = f"/achats/campagnes/{campaign}"
    page = said(await desk.page(path))
    assert f'<option value="{need["id"]}">{need["household_reference"]} — ' in page, page
    answer = await desk.send(path, f"{path}/engagements", {"need_id": need["id"]})
    assert answer.status_code == 303, said(answer)
    return said(await desk.page(answer.headers["location"]))


async def test_a_coordinator_runs_a_campaign_from_the_pages_and_the_households_get_devices(
    stack: Stack, territory: Territory, coordination: Desk, purchase_pool: asyncpg.Pool
) -> None:
    poorest = await waiting_need(territory, low_income=True)
    ordinary = await waiting_need(territory)
    supplier, supplier_name = await new_supplier(coordination)
    campaign = await new_campaign(coordination, supplier)
    path = f"/achats/campagnes/{campaign}"
    draft = await coordination.page(path)
    assert draft.headers["cache-control"] == "no-store"
    assert "Brouillon" in said(draft) and supplier_name in said(draft)
    assert "249,90 €" in said(draft) and "3 et plus" in said(draft), said(draft)
    await opened(coordination, campaign)

    async with desk_of(stack, token_of(territory.worker)) as worker:
        listed = await worker.page("/achats/campagnes")
        assert listed.headers["cache-control"] == "no-store"
        assert "Tablettes pour les démarches" in said(listed)
        assert "300,00 €" in said(listed)
        assert "€300.00" in said(await worker.page("/achats/campagnes?lang=en"))
        await worker.page("/achats/campagnes?lang=fr")  # the choice is remembered: back to French
        after = await pledged(worker, campaign, poorest)
        assert "Le besoin est inscrit" in after
        assert poorest["household_reference"] in after and "25,00 €" in after
        assert "Il manque 1 engagement pour" in after
        after = await pledged(worker, campaign, ordinary)
        assert "80,00 €" in after and "Le minimum est atteint" in after
        assert "Encore 1 engagement et le prix passe à " + "249,90 €" in after
        assert '<progress max="2" value="2"' in after

    ordered = await coordination.send(path, f"{path}/commande")
    assert ordered.status_code == 303, said(ordered)
    page = said(await coordination.page(ordered.headers["location"]))
    assert "La commande est passée" in page and "600,00 €" in page
    for document, kind in (("order.pdf", "application/pdf"), ("order.csv", "text/csv")):
        link = f"/api/v1/campaigns/{campaign}/{document}"
        assert f'href="{link}"' in page
        downloaded = await coordination.page(link)
        assert downloaded.status_code == 200 and downloaded.headers["content-type"].startswith(kind)

    received = await coordination.send(path, f"{path}/livraison", {"delivered": "2"})
    assert received.status_code == 303, said(received)
    page = said(await coordination.page(received.headers["location"]))
    assert "imprimez les étiquettes" in page
    labels = re.findall(rf'<span class="label-code">({LABEL})</span>', page)
    assert len(labels) == 2, page
    for need in (poorest, ordinary):
        assert f"<code>{need['household_reference']}</code>" in page
        await territory.need_when(need["request_id"], "reserved")

    async with desk_of(stack, token_of(territory.worker)) as worker:
        news = said(await worker.page("/achats/campagnes"))
        assert "Les appareils sont arrivés (2 sur 2)" in news
    closed = await coordination.send(path, f"{path}/cloture")
    assert closed.status_code == 303
    assert "La campagne est clôturée" in said(await coordination.page(closed.headers["location"]))


async def test_bad_tiers_and_amounts_are_refused_in_words_next_to_the_field(
    coordination: Desk,
) -> None:
    supplier, _ = await new_supplier(coordination)
    gap = CAMPAIGN | {"supplier_id": supplier, "tier_from_2": "5", "tier_price_2": "250"}
    answer = await coordination.send(
        "/achats/campagnes/nouvelle", "/achats/campagnes/nouvelle", gap
    )
    assert answer.status_code == 422
    text = said(answer)
    assert "Les paliers laissent un trou : aucun prix de 3 à 4 appareils" in text
    assert 'id="draft-tiers-error"' in text and "Traceback" not in text
    assert 'value="Tablettes pour les démarches"' in text, "what was typed is kept"

    for typed in ("abc", "0", "12,345"):
        price = CAMPAIGN | {"supplier_id": supplier, "tier_price_2": typed}
        answer = await coordination.send(
            "/achats/campagnes/nouvelle", "/achats/campagnes/nouvelle", price
        )
        assert answer.status_code == 422, typed
        assert "Un prix en euros, par exemple 249 ou 249,90" in said(answer)
        assert 'aria-invalid="true" aria-describedby="draft-tier_price_2-error"' in answer.text

    draft = await new_campaign(coordination, "", deadline="")
    path = f"/achats/campagnes/{draft}"
    refused = await coordination.send(path, f"{path}/ouverture", {"deadline_policy": "cancel"})
    assert refused.status_code == 422
    assert "Choisissez le fournisseur avant d'ouvrir" in said(refused)
    cancelled = await coordination.send(path, f"{path}/annulation")
    assert cancelled.status_code == 303


async def test_a_late_pledge_or_one_of_another_type_is_refused_and_changes_nothing(
    stack: Stack, territory: Territory, coordination: Desk, purchase_pool: asyncpg.Pool
) -> None:
    supplier, _ = await new_supplier(coordination)
    campaign = await new_campaign(coordination, supplier)
    await opened(coordination, campaign)
    path = f"/achats/campagnes/{campaign}"
    household = await territory.household()
    laptop = (await territory.request(household["id"], device_type="laptop"))["needs"][0]
    tablet = await waiting_need(territory)

    async with desk_of(stack, token_of(territory.worker)) as worker:
        wrong = await worker.send(path, f"{path}/engagements", {"need_id": laptop["id"]})
        assert wrong.status_code == 422
        assert "Ce besoin porte sur : ordinateur portable ; la campagne achète : tablette" in said(
            wrong
        )
        assert 'id="pledged-need_id-error"' in wrong.text

        short = await coordination.send(path, f"{path}/commande")
        assert short.status_code == 409
        assert "Pas assez d'engagements : il en faut 2, il y en a 0." in said(short)

        page = await pledged(worker, campaign, tablet)
        withdraw = re.search(rf'action="({path}/engagements/{UUID}/retrait)"', page)
        assert withdraw, page
        withdrawn = await worker.send(path, withdraw.group(1))
        assert withdrawn.status_code == 303
        after = said(await worker.page(withdrawn.headers["location"]))
        assert "L'engagement est retiré : le besoin attend de nouveau" in after
        assert "Libéré : le besoin attend de nouveau" in after

        await purchase_pool.execute(
            "UPDATE campaigns SET deadline = now() - interval '1 minute' WHERE id = $1",
            uuid.UUID(campaign),
        )
        late = await worker.send(path, f"{path}/engagements", {"need_id": tablet["id"]})
        assert late.status_code == 409
        assert "L'échéance de cette campagne est passée" in said(late)
    assert await need_status(purchase_pool, tablet) == "waiting"


async def test_a_missed_minimum_is_told_to_the_social_worker_with_the_household(
    stack: Stack, territory: Territory, coordination: Desk, purchase_pool: asyncpg.Pool
) -> None:
    need = await waiting_need(territory)
    supplier, _ = await new_supplier(coordination)
    campaign = await new_campaign(coordination, supplier, minimum_quantity="3")
    await opened(coordination, campaign, policy="cancel")
    async with desk_of(stack, token_of(territory.worker)) as worker:
        await pledged(worker, campaign, need)
        await purchase_pool.execute(
            "UPDATE campaigns SET deadline = now() - interval '1 second' WHERE id = $1",
            uuid.UUID(campaign),
        )
        await deadlines.settle_due_campaigns(campaigns_on(purchase_pool))

        news = said(await worker.page("/achats/campagnes"))
        assert "L'achat groupé est annulé (minimum non atteint à l'échéance)" in news
        assert "Foyers dont l'engagement est libéré (le besoin attend de nouveau)" in news
        assert f"<code>{need['household_reference']}</code>" in news
        page = said(await worker.page(f"/achats/campagnes/{campaign}"))
        assert "Annulée" in page and "Libéré : le besoin attend de nouveau" in page
    assert await need_status(purchase_pool, need) == "waiting"


async def test_the_shortage_prepares_a_draft_that_the_coordinator_completes(
    territory: Territory, coordination: Desk
) -> None:
    await waiting_need(territory)
    home = said(await coordination.page("/achats"))
    assert 'action="/achats/penurie/tablet"' in home
    answer = await coordination.send("/achats", "/achats/penurie/tablet")
    assert answer.status_code == 303, said(answer)
    found = re.fullmatch(rf"/achats/campagnes/({UUID})\?fait=drafted", answer.headers["location"])
    assert found, answer.headers["location"]
    draft = said(await coordination.page(answer.headers["location"]))
    assert "Un brouillon est préparé" in draft and "Achat groupé : tablette" in draft, draft
    edit = f"/achats/campagnes/{found.group(1)}/modifier"
    form = said(await coordination.page(edit))
    assert '<option value="tablet" selected>' in form
    supplier, _ = await new_supplier(coordination)
    fields = CAMPAIGN | {"supplier_id": supplier, "deadline": in_a_week(), "maximum_quantity": "9"}
    short = await coordination.send(edit, edit, fields | {"tier_to_2": "5"})
    assert short.status_code == 422
    assert "Les paliers s'arrêtent à 5 appareils alors que la campagne peut en acheter 9" in said(
        short
    )
    updated = await coordination.send(edit, edit, fields)
    assert updated.status_code == 303, said(updated)
    assert "Le brouillon est mis à jour" in said(
        await coordination.page(updated.headers["location"])
    )
    nothing = await coordination.send("/achats", "/achats/penurie/printer")
    assert nothing.status_code == 409
    assert "Aucun besoin de type « imprimante » n'est en attente" in said(nothing)


async def test_a_supplier_is_corrected_and_a_second_one_of_the_same_name_refused(
    coordination: Desk,
) -> None:
    supplier, name = await new_supplier(coordination)
    editing = f"/achats/fournisseurs?modifier={supplier}"
    form = said(await coordination.page(editing))
    assert f'value="{name}"' in form and f'action="/achats/fournisseurs/{supplier}"' in form
    fields = {"name": name, "kind": "refurbisher", "terms": "Garantie 12 mois"}
    corrected = await coordination.send(editing, f"/achats/fournisseurs/{supplier}", fields)
    assert corrected.status_code == 303, said(corrected)
    assert "Garantie 12 mois" in said(await coordination.page(corrected.headers["location"]))
    twice = await coordination.send("/achats/fournisseurs", "/achats/fournisseurs", fields)
    assert twice.status_code == 409
    assert "Un fournisseur porte déjà ce nom" in said(twice)
    assert 'id="supplier-name-error"' in twice.text
