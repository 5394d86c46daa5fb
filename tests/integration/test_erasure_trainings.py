"""Training records behind the erasure role, over real HTTP across two services: an
administrator of group_purchase records trainings and gives roles; the workshop learns of the
trainings from their events and lets only someone whose erasure training is valid that day
sign an erasure, on a certificate that names the training."""

from __future__ import annotations

import html
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import httpx

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from shared.events import utc_now
from shared.trainings import local_day
from tests.support.http import bearer
from tests.support.requests import pdf_text
from tests.support.stacks import token_for
from tests.support.waiting import wait_for
from tests.support.workshop import NVME, checked_in, donated_device, new_workshop

FRENCH = {"Accept-Language": "fr"}


async def test_only_someone_whose_erasure_training_is_valid_today_signs_an_erasure(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    accounts = f"{stack.url('group_purchase')}/api/v1/accounts"
    bench = f"{stack.url('refurbishment')}/api/v1"
    admin = bearer(token_for(stack, "admin"))
    workshop = await new_workshop(stack)
    order = await checked_in(stack, http, workshop, await donated_device(stack, collection_point))
    login = f"officier.{uuid.uuid4().hex[:6]}"
    added = await http.post(
        accounts,
        json={
            "login": login,
            "display_name": "Sacha Officier",
            "roles": ["refurbisher"],
            "scopes": [f"workshop:{workshop}"],
        },
        headers=admin,
    )
    assert added.status_code == 201, added.text
    account = added.json()["account"]["id"]
    # the person signs with their account: the workshop knows them by its id only
    sacha_token = token_for(
        stack, "erasure_officer", f"workshop:{workshop}", subject=account, trained=False
    )
    sacha = bearer(sacha_token)
    roles = {"roles": ["refurbisher", "erasure_officer"]}

    untrained = await http.post(f"{accounts}/{account}/roles", json=roles, headers=admin)
    assert untrained.status_code == 422
    assert untrained.json()["code"] == "accounts.training_required"
    refused = await http.post(
        f"{bench}/work-orders/{order}/erasures",
        json={"media": [NVME]},
        headers={**sacha, **FRENCH},
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "bench.training_not_valid"
    assert "Aucune formation à l'effacement valide" in refused.json()["detail"]

    today = local_day(utc_now())
    expired = await record(
        http, accounts, account, admin, today - timedelta(days=800), today - timedelta(days=1)
    )
    still = await http.post(f"{accounts}/{account}/roles", json=roles, headers=admin)
    assert still.status_code == 422
    assert still.json()["code"] == "accounts.training_required"
    # once the workshop knows of the expired training, it still refuses
    await wait_for(lambda: workshop_knows(stack, expired["reference"]))
    refused_again = await http.post(
        f"{bench}/work-orders/{order}/erasures", json={"media": [NVME]}, headers=sacha
    )
    assert refused_again.status_code == 422
    assert refused_again.json()["code"] == "bench.training_not_valid"

    valid = await record(
        http, accounts, account, admin, today - timedelta(days=3), today + timedelta(days=20)
    )
    given = await http.post(f"{accounts}/{account}/roles", json=roles, headers=admin)
    assert given.status_code == 200, given.text
    assert given.json()["roles"] == ["refurbisher", "erasure_officer"]

    async def recorded() -> dict[str, Any] | None:
        answer = await http.post(
            f"{bench}/work-orders/{order}/erasures", json={"media": [NVME]}, headers=sacha
        )
        return answer.json() if answer.status_code == 201 else None

    erasure = (await wait_for(recorded))["erasure_id"]
    bruno = bearer(token_for(stack, "erasure_officer", f"workshop:{workshop}", subject="bruno"))
    issued = await http.post(f"{bench}/erasures/{erasure}/validation", headers=bruno)
    assert issued.status_code == 201, issued.text
    pdf = await http.get(stack.url("refurbishment") + issued.json()["pdf"], headers=bruno)
    text = pdf_text(pdf.content)
    assert valid["reference"] in text
    assert expired["reference"] not in text
    assert "TEST-bruno" in text

    # the officer's home page at the workshop says the training is to renew
    async with httpx.AsyncClient(timeout=30, cookies={"boucle_session": sacha_token}) as browser:
        home = await browser.get(
            f"{stack.url('refurbishment')}/atelier", headers={"Accept": "text/html", **FRENCH}
        )
    assert home.status_code == 200
    said = html.unescape(home.text)
    assert f"Votre formation à l'effacement {valid['reference']} expire le" in said

    expiring = await http.get(
        f"{stack.url('group_purchase')}/api/v1/trainings/expiring", headers=admin
    )
    listed = [item["training"]["reference"] for item in expiring.json()["trainings"]]
    assert valid["reference"] in listed and expired["reference"] not in listed
    trail = await http.get(f"{stack.url('group_purchase')}/api/v1/households/audit", headers=admin)
    mine = {(e["action"], e["actor"]) for e in trail.json() if e["subject"] == f"account:{account}"}
    assert mine == {("training.recorded", "test-admin"), ("account.roles_set", "test-admin")}


async def test_a_person_without_a_valid_training_cannot_validate_a_colleagues_erasure(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    bench = f"{stack.url('refurbishment')}/api/v1"
    workshop = await new_workshop(stack)
    order = await checked_in(stack, http, workshop, await donated_device(stack, collection_point))
    amina = bearer(token_for(stack, "erasure_officer", f"workshop:{workshop}", subject="amina"))
    untrained = bearer(
        token_for(
            stack,
            "erasure_officer",
            f"workshop:{workshop}",
            subject=str(uuid.uuid4()),
            trained=False,
        )
    )
    recorded = await http.post(
        f"{bench}/work-orders/{order}/erasures", json={"media": [NVME]}, headers=amina
    )
    assert recorded.status_code == 201, recorded.text
    erasure = recorded.json()["erasure_id"]

    refused = await http.post(f"{bench}/erasures/{erasure}/validation", headers=untrained)

    assert refused.status_code == 422
    assert refused.json()["code"] == "bench.training_not_valid"
    device = await http.get(f"{bench}/work-orders/{order}", headers=amina)
    assert device.json()["erased"] is False


async def record(
    http: httpx.AsyncClient,
    accounts: str,
    account: str,
    admin: dict[str, str],
    taken_on: Any,
    valid_until: Any,
) -> dict[str, Any]:
    answer = await http.post(
        f"{accounts}/{account}/trainings",
        json={
            "course": "data_erasure",
            "reference": f"EFF-{uuid.uuid4().hex[:8]}",
            "taken_on": taken_on.isoformat(),
            "trainer": "Centre de formation de Lille",
            "valid_until": valid_until.isoformat(),
        },
        headers=admin,
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def workshop_knows(stack: Stack, reference: str) -> bool:
    """The workshop applied the training's event (read where it keeps them)."""
    connection = await asyncpg.connect(
        stack.postgres.dsn, server_settings={"search_path": "refurbishment"}
    )
    try:
        found = await connection.fetchval(
            "SELECT count(*) FROM officer_trainings WHERE reference = $1", reference
        )
    finally:
        await connection.close()
    return bool(found)
