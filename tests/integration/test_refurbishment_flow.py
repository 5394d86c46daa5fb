"""A donated device through a workshop over real HTTP: checked in, erased under a certificate
validated by a second officer, graded, released, and ready in inventory."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid

import httpx
import nats

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from tests.support.http import bearer
from tests.support.stacks import token_for
from tests.support.waiting import wait_for
from tests.support.workshop import NVME, checked_in, donated_device, new_workshop


async def test_a_device_goes_from_check_in_to_ready_with_a_verifiable_certificate(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    base = f"{stack.url('refurbishment')}/api/v1"
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    order = await checked_in(stack, http, workshop, code)
    amina = token_for(stack, "erasure_officer", f"workshop:{workshop}", subject="amina")
    bruno = token_for(stack, "erasure_officer", f"workshop:{workshop}", subject="bruno")
    refurbisher = token_for(stack, "refurbisher", f"workshop:{workshop}")

    too_early = await http.post(f"{base}/work-orders/{order}/release", headers=bearer(refurbisher))
    assert too_early.status_code == 409
    assert too_early.json()["code"] == "bench.release_needs_certificate_and_grade"
    assert "il lui faut un certificat d'effacement validé" in too_early.json()["detail"]

    recorded = await http.post(
        f"{base}/work-orders/{order}/erasures", json={"media": [NVME]}, headers=bearer(amina)
    )
    assert recorded.status_code == 201, recorded.text
    erasure = recorded.json()["erasure_id"]
    own = await http.post(f"{base}/erasures/{erasure}/validation", headers=bearer(amina))
    assert own.status_code == 422
    assert "validé par une seconde personne responsable" in own.json()["detail"]
    issued = await http.post(f"{base}/erasures/{erasure}/validation", headers=bearer(bruno))
    assert issued.status_code == 201, issued.text

    pdf = await http.get(stack.url("refurbishment") + issued.json()["pdf"], headers=bearer(bruno))
    assert hashlib.sha256(pdf.content).hexdigest() == issued.json()["sha256"]
    trail = await http.get(f"{base}/erasures/audit", headers=bearer(token_for(stack, "admin")))
    mine = [entry for entry in trail.json() if entry["subject"] == f"erasure:{erasure}"]
    assert [(entry["actor"], entry["action"]) for entry in reversed(mine)] == [
        ("amina", "erasure.recorded"),
        ("bruno", "certificate.issued"),
        ("bruno", "certificate.read"),
    ]
    assert {entry["address"] for entry in mine} == {"127.0.0.1"}
    genuine = await http.get(
        f"{stack.url('refurbishment')}/verifier", params={"sha256": issued.json()["sha256"]}
    )
    assert genuine.status_code == 200
    assert "Certificat authentique" in genuine.text
    altered = bytearray(pdf.content)
    altered[len(altered) // 2] ^= 1
    forged = await http.get(
        f"{stack.url('refurbishment')}/verifier",
        params={"sha256": hashlib.sha256(altered).hexdigest()},
    )
    assert forged.status_code == 404
    assert "Certificat inconnu" in forged.text

    graded = await http.post(
        f"{base}/work-orders/{order}/grade",
        json={"grade": "B", "functional_pass": True, "battery_health": 81,
              "specs": {"brand": "Lenovo", "memory_gb": 8, "storage_gb": 256}},
        headers=bearer(refurbisher),
    )  # fmt: skip
    assert graded.status_code == 204, graded.text
    released = await http.post(f"{base}/work-orders/{order}/release", headers=bearer(refurbisher))
    assert released.status_code == 204, released.text

    async def ready() -> dict | None:
        answer = await http.get(
            f"{stack.url('inventory')}/api/v1/devices/{code}",
            headers=bearer(token_for(stack, "coordinator")),
        )
        device = answer.json()
        return device if device["state"] == "ready" else None

    device = await wait_for(ready)
    assert device["grade"] == "B"
    assert device["brand"] == "Lenovo"
    passport = await http.get(f"{stack.url('inventory')}/d/{code}")
    assert "Lenovo" in passport.text
    assert "B — bon état" in passport.text
    states = [entry["state"] for entry in device["history"]]
    assert states[0] == "received"
    assert "in_refurbishment" in states
    assert states[-1] == "ready"


async def test_only_erasure_officers_record_erasures_and_scopes_hide_other_workshops(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    base = f"{stack.url('refurbishment')}/api/v1"
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    order = await checked_in(stack, http, workshop, code)
    refurbisher = token_for(stack, "refurbisher", f"workshop:{workshop}")
    elsewhere = token_for(stack, "erasure_officer", f"workshop:{uuid.uuid4()}")
    by_refurbisher = await http.post(
        f"{base}/work-orders/{order}/erasures", json={"media": [NVME]}, headers=bearer(refurbisher)
    )
    by_outsider = await http.post(
        f"{base}/work-orders/{order}/erasures", json={"media": [NVME]}, headers=bearer(elsewhere)
    )
    overwritten_flash = await http.post(
        f"{base}/work-orders/{order}/erasures",
        json={"media": [{**NVME, "level": "clear", "method": "overwrite"}]},
        headers=bearer(token_for(stack, "erasure_officer", f"workshop:{workshop}")),
    )
    assert by_refurbisher.status_code == 403
    assert by_outsider.status_code == 404
    assert overwritten_flash.status_code == 422
    assert "mémoire flash" in overwritten_flash.json()["detail"]
    twice = await http.post(
        f"{base}/check-ins",
        json={"workshop_id": workshop, "label": code},
        headers=bearer(refurbisher),
    )
    assert twice.status_code == 409

    recycled = await http.post(
        f"{base}/work-orders/{order}/recycling",
        json={"barrier": 6, "reason": "Hinges broken, case cracked"},
        headers=bearer(refurbisher),
    )
    assert recycled.status_code == 204, recycled.text
    repairs = await http.get(f"{stack.url('refurbishment')}/api/v1/open-data/repairs.csv")
    [row] = [r for r in csv.DictReader(io.StringIO(repairs.text)) if r["id"] == order]
    assert (row["repair_status"], row["repair_barrier_if_end_of_life"]) == ("3", "6")
    assert row["problem"] == "Hinges broken, case cracked"
    assert code not in repairs.text  # no label: nothing that leads back to a donor


DIAGNOSIS = {
    "brand": "Lenovo",
    "model": "ThinkPad T470",
    "processor": "Intel Core i5-6300U",
    "memory_gb": 8,
    "storage": [{"kind": "nvme", "size_gb": 256}],
    "screen_inches": 14.0,
    "operating_system": "Linux Mint 22",
    "battery_health": 58,
    "keyboard_layout": "azerty_fr",
    "tests": {"power": "pass", "screen": "pass", "keyboard": "pass", "battery": "fail"},
    "cosmetic_notes": "Sticker « Famille Exemple » removed, light scratches on the lid",
}
REPAIR = {
    "actions": [{"kind": "replacement", "description": "Battery replaced"}],
    "parts": [{"name": "Battery 01AV421", "source": "bought", "cost_cents": 4590}],
    "minutes": 25,
}


async def _workshop_facts(stack: Stack, device_id: str) -> list[tuple[str, int, dict]]:
    """The workshop's facts about one device as published: subject, number, body."""
    client = await nats.connect(stack.nats.url)
    try:
        bus = client.jetstream()
        info = await bus.stream_info("REFURBISHMENT")
        facts = []
        for sequence in range(info.state.last_seq, max(info.state.first_seq, 1) - 1, -1):
            message = await bus.get_msg("REFURBISHMENT", sequence)
            body = json.loads(message.data or b"{}")
            if body.get("aggregate_id") == device_id:
                facts.append((message.subject, body["aggregate_version"], body))
        return list(reversed(facts))
    finally:
        await client.close()


