"""Server-rendered pages: templates get the language, a translator and the other language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Template

from shared.web.i18n import LANGUAGE_COOKIE, language_of, translator

SHARED_TEMPLATES = Path(__file__).parent.parent / "ui" / "templates"
STATIC_FILES = Path(__file__).parent.parent / "ui" / "static"


def page(
    request: Request[Any, Any, Any],
    template: str,
    status_code: int = 200,
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
            **context,
        },
        status_code=status_code,
        cookies=cookies,
    )
