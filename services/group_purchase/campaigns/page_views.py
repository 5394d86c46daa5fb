"""What the group-purchase pages show that the JSON views do not: the waiting needs one may
pledge, the labels of a delivery, the households a notice speaks of, and euros as people
write them."""

from __future__ import annotations

import uuid

import asyncpg
import msgspec

from services.group_purchase.campaigns.pricing import format_euros
from services.group_purchase.campaigns.views import Notice

# the pledges each kind of notice ended, and how (a pledge withdrawn by hand is not news)
ENDED_BY_NOTICE = {"cancelled": "released", "unserved": "unserved"}


class NeedChoice(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    household_reference: str
    purpose: str
    min_memory_gb: int
    min_storage_gb: int


class ReceivedLine(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    serial_number: str
    household_reference: str


class NoticeLine(msgspec.Struct, frozen=True, kw_only=True):
    notice: Notice
    households: list[str]


def euros(cents: int, language: str) -> str:
    """``123450`` → ``1 234,50 €`` in French, ``€1,234.50`` in English."""
    if language != "en":
        return format_euros(cents)
    whole, rest = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}€{whole:,}.{rest:02d}"


async def needs_to_pledge(
    connection: asyncpg.Connection | asyncpg.Pool,
    organisation_ids: list[uuid.UUID] | None,
    device_type: str,
) -> list[NeedChoice]:
    """The waiting needs of that type of these organisations (``None``: all), longest first."""
    rows = await connection.fetch(
        "SELECT n.id, n.purpose, n.min_memory_gb, n.min_storage_gb, h.reference "
        "FROM needs n JOIN requests r ON r.id = n.request_id "
        "JOIN households h ON h.id = r.household_id "
        "WHERE n.device_type = $1 AND n.status = 'waiting' "
        "AND ($2::uuid[] IS NULL OR r.organisation_id = ANY($2)) "
        "ORDER BY n.waiting_since, n.id LIMIT 200",
        device_type,
        organisation_ids,
    )
    return [
        NeedChoice(
            id=row["id"],
            household_reference=row["reference"],
            purpose=row["purpose"],
            min_memory_gb=row["min_memory_gb"],
            min_storage_gb=row["min_storage_gb"],
        )
        for row in rows
    ]


async def received_lines(
    connection: asyncpg.Connection | asyncpg.Pool, campaign_id: uuid.UUID
) -> list[ReceivedLine]:
    """The devices of a delivery, with the household each is reserved for (if any)."""
    rows = await connection.fetch(
        "SELECT d.label, d.serial_number, h.reference FROM received_devices d "
        "LEFT JOIN pledges p ON p.id = d.pledge_id LEFT JOIN needs n ON n.id = p.need_id "
        "LEFT JOIN requests r ON r.id = n.request_id "
        "LEFT JOIN households h ON h.id = r.household_id "
        "WHERE d.campaign_id = $1 ORDER BY d.received_at, d.label",
        campaign_id,
    )
    return [
        ReceivedLine(
            label=row["label"],
            serial_number=row["serial_number"],
            household_reference=row["reference"] or "",
        )
        for row in rows
    ]


async def notice_lines(
    connection: asyncpg.Connection | asyncpg.Pool, notices: list[Notice]
) -> list[NoticeLine]:
    """Each notice with the households whose pledge it ended, so a social worker knows whose
    need waits again."""
    lines = []
    for notice in notices:
        ended = ENDED_BY_NOTICE.get(notice.kind)
        households: list[str] = []
        if ended is not None:
            rows = await connection.fetch(
                "SELECT h.reference FROM pledges p JOIN needs n ON n.id = p.need_id "
                "JOIN requests r ON r.id = n.request_id "
                "JOIN households h ON h.id = r.household_id "
                "WHERE p.campaign_id = $1 AND p.organisation_id = $2 AND p.status = $3 "
                "AND p.release_reason <> 'pledge_withdrawn' ORDER BY h.reference",
                notice.campaign_id,
                notice.organisation_id,
                ended,
            )
            households = [row["reference"] for row in rows]
        lines.append(NoticeLine(notice=notice, households=households))
    return lines
