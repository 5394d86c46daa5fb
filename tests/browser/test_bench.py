"""The workshop bench in Chromium without JavaScript: a label typed and Enter pressed checks a
device in, its work order opens from the board, forms answer in words; no axe violation."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from services.refurbishment.store import BenchStore
from shared.db import create_pool
from shared.labels import format_code
from tests.browser.conftest import OpenPage, bench_person
from tests.support.axe import SMALLEST_PHONE, assert_accessible
from tests.support.bench import at_bench, checked_in, open_step, order_path
from tests.support.waiting import wait_for
from tests.support.workshop import donated_device, new_workshop


async def known_to_workshops(stack: Stack, code: str) -> None:
    """Wait until the workshops have learnt of the donated device from its event."""
    pool = await create_pool(stack.postgres.dsn, "refurbishment", 1, 2)
    try:

        async def known() -> bool:
            return await BenchStore(pool).device_by_label(code) is not None

        await wait_for(known)
    finally:
        await pool.close()


@pytest.fixture
async def workshop(stack: Stack) -> str:
    return await new_workshop(stack)


async def test_a_label_typed_and_entered_checks_the_device_in_and_opens_its_work_order(
    open_page: OpenPage, stack: Stack, workshop: str, collection_point: CollectionPoint
) -> None:
    code = await donated_device(stack, collection_point)
    await known_to_workshops(stack, code)
    page = await open_page(**bench_person(stack, "refurbisher", workshop, "camille"))
    await page.goto(f"{stack.url('refurbishment')}/atelier/{workshop}")

    await page.get_by_label("Étiquette de l'appareil").fill(format_code(code).lower())
    await page.get_by_label("Étiquette de l'appareil").press("Enter")

    await expect(page.get_by_role("status")).to_contain_text(f"{format_code(code)} est enregistré")
    await page.get_by_role("link", name=f"Ouvrir la fiche de {format_code(code)}").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(format_code(code))
    await open_step(page, "Sortir l'appareil pour une seconde vie")
    await page.get_by_role("button", name="Sortir l'appareil").click()
    await expect(page.get_by_role("alert")).to_contain_text("ne peut pas encore sortir")
    await page.get_by_role("link", name="Retour à l'établi").click()
    board = page.get_by_role("region", name="À effacer")
    await expect(board.get_by_role("link", name=format_code(code))).to_be_visible()


async def test_an_erasure_officer_records_an_erasure_in_the_browser(
    open_page: OpenPage, stack: Stack, workshop: str, collection_point: CollectionPoint
) -> None:
    code = await donated_device(stack, collection_point)
    async with at_bench(stack, "refurbisher", workshop) as volunteer:
        order = await checked_in(volunteer, workshop, code)
    page = await open_page(**bench_person(stack, "erasure_officer", workshop, "amina"))
    await page.goto(f"{stack.url('refurbishment')}/atelier/commandes/{order}")

    await page.get_by_label("Type de support").select_option("flash")
    await page.get_by_label("Purge (purge)").check()
    await page.get_by_label("Méthode").select_option("crypto_erase")
    await page.get_by_label("Outil", exact=True).fill("nvme-cli")
    await page.get_by_label("Vérification").select_option("full")
    await page.get_by_label("Début de l'effacement").fill("2026-11-28T09:00")
    await page.get_by_label("Fin de l'effacement").fill("2026-11-28T08:00")
    await page.get_by_role("button", name="Enregistrer l'effacement").click()

    end = page.get_by_label("Fin de l'effacement")
    await expect(end).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_text("La fin de l'effacement doit venir après son début.").first)\
        .to_be_visible()  # fmt: skip
    await expect(page.get_by_label("Outil", exact=True)).to_have_value("nvme-cli")
    await end.fill("2026-11-28T09:04")
    await page.get_by_role("button", name="Enregistrer l'effacement").click()
    await expect(page.get_by_role("status")).to_contain_text("Une seconde personne")


async def test_the_board_and_a_work_order_have_no_wcag_violation_empty_or_with_a_refusal(
    open_page: OpenPage, stack: Stack, workshop: str, collection_point: CollectionPoint
) -> None:
    code = await donated_device(stack, collection_point)
    keyboard = await donated_device(stack, collection_point, "peripheral")
    async with (
        at_bench(stack, "refurbisher", workshop) as volunteer,
        at_bench(stack, "erasure_officer", workshop) as officer,
    ):
        order = await checked_in(volunteer, workshop, code)
        ready = order_path(await checked_in(volunteer, workshop, keyboard))
        await officer.send(ready, f"{ready}/sans-stockage")  # then ready to release
        await volunteer.send(ready, f"{ready}/evaluation", {"grade": "A", "functional_pass": "yes"})
    base = stack.url("refurbishment")
    page = await open_page(**bench_person(stack, "erasure_officer", workshop, "bruno", True))

    board = f"{base}/atelier/{workshop}"
    for url in (f"{base}/atelier", f"{board}?lang=en", f"{board}?lang=fr"):
        await page.goto(url)
        await assert_accessible(page)
    await expect(page.get_by_role("button", name=f"Sortir {format_code(keyboard)}")).to_be_visible()
    await page.get_by_label("Étiquette de l'appareil").fill("K7Q2-M9XB")
    await page.get_by_role("button", name="Enregistrer l'arrivée").click()
    await expect(page.get_by_role("alert")).to_be_visible()
    await assert_accessible(page)

    for url in (
        f"{base}/atelier/commandes/{order}?lang=en",
        f"{base}/atelier/commandes/{order}?lang=fr",
    ):
        await page.goto(url)
        await assert_accessible(page)
    await open_step(page, "Sortir l'appareil pour une seconde vie")
    await page.get_by_role("button", name="Sortir l'appareil").click()
    await expect(page.get_by_role("alert")).to_be_visible()
    await assert_accessible(page)
    await open_step(page, "Évaluer l'appareil")
    await page.get_by_role("button", name="Enregistrer l'évaluation").click()
    await expect(page.get_by_role("alert")).to_contain_text("Choisissez une des options.")
    await assert_accessible(page)


async def test_a_work_order_fits_a_320_pixel_wide_screen(
    open_page: OpenPage, stack: Stack, workshop: str, collection_point: CollectionPoint
) -> None:
    code = await donated_device(stack, collection_point)
    async with at_bench(stack, "refurbisher", workshop) as volunteer:
        order = await checked_in(volunteer, workshop, code)
    page = await open_page(
        viewport=SMALLEST_PHONE, **bench_person(stack, "erasure_officer", workshop, "amina", True)
    )
    for path in (f"/atelier/{workshop}", f"/atelier/commandes/{order}"):
        await page.goto(stack.url("refurbishment") + path)
        wide = await page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
            " > 320).map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)"
        )
        assert await page.evaluate("document.documentElement.scrollWidth") <= 320, (path, wide)


async def _send_repair(page: Page, kind: str, description: str, minutes: str) -> None:
    """Unfold the work order's repair step, fill its form and send it."""
    await open_step(page, "Enregistrer une réparation")
    repair = page.locator("#repair-form")
    await repair.get_by_label("Type d'intervention").select_option(kind)
    await repair.get_by_label("Ce qui a été fait").fill(description)
    await repair.get_by_label("Temps passé (minutes)").fill(minutes)
    await page.get_by_role("button", name="Enregistrer la réparation").click()