async def test_a_diagnosis_and_a_repair_are_published_without_breaking_inventorys_sequence(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    base = f"{stack.url('refurbishment')}/api/v1"
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    order = await checked_in(stack, http, workshop, code)
    refurbisher = bearer(token_for(stack, "refurbisher", f"workshop:{workshop}"))

    unknown_test = await http.post(
        f"{base}/work-orders/{order}/diagnosis",
        json={**DIAGNOSIS, "tests": {"smell": "pass"}},
        headers=refurbisher,
    )
    assert unknown_test.status_code in {400, 422}
    diagnosed = await http.post(
        f"{base}/work-orders/{order}/diagnosis", json=DIAGNOSIS, headers=refurbisher
    )
    assert diagnosed.status_code == 204, diagnosed.text
    repaired = await http.post(f"{base}/work-orders/{order}/repairs", json=REPAIR,
                               headers=refurbisher)  # fmt: skip
    assert repaired.status_code == 201, repaired.text
    no_time = await http.post(
        f"{base}/work-orders/{order}/repairs", json={**REPAIR, "minutes": 0}, headers=refurbisher
    )
    assert no_time.status_code in {400, 422}

    amina = token_for(stack, "erasure_officer", f"workshop:{workshop}", subject="amina")
    bruno = token_for(stack, "erasure_officer", f"workshop:{workshop}", subject="bruno")
    recorded = await http.post(
        f"{base}/work-orders/{order}/erasures", json={"media": [NVME]}, headers=bearer(amina)
    )
    issued = await http.post(
        f"{base}/erasures/{recorded.json()['erasure_id']}/validation", headers=bearer(bruno)
    )
    assert issued.status_code == 201, issued.text
    graded = await http.post(
        f"{base}/work-orders/{order}/grade",
        json={"grade": "A", "functional_pass": True, "battery_health": 97,
              "specs": {"brand": "Lenovo", "memory_gb": 8, "storage_gb": 256}},
        headers=refurbisher,
    )  # fmt: skip
    assert graded.status_code == 204, graded.text
    released = await http.post(f"{base}/work-orders/{order}/release", headers=refurbisher)
    assert released.status_code == 204, released.text

    async def ready() -> dict | None:
        answer = await http.get(
            f"{stack.url('inventory')}/api/v1/devices/{code}",
            headers=bearer(token_for(stack, "coordinator")),
        )
        device = answer.json()
        return device if device["state"] == "ready" else None

    device = await wait_for(ready)  # graded and released after the diagnosis and the repair
    facts = await _workshop_facts(stack, str(device["id"]))
    assert [(subject.rsplit(".", 1)[-1], number) for subject, number, _ in facts] == [
        ("checked_in", 1),
        ("diagnosed", 1),
        ("repaired", 1),
        ("erased", 2),
        ("graded", 3),
        ("released", 4),
    ]
    diagnosis, repair = facts[1][2], facts[2][2]
    assert diagnosis["functional_tests"]["battery"] == "fail"
    assert diagnosis["storage_types"] == ["nvme"]
    assert "cosmetic_notes" not in diagnosis and "Famille Exemple" not in json.dumps(diagnosis)
    assert (repair["action_kinds"], repair["parts_bought"], repair["minutes"]) == (
        ["replacement"],
        1,
        25,
    )
    assert "Battery replaced" not in json.dumps(repair)

    repairs = await http.get(f"{stack.url('refurbishment')}/api/v1/open-data/repairs.csv")
    [row] = [r for r in csv.DictReader(io.StringIO(repairs.text)) if r["id"] == order]
    assert row["repair_status"] == "1"
    assert "repaired: replacement" in row["problem"]


async def test_a_battery_under_the_configured_thresholds_caps_the_grade(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    base = f"{stack.url('refurbishment')}/api/v1"
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    order = await checked_in(stack, http, workshop, code)
    refurbisher = bearer(token_for(stack, "refurbisher", f"workshop:{workshop}"))

    async def graded(grade: str, battery: int) -> httpx.Response:
        return await http.post(
            f"{base}/work-orders/{order}/grade",
            json={"grade": grade, "functional_pass": True, "battery_health": battery},
            headers={**refurbisher, "Accept-Language": "en"},
        )

    not_a = await graded("A", 79)
    assert not_a.status_code == 422
    assert "under the 80% grade A needs" in not_a.json()["detail"]
    failing = await graded("C", 49)
    assert failing.status_code == 422
    assert "under the 50% needed to pass the tests" in failing.json()["detail"]
    assert (await graded("B", 79)).status_code == 204
