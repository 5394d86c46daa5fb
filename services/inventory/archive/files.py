"""The archived tier's files: a month of passive history written as Parquet (zstd) through
DuckDB, read back for a passport or a digest, and the digests that prove a file holds what
the database held.

Rows travel as CSV between PostgreSQL's COPY and DuckDB, with ``at`` as microseconds since
the epoch (UTC) so that no time zone or rounding comes between them; the file stores ``at``
as a UTC timestamp. DuckDB is synchronous: callers run these functions in a thread.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

# The columns of a history row as exported and as stored, in this order.
COLUMNS = (
    "id",
    "device_id",
    "at_us",
    "state",
    "subject",
    "event_id",
    "producer",
    "place_name",
    "correlation_id",
)
_CSV_TYPES = {
    "id": "BIGINT",
    "device_id": "UUID",
    "at_us": "BIGINT",
    "state": "VARCHAR",
    "subject": "VARCHAR",
    "event_id": "UUID",
    "producer": "VARCHAR",
    "place_name": "VARCHAR",
    "correlation_id": "VARCHAR",
}
# As the file stores them, then as read back in the exported order (``at`` in microseconds).
_STORED = (
    'id, device_id, make_timestamp(at_us) AS "at", state, subject, event_id, producer, '
    "coalesce(place_name, '') AS place_name, coalesce(correlation_id, '') AS correlation_id"
)
_READ = (
    'id, device_id, epoch_us("at") AS at_us, state, subject, event_id, producer, place_name, '
    "correlation_id"
)
_CANONICAL = (
    'id, device_id::VARCHAR, epoch_us("at"), state, subject, event_id::VARCHAR, producer, '
    "place_name, correlation_id"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
READ_BATCH = 50_000


def file_name(month: str) -> str:
    return f"device_history_{month}.parquet"


def at_of(microseconds: int) -> datetime:
    return _EPOCH + timedelta(microseconds=microseconds)


class RowsDigest:
    """SHA-256 of rows in one canonical text (fields as text joined by a unit separator),
    fed in id order: the same from PostgreSQL's rows and from a file's."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.rows = 0

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self._hash.update(("\x1f".join(str(value) for value in row) + "\n").encode())
            self.rows += 1

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_parquet(csv_path: Path, target: Path) -> int:
    """The rows of ``csv_path`` (exported in ``COLUMNS`` order) written to ``target`` as
    Parquet with zstd, by device then time; written aside and renamed, so that a file under
    its name is always whole. Its size in bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with duckdb.connect() as db:
        db.execute(
            f"COPY (SELECT {_STORED} FROM read_csv(?, header = false, quote = '\"', "
            "escape = '\"', allow_quoted_nulls = false, columns = "
            f'{_duck_struct(_CSV_TYPES)}) ORDER BY device_id, "at", id) '
            f"TO '{quoted_path(partial)}' (FORMAT parquet, COMPRESSION zstd)",
            [str(csv_path)],
        )
    os.replace(partial, target)
    return target.stat().st_size


def rows_digest(
    path: Path, query: str = f"SELECT {_CANONICAL} FROM read_parquet(?) ORDER BY id"
) -> RowsDigest | None:
    """The digest of a file's rows, read by ``query`` (history rows in id order unless told;
    None: not a Parquet file any more, or one DuckDB cannot read: a damaged file can even make
    it fail to decode its own message)."""
    digest = RowsDigest()
    try:
        with duckdb.connect() as db:
            result = db.execute(query, [str(path)])
            while batch := result.fetchmany(READ_BATCH):
                digest.add(batch)
    except (duckdb.Error, UnicodeError, ValueError):
        return None
    return digest


def write_csv(path: Path, target: Path) -> None:
    """A file's rows as CSV in ``COLUMNS`` order, for PostgreSQL's COPY (restoring)."""
    with duckdb.connect() as db:
        db.execute(
            f"COPY (SELECT {_READ} FROM read_parquet(?)) TO '{quoted_path(target)}' "
            "(FORMAT csv, HEADER false, FORCE_QUOTE (place_name, correlation_id))",
            [str(path)],
        )


def history_of(paths: Sequence[Path], device_id: uuid.UUID) -> list[dict[str, Any]]:
    """The rows of one device in the files ``paths`` (row groups of other devices are skipped
    by their statistics: the files are sorted by device)."""
    if not paths:
        return []
    with duckdb.connect() as db:
        rows = db.execute(
            f"SELECT {_READ} FROM read_parquet(?) WHERE device_id = ?::UUID",
            [[str(path) for path in paths], str(device_id)],
        ).fetchall()
    return [_entry(row) for row in rows]


def rows_of(
    paths: Sequence[Path], device_ids: Sequence[uuid.UUID] | None = None
) -> Iterator[list[tuple[Any, ...]]]:
    """Every row of the files (of ``device_ids`` only, when given), in ``COLUMNS`` order, a
    batch at a time."""
    if not paths:
        return
    where = "WHERE device_id IN (SELECT unnest(?::UUID[]))" if device_ids is not None else ""
    parameters: list[Any] = [[str(path) for path in paths]]
    if device_ids is not None:
        parameters.append([str(device_id) for device_id in device_ids])
    with duckdb.connect() as db:
        result = db.execute(f"SELECT {_READ} FROM read_parquet(?) {where}", parameters)
        while batch := result.fetchmany(READ_BATCH):
            yield batch


def _entry(row: Sequence[Any]) -> dict[str, Any]:
    values = dict(zip(COLUMNS, row, strict=True))
    return {**values, "at": at_of(values.pop("at_us"))}


def _duck_struct(types: dict[str, str]) -> str:
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in types.items()) + "}"


def quoted_path(path: Path) -> str:
    return str(path).replace("'", "''")


ProgressFn = Callable[[int, int], None]