async def _repair_too_short(page: Page) -> None:
    """A repair described too briefly: refused in words."""
    await _send_repair(page, "other", "ok", "5")
    await expect(page.get_by_role("alert")).to_be_visible()


async def test_a_diagnosis_and_a_repair_are_recorded_without_javascript_and_without_violation(
    open_page: OpenPage, stack: Stack, workshop: str, collection_point: CollectionPoint
) -> None:
    code = await donated_device(stack, collection_point)
    async with at_bench(stack, "refurbisher", workshop) as volunteer:
        order = await checked_in(volunteer, workshop, code)
    url = f"{stack.url('refurbishment')}/atelier/commandes/{order}"
    page = await open_page(**bench_person(stack, "refurbisher", workshop, "camille"))
    await page.goto(url)

    diagnosis = page.locator("#diagnosis-form")
    await diagnosis.get_by_label("Marque", exact=True).fill("Lenovo")
    await diagnosis.get_by_label("Mémoire vive (Go)").fill("huit")
    await diagnosis.get_by_label("Type du support 1").select_option("ssd")
    await diagnosis.get_by_label("Capacité du support 1 (Go)").fill("256")
    await diagnosis.get_by_role("group", name="Batterie", exact=True).get_by_label("Échoué").check()
    await page.get_by_role("button", name="Enregistrer le diagnostic").click()
    memory = page.locator("#diagnosis-form").get_by_label("Mémoire vive (Go)")
    await expect(memory).to_have_attribute("aria-invalid", "true")
    await memory.fill("8")
    await page.get_by_role("button", name="Enregistrer le diagnostic").click()
    await expect(page.get_by_role("status")).to_contain_text("Le diagnostic est enregistré")
    await expect(page.locator("#grade-brand")).to_have_value("Lenovo")
    await expect(page.locator("#grade-functional_pass-no")).to_be_checked()

    await _send_repair(page, "cleaning", "Ventilateur nettoyé", "15")
    await expect(page.get_by_role("status")).to_contain_text("La réparation est enregistrée")
    await expect(page.get_by_text("Nettoyage : Ventilateur nettoyé (15 min)")).to_be_visible()

    scanner = await open_page(**bench_person(stack, "refurbisher", workshop, "camille", True))
    for lang in ("fr", "en"):
        await scanner.goto(f"{url}?lang={lang}")
        await assert_accessible(scanner)
    await scanner.goto(f"{url}?lang=fr")
    await _repair_too_short(scanner)
    await assert_accessible(scanner)


