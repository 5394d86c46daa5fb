"""The demo's households and group purchase: requests of the demo organisation, one proposed
the refurbished laptop (which its social worker reserves: the demo holds a reservation 20
hours, so she is warned at once that it lapses within a day), one waiting for a tablet, one
for a smartphone; a campaign opened for tablets, with that household's need pledged, and one
for smartphones pledged then cancelled (its social worker is told: a mail in the catcher of
``boucle up``)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from boucle.devstack.calls import call
from boucle.devstack.stack import Stack

# How long the demo's inventory holds a reservation: under the day before which social workers
# are warned that one lapses (72 hours outside the demo).
RESERVATION_HOURS = 20
TABLETS = "Tablettes pour les démarches en ligne"
PHONES = "Smartphones pour la recherche d'emploi"
FAMILIES: tuple[tuple[dict[str, Any], str], ...] = (
    ({"school_age_children": 2, "no_computer": True, "single_parent": True}, "laptop"),
    ({"job_seeking": True, "no_home_internet": True}, "tablet"),
    ({"job_seeking": True}, "smartphone"),
)


def file_requests_and_open_a_campaign(
    stack: Stack, tokens: dict[str, str], scopes: dict[str, tuple[str, ...]]
) -> None:
    api = f"{stack.url('group_purchase')}/api/v1"
    worker = tokens["social_worker"]
    organisation = scopes["social_worker"][0].removeprefix("organisation:")
    _until_the_laptop_is_known(api, worker)
    waiting: dict[str, str] = {}
    for situation, device_type in FAMILIES:
        household = call(
            f"{api}/households",
            worker,
            {
                "organisation_id": organisation,
                "commune": "Roubaix",
                "situation": situation,
                "consent": True,
            },
        )
        need = {"device_type": device_type, "purpose": "school"}
        request = call(
            f"{api}/requests", worker, {"household_id": household["id"], "needs": [need]}
        )
        need = request["needs"][0]
        status = need["status"]
        if status == "waiting":
            waiting[device_type] = need["id"]
        page = f"{stack.url('group_purchase')}/demandes/{request['id']}"
        print(f"  request of household {household['reference']} ({device_type}, {status}): {page}")
        if status == "proposed":  # reserved: it lapses within a day, she is warned
            body = {"proposal_id": need["proposal"]["id"]}
            call(f"{api}/needs/{need['id']}/confirmation", worker, body)
            print(f"    reserved for {RESERVATION_HOURS} hours: its social worker is warned")
    campaigns = f"{stack.url('group_purchase')}/achats/campagnes"
    if "tablet" in waiting:
        campaign = _open_campaign(stack, tokens, waiting["tablet"], "tablet", TABLETS)
        print(f"  group purchase (open): {campaigns}/{campaign}")
    if "smartphone" in waiting:  # a campaign given up: its social worker is told
        campaign = _open_campaign(stack, tokens, waiting["smartphone"], "smartphone", PHONES)
        call(f"{api}/campaigns/{campaign}/cancellation", tokens["coordinator"], {})
        print(f"  group purchase (cancelled): {campaigns}/{campaign}")


def _until_the_laptop_is_known(api: str, worker: str) -> None:
    """The refurbished laptop's news travels through inventory's events: wait for it."""
    for _ in range(100):
        shortage = call(f"{api}/shortage", worker, method="GET")
        if any(row["device_type"] == "laptop" and row["ready_devices"] for row in shortage):
            return
        time.sleep(0.1)


def _open_campaign(
    stack: Stack, tokens: dict[str, str], need_id: str, device_type: str, title: str
) -> str:
    """A type is short: a draft from the shortage, a supplier's tiers, opened, pledged."""
    api = f"{stack.url('group_purchase')}/api/v1"
    coordinator = tokens["coordinator"]
    supplier = call(
        f"{api}/suppliers",
        coordinator,
        {
            "name": f"Reconditionnés du Nord (démo, {title})",
            "kind": "social_enterprise",
            "contact": "Service commercial",
            "phone": "03 20 00 00 00",
            "terms": "Livraison sous 15 jours, garantie 12 mois.",
        },
    )
    draft = call(f"{api}/campaigns/drafts", coordinator, {"device_type": device_type})
    deadline = (datetime.now(UTC) + timedelta(days=21)).replace(microsecond=0)
    call(
        f"{api}/campaigns/{draft['id']}",
        coordinator,
        {
            "title": title,
            "device_type": device_type,
            "min_storage_gb": 32,
            "grade": "B",
            "supplier_id": supplier["id"],
            "supplier_offer": "Devis D-2026-114",
            "tiers": [
                {"min_quantity": 1, "max_quantity": 9, "unit_price_cents": 14900},
                {"min_quantity": 10, "unit_price_cents": 12900},
            ],
            "minimum_quantity": 5,
            "maximum_quantity": 40,
            "deadline": deadline.isoformat(),
            "subsidy_funder": "Métropole (démo)",
        },
        method="PUT",
    )
    call(f"{api}/campaigns/{draft['id']}/opening", coordinator, {"deadline_policy": "extend_once"})
    call(f"{api}/campaigns/{draft['id']}/pledges", tokens["social_worker"], {"need_id": need_id})
    campaign_id: str = draft["id"]
    return campaign_id
