"""The bench pages over real HTTP, as a browser sends them (session cookie, CSRF token, forms):
a donated device checked in, erased by one officer, validated by another, graded and
released through the pages only, and ready in inventory; refusals said in words."""

from __future__ import annotations

import hashlib
import re
import uuid
from pathlib import Path

import httpx

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from shared.labels import format_code, generate_code
from tests.support.bench import at_bench, checked_in, order_path
from tests.support.http import bearer, said
from tests.support.stacks import token_for
from tests.support.waiting import wait_for
from tests.support.workshop import donated_device, new_workshop

LSHW = Path(__file__).parents[1] / "unit" / "data" / "lshw-laptop.json"
NVME_ERASURE = {
    "media_type": "flash",
    "manufacturer": "Samsung",
    "model": "PM961",
    "serial": "S35ENX0J000000",
    "level": "purge",
    "method": "crypto_erase",
    "tool": "nvme-cli",
    "tool_version": "2.8",
    "verification": "full",
    "started_at": "2026-11-28T09:00",
    "ended_at": "2026-11-28T09:03",
}
GRADE = {
    "grade": "B",
    "functional_pass": "yes",
    "battery_health": "81",
    "brand": "Lenovo",
    "model": "ThinkPad T470",
    "memory_gb": "8",
    "storage_gb": "256",
}


def confirmed(answer: httpx.Response, done: str, order: str) -> None:
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"{order_path(order)}?fait={done}"


async def test_a_volunteer_takes_a_device_from_check_in_to_ready_through_the_pages_only(
    stack: Stack, collection_point: CollectionPoint
) -> None:
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    async with (
        at_bench(stack, "refurbisher", workshop) as volunteer,
        at_bench(stack, "erasure_officer", workshop, "amina") as amina,
        at_bench(stack, "erasure_officer", workshop, "bruno") as bruno,
    ):
        order = await checked_in(volunteer, workshop, format_code(code).lower())
        board = await volunteer.page(f"/atelier/{workshop}?arrivee={order}")
        assert f"{format_code(code)} est enregistré à l'atelier" in said(board)
        assert f'href="{order_path(order)}"' in said(board)

        too_early = await volunteer.send(order_path(order), f"{order_path(order)}/sortie")
        assert too_early.status_code == 409
        assert "ne peut pas encore sortir" in said(too_early)
        assert "un certificat d'effacement validé" in said(too_early)
        assert 'name="erasure_id"' not in said(too_early)  # a refurbisher prepares, not certifies

        recorded = await amina.send(
            order_path(order),
            f"{order_path(order)}/effacement",
            NVME_ERASURE,
            files={"tool_log": ("nvme.log", b"sanitize completed\n")},
        )
        confirmed(recorded, "erasure", order)
        own_page = await amina.page(f"{order_path(order)}?fait=erasure")
        assert "Une seconde personne responsable de l'effacement doit maintenant" in said(own_page)
        assert "Vous avez enregistré cet effacement" in said(own_page)
        assert 'name="erasure_id"' not in said(own_page)

        colleague_page = await bruno.page(order_path(order))
        erasure = re.search(r'name="erasure_id" value="([^"]+)"', colleague_page.text)
        assert erasure, colleague_page.text
        own = await amina.send(
            order_path(order), f"{order_path(order)}/validation", {"erasure_id": erasure.group(1)}
        )
        assert own.status_code == 422
        assert "pas par celle qui l'a fait" in said(own)

        validated = await bruno.send(
            order_path(order), f"{order_path(order)}/validation", {"erasure_id": erasure.group(1)}
        )
        confirmed(validated, "validated", order)
        certified = await volunteer.page(order_path(order))
        pdf_link = re.search(r'href="(/api/v1/certificates/[0-9a-f-]+/pdf)"', certified.text)
        fingerprint = re.search(r'<code class="hash">([0-9a-f]{64})</code>', certified.text)
        assert pdf_link and fingerprint, certified.text
        assert f"/verifier?sha256={fingerprint.group(1)}" in said(certified)
        pdf = await volunteer.page(pdf_link.group(1))
        assert pdf.headers["content-type"] == "application/pdf"
        assert hashlib.sha256(pdf.content).hexdigest() == fingerprint.group(1)
        genuine = await volunteer.page(f"/verifier?sha256={fingerprint.group(1)}")
        assert "Certificat authentique" in said(genuine)

        graded = await volunteer.send(order_path(order), f"{order_path(order)}/evaluation", GRADE)
        confirmed(graded, "graded", order)
        board = await volunteer.page(f"/atelier/{workshop}")
        assert f'action="{order_path(order)}/sortie"' in said(board)  # ready: released from here
        released = await volunteer.send(
            f"/atelier/{workshop}", f"{order_path(order)}/sortie", {"back": "board"}
        )
        assert released.status_code == 303, released.text
        assert released.headers["location"] == f"/atelier/{workshop}?sorti={order}"
        board = await volunteer.page(released.headers["location"])
        assert f"{format_code(code)} est sorti pour une seconde vie" in said(board)
        closed = await volunteer.page(order_path(order))
        assert "Cette fiche est close" in said(closed)
        assert 'action="' + order_path(order) not in said(closed)  # no form left

    async with httpx.AsyncClient(timeout=30) as http:

        async def ready() -> dict | None:
            answer = await http.get(
                f"{stack.url('inventory')}/api/v1/devices/{code}",
                headers=bearer(token_for(stack, "coordinator")),
            )
            device = answer.json()
            return device if device["state"] == "ready" else None

        device = await wait_for(ready)
    assert [entry["state"] for entry in device["history"]][-1] == "ready"


