"""Pages of households' requests: what they share (who may open them, forms, refusals in
words), a social worker's home page of households, and the public criteria and paper form.
Every form works without JavaScript; household pages are never kept in a cache."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.response import Template

from services.group_purchase.requests import page_views
from services.group_purchase.requests.api import COORDINATION, REQUESTERS
from services.group_purchase.requests.paper_form_pdf import render_request_form
from services.group_purchase.requests.priority import Criterion, load_policy
from shared.auth import Principal
from shared.labels import format_code
from shared.notifications import outbox as notifications
from shared.notifications.pages import lines_of
from shared.web.app import Runtime
from shared.web.i18n import language_of
from shared.web.pages import NO_STORE, page
from shared.web.security import allow, public

AnyRequest = Request[Any, Any, Any]
PEOPLE = allow(*REQUESTERS)
COORDINATORS = allow(*COORDINATION)
HOME = "/demandes"
INBOX_SHOWN = 5  # the latest notifications on the home page; all of them on /notifications


async def form_fields(request: AnyRequest) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def criterion_label(criterion: Criterion, language: str) -> str:
    return criterion.label_en if language == "en" else criterion.label_fr


def request_page(request: AnyRequest, template: str, **context: Any) -> Template:
    """A page of households' data: never cached, labels shown as people read them."""
    return page(request, template, headers=NO_STORE, code=format_code, **context)


@get(HOME, opt=PEOPLE, include_in_schema=False)
async def show_households(
    request: AnyRequest, runtime: NamedDependency[Runtime], principal: NamedDependency[Principal]
) -> Template:
    """The households of one's organisations, newest first, with their needs open and served;
    above them, the latest of what she was told (her inbox, the alternative to mail)."""
    households = await page_views.household_lines(
        runtime.pool, principal.scoped_ids("organisation")
    )
    told = await notifications.inbox(runtime.pool, principal.sub, INBOX_SHOWN)
    return request_page(
        request,
        "requests_home.html",
        households=households,
        told=lines_of(request, told),
        coordinating=principal.has_any(COORDINATION),
    )


@get("/demandes/criteres", opt=public(), include_in_schema=False)
async def show_criteria(request: AnyRequest) -> Template:
    """The published criteria of priority, the points each gives, and the waiting points."""
    language = language_of(request)
    policy = load_policy()
    criteria = [(criterion, criterion_label(criterion, language)) for criterion in policy.criteria]
    return page(request, "requests_criteria.html", policy=policy, criteria=criteria)


@get("/demandes/formulaire.pdf", opt=public(), include_in_schema=False)
async def paper_form(request: AnyRequest) -> Response[bytes]:
    """The blank paper request form, in the person's language."""
    language = language_of(request)
    criteria = [(c.key, criterion_label(c, language)) for c in load_policy().criteria]
    name = "formulaire-demande.pdf" if language == "fr" else "request-form.pdf"
    return Response(
        render_request_form(criteria, language),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


ROUTES = [show_households, show_criteria, paper_form]
