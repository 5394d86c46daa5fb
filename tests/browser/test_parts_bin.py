"""The parts bin and dismantling in Chromium without JavaScript: parts added by hand, a work
order taken, the device dismantled from it and its parts in the bin; no axe violation on the
parts bin page nor on the work order with its dismantling form, refusals included."""

from __future__ import annotations

from playwright.async_api import expect

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from tests.browser.conftest import OpenPage, bench_person
from tests.support.axe import assert_accessible
from tests.support.bench import at_bench, checked_in, open_step
from tests.support.workshop import donated_device, new_workshop


async def test_parts_are_added_by_hand_and_a_device_is_dismantled_into_the_bin(
    open_page: OpenPage, stack: Stack, collection_point: CollectionPoint
) -> None:
    workshop = await new_workshop(stack)
    code = await donated_device(stack, collection_point)
    async with at_bench(stack, "refurbisher", workshop) as volunteer:
        order = await checked_in(volunteer, workshop, code)
    base = stack.url("refurbishment")
    page = await open_page(**bench_person(stack, "erasure_officer", workshop, "amina"))

    await page.goto(f"{base}/atelier/{workshop}")
    await page.get_by_role("link", name="Bac à pièces de l'atelier").click()
    await expect(page.get_by_text("Le bac à pièces est vide.")).to_be_visible()
    await page.get_by_label("Nom de la pièce").fill("Chargeur 65 W")
    await page.get_by_role("button", name="Ajouter au bac").click()
    kind = page.get_by_label("Type de pièce")
    await expect(kind).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("Nom de la pièce")).to_have_value("Chargeur 65 W")
    await kind.select_option("charger")
    await page.get_by_label("Quantité").fill("2")
    await page.get_by_role("button", name="Ajouter au bac").click()
    await expect(page.get_by_role("status")).to_contain_text("Les pièces sont ajoutées au bac.")
    await expect(page.get_by_role("rowheader", name="Chargeur 65 W")).to_be_visible()

    await page.goto(f"{base}/atelier/commandes/{order}")
    await page.get_by_role("button", name="Je la prends").click()
    await expect(page.get_by_role("status")).to_contain_text("Vous avez pris cette fiche")
    await expect(page.get_by_text("Prise par amina")).to_be_visible()
    await open_step(page, "Démonter pour pièces")
    form = page.locator("#dismantling-form")
    await form.get_by_label("Appareil trop usé").check()
    await form.get_by_label("Ce qui ne va pas").fill("Carte mère morte")
    first = form.get_by_role("group", name="Pièces gardées, ligne 1")
    await first.get_by_label("Nom de la pièce").fill("Écran 14 pouces")
    await first.get_by_label("Type de pièce").select_option("screen")
    await page.get_by_role("button", name="Démonter l'appareil").click()
    await expect(page.get_by_role("alert")).to_contain_text("ne peut pas encore être démonté")
    await expect(first.get_by_label("Nom de la pièce")).to_have_value("Écran 14 pouces")

    await open_step(page, "Effacer les données")
    await page.get_by_role("button", name="Déclarer : aucun stockage").click()
    await expect(page.get_by_role("status")).to_contain_text("aucun stockage")
    await open_step(page, "Démonter pour pièces")
    form = page.locator("#dismantling-form")
    await form.get_by_label("Appareil trop usé").check()
    await form.get_by_label("Ce qui ne va pas").fill("Carte mère morte")
    first = form.get_by_role("group", name="Pièces gardées, ligne 1")
    await first.get_by_label("Nom de la pièce").fill("Écran 14 pouces")
    await first.get_by_label("Type de pièce").select_option("screen")
    await page.get_by_role("button", name="Démonter l'appareil").click()
    await expect(page.get_by_role("status")).to_contain_text("ses pièces sont au bac à pièces")

    await page.goto(f"{base}/atelier/{workshop}/pieces")
    await expect(page.get_by_role("rowheader", name="Écran 14 pouces")).to_be_visible()
    await expect(page.get_by_role("link", name="appareil démonté")).to_be_visible()


async def test_the_parts_bin_and_the_dismantling_form_have_no_wcag_violation(
    open_page: OpenPage, stack: Stack, collection_point: CollectionPoint
) -> None:
    workshop = await new_workshop(stack)
    code = await donated_device(stack, collection_point)
    async with at_bench(stack, "refurbisher", workshop) as volunteer:
        order = await checked_in(volunteer, workshop, code)
        bin_path = f"/atelier/{workshop}/pieces"
        await volunteer.send(bin_path, bin_path, {"part_name": "Batterie 01AV421",
                             "part_kind": "battery", "part_condition": "working"})  # fmt: skip
    base = stack.url("refurbishment")
    page = await open_page(**bench_person(stack, "refurbisher", workshop, "camille", True))

    for lang in ("fr", "en"):
        await page.goto(f"{base}/atelier/{workshop}/pieces?lang={lang}")
        await assert_accessible(page)
    await page.goto(f"{base}/atelier/{workshop}/pieces?lang=fr")
    await page.get_by_label("Nom de la pièce").fill("Chargeur 65 W")  # and no kind
    await page.get_by_role("button", name="Ajouter au bac").click()
    await expect(page.get_by_role("alert")).to_be_visible()
    await assert_accessible(page)

    for lang in ("fr", "en"):
        await page.goto(f"{base}/atelier/commandes/{order}?lang={lang}")
        await assert_accessible(page)
    await page.goto(f"{base}/atelier/commandes/{order}?lang=fr")
    await open_step(page, "Démonter pour pièces")
    await page.locator("#dismantling-form").get_by_label("Ce qui ne va pas").fill("Usé")
    await page.get_by_role("button", name="Démonter l'appareil").click()
    await expect(page.get_by_role("alert")).to_be_visible()
    await assert_accessible(page)
