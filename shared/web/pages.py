"""Server-rendered pages: templates get the language, a translator and the other language."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Template

from shared.web.i18n import LANGUAGE_COOKIE, language_of, translator

TIMEZONE = ZoneInfo("Europe/Paris")
SHARED_TEMPLATES = Path(__file__).parent.parent / "ui" / "templates"
STATIC_FILES = Path(__file__).parent.parent / "ui" / "static"
NO_STORE = {"Cache-Control": "no-store"}  # a page that is someone's own, or carries a fresh key


def page(
    request: Request[Any, Any, Any],
    template: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """Render ``template`` in the person's language, remembering an explicit choice."""
    language = language_of(request)
    cookies = []
    if request.query_params.get("lang") == language:
        cookies.append(
            Cookie(key=LANGUAGE_COOKIE, value=language, max_age=365 * 86400, samesite="lax")
        )
    return Template(
        template_name=template,
        context={
            "lang": language,
            "other_lang": "en" if language == "fr" else "fr",
            "t": translator(language),
            "path": request.url.path,
            "local": local_time,
            **context,
        },
        status_code=status_code,
        headers=headers,
        cookies=cookies,
    )


def local_time(moment: datetime) -> datetime:
    """Times are stored in UTC; people in the metropolis read them in Paris time."""
    return moment.astimezone(TIMEZONE)
