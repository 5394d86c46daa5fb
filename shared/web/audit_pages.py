"""The audit trail as admins read it: a page in each service that keeps one, and its export."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.response import Template

from shared import audit
from shared.web.app import Runtime
from shared.web.pages import page
from shared.web.security import allow

SHOWN = 500


def audit_page(path: str, export_path: str) -> HTTPRouteHandler:
    """The route of the admin page at ``path``; ``export_path`` is its JSON twin."""

    @get(path, opt=allow("admin"), include_in_schema=False)
    async def show_audit_trail(
        request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]
    ) -> Template:
        entries = await audit.latest(runtime.pool, SHOWN)
        return page(
            request,
            "audit.html",
            headers={"Cache-Control": "no-store"},
            entries=entries,
            export_path=export_path,
            shown=SHOWN,
        )

    return show_audit_trail
