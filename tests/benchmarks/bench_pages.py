"""Bytes per page as they travel: each page, JSON list and CSV export of a stack, sent plain
and gzipped (what browsers ask for), with the time to serve each way.

Run with ``python -m tests.benchmarks.bench_pages``."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from tests.benchmarks.report import print_machine
from tests.support.stacks import running_stack

PAGES = (
    ("collection_point", "/lieux"),
    ("collection_point", "/api/v1/collection-points"),
    ("collection_point", "/api/v1/open-data/collection-points.csv"),
    ("inventory", "/impact"),
    ("inventory", "/api/v1/open-data/impact.json"),
    ("inventory", "/api/v1/open-data/impact.csv"),
    ("refurbishment", "/verifier"),
    ("group_purchase", "/auth/sign-in"),
    ("inventory", "/schema/openapi.json"),
)
RUNS = 20


async def travelled(http: httpx.AsyncClient, url: str, encoding: str) -> tuple[int, float]:
    """Bytes on the wire and the median time to receive them."""
    sizes, seconds = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        async with http.stream("GET", url, headers={"Accept-Encoding": encoding}) as answer:
            body = b"".join([chunk async for chunk in answer.aiter_raw()])
        seconds.append(time.perf_counter() - started)
        sizes.append(len(body))
    return max(sizes), statistics.median(seconds)


async def measure(urls: dict[str, str]) -> bool:
    print(f"{'page':<48} {'plain B':>9} {'gzip B':>8} {'ratio':>6} {'plain ms':>9} {'gzip ms':>8}")
    total_plain = total_zipped = 0
    async with httpx.AsyncClient(timeout=30) as http:
        for name, url in urls.items():
            plain, plain_s = await travelled(http, url, "identity")
            zipped, zipped_s = await travelled(http, url, "gzip, br")
            total_plain, total_zipped = total_plain + plain, total_zipped + zipped
            print(
                f"{name:<48} {plain:>9,} {zipped:>8,} {plain / zipped:>6.1f} "
                f"{plain_s * 1000:>9.1f} {zipped_s * 1000:>8.1f}"
            )
    ratio = total_plain / total_zipped
    met = ratio >= 2
    print(
        f"{'all':<48} {total_plain:>9,} {total_zipped:>8,} {ratio:>6.1f}   "
        f"target: bytes at least halved: {'PASS' if met else 'MISSED'}"
    )
    return met


def main(argv: Sequence[str] | None = None) -> int:
    print_machine()
    with (
        tempfile.TemporaryDirectory(prefix="boucle-bench-") as folder,
        running_stack(Path(folder)) as stack,
    ):
        urls = {f"{service} {path}": f"{stack.url(service)}{path}" for service, path in PAGES}
        met = asyncio.run(measure(urls))
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
