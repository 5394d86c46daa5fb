"""Database rows as Structs: the columns (renamed in SQL where they differ) are the fields,
decoded and checked by msgspec instead of copied field by field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import msgspec

Shape = TypeVar("Shape")


def rows_as(kind: type[Shape], rows: Iterable[Mapping[str, Any]]) -> list[Shape]:
    """Each row as a ``kind``; columns the Struct does not have are left out."""
    return msgspec.convert([dict(row) for row in rows], list[kind])  # type: ignore[valid-type]


def row_as(kind: type[Shape], row: Mapping[str, Any] | None) -> Shape | None:
    """The row as a ``kind``, or ``None`` when there is no row."""
    return None if row is None else msgspec.convert(dict(row), kind)
