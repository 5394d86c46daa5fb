"""Pages, JSON and CSV travel compressed to a client that asks for it, and static files are
versioned by their content and kept a year by browsers."""

from __future__ import annotations

import gzip
import re

import httpx

from boucle.devstack.stack import Stack

PAGES = (
    ("collection_point", "/lieux"),
    ("inventory", "/impact"),
    ("collection_point", "/api/v1/collection-points"),
    ("inventory", "/api/v1/open-data/impact.csv"),
)


async def test_pages_json_and_csv_are_sent_gzipped_and_at_least_halved(stack: Stack) -> None:
    async with httpx.AsyncClient() as http:
        for service, path in PAGES:
            url = f"{stack.url(service)}{path}"
            plain = await http.get(url, headers={"Accept-Encoding": "identity"})
            # read the bytes as they travel: a stream, so httpx does not decode them
            async with http.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as zipped:
                travelled = b"".join([chunk async for chunk in zipped.aiter_raw()])
                encoding = zipped.headers.get("content-encoding")
            assert plain.status_code == 200, (path, plain.status_code)
            if len(plain.content) < 1024:
                continue  # too small to be worth compressing
            assert encoding == "gzip", path
            assert gzip.decompress(travelled) == plain.content, path
            assert len(travelled) * 2 <= len(plain.content), (path, len(travelled))


async def test_static_files_are_versioned_by_content_and_cached_a_year(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.url("collection_point")) as http:
        page = (await http.get("/lieux")).text
        (css,) = re.findall(r'href="(/static/boucle\.css\?v=[0-9a-f]{12})"', page)
        answer = await http.get(css)
    assert answer.status_code == 200
    cache_control = answer.headers["cache-control"]
    assert "max-age=31536000" in cache_control and "immutable" in cache_control
