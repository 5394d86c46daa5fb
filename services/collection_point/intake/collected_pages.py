"""The point's own view of what it collected: each device with its label, type, day and where
it is now (as inventory last announced it), newest first, filtered by state and by day; and,
where a donor left a contact, the way to erase it when they ask (a page that says what will
go, then a button)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

import asyncpg
import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from services.collection_point import units
from services.collection_point.domain import PARIS, point_scope
from services.collection_point.donors import retention as donor_retention
from services.collection_point.intake.counter_pages import COUNTER, COUNTER_PATH, NO_STORE
from services.collection_point.places.store import PlaceStore
from services.collection_point.store import IntakeStore
from shared.auth import Principal
from shared.errors import NotFound
from shared.rows import rows_as
from shared.web import formats
from shared.web.actions import DONE, done_url
from shared.web.app import Runtime
from shared.web.i18n import language_of
from shared.web.pages import page

PAGE_SIZE = 100
FORGOTTEN = "contact-efface"  # what the confirmation says was done
PENDING = "pending"  # registered here, not yet announced by inventory
STATES = (
    PENDING,
    "received",
    "in_transit",
    "in_refurbishment",
    "ready",
    "reserved",
    "delivered",
    "returned",
    "recycled",
    "dismantled",
)


class Collected(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    label: str
    device_type: str
    received_at: datetime
    state: str
    brand: str = ""
    model: str = ""
    has_contact: bool = False  # a donor's contact is kept for it


class Filters(msgspec.Struct, frozen=True, kw_only=True):
    state: str = ""
    day: date | None = None

    def where(self, point_id: uuid.UUID) -> tuple[str, list[Any]]:
        """The SQL condition and its arguments (from $1) selecting these intakes."""
        clauses = ["collection_point_id = $1"]
        arguments: list[Any] = [point_id]
        if self.state == PENDING:
            clauses.append("inventory_state IS NULL")
        elif self.state:
            arguments.append(self.state)
            clauses.append(f"inventory_state = ${len(arguments)}")
        if self.day is not None:
            arguments.append(datetime.combine(self.day, time(), PARIS))
            clauses.append(f"received_at >= ${len(arguments)}")
            arguments.append(datetime.combine(self.day + timedelta(days=1), time(), PARIS))
            clauses.append(f"received_at < ${len(arguments)}")
        return " AND ".join(clauses), arguments

    def query(self, **more: str) -> str:
        """These filters (and ``more``) as a query string."""
        values = {"etat": self.state, "jour": self.day.isoformat() if self.day else "", **more}
        return urlencode({key: value for key, value in values.items() if value})


@get(f"{COUNTER_PATH}/{{place_id:uuid}}/collecte", opt=COUNTER, include_in_schema=False)
async def collected_page(
    request: Request[Any, Any, Any],
    place_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
    etat: Annotated[str, QueryParameter(max_length=20)] = "",
    jour: Annotated[str, QueryParameter(max_length=10)] = "",
    apres: Annotated[str, QueryParameter(max_length=80)] = "",
) -> Template:
    """What the point collected, newest first, 100 a page, with the counts by state."""
    place = await PlaceStore(runtime.pool).get_place(place_id)
    if place is None or not principal.may_reach(point_scope(place_id)):
        raise NotFound(f"No collection point {place_id} that you work at.", code="places.not_yours")
    language = language_of(request)
    filters = Filters(state=etat if etat in STATES else "", day=_day(jour, language))
    devices, next_cursor = await collected(runtime.pool, place_id, filters, _cursor(apres))
    path = collected_path(place_id)
    return page(
        request,
        "collected.html",
        headers=NO_STORE,
        place=place,
        forgotten=request.query_params.get(DONE) == FORGOTTEN,
        devices=devices,
        counts=await counts_by_state(runtime.pool, place_id, filters),
        filters=filters,
        day_typed=jour,
        day_invalid=bool(jour) and filters.day is None,
        day_pattern=formats.DAY_PATTERN[language],
        states=STATES,
        path_here=path,
        counter_url=f"{COUNTER_PATH}?point={place_id}",
        next_url=f"{path}?{filters.query(apres=next_cursor)}" if next_cursor else "",
        first_url=f"{path}?{filters.query()}" if apres else "",
    )


async def collected(
    pool: asyncpg.Pool,
    point_id: uuid.UUID,
    filters: Filters,
    after: tuple[datetime, uuid.UUID] | None,
) -> tuple[list[Collected], str]:
    """One page of intakes (keyset pagination, stable as new donations arrive) and the
    cursor of the next page ('' on the last)."""
    where, arguments = filters.where(point_id)
    if after is not None:
        arguments += list(after)
        where += f" AND (received_at, id) < (${len(arguments) - 1}, ${len(arguments)})"
    rows = await pool.fetch(
        "SELECT id, label, device_type, received_at, coalesce(inventory_state, 'pending') AS "
        "state, brand, model, EXISTS (SELECT 1 FROM donor_contacts c WHERE c.intake_id = "
        f"intakes.id) AS has_contact FROM intakes WHERE {where} "
        f"ORDER BY received_at DESC, id DESC LIMIT {PAGE_SIZE + 1}",
        *arguments,
    )
    devices = rows_as(Collected, rows[:PAGE_SIZE])
    if len(rows) <= PAGE_SIZE:
        return devices, ""
    last = devices[-1]
    return devices, f"{last.received_at.isoformat()}~{last.id}"


async def counts_by_state(
    pool: asyncpg.Pool, point_id: uuid.UUID, filters: Filters
) -> list[tuple[str, int]]:
    """How many devices are in each state, for the day chosen (all days otherwise)."""
    where, arguments = msgspec.structs.replace(filters, state="").where(point_id)
    rows = await pool.fetch(
        "SELECT coalesce(inventory_state, 'pending') AS state, count(*) AS devices "
        f"FROM intakes WHERE {where} GROUP BY 1",
        *arguments,
    )
    found = {row["state"]: row["devices"] for row in rows}
    ordered = [state for state in STATES if state in found]
    ordered += sorted(state for state in found if state not in STATES)
    return [(state, found[state]) for state in ordered]


def _day(text: str, language: str) -> date | None:
    try:
        return formats.read_day(text, language=language) if text else None
    except ValueError:
        return None


def _cursor(text: str) -> tuple[datetime, uuid.UUID] | None:
    moment, _, intake_id = text.partition("~")
    try:
        after = datetime.fromisoformat(moment), uuid.UUID(intake_id)
    except ValueError:
        return None
    return after if after[0].tzinfo is not None else None


def collected_path(place_id: uuid.UUID) -> str:
    return f"{COUNTER_PATH}/{place_id}/collecte"


FORGET_PATH = f"{COUNTER_PATH}/{{place_id:uuid}}/collecte/{{intake_id:uuid}}/oubli"


@get(
    FORGET_PATH,
    opt=COUNTER,
    include_in_schema=False,
)
async def forget_contact_page(
    request: Request[Any, Any, Any],
    place_id: FromPath[uuid.UUID],
    intake_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template:
    """What erasing the donor's contact of a donation removes and keeps, before doing it."""
    uow = units.donors(runtime)
    kept = await donor_retention.has_contact(uow, principal, intake_id, place_id)
    intake = await IntakeStore(runtime.pool).get_intake(intake_id)
    return page(
        request,
        "forget_contact.html",
        headers=NO_STORE,
        intake=intake,
        has_contact=kept,
        back_url=collected_path(place_id),
    )


@post(
    FORGET_PATH,
    opt=COUNTER,
    include_in_schema=False,
)
async def forget_contact(
    place_id: FromPath[uuid.UUID],
    intake_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Redirect:
    """Erase it, then back to the list, saying so (erased twice is erased once)."""
    uow = units.donors(runtime)
    await donor_retention.forget_on_request(uow, principal, intake_id, place_id)
    return Redirect(done_url(collected_path(place_id), FORGOTTEN), status_code=303)


ROUTES = [collected_page, forget_contact_page, forget_contact]
