"""What coordinators are told (by mail, in their inbox, on paper) when something needs a
person: new dead letters and devices stuck in a state, which inventory watches and announces
(``inventory.attention.raised``, counts only), and a device type whose open needs ready stock
cannot serve, watched here, where both the needs and the ready devices are known (nothing is
copied to inventory for it). Every enabled coordinator account is told, once per fact."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Set
from datetime import datetime
from typing import Any

import asyncpg

from services.group_purchase.notifications.contacts import set_contact
from services.group_purchase.notifications.store import tell_each
from services.group_purchase.requests.reasons import device_type_name
from services.group_purchase.requests.shortage import Shortage, shortage_by_type
from shared.contracts.inventory import AttentionRaised
from shared.db import create_pool
from shared.jobs import every
from shared.logging import get_logger
from shared.uow import PostgresUnitOfWork, UnitOfWork
from shared.web.app import Runtime
from shared.web.i18n import translator

DEAD_LETTERS = "attention_dead_letters"
STUCK = "attention_stuck"
STOCK_SHORT = "attention_stock_short"
# where coordinators act: inventory's pages (``site``: at inventory's own address where it has
# one), and the shortage table of the purchases' home
DEAD_LETTERS_PAGE = "/registre/lettres-mortes"
REGISTER_PAGE = "/registre"
SHORTAGE_PAGE = "/achats#penurie"
EVERY_SECONDS = 60.0
# the demo's coordinator gets an address, so that her news reaches the SMTP catcher of
# ``boucle up`` (the demo's waiting smartphone is short: she is told once its need is filed)
DEMO_COORDINATOR = "coordination"
DEMO_COORDINATOR_ADDRESS = "morgan.coordination@mel.localhost"
log = get_logger("boucle.group_purchase.coordinators")


def newly_short(told: Set[str], short: Set[str]) -> tuple[list[str], list[str]]:
    """The device types short now that coordinators were not told of (to tell), and those
    told that are no longer short (recovered: told again only once short again)."""
    return sorted(short - told), sorted(told - short)


class CoordinatorStore:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def tell(
        self, kind: str, details_of: Callable[[str], dict[str, Any]], now: datetime
    ) -> int:
        """A notification of ``kind`` to every enabled coordinator, its details in her
        language; how many were told."""
        rows = await self.connection.fetch(
            "SELECT id::text AS recipient, email, language FROM accounts "
            "WHERE enabled AND 'coordinator' = ANY (roles) ORDER BY id"
        )
        await tell_each(self.connection, rows, kind, lambda row: details_of(row["language"]), now)
        return len(rows)

    async def take_turn(self) -> None:
        """One shortage look at a time (replicas wait, then see what the first one told)."""
        await self.connection.execute(
            "SELECT pg_advisory_xact_lock(hashtext('group_purchase.shortage_told'))"
        )

    async def shortage(self, now: datetime) -> list[Shortage]:
        return [line for line in await shortage_by_type(self.connection, now) if line.missing]

    async def told_short(self) -> set[str]:
        rows = await self.connection.fetch("SELECT device_type FROM shortage_told")
        return {row["device_type"] for row in rows}

    async def remember_short(
        self, newly: Iterable[str], recovered: Iterable[str], now: datetime
    ) -> None:
        await self.connection.execute(
            "WITH gone AS (DELETE FROM shortage_told WHERE device_type = ANY ($2::text[])) "
            "INSERT INTO shortage_told (device_type, since) SELECT unnest($1::text[]), $3 "
            "ON CONFLICT DO NOTHING",
            list(newly),
            list(recovered),
            now,
        )


async def note_attention(connection: asyncpg.Connection, event: AttentionRaised) -> None:
    """Inventory's news of what needs a person, told to every coordinator (the consumer's
    inbox drops a redelivered event: one notification per coordinator per event)."""
    if event.kind == "dead_letters":
        kind, path = DEAD_LETTERS, DEAD_LETTERS_PAGE
    else:
        days = max(1, math.floor(event.threshold_days))
        kind, path = STUCK, f"{REGISTER_PAGE}?state={event.state}&stuck_days={days}"

    def details(language: str) -> dict[str, Any]:
        since = event.oldest_since
        return {
            "new": event.new,
            "count": event.count,
            "state": translator(language)(f"state.{event.state}") if event.state else "",
            "days": math.floor(event.threshold_days),
            "since": f"{since:%Y-%m-%d}" if since else "",
            "path": path,
            "site": "inventory",  # the page is inventory's
        }

    await CoordinatorStore(connection).tell(kind, details, event.occurred_at)


async def watch_shortage(uow: UnitOfWork[CoordinatorStore]) -> list[str]:
    """Tell coordinators of each device type newly short (at the unit of work's time), and
    forget those that recovered; the types told."""
    async with uow.begin() as work:
        store = work.store
        await store.take_turn()
        now = work.now()
        short = {line.device_type: line for line in await store.shortage(now)}
        newly, recovered = newly_short(await store.told_short(), set(short))
        for device_type in newly:
            line = short[device_type]

            def details(language: str, line: Shortage = line) -> dict[str, Any]:
                return {
                    "device": device_type_name(line.device_type, language),
                    "open_needs": line.open_needs,
                    "ready": line.ready_devices,
                    "missing": line.missing,
                    "path": SHORTAGE_PAGE,
                }

            await store.tell(STOCK_SHORT, details, now)
        await store.remember_short(newly, recovered, now)
    return newly


async def watch_shortage_periodically(runtime: Runtime) -> None:
    uow = runtime.unit_of_work(CoordinatorStore)

    async def look_once() -> None:
        told = await watch_shortage(uow)
        if told:
            log.info("stock_short_told", device_types=told)

    await every(EVERY_SECONDS, look_once, log, "shortage_watch_retrying")


async def give_demo_address(dsn: str) -> str:
    """The demo coordinator's account id, now with an address ("" without demo accounts)."""
    return await set_contact(dsn, DEMO_COORDINATOR, DEMO_COORDINATOR_ADDRESS)


async def tell_shortage_now(dsn: str) -> list[str]:
    """One look at the shortage now, as the periodic job's (the demo's, once its requests are
    filed, rather than at the next minute); the device types told."""
    pool = await create_pool(dsn, "purchase", 1, 2)
    try:
        return await watch_shortage(PostgresUnitOfWork(pool, CoordinatorStore, wake=lambda: None))
    finally:
        await pool.close()
