"""What the group-purchase pages share: who may open them, their addresses, and rendering a
page with euros, labels and device types as people read them. Pages that name households
are never kept in a cache."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

from services.group_purchase.campaigns.api import COORDINATION, REQUESTERS
from services.group_purchase.campaigns.page_views import euros
from services.group_purchase.requests.reasons import device_type_name
from shared.labels import format_code
from shared.web.i18n import language_of
from shared.web.pages import NO_STORE, page
from shared.web.security import allow

AnyRequest = Request[Any, Any, Any]
PEOPLE = allow(*REQUESTERS)
COORDINATORS = allow(*COORDINATION)
HOME = "/achats"
CAMPAIGNS = "/achats/campagnes"
SUPPLIERS = "/achats/fournisseurs"


def campaign_page(request: AnyRequest, template: str, **context: Any) -> Template:
    """A group-purchase page: never cached, amounts and labels as people read them."""
    language = language_of(request)
    defaults = {"active": "", "typed": {}, "errors": {}, "done": ""}
    return page(
        request,
        template,
        headers=NO_STORE,
        money=lambda cents: euros(cents, language),
        code=format_code,
        type_name=lambda device_type: device_type_name(device_type, language),
        **{**defaults, **context},
    )


def done_from(request: AnyRequest, known: frozenset[str]) -> str:
    """The confirmation a redirect asked for (``?fait=…``), if it is one this page knows."""
    done = request.query_params.get("fait", "")
    return done if done in known else ""


def see_other(url: str) -> Redirect:
    return Redirect(url, status_code=303)


def campaign_url(campaign_id: object) -> str:
    return f"{CAMPAIGNS}/{campaign_id}"