async def test_a_mistyped_label_is_refused_in_words_and_kept_in_the_field(
    stack: Stack,
) -> None:
    workshop = await new_workshop(stack)
    code = generate_code()
    wrong = code[:8] + next(symbol for symbol in "0123456789" if symbol != code[8])
    async with at_bench(stack, "refurbisher", workshop) as volunteer:
        answer = await volunteer.send(
            f"/atelier/{workshop}", f"/atelier/{workshop}/arrivees", {"label": wrong}
        )
    assert answer.status_code == 422
    assert "caractère de contrôle" in said(answer)
    assert f'value="{wrong}"' in said(answer)
    assert 'aria-invalid="true"' in said(answer)


async def test_scanning_a_device_already_at_the_workshop_opens_its_work_order(
    stack: Stack, collection_point: CollectionPoint
) -> None:
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    async with at_bench(stack, "refurbisher", workshop) as volunteer:
        order = await checked_in(volunteer, workshop, code)
        again = await volunteer.send(
            f"/atelier/{workshop}", f"/atelier/{workshop}/arrivees", {"label": code}
        )
        confirmed(again, "already_here", order)


async def test_a_grade_without_its_cosmetic_condition_is_refused_keeping_what_was_typed(
    stack: Stack, collection_point: CollectionPoint
) -> None:
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    async with at_bench(stack, "refurbisher", workshop) as volunteer:
        order = await checked_in(volunteer, workshop, code)
        answer = await volunteer.send(
            order_path(order), f"{order_path(order)}/evaluation", {**GRADE, "grade": ""}
        )
        assert answer.status_code == 422
        assert "Rien n'a été enregistré" in said(answer)  # the summary above the form
        assert "Choisissez une des options." in said(answer)
        assert 'value="ThinkPad T470"' in said(answer)

        lshw = {"lshw": ("specs.json", LSHW.read_bytes())}
        filled = await volunteer.send(order_path(order), f"{order_path(order)}/lshw", files=lshw)
        assert filled.status_code == 200
        assert 'value="LENOVO"' in said(filled) and 'value="8"' in said(filled)
        unrelated = await volunteer.send(
            order_path(order), f"{order_path(order)}/lshw", files={"lshw": ("photo.json", b"{}")}
        )
        assert unrelated.status_code == 422
        assert "lshw -json" in said(unrelated)


