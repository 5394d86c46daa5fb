"""Talking to the services as a client does: headers, identifiers, what a page says."""

from __future__ import annotations

import html

import httpx

HTML = {"Accept": "text/html"}
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def said(answer: httpx.Response) -> str:
    """The page's text as a person reads it (entities such as &#39; decoded)."""
    return html.unescape(answer.text)
