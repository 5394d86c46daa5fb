"""Static files under versioned addresses: ``/static/boucle.css?v=<digest of its content>``.
A browser keeps them a year without asking again, and a new release changes the address."""

from __future__ import annotations

import hashlib
from functools import cache

from litestar.datastructures import CacheControlHeader

from shared.web.pages import STATIC_FILES

A_YEAR = 365 * 24 * 3600
CACHED_FOR_A_YEAR = CacheControlHeader(max_age=A_YEAR, public=True, immutable=True)


@cache
def static_url(name: str) -> str:
    """The address of static file ``name``, with the digest of what it holds now."""
    digest = hashlib.sha256((STATIC_FILES / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"