async def test_a_phone_erasure_needs_its_whole_checklist_and_flash_is_not_overwritten(
    stack: Stack, collection_point: CollectionPoint
) -> None:
    code = await donated_device(stack, collection_point, "smartphone")
    workshop = await new_workshop(stack)
    async with (
        at_bench(stack, "refurbisher", workshop) as volunteer,
        at_bench(stack, "erasure_officer", workshop) as officer,
    ):
        order = await checked_in(volunteer, workshop, code)
        reset = {**NVME_ERASURE, "level": "clear", "method": "factory_reset", "tool": "Android"}
        partly = await officer.send(
            order_path(order), f"{order_path(order)}/effacement", {**reset, "sim_removed": "yes"}
        )
        assert partly.status_code == 422
        assert "chaque étape de la liste doit être faite" in said(partly)
        assert 'id="erasure-sim_removed" name="sim_removed" value="yes" checked' in said(partly)
        overwritten = await officer.send(
            order_path(order),
            f"{order_path(order)}/effacement",
            {**NVME_ERASURE, "level": "clear", "method": "overwrite"},
        )
        assert overwritten.status_code == 422
        assert "mémoire flash" in said(overwritten)


async def test_officers_of_other_workshops_do_not_see_the_work_order(
    stack: Stack, collection_point: CollectionPoint
) -> None:
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    async with (
        at_bench(stack, "refurbisher", workshop) as volunteer,
        at_bench(stack, "erasure_officer", str(uuid.uuid4())) as outsider,
    ):
        order = await checked_in(volunteer, workshop, code)
        assert (await outsider.page(order_path(order))).status_code == 404
        assert (await outsider.page(f"/atelier/{workshop}")).status_code == 404


DIAGNOSIS_FORM = {
    "brand": "Lenovo",
    "model": "ThinkPad T470",
    "memory_gb": "8",
    "storage_kind_1": "nvme",
    "storage_gb_1": "256",
    "screen_inches": "14",
    "battery_health": "58",
    "keyboard_layout": "azerty_fr",
    "test_power": "pass",
    "test_screen": "pass",
    "test_battery": "fail",
    "cosmetic_notes": "Coque rayée",
}


async def test_a_volunteer_diagnoses_repairs_and_finds_the_grade_form_filled_in(
    stack: Stack, collection_point: CollectionPoint
) -> None:
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    async with at_bench(stack, "refurbisher", workshop) as volunteer:
        order = await checked_in(volunteer, workshop, code)
        lshw = {"lshw": ("specs.json", LSHW.read_bytes())}
        filled = await volunteer.send(order_path(order), f"{order_path(order)}/lshw", files=lshw)
        assert filled.status_code == 200
        assert 'id="diagnosis-brand" name="brand" type="text" value="LENOVO"' in said(filled)

        wrong = await volunteer.send(
            order_path(order), f"{order_path(order)}/diagnostic",
            {**DIAGNOSIS_FORM, "memory_gb": "huit"},
        )  # fmt: skip
        assert wrong.status_code == 422
        assert 'id="diagnosis-memory_gb-error">Un nombre entier de 0 à 4096.' in said(wrong)
        assert 'value="Coque rayée"' in said(wrong)

        diagnosed = await volunteer.send(
            order_path(order), f"{order_path(order)}/diagnostic", DIAGNOSIS_FORM
        )
        confirmed(diagnosed, "diagnosed", order)
        page = said(await volunteer.page(f"{order_path(order)}?fait=diagnosed"))
        assert "Le diagnostic est enregistré" in page
        assert "Tests échoués : Batterie." in page
        assert 'id="grade-brand" name="brand" type="text" value="Lenovo"' in page
        assert 'id="grade-storage_gb" name="storage_gb" type="text" value="256"' in page
        assert 'id="grade-functional_pass-no" name="functional_pass" value="no" checked' in page

        no_minutes = await volunteer.send(
            order_path(order), f"{order_path(order)}/reparations",
            {"kind": "replacement", "description": "Batterie remplacée"},
        )  # fmt: skip
        assert no_minutes.status_code == 422
        assert 'id="repair-minutes-error">Ce champ est obligatoire.' in said(no_minutes)
        repaired = await volunteer.send(
            order_path(order),
            f"{order_path(order)}/reparations",
            {
                "kind": "replacement",
                "description": "Batterie remplacée",
                "part_name": "Batterie 01AV421",
                "part_source": "bought",
                "part_cost": "45,90",
                "minutes": "25",
            },
        )
        confirmed(repaired, "repaired", order)
        page = said(await volunteer.page(order_path(order)))
        assert "Remplacement d'une pièce : Batterie remplacée (25 min)" in page
        assert "Pièce : Batterie 01AV421 (Achetée) — 45,90\u00a0€" in page
        assert "Temps passé en tout : 25 min." in page


