"""The archived events' files: the messages of a stream, a month at a time, written as
Parquet (zstd) through DuckDB with their stream sequence, subject, stored time, data and
headers, so that the rebuild reads them as it reads the stream; and the digest that proves a
file holds the messages read from the stream.

Messages travel to DuckDB as newline-delimited JSON (data in base64), written as they are
read, so a month is never held in memory. DuckDB is synchronous: callers run ``write`` and the
readers in a thread.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

import duckdb
import msgspec
from nats.aio.msg import Msg

from services.inventory.archive.files import RowsDigest, quoted_path, rows_digest

_JSON_COLUMNS = (
    "{'sequence': 'BIGINT', 'subject': 'VARCHAR', 'stored_us': 'BIGINT', "
    "'data': 'VARCHAR', 'headers': 'VARCHAR'}"
)
_STORED = (
    "sequence, subject, make_timestamp(stored_us) AS stored_at, from_base64(data) AS data, headers"
)
_CANONICAL = "sequence, subject, epoch_us(stored_at), to_base64(data), headers"
READ_BATCH = 10_000


class ArchivedMessage(msgspec.Struct, frozen=True, array_like=True):
    """A message as its file keeps it."""

    sequence: int
    subject: str
    stored_us: int
    data: bytes


def file_name(stream: str, month: str, first_sequence: int) -> str:
    return f"{stream}_{month}_{first_sequence}.parquet"


def microseconds(moment: datetime) -> int:
    return round(moment.timestamp() * 1_000_000)


class _Line(msgspec.Struct, frozen=True, kw_only=True):
    """A message as it travels to DuckDB, in the file's order; also what its digest reads."""

    sequence: int
    subject: str
    stored_us: int
    data: str  # base64
    headers: str  # JSON, "" for none


class EventFileWriter:
    """Messages gathered in a scratch file as they are read, with their digest, then
    written as one Parquet file."""

    def __init__(self, scratch: Path) -> None:
        self._scratch = scratch
        self._lines: IO[bytes] = scratch.open("wb")
        self.digest = RowsDigest()
        self.first_sequence = 0
        self.last_sequence = 0

    def add(self, message: Msg) -> None:
        metadata = message.metadata
        headers = dict(sorted(message.headers.items())) if message.headers else None
        line = _Line(
            sequence=metadata.sequence.stream,
            subject=message.subject,
            stored_us=microseconds(metadata.timestamp),
            data=base64.b64encode(message.data or b"").decode(),
            headers=msgspec.json.encode(headers).decode() if headers else "",
        )
        self._lines.write(msgspec.json.encode(line) + b"\n")
        self.digest.add([msgspec.structs.astuple(line)])
        self.first_sequence = self.first_sequence or line.sequence
        self.last_sequence = line.sequence

    def write(self, target: Path) -> int:
        """The messages written to ``target`` (aside, then renamed: a file under its name is
        always whole); its size in bytes."""
        self._lines.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with duckdb.connect() as db:
            db.execute(
                f"COPY (SELECT {_STORED} FROM read_json(?, format = 'newline_delimited', "
                f"columns = {_JSON_COLUMNS}) ORDER BY sequence) "
                f"TO '{quoted_path(partial)}' (FORMAT parquet, COMPRESSION zstd)",
                [str(self._scratch)],
            )
        os.replace(partial, target)
        return target.stat().st_size


def events_digest(path: Path) -> RowsDigest | None:
    """The digest of a file's messages, read in stream order (None: a file DuckDB cannot
    read as it was written)."""
    return rows_digest(path, f"SELECT {_CANONICAL} FROM read_parquet(?) ORDER BY sequence")


def messages_of(path: Path) -> Iterator[list[ArchivedMessage]]:
    """A file's messages in stream order, a batch at a time."""
    with duckdb.connect() as db:
        result = db.execute(
            "SELECT sequence, subject, epoch_us(stored_at), data FROM read_parquet(?) "
            "ORDER BY sequence",
            [str(path)],
        )
        while batch := result.fetchmany(READ_BATCH):
            yield [ArchivedMessage(*row) for row in batch]
