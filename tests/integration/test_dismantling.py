"""A device that cannot be reused, dismantled over real HTTP: refused before its erasure,
then taken apart once stated without storage; inventory shows it dismantled, its parts are
in the workshop's parts bin, and a repair that takes one from the bin takes it out."""

from __future__ import annotations

import csv
import io

import httpx

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from tests.support.dismantling import DISMANTLING
from tests.support.http import bearer
from tests.support.stacks import token_for
from tests.support.waiting import wait_for
from tests.support.workshop import checked_in, donated_device, new_workshop


async def test_a_dismantled_device_is_dismantled_in_inventory_and_its_parts_fill_the_bin(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    base = f"{stack.url('refurbishment')}/api/v1"
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    order = await checked_in(stack, http, workshop, code)
    refurbisher = bearer(token_for(stack, "refurbisher", f"workshop:{workshop}"))
    officer = bearer(token_for(stack, "erasure_officer", f"workshop:{workshop}"))

    too_early = await http.post(
        f"{base}/work-orders/{order}/dismantling", json=DISMANTLING, headers=refurbisher
    )
    assert too_early.status_code == 409
    assert "il lui faut un certificat d'effacement" in too_early.json()["detail"]
    stated = await http.post(f"{base}/work-orders/{order}/no-storage", headers=officer)
    assert stated.status_code == 204, stated.text
    dismantled = await http.post(
        f"{base}/work-orders/{order}/dismantling", json=DISMANTLING, headers=refurbisher
    )
    assert dismantled.status_code == 204, dismantled.text
    again = await http.post(
        f"{base}/work-orders/{order}/dismantling", json=DISMANTLING, headers=refurbisher
    )
    assert again.status_code == 409

    async def dismantled_in_inventory() -> dict | None:
        answer = await http.get(
            f"{stack.url('inventory')}/api/v1/devices/{code}",
            headers=bearer(token_for(stack, "coordinator")),
        )
        device = answer.json()
        return device if device["state"] == "dismantled" else None

    device = await wait_for(dismantled_in_inventory)
    assert [entry["state"] for entry in device["history"]][-2:] == [
        "in_refurbishment",
        "dismantled",
    ]

    parts = (await http.get(f"{base}/workshops/{workshop}/parts", headers=refurbisher)).json()
    assert sorted((part["name"], part["quantity"]) for part in parts) == [
        ("Barrette DDR4 8 Go", 2),
        ("Écran 14 pouces", 1),
    ]
    assert {part["from_work_order_id"] for part in parts} == {order}
    repairs = await http.get(f"{stack.url('refurbishment')}/api/v1/open-data/repairs.csv")
    [row] = [r for r in csv.DictReader(io.StringIO(repairs.text)) if r["id"] == order]
    assert (row["repair_status"], row["repair_barrier_if_end_of_life"]) == ("3", "6")
    listed = await http.get(
        f"{base}/work-orders",
        params={"state": "dismantled", "workshop_id": workshop},
        headers=refurbisher,
    )
    assert listed.status_code == 200, listed.text
    [shown] = [row for row in listed.json()["work_orders"] if row["id"] == order]
    assert shown["state"] == "dismantled"  # the barrier stays out of the state


async def test_a_repair_takes_a_part_from_the_bin_and_is_refused_when_none_is_left_in_it(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    base = f"{stack.url('refurbishment')}/api/v1"
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    order = await checked_in(stack, http, workshop, code)
    refurbisher = bearer(token_for(stack, "refurbisher", f"workshop:{workshop}"))
    added = await http.post(
        f"{base}/workshops/{workshop}/parts",
        json={"name": "Batterie 01AV421", "kind": "battery", "condition": "working"},
        headers=refurbisher,
    )
    assert added.status_code == 201, added.text
    assert added.json()["quantity"] == 1
    outsider = bearer(token_for(stack, "refurbisher", f"workshop:{order}"))
    hidden = await http.get(f"{base}/workshops/{workshop}/parts", headers=outsider)
    assert hidden.status_code == 404

    def repair(part: str) -> dict:
        return {
            "actions": [{"kind": "replacement", "description": "Batterie remplacée"}],
            "parts": [{"name": part, "source": "parts_bin"}],
            "minutes": 20,
        }

    taken = await http.post(
        f"{base}/work-orders/{order}/repairs", json=repair("batterie 01av421"), headers=refurbisher
    )
    assert taken.status_code == 201, taken.text
    parts = (await http.get(f"{base}/workshops/{workshop}/parts", headers=refurbisher)).json()
    assert parts == []
    none_left = await http.post(
        f"{base}/work-orders/{order}/repairs", json=repair("Batterie 01AV421"), headers=refurbisher
    )
    assert none_left.status_code == 409
    assert (
        "Le bac à pièces ne contient aucune pièce « Batterie 01AV421 »"
        in (none_left.json()["detail"])
    )
    bought = await http.post(
        f"{base}/work-orders/{order}/repairs",
        json={**repair("Batterie 01AV421"), "parts": [{"name": "Batterie", "source": "bought"}]},
        headers=refurbisher,
    )
    assert bought.status_code == 201, bought.text

    taken = await http.post(f"{base}/work-orders/{order}/assignment", headers=refurbisher)
    assert taken.status_code == 204, taken.text
    work_order = (await http.get(f"{base}/work-orders/{order}", headers=refurbisher)).json()
    assert work_order["assigned_to"] == "test-refurbisher"
    assert work_order["minutes_spent"] == 40  # the refused repair counts for nothing