async def test_a_device_is_dismantled_through_the_pages_and_its_parts_fill_the_bin(
    stack: Stack, collection_point: CollectionPoint
) -> None:
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    dismantling = {
        "barrier": "6",
        "reason": "Carte mère morte",
        "part_name_1": "Écran 14 pouces",
        "part_kind_1": "screen",
        "part_condition_1": "working",
        "part_quantity_1": "1",
    }
    async with (
        at_bench(stack, "refurbisher", workshop) as volunteer,
        at_bench(stack, "erasure_officer", workshop, "amina") as amina,
    ):
        order = await checked_in(volunteer, workshop, code)
        page = await volunteer.page(order_path(order))
        assert 'action="/atelier/commandes/' + order + '/demontage"' in page.text
        too_early = await volunteer.send(
            order_path(order), f"{order_path(order)}/demontage", dismantling
        )
        assert too_early.status_code == 409
        assert "ne peut pas encore être démonté" in said(too_early)
        assert 'value="Écran 14 pouces"' in said(too_early)  # what was typed stays
        no_kind = await volunteer.send(
            order_path(order), f"{order_path(order)}/demontage", {**dismantling, "part_kind_1": ""}
        )
        assert no_kind.status_code == 422
        assert 'id="dismantling-part_kind_1-error"' in no_kind.text

        stated = await amina.send(order_path(order), f"{order_path(order)}/sans-stockage")
        confirmed(stated, "no_storage", order)
        done = await volunteer.send(
            order_path(order), f"{order_path(order)}/demontage", dismantling
        )
        confirmed(done, "dismantled", order)
        closed = await volunteer.page(f"{order_path(order)}?fait=dismantled")
        assert "ses pièces sont au bac à pièces" in said(closed)
        assert "démonté pour pièces le" in said(closed)

        board = await volunteer.page(f"/atelier/{workshop}")
        assert f'href="/atelier/{workshop}/pieces"' in board.text
        assert "Démonté pour pièces" in said(board)
        bin_page = await volunteer.page(f"/atelier/{workshop}/pieces")
        assert bin_page.status_code == 200
        assert "Écran 14 pouces" in said(bin_page)
        assert f'href="{order_path(order)}"' in bin_page.text


async def test_parts_are_added_to_the_bin_by_hand_and_a_repair_from_an_empty_bin_is_refused(
    stack: Stack, collection_point: CollectionPoint
) -> None:
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    bin_path = f"/atelier/{workshop}/pieces"
    async with at_bench(stack, "refurbisher", workshop, "camille") as volunteer:
        empty = await volunteer.page(bin_path)
        assert "Le bac à pièces est vide." in said(empty)
        nameless = await volunteer.send(bin_path, bin_path, {"part_kind": "battery"})
        assert nameless.status_code == 422
        assert 'id="part-part_name-error"' in nameless.text
        added = await volunteer.send(
            bin_path,
            bin_path,
            {"part_name": "Chargeur 65 W", "part_kind": "charger",
             "part_condition": "working", "part_quantity": "3"},
        )  # fmt: skip
        assert added.status_code == 303
        assert added.headers["location"] == f"{bin_path}?fait=added"
        shown = await volunteer.page(f"{bin_path}?fait=added")
        assert "Les pièces sont ajoutées au bac." in said(shown)
        assert "Chargeur 65 W" in said(shown)
        assert "ajoutée par camille" in said(shown)

        order = await checked_in(volunteer, workshop, code)
        repair = {
            "kind": "replacement",
            "description": "Batterie remplacée",
            "part_name": "Batterie 01AV421",
            "part_source": "parts_bin",
            "minutes": "20",
        }
        refused = await volunteer.send(
            order_path(order), f"{order_path(order)}/reparations", repair
        )
        assert refused.status_code == 409
        assert "Le bac à pièces ne contient aucune pièce « Batterie 01AV421 »" in said(refused)
        assert 'id="repair-part_name-error"' in refused.text
        taken = await volunteer.send(
            order_path(order),
            f"{order_path(order)}/reparations",
            {**repair, "part_name": "chargeur 65 w", "kind": "other"},
        )
        confirmed(taken, "repaired", order)
        left = await volunteer.page(bin_path)
        assert re.search(r"Chargeur 65 W</th>.*?<td>2</td>", left.text, re.S), left.text


