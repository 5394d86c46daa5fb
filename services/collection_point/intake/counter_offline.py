"""The counter as an installable app that keeps working when the network drops (a bus, a
village hall with a weak signal): its web app manifest and its service worker.

The service worker (``shared/ui/static/counter-sw.js``) keeps a copy of the counter page and
of its files, so that the page opens without network; the page's script keeps the scans
made meanwhile in the browser, each with its idempotency key, and sends them when the
network returns (``counter.js``). Both are served here, under the counter's address, whose
pages they serve: a service worker only controls the pages under the path it is given."""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec
from litestar import Request, Response, get

from services.collection_point.intake.counter_pages import COUNTER_PATH
from shared.web.assets import static_url
from shared.web.i18n import language_of, translator
from shared.web.pages import STATIC_FILES
from shared.web.security import public

SERVICE_WORKER_PATH = f"{COUNTER_PATH}/sw.js"
MANIFEST_PATH = f"{COUNTER_PATH}/manifest.webmanifest"
ACCENT = "#0b5e3b"  # boucle.css's --accent
# A new service worker is looked for at each visit, never taken from the browser's cache.
REVALIDATE = {"Cache-Control": "no-cache"}


@cache
def _service_worker() -> bytes:
    return (STATIC_FILES / "counter-sw.js").read_bytes()


@get(SERVICE_WORKER_PATH, opt=public(), include_in_schema=False)
async def service_worker() -> Response[bytes]:
    """The counter's service worker, allowed to serve the counter's pages."""
    return Response(
        _service_worker(),
        media_type="text/javascript",
        headers={**REVALIDATE, "Service-Worker-Allowed": COUNTER_PATH},
    )


@get(MANIFEST_PATH, opt=public(), include_in_schema=False)
async def manifest(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The web app manifest that makes the counter installable, in the page's language."""
    language = language_of(request)
    t = translator(language)
    icon = static_url("counter-icon.svg")
    body = {
        "id": COUNTER_PATH,
        "name": t("counter.app_name"),
        "short_name": t("counter.app_short_name"),
        "description": t("counter.app_description"),
        "lang": language,
        "start_url": COUNTER_PATH,
        "scope": COUNTER_PATH,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": ACCENT,
        "icons": [
            {"src": icon, "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
            {"src": icon, "sizes": "any", "type": "image/svg+xml", "purpose": "maskable"},
        ],
    }
    return Response(
        msgspec.json.encode(body), media_type="application/manifest+json", headers=REVALIDATE
    )


ROUTES = [service_worker, manifest]
