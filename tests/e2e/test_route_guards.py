"""Every route of every service declares who may call it, and the guard holds over real HTTP."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx
import pytest
from litestar.routes import HTTPRoute

from shared.auth import ROLES
from shared.config import SERVICES, load_settings
from shared.devstack.stack import Stack
from shared.labels import generate_code
from shared.services import definition
from shared.web.app import create_app
from tests.stacks import token_for

# Reviewed list: what anyone may reach without signing in.
PUBLIC_PATHS = {
    "/",
    "/health/live",
    "/health/ready",
    "/metrics",
    "/static/{file_path:path}",
    "/api/v1/collection-points",
    "/api/v1/collection-points/{place_id:uuid}",
    "/api/v1/open-data/collection-points.csv",
    "/api/v1/open-data/collection-points.geojson",
    "/lieux",
    "/lieux/{place_id:uuid}",
    "/verifier",
    "/api/v1/open-data/repairs.csv",
    "/d/{code:str}",
    "/D/{code:str}",  # the QR code holds an upper-case URL
    "/impact",
    "/api/v1/open-data/impact.json",
    "/api/v1/open-data/impact.csv",
    "/api/v1/open-data/priority-criteria.json",  # the published criteria of priority
    "/demandes/criteres",  # the same criteria as a page
    "/demandes/formulaire.pdf",  # the blank paper request form
    # Signing in and out, renewing a session, choosing a password from a one-time link.
    "/auth/sign-in",
    "/auth/sign-out",
    "/auth/refresh",
    "/auth/reset/{secret:str}",
    "/api/v1/auth/machine-token",  # a kiosk's secret for a short session token
}


def _routes(stack: Stack, service: str) -> Iterator[tuple[str, str, dict]]:
    settings = load_settings(
        {}, service=service, auth_public_key=str(stack.keys_dir / "auth-ed25519.pub.pem")
    )
    app = create_app(settings, definition(service))
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith("/schema"):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                if method in {"HEAD", "OPTIONS"}:
                    continue
                yield route.path, method, handler.opt


def _concrete(path: str) -> str:
    path = re.sub(r"\{[^}]*:uuid\}", str(uuid.uuid4()), path)
    path = re.sub(r"\{[^}]*:path\}", "boucle.css", path)
    return re.sub(r"\{[^}]*\}", generate_code(), path)


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_is_either_in_the_public_list_or_names_its_roles(
    stack: Stack, service: str
) -> None:
    for path, method, opt in _routes(stack, service):
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
    for path, method, opt in _routes(stack, service):
        if opt.get("public"):
            continue
        url = stack.url(service) + _concrete(path)
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
