"""A small HTTP/1.1 keep-alive load generator on asyncio streams, one request in flight per
connection: back to back (closed loop) or due at a fixed rate (open loop)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

REQUEST_TIMEOUT = 30.0
MAX_CHUNKS = 10_000


@dataclass
class LoadResult:
    """What the client saw during one run: latencies of 2xx answers, other outcomes counted."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    first_error: str = ""

    @property
    def accepted(self) -> int:
        return len(self.latencies)

    @property
    def refused(self) -> int:
        return sum(count for status, count in self.statuses.items() if not 200 <= status < 300)

    def count(self, status: int) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def fail(self, error: BaseException) -> None:
        self.errors += 1
        self.first_error = self.first_error or repr(error)


def post_request(host: str, port: int, path: str, headers: dict[str, str], body: bytes) -> bytes:
    """The bytes of one ``POST`` with a ``Content-Length`` body, keeping the connection open."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    return status, headers


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    for _ in range(MAX_CHUNKS):
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        parts.append((await reader.readexactly(size + 2))[:-2])
        if size == 0:
            return b"".join(parts)
    raise ValueError("too many chunks")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """Status, whether the server keeps the connection open, and the body."""
    status, headers = _parse_head(await reader.readuntil(b"\r\n\r\n"))
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() != "close", body


class _Connection:
    """One keep-alive connection, opened when first needed and again after trouble."""

    def __init__(self, host: str, port: int, result: LoadResult) -> None:
        self._host = host
        self._port = port
        self._result = result
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def exchange(self, request: bytes, started: float) -> None:
        """Send ``request`` and count its answer; a 2xx one's latency counts from ``started``."""
        try:
            if self._reader is None or self._writer is None:
                self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
            async with asyncio.timeout(REQUEST_TIMEOUT):
                self._writer.write(request)
                status, keep_alive, _ = await read_response(self._reader)
            elapsed = time.perf_counter() - started
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as error:
            self._result.fail(error)
            self.close()
            await asyncio.sleep(0.05)
            return
        self._result.count(status)
        if 200 <= status < 300:
            self._result.latencies.append(elapsed)
        if not keep_alive:
            self.close()

    def close(self) -> None:
        _close(self._writer)
        self._reader = self._writer = None


async def _one_connection(
    host: str,
    port: int,
    make_request: Callable[[], bytes],
    deadline: float,
    result: LoadResult,
) -> None:
    """Send requests back to back on one connection until ``deadline``."""
    connection = _Connection(host, port, result)
    while time.perf_counter() < deadline:
        request = make_request()
        await connection.exchange(request, time.perf_counter())
    connection.close()


async def _paced_connection(
    host: str, port: int, due: asyncio.Queue[tuple[float, bytes] | None], result: LoadResult
) -> None:
    """Send the requests that fall due, one at a time, until told to stop (``None``)."""
    connection = _Connection(host, port, result)
    while (item := await due.get()) is not None:
        scheduled, request = item
        await connection.exchange(request, scheduled)
    connection.close()


def _close(writer: asyncio.StreamWriter | None) -> None:
    if writer is not None:
        writer.close()


async def run_load(
    host: str, port: int, make_request: Callable[[], bytes], connections: int, seconds: float
) -> LoadResult:
    """``connections`` clients posting back to back for ``seconds``."""
    result = LoadResult()
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(_one_connection(host, port, make_request, deadline, result) for _ in range(connections))
    )
    result.seconds = time.perf_counter() - started
    return result


async def run_open_loop(
    host: str,
    port: int,
    make_request: Callable[[], bytes],
    connections: int,
    rate: float,
    seconds: float,
) -> LoadResult:
    """Requests due at a fixed ``rate`` for ``seconds``, whatever the answers' pace, sent over
    ``connections`` keep-alive connections (a request due while all are busy waits for one).
    A latency counts from the moment its request was due, so a server falling behind shows
    in it instead of slowing the client down (no coordinated omission)."""
    result = LoadResult()
    due: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()
    senders = [
        asyncio.create_task(_paced_connection(host, port, due, result)) for _ in range(connections)
    ]
    started = time.perf_counter()
    for sent in range(round(rate * seconds)):
        scheduled = started + sent / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        due.put_nowait((scheduled, make_request()))
    for _ in senders:
        due.put_nowait(None)
    await asyncio.gather(*senders)
    result.seconds = time.perf_counter() - started
    return result
