"""Security headers on every response of every service, error pages and 404s included."""

from __future__ import annotations

from urllib.parse import urlsplit

from litestar.types import Message, Scope

from shared.config import Settings

HSTS_MAX_AGE = 365 * 24 * 3600


def form_targets(settings: Settings) -> list[str]:
    """Forms post to this origin, or (in development, where each service has its own port)
    to the sign-in service on the same host; CSP also checks the redirect after a post."""
    targets = ["'self'"]
    for url in (settings.public_url, settings.accounts_url, settings.inventory_url):
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.hostname:
            target = f"{parts.scheme}://{parts.hostname}:*"
            if target not in targets:
                targets.append(target)
    return targets


def content_security_policy(settings: Settings) -> str:
    """Only our own files: no inline script, no inline style, nobody frames our pages."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            f"form-action {' '.join(form_targets(settings))}",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(settings: Settings):
    """A ``before_send`` hook adding the headers to each response start."""
    headers = {
        "Content-Security-Policy": content_security_policy(settings),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if settings.public_url.startswith("https://"):
        # Browsers that have seen the site over https never try it over http for a year.
        headers["Strict-Transport-Security"] = f"max-age={HSTS_MAX_AGE}; includeSubDomains"

    encoded = [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    ]

    async def add_security_headers(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            # one pass over the raw headers (a lookup each through MutableScopeHeaders
            # decoded every header five times over, on every response)
            sent = list(message.get("headers", []))
            present = {bytes(name).lower() for name, _ in sent}
            sent += [header for header in encoded if header[0] not in present]
            message["headers"] = sent

    return add_security_headers
