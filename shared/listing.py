"""How the JSON API lists things, so that a program can discover the ids it needs: keyset
pages (``after`` the cursor a page ended with, ``limit`` rows at most, ``next_after`` for the
next page; stable while rows are added, unlike an offset) and filters read under the names
the client sent."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, TypeVar

import msgspec
from litestar.params import QueryParameter

from shared.errors import DomainError

PAGE_LIMIT = 100

Limit = Annotated[
    int, QueryParameter(ge=1, le=PAGE_LIMIT, description="How many rows at most (100).")
]
After = Annotated[
    str | None,
    QueryParameter(max_length=300, description="The ``next_after`` of the previous page."),
]

Row = TypeVar("Row")
SortKey = TypeVar("SortKey", datetime, str)
Filters = TypeVar("Filters", bound=msgspec.Struct)


def read_cursor(
    after: str | None, sort_key: Callable[[str], SortKey]
) -> tuple[SortKey | None, uuid.UUID | None]:
    """The sort key and id a cursor holds (``None, None`` for the first page); a cursor
    Boucle did not give is refused in words."""
    if not after:
        return None, None
    try:
        key, identifier = after.rsplit("_", 1)
        return sort_key(key), uuid.UUID(identifier)
    except ValueError as error:
        raise DomainError(
            "This page cursor is not one Boucle gave; start from the first page.",
            code="listing.cursor",
        ) from error


def page_of(
    rows: Sequence[Row], limit: int, sort_key: Callable[[Row], tuple[datetime | str, uuid.UUID]]
) -> tuple[list[Row], str | None]:
    """The first ``limit`` of ``rows`` (fetched with ``limit + 1``) and the cursor of the next
    page, ``None`` on the last one. ``sort_key`` gives what a row is sorted by: a value, then
    the id that breaks ties."""
    shown = list(rows[:limit])
    if len(rows) <= limit:
        return shown, None
    key, row_id = sort_key(shown[-1])
    return shown, f"{key.isoformat() if isinstance(key, datetime) else key}_{row_id}"


def read_filters(kind: type[Filters], **sent: Any) -> Filters:
    """The query's filters as ``kind``, whose fields are named as the client sends them. A
    value refused is a 422 naming the parameter as sent (Litestar would name the Python
    argument, which differs where the name is taken, as ``state`` is)."""
    try:
        return msgspec.convert(sent, kind, strict=False)
    except msgspec.ValidationError as error:
        message, _, path = str(error).partition(" - at `$.")
        key = path.rstrip("`")
        raise DomainError(
            f"{key}: {message}",
            code="listing.filter",
            parameter=key,
            errors=[{"message": message, "key": key, "source": "query"}],
        ) from error