async def _open_steps(page: Page) -> list[str]:
    """The titles of the work order's steps shown unfolded."""
    return await page.locator("details.bench-step[open] > summary h2").all_inner_texts()


async def test_a_work_order_opens_only_the_step_to_do_now_for_the_person_at_it(
    open_page: OpenPage, stack: Stack, workshop: str, collection_point: CollectionPoint
) -> None:
    keyboard = await donated_device(stack, collection_point, "peripheral")
    async with (
        at_bench(stack, "refurbisher", workshop) as volunteer,
        at_bench(stack, "erasure_officer", workshop) as officer,
    ):
        order = order_path(await checked_in(volunteer, workshop, keyboard))
        url = stack.url("refurbishment") + order
        officer_page = await open_page(**bench_person(stack, "erasure_officer", workshop, "amina"))
        volunteer_page = await open_page(**bench_person(stack, "refurbisher", workshop, "camille"))

        await officer_page.goto(url)
        assert await _open_steps(officer_page) == ["Effacer les données"]
        await volunteer_page.goto(url)
        assert await _open_steps(volunteer_page) == ["Diagnostic"]
        erasure = volunteer_page.locator("details.bench-step", has_text="Effacer les données")
        await expect(erasure.locator("summary")).to_contain_text("à faire")
        await expect(volunteer_page.locator("#release-form")).to_be_hidden()

        await officer.send(order, f"{order}/sans-stockage")
        await volunteer.send(order, f"{order}/evaluation", {"grade": "A", "functional_pass": "yes"})
        await volunteer_page.goto(url)
        assert await _open_steps(volunteer_page) == ["Sortir l'appareil pour une seconde vie"]
        await expect(erasure.locator("summary")).to_be_hidden()  # done: its certificate says so
        grade = volunteer_page.locator("details.bench-step", has_text="Évaluer l'appareil")
        await expect(grade.locator("summary")).to_contain_text("fait")

    # a folded step opens at a click, without JavaScript, and a refused form stays open
    await _repair_too_short(volunteer_page)
    assert await _open_steps(volunteer_page) == ["Enregistrer une réparation"]
