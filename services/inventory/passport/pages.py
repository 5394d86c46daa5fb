"""Public pages of inventory: the device passport."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from services.inventory import store
from services.inventory.impact import avoided_by_reuse
from shared.labels import LabelError, parse_code
from shared.web.app import Runtime
from shared.web.i18n import language_of, translator
from shared.web.pages import page
from shared.web.refusals import said
from shared.web.security import public


def _passport_operation(handler: Any, method: str, path: list[Any]) -> str:
    """The upper-case address a QR code holds is an operation of its own (ids are unique)."""
    return "PassportFromQrCode" if path[0] == "D" else "Passport"


@get(
    ["/d/{code:str}", "/D/{code:str}"],
    opt=public(),
    tags=["passport"],
    operation_id=_passport_operation,
)
async def passport(
    request: Request[Any, Any, Any], code: FromPath[str], runtime: NamedDependency[Runtime]
) -> Template:
    """The public passport of a device: type, stage and a timeline of places (never people)."""
    try:
        label = parse_code(code)
    except LabelError as error:
        reason = said(error, translator(language_of(request)))
        return page(request, "passport_missing.html", status_code=404, code=code, reason=reason)
    device = await store.device_by_label(runtime.pool, label)
    if device is None:
        return page(request, "passport_missing.html", status_code=404, code=code, reason=None)
    return page(
        request, "passport.html", device=device, impact=avoided_by_reuse(device.device_type)
    )


ROUTES = [passport]
