"""``/.well-known/security.txt`` (RFC 9116) on every service: whom to tell of a vulnerability,
from ``BOUCLE_SECURITY_CONTACT``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import MediaType, Request, get

from shared.config import Settings
from shared.web.problems import Problem
from shared.web.security import public

SECURITY_TXT = "/.well-known/security.txt"
# RFC 9116 asks for an expiry under a year away; the file is written afresh on each request.
VALID_FOR = timedelta(days=180)


def contact_uris(setting: str) -> list[str]:
    """The contacts as URIs: ``security@example.org`` becomes ``mailto:security@example.org``;
    ``https://…`` and ``tel:…`` are kept."""
    contacts = [part.strip() for part in setting.split(",") if part.strip()]
    return [c if ":" in c or "@" not in c else f"mailto:{c}" for c in contacts]


def security_txt(settings: Settings, now: datetime) -> str:
    lines = [f"Contact: {uri}" for uri in contact_uris(settings.security_contact)]
    expires = (now + VALID_FOR).astimezone(UTC).replace(microsecond=0)
    lines.append(f"Expires: {expires.isoformat().replace('+00:00', 'Z')}")
    lines.append("Preferred-Languages: fr, en")
    if settings.public_url.startswith("https://"):
        lines.append(f"Canonical: {settings.public_url.rstrip('/')}{SECURITY_TXT}")
    return "\n".join(lines) + "\n"


@get(SECURITY_TXT, opt=public(), media_type=MediaType.TEXT, include_in_schema=False)
async def security_contact(request: Request[Any, Any, Any]) -> str:
    settings: Settings = request.app.state.settings
    if not contact_uris(settings.security_contact):
        raise Problem(404, "No security contact is published here (BOUCLE_SECURITY_CONTACT).")
    return security_txt(settings, datetime.now(UTC))


ROUTES = [security_contact]
