"""Every route of every service declares who may call it, and the guard holds over real HTTP."""

from __future__ import annotations

import re
import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from boucle.devstack.stack import Stack
from shared.auth import ROLES
from shared.config import SERVICES
from tests.support.households import Territory
from tests.support.routes import SCOPED_ROLES, concrete, declared_routes
from tests.support.stacks import token_for

# Reviewed list: what anyone may reach without signing in.
PUBLIC_PATHS = {
    "/",
    "/health/live",
    "/health/ready",
    "/metrics",
    "/.well-known/security.txt",  # whom to tell of a vulnerability (RFC 9116)
    "/static/{file_path:path}",
    "/api/v1/collection-points",
    "/api/v1/collection-points/{place_id:uuid}",
    "/api/v1/collection-points/{place_id:uuid}/stops",  # where a bus stops next: published
    "/api/v1/open-data/collection-points.csv",
    "/api/v1/open-data/collection-points.geojson",
    # The counter's app manifest and service worker: static text, fetched without cookies.
    "/guichet/manifest.webmanifest",
    "/guichet/sw.js",
    "/lieux",
    "/lieux/{place_id:uuid}",
    "/verifier",
    "/api/v1/certificates/verification",  # a certificate PDF checked against the register
    "/api/v1/open-data/repairs.csv",
    "/d/{code:str}",
    "/D/{code:str}",  # the QR code holds an upper-case URL
    "/impact",
    "/api/v1/open-data/impact.json",
    "/api/v1/open-data/impact.csv",
    "/api/v1/open-data/footprint.json",
    "/api/v1/open-data/footprint.csv",
    "/api/v1/open-data/priority-criteria.json",  # the published criteria of priority
    "/demandes/criteres",  # the same criteria as a page
    "/demandes/formulaire.pdf",  # the blank paper request form
    # Signing in and out, renewing a session, choosing a password from a one-time link.
    "/auth/sign-in",
    "/auth/sign-out",
    "/auth/refresh",
    "/auth/reset/{secret:str}",
    "/api/v1/auth/machine-token",  # a kiosk's secret for a short session token
    # one click from a mail (RFC 8058): the unguessable token names one person's kind of mail
    "/notifications/desabonnement/{token:uuid}",
    "/dons/desabonnement/{token:uuid}",  # the same, for a donor's news of their device
}


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_is_either_in_the_public_list_or_names_its_roles(
    stack: Stack, service: str
) -> None:
    for path, method, opt in declared_routes(stack, service):
        if opt.get("public"):
            assert path in PUBLIC_PATHS, f"{method} {path} is public but not in the reviewed list"
        else:
            assert opt.get("roles"), f"{method} {path} does not say who may call it"
            assert set(opt["roles"]) <= set(ROLES)


@pytest.mark.parametrize("service", SERVICES)
async def test_anonymous_callers_get_401_and_other_roles_get_403_on_every_private_route(
    stack: Stack, service: str, http: httpx.AsyncClient
) -> None:
    checked = 0
    for path, method, opt in declared_routes(stack, service):
        if opt.get("public"):
            continue
        url = stack.url(service) + concrete(path)
        anonymous = await http.request(method, url)
        assert anonymous.status_code == 401, f"{method} {path}"
        assert anonymous.headers["content-type"] == "application/problem+json"
        outsiders = [role for role in ROLES if role not in opt["roles"]]
        for role in outsiders:
            answer = await http.request(
                method, url, headers={"Authorization": f"Bearer {token_for(stack, role)}"}
            )
            assert answer.status_code == 403, f"{role} on {method} {path}"
        checked += 1
    if service in {"collection_point", "inventory"}:
        assert checked > 0


def _scoped_readers(opt: dict[str, Any]) -> list[str]:
    return [role for role in opt.get("roles", ()) if role in SCOPED_ROLES]


