"""What a notification says, in the person's language, from the catalogs: the mail (with its
one-click unsubscribe headers, RFC 8058), the inbox line and the letter share these texts."""

from __future__ import annotations

from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from types import MappingProxyType

import msgspec

from shared.config import Settings
from shared.notifications.outbox import Notification
from shared.web.i18n import translator

UNSUBSCRIBE_PATH = "/notifications/desabonnement"
INBOX_PATH = "/notifications"


class MailLinks(msgspec.Struct, frozen=True, kw_only=True):
    """Where the links of a service's mails lead, besides the page a notification names."""

    unsubscribe_path: str = UNSUBSCRIBE_PATH
    """The one-click unsubscribe the sending service serves (the mail's token follows)."""
    inbox_path: str = INBOX_PATH
    """The recipients' inbox; "" when they have none (a donor has no account)."""


ACCOUNT_MAIL = MailLinks()  # to people with an account: group_purchase's pages


class Text(msgspec.Struct, frozen=True):
    subject: str
    body: str
    link: str  # the page the notification speaks of, "" when none


Sites = Mapping[str, str]  # a service's name → its own address, where it has one
NO_SITES: Sites = MappingProxyType({})


def sites_of(settings: Settings) -> dict[str, str]:
    """The addresses of the other services whose pages a notification may link to
    (``details["site"]``): empty behind the reverse proxy, where one origin serves them all;
    their own ports in development."""
    return {"inventory": settings.inventory_url, "group_purchase": settings.accounts_url}


def text_of(
    notification: Notification, public_url: str = "", language: str = "", sites: Sites = NO_SITES
) -> Text:
    """The subject and body of ``notification`` in ``language`` (a page's), or else in the
    notification's (its mail's); values the catalog does not name are ignored, and a missing
    one shows the kind rather than failing. (Values put in words when it was written, a type
    of device, stay in the notification's language.) Its link starts with ``public_url``, or
    with the address ``sites`` gives the service it names (``details["site"]``)."""
    t = translator(language or notification.language)
    values = {
        key: value for key, value in notification.details.items() if key not in ("path", "site")
    }
    try:
        subject = t(f"notifications.{notification.kind}.subject", **values)
        body = t(f"notifications.{notification.kind}.body", **values)
    except (KeyError, ValueError):
        subject = body = notification.kind
    path = str(notification.details.get("path", ""))
    base = sites.get(str(notification.details.get("site", ""))) or public_url
    return Text(subject, body, f"{base.rstrip('/')}{path}" if path else "")


def unsubscribe_url(
    notification: Notification, public_url: str, path: str = UNSUBSCRIBE_PATH
) -> str:
    return f"{public_url.rstrip('/')}{path}/{notification.unsubscribe_token}"


def mail_of(
    notification: Notification,
    sender: str,
    public_url: str,
    links: MailLinks = ACCOUNT_MAIL,
    sites: Sites = NO_SITES,
) -> EmailMessage:
    """The mail of ``notification``: its id as Message-ID (so that a server that saw it
    already can tell), plain text, and a List-Unsubscribe one click away (``links`` say
    where, ``public_url`` being the sending service's base; ``sites`` the other services'
    addresses, for a page of theirs)."""
    t = translator(notification.language)
    text = text_of(notification, public_url, sites=sites)
    unsubscribe = unsubscribe_url(notification, public_url, links.unsubscribe_path)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "boucle.localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notification.email
    message["Subject"] = text.subject
    message["Date"] = format_datetime(notification.created_at)
    message["Message-ID"] = f"<{notification.id}@{domain}>"
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    lines = [text.body, ""]
    if text.link:
        lines += [t("notifications.mail.see", link=text.link), ""]
    if links.inbox_path:
        lines.append(
            t("notifications.mail.inbox", link=f"{public_url.rstrip('/')}{links.inbox_path}")
        )
    lines.append(t("notifications.mail.unsubscribe", link=unsubscribe))
    message.set_content("\n".join(lines))
    message["Content-Language"] = notification.language  # set_content drops Content-* ones
    return message