async def test_a_volunteer_takes_a_work_order_and_the_board_shows_who_and_the_time_spent(
    stack: Stack, collection_point: CollectionPoint
) -> None:
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    async with (
        at_bench(stack, "refurbisher", workshop, "camille") as camille,
        at_bench(stack, "refurbisher", workshop, "dylan") as dylan,
    ):
        order = await checked_in(camille, workshop, code)
        board = await camille.page(f"/atelier/{workshop}")
        assert "Personne ne l'a encore prise" in said(board)
        taken = await camille.send(order_path(order), f"{order_path(order)}/prise")
        confirmed(taken, "taken", order)
        mine = await camille.page(f"{order_path(order)}?fait=taken")
        assert "Vous avez pris cette fiche" in said(mine)
        assert "Prise par camille" in said(mine)
        assert "Je la prends" not in said(mine)
        assert "Je la prends" in said(await dylan.page(order_path(order)))

        diagnosed = await camille.send(
            order_path(order),
            f"{order_path(order)}/diagnostic",
            {"brand": "Lenovo", "test_power": "pass", "minutes": "15"},
        )
        confirmed(diagnosed, "diagnosed", order)
        repaired = await camille.send(
            order_path(order),
            f"{order_path(order)}/reparations",
            {"kind": "cleaning", "description": "Ventilateur nettoyé", "minutes": "20"},
        )
        confirmed(repaired, "repaired", order)
        graded = await camille.send(
            order_path(order), f"{order_path(order)}/evaluation", {**GRADE, "minutes": "5"}
        )
        confirmed(graded, "graded", order)
        board = await camille.page(f"/atelier/{workshop}")
        assert "Prise par camille — 40 min passées" in " ".join(said(board).split())
        assert "40 min passées" in said(await camille.page(order_path(order)))

        taken_over = await dylan.send(order_path(order), f"{order_path(order)}/prise")
        confirmed(taken_over, "taken", order)
        assert "Prise par dylan" in said(await camille.page(f"/atelier/{workshop}"))


async def test_a_worn_battery_is_refused_grade_a_in_words_next_to_the_battery_field(
    stack: Stack, collection_point: CollectionPoint
) -> None:
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    async with at_bench(stack, "refurbisher", workshop) as volunteer:
        order = await checked_in(volunteer, workshop, code)
        page = await volunteer.page(order_path(order))
        assert "En dessous de 80 %, pas de grade A ; en dessous de 50 %" in said(page)
        worn = await volunteer.send(
            order_path(order),
            f"{order_path(order)}/evaluation",
            {**GRADE, "grade": "A", "battery_health": "72"},
        )
        assert worn.status_code == 422
        assert 'id="grade-battery_health-error"' in worn.text
        assert "Une batterie à 72 % est sous les 80 % qu'il faut pour le grade A" in said(worn)
        assert 'id="grade-grade-A" name="grade" value="A" checked' in worn.text
        dead = await volunteer.send(
            order_path(order),
            f"{order_path(order)}/evaluation",
            {**GRADE, "battery_health": "40"},
        )
        assert dead.status_code == 422
        assert "sous les 50 % qu'il faut pour réussir les tests" in said(dead)
        graded = await volunteer.send(
            order_path(order), f"{order_path(order)}/evaluation", {**GRADE, "battery_health": "72"}
        )
        confirmed(graded, "graded", order)