@pytest.mark.parametrize("service", SERVICES)
async def test_a_scoped_person_gets_404_for_what_is_outside_their_scope_on_every_route(
    stack: Stack, service: str, http: httpx.AsyncClient
) -> None:
    """Every page or resource read by id answers 404 to a person of another collection point,
    workshop or organisation, exactly as for an id that does not exist: no existence leak."""
    checked = 0
    for path, method, opt in declared_routes(stack, service):
        if method != "GET" or ":uuid}" not in path or opt.get("public"):
            continue
        for role in _scoped_readers(opt):
            token = token_for(stack, role, f"{SCOPED_ROLES[role]}:{uuid.uuid4()}")
            answer = await http.get(
                stack.url(service) + concrete(path),
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            )
            assert answer.status_code == 404, f"{role} on GET {path}: {answer.status_code}"
            checked += 1
    assert checked > 0 or service == "inventory"


async def test_a_social_worker_of_another_organisation_gets_404_on_every_route_of_a_household(
    stack: Stack, http: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> None:
    """The same walk with ids that exist — a household, its request and its need, of another
    organisation: every route answers exactly as for ids that do not exist (404 for reads;
    for actions, the same refusal of the body or the same 404)."""
    territory = await Territory(stack, http).open()
    try:
        household = await territory.household()
        request = await territory.request(household["id"])
        ids = {
            "household_id": household["id"],
            "request_id": request["id"],
            "need_id": request["needs"][0]["id"],
        }
        stranger = territory.worker_of(str(uuid.uuid4()))
        checked = 0
        for path, method, opt in declared_routes(stack, "group_purchase"):
            names = re.findall(r"\{(\w+):uuid\}", path)
            if "social_worker" not in opt.get("roles", ()) or not names:
                continue
            if not set(names) <= set(ids):
                continue

            def url(of: dict[str, str], path: str = path) -> str:
                return stack.url("group_purchase") + re.sub(
                    r"\{(\w+):uuid\}", lambda m: of[m.group(1)], path
                )

            unknown = {name: str(uuid.uuid4()) for name in ids}
            body = (
                {"proposal_id": str(uuid.uuid4())}
                if "/confirmation" in path or ("/decline" in path)
                else {}
            )
            existing = await http.request(method, url(ids), headers=stranger, json=body)
            missing = await http.request(method, url(unknown), headers=stranger, json=body)
            where = f"{method} {path}"
            assert existing.status_code == missing.status_code, f"{where} tells them apart"
            assert existing.status_code == 404 or not (
                method == "GET" or path.startswith("/api/")
            ), where
            assert existing.status_code in (400, 404, 422), where
            checked += 1
        assert checked >= 10
    finally:
        await territory.close(purchase_pool)


async def test_the_guard_says_who_may_in_the_readers_language(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    url = stack.url("inventory") + "/api/v1/dead-letters"
    english = {"Accept-Language": "en"}
    collector = {"Authorization": f"Bearer {token_for(stack, 'collector')}"}
    forged = {"Authorization": "Bearer not.a-token"}

    anonymous = await http.get(url)
    anonymous_en = await http.get(url, headers=english)
    with_forged = await http.get(url, headers=forged)
    not_allowed = await http.get(url, headers=collector)
    not_allowed_en = await http.get(url, headers={**collector, **english})

    for answer, status, code in (
        (anonymous, 401, "account.sign_in"),
        (anonymous_en, 401, "account.sign_in"),
        (with_forged, 401, "account.token_invalid"),
        (not_allowed, 403, "account.role"),
        (not_allowed_en, 403, "account.role"),
    ):
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == code
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert anonymous.json()["detail"] == (
        "Connectez-vous d'abord : cette action demande un compte Boucle."
    )
    assert anonymous_en.json()["detail"] == "Sign in first: this action needs a Boucle account."
    assert "connectez-vous à nouveau" in with_forged.json()["detail"]
    assert not_allowed.json()["detail"] == (
        "Votre rôle ne permet pas cette action ; elle est réservée à : coordination, "
        "administration."
    )
    assert not_allowed_en.json()["detail"] == (
        "Your role does not allow this; it is for: coordinator, administrator."
    )
