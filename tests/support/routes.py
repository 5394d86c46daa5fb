"""Every route each service declares, made concrete, and the roles whose scope it checks."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

from litestar.routes import HTTPRoute

from boucle.devstack.stack import Stack
from boucle.services import definition
from shared.auth import TRUSTED_KEYS_FILE
from shared.config import load_settings
from shared.labels import generate_code
from shared.web.app import create_app


def declared_routes(stack: Stack, service: str) -> Iterator[tuple[str, str, dict]]:
    """Each route of ``service`` as (path, method, options), built in this process."""
    settings = load_settings(
        {}, service=service, auth_public_key=str(stack.keys_dir / TRUSTED_KEYS_FILE)
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


def concrete(path: str) -> str:
    path = re.sub(r"\{[^}]*:uuid\}", str(uuid.uuid4()), path)
    path = re.sub(r"\{[^}]*:path\}", "boucle.css", path)
    return re.sub(r"\{[^}]*\}", generate_code(), path)


SCOPED_ROLES = {
    "collector": "collection_point",
    "refurbisher": "workshop",
    "erasure_officer": "workshop",
    "social_worker": "organisation",
}
