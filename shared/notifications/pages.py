"""The pages of notifications, in any service that sends them: the person's inbox (the
alternative to mail), a letter to print for each, what was sent and how it went
(coordinators), and the one-click unsubscribe (RFC 8058) its mails link to."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Template

from shared.auth import COORDINATION, ROLES, Principal
from shared.errors import NotFound
from shared.notifications import outbox
from shared.notifications.letter import render_letter
from shared.notifications.texts import INBOX_PATH, UNSUBSCRIBE_PATH, sites_of, text_of
from shared.web.app import Runtime
from shared.web.i18n import language_of
from shared.web.pages import NO_STORE, page
from shared.web.security import allow, public

AnyRequest = Request[Any, Any, Any]
SHOWN = 50
# one click from a mail client has no page to take a CSRF token from; it changes only the
# mails its own unguessable token names
ONE_CLICK = {**public(), "csrf_exempt": True}


def lines_of(request: AnyRequest, notifications: list[outbox.Notification]) -> list[Any]:
    """Each notification with its texts in the page's language, for the list templates."""
    language = language_of(request)
    sites = sites_of(request.app.state.runtime.settings)
    return [(n, text_of(n, language=language, sites=sites)) for n in notifications]


@get(INBOX_PATH, opt=allow(*ROLES), include_in_schema=False)
async def show_inbox(
    request: AnyRequest,
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template:
    """What the person was told, by mail or not, the newest first."""
    notifications = await outbox.inbox(runtime.pool, principal.sub, SHOWN)
    return page(
        request,
        "notifications_inbox.html",
        headers=NO_STORE,
        lines=lines_of(request, notifications),
        coordinating=principal.has_any(COORDINATION),
    )


@get(f"{INBOX_PATH}/suivi", opt=allow(*COORDINATION), include_in_schema=False)
async def show_sent(request: AnyRequest, runtime: NamedDependency[Runtime]) -> Template:
    """Every notification's fate: mailed, waiting for SMTP (attempts, last error), failed,
    unsubscribed, or to print (no address)."""
    notifications = await outbox.latest(runtime.pool, SHOWN * 4)
    return page(
        request,
        "notifications_sent.html",
        headers=NO_STORE,
        lines=lines_of(request, notifications),
    )


@get(
    f"{INBOX_PATH}/{{notification_id:uuid}}/lettre.pdf",
    opt=allow(*ROLES),
    include_in_schema=False,
)
async def letter(
    request: AnyRequest,
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
    notification_id: FromPath[uuid.UUID],
) -> Response[bytes]:
    """The notification as a letter to print (its recipient's, or any for coordinators, who
    post them to people without e-mail)."""
    anyone = principal.has_any(COORDINATION)
    recipient = None if anyone else principal.sub
    notification = await outbox.one_of(runtime.pool, notification_id, recipient)
    if notification is None:
        raise NotFound("No such notification among yours.", code="notifications.unknown")
    return Response(
        render_letter(
            notification,
            str(request.base_url),
            sites_of(request.app.state.runtime.settings),
        ),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="lettre-{notification.id}.pdf"'},
    )


Unsubscribing = Callable[[asyncpg.Pool, uuid.UUID], Awaitable[str]]
"""Stop the mails a token names; their kind, or "" for an unknown token."""


def unsubscribe_routes(
    path: str = UNSUBSCRIBE_PATH,
    template: str = "notifications_unsubscribe.html",
    stop: Unsubscribing = outbox.unsubscribe,
) -> list[HTTPRouteHandler]:
    """The page a mail's unsubscribe link opens (GET ``path/<token>``: one button, since mail
    scanners open links and a link alone changes nothing), and the one click it sends (POST,
    RFC 8058, from the mail client or the button) that calls ``stop``. ``template`` shows the
    ``kind`` asked about (none: an unknown link, a 404 that says so) and whether it is
    ``done``."""

    def shown(request: AnyRequest, kind: str, done: bool) -> Template:
        return page(
            request,
            template,
            status_code=200 if kind else 404,
            headers=NO_STORE,
            kind=kind,
            done=done,
        )

    @get(f"{path}/{{token:uuid}}", opt=public(), include_in_schema=False)
    async def ask_unsubscribe(
        request: AnyRequest, runtime: NamedDependency[Runtime], token: FromPath[uuid.UUID]
    ) -> Template:
        found = await outbox.kind_of_token(runtime.pool, token)
        return shown(request, found[1] if found else "", done=False)

    @post(f"{path}/{{token:uuid}}", opt=ONE_CLICK, status_code=200, include_in_schema=False)
    async def unsubscribe(
        request: AnyRequest, runtime: NamedDependency[Runtime], token: FromPath[uuid.UUID]
    ) -> Template:
        kind = await stop(runtime.pool, token)  # twice is once
        return shown(request, kind, done=bool(kind))

    return [ask_unsubscribe, unsubscribe]


# one click stops that kind of mail to that person; the inbox keeps showing them
ROUTES = [show_inbox, show_sent, letter, *unsubscribe_routes()]
