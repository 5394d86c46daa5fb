"""Rows of suppliers, campaigns, tiers, pledges, orders, received devices and notices."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from services.group_purchase.campaigns.domain import (
    Campaign,
    CampaignCreate,
    CampaignStatus,
    Supplier,
    SupplierCreate,
)
from services.group_purchase.campaigns.pricing import ContributionScale, PriceTier, Quote
from shared.db import Executor
from shared.events import uuid7

# the steps a campaign takes, and the column that records when
_STEP_COLUMNS = {
    CampaignStatus.OPEN: "opened_at",
    CampaignStatus.ORDERED: "ordered_at",
    CampaignStatus.RECEIVED: "received_at",
    CampaignStatus.CLOSED: "closed_at",
    CampaignStatus.CANCELLED: "cancelled_at",
}
# a pledge still counts while both it and its need say so (a need cancelled meanwhile does not)
LIVE_PLEDGE = "p.status = 'pledged' AND n.status = 'pledged'"


# --- suppliers


async def insert_supplier(
    connection: Executor, supplier_id: uuid.UUID, command: SupplierCreate
) -> bool:
    """False when a supplier of that name exists already."""
    inserted = await connection.fetchval(
        "INSERT INTO suppliers (id, name, kind, contact, email, phone, terms) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING true",
        supplier_id,
        command.name,
        command.kind,
        command.contact,
        command.email,
        command.phone,
        command.terms,
    )
    return bool(inserted)


async def update_supplier(
    connection: Executor, supplier_id: uuid.UUID, command: SupplierCreate
) -> bool:
    done = await connection.execute(
        "UPDATE suppliers SET name = $2, kind = $3, contact = $4, email = $5, phone = $6, "
        "terms = $7 WHERE id = $1",
        supplier_id,
        command.name,
        command.kind,
        command.contact,
        command.email,
        command.phone,
        command.terms,
    )
    return bool(done != "UPDATE 0")


def _supplier(row: asyncpg.Record) -> Supplier:
    return Supplier(**{field: row[field] for field in Supplier.__struct_fields__})


async def get_supplier(connection: Executor, supplier_id: uuid.UUID) -> Supplier | None:
    row = await connection.fetchrow("SELECT * FROM suppliers WHERE id = $1", supplier_id)
    return None if row is None else _supplier(row)


async def list_suppliers(connection: Executor) -> list[Supplier]:
    rows = await connection.fetch("SELECT * FROM suppliers ORDER BY lower(name)")
    return [_supplier(row) for row in rows]


# --- campaigns


async def insert_campaign(
    connection: asyncpg.Connection,
    campaign_id: uuid.UUID,
    command: CampaignCreate,
    scale: ContributionScale,
    created_by: str,
    expected_quantity: int = 0,
) -> None:
    await connection.execute(
        "INSERT INTO campaigns (id, device_type, contribution_scale, created_by, "
        "expected_quantity) VALUES ($1, $2, $3, $4, $5)",
        campaign_id,
        command.device_type,
        msgspec.to_builtins(scale),
        created_by,
        expected_quantity,
    )
    await update_campaign(connection, campaign_id, command, scale)


async def update_campaign(
    connection: asyncpg.Connection,
    campaign_id: uuid.UUID,
    command: CampaignCreate,
    scale: ContributionScale,
) -> None:
    """Replace a draft's content, tiers included."""
    await connection.execute(
        "UPDATE campaigns SET title = $2, device_type = $3, min_memory_gb = $4, "
        "min_storage_gb = $5, grade = $6, supplier_id = $7, supplier_offer = $8, "
        "minimum_quantity = $9, maximum_quantity = $10, deadline = $11, extension_days = $12, "
        "contribution_scale = $13, subsidy_funder = $14 WHERE id = $1",
        campaign_id,
        command.title,
        command.device_type,
        command.min_memory_gb,
        command.min_storage_gb,
        command.grade,
        command.supplier_id,
        command.supplier_offer,
        command.minimum_quantity,
        command.maximum_quantity,
        command.deadline,
        command.extension_days,
        msgspec.to_builtins(scale),
        command.subsidy_funder,
    )
    await connection.execute("DELETE FROM price_tiers WHERE campaign_id = $1", campaign_id)
    await connection.executemany(
        "INSERT INTO price_tiers (campaign_id, min_quantity, max_quantity, unit_price_cents) "
        "VALUES ($1, $2, $3, $4)",
        [
            (campaign_id, tier.min_quantity, tier.max_quantity, tier.unit_price_cents)
            for tier in command.tiers
        ],
    )


async def tiers_of(connection: Executor, campaign_id: uuid.UUID) -> tuple[PriceTier, ...]:
    rows = await connection.fetch(
        "SELECT * FROM price_tiers WHERE campaign_id = $1 ORDER BY min_quantity", campaign_id
    )
    return tuple(
        PriceTier(
            min_quantity=row["min_quantity"],
            max_quantity=row["max_quantity"],
            unit_price_cents=row["unit_price_cents"],
        )
        for row in rows
    )


def scale_of(row: asyncpg.Record) -> ContributionScale:
    return msgspec.convert(row["contribution_scale"], ContributionScale)


async def _campaign(connection: Executor, row: asyncpg.Record) -> Campaign:
    return Campaign(
        id=row["id"],
        status=CampaignStatus(row["status"]),
        version=row["version"],
        device_type=row["device_type"],
        min_memory_gb=row["min_memory_gb"],
        min_storage_gb=row["min_storage_gb"],
        grade=row["grade"],
        supplier_id=row["supplier_id"],
        minimum_quantity=row["minimum_quantity"],
        maximum_quantity=row["maximum_quantity"],
        deadline=row["deadline"],
        deadline_policy=row["deadline_policy"],
        extension_days=row["extension_days"],
        extended_at=row["extended_at"],
        tiers=await tiers_of(connection, row["id"]),
        scale=scale_of(row),
    )


async def campaign_for_update(
    connection: asyncpg.Connection, campaign_id: uuid.UUID
) -> Campaign | None:
    """The campaign, locked until commit (pledges and steps of one campaign take turns)."""
    row = await connection.fetchrow("SELECT * FROM campaigns WHERE id = $1 FOR UPDATE", campaign_id)
    return None if row is None else await _campaign(connection, row)


async def due_campaigns(connection: asyncpg.Connection, now: datetime) -> list[Campaign]:
    """Open campaigns whose deadline has passed, locked (another replica skips them)."""
    rows = await connection.fetch(
        "SELECT * FROM campaigns WHERE status = 'open' AND deadline <= $1 "
        "ORDER BY deadline FOR UPDATE SKIP LOCKED",
        now,
    )
    return [await _campaign(connection, row) for row in rows]


async def advance(
    connection: asyncpg.Connection,
    campaign_id: uuid.UUID,
    status: CampaignStatus,
    now: datetime,
    **columns: Any,
) -> int:
    """Move the campaign to ``status`` (stamping when) and return its new version."""
    assignments = [f"{_STEP_COLUMNS[status]} = $3"]
    values = [campaign_id, status.value, now]
    for name, value in columns.items():
        assert name in {
            "deadline_policy",
            "delivered_quantity",
            "delivery_discrepancy",
            "cancel_reason",
        }
        values.append(value)
        assignments.append(f"{name} = ${len(values)}")
    version: int = await connection.fetchval(
        f"UPDATE campaigns SET status = $2, {', '.join(assignments)}, version = version + 1 "
        "WHERE id = $1 RETURNING version",
        *values,
    )
    return version


async def extend(
    connection: asyncpg.Connection, campaign_id: uuid.UUID, deadline: datetime, now: datetime
) -> int:
    version: int = await connection.fetchval(
        "UPDATE campaigns SET deadline = $2, extended_at = $3, version = version + 1 "
        "WHERE id = $1 RETURNING version",
        campaign_id,
        deadline,
        now,
    )
    return version


async def bump_version(connection: asyncpg.Connection, campaign_id: uuid.UUID) -> int:
    version: int = await connection.fetchval(
        "UPDATE campaigns SET version = version + 1 WHERE id = $1 RETURNING version", campaign_id
    )
    return version


# --- pledges


async def live_pledges(connection: Executor, campaign_id: uuid.UUID) -> list[asyncpg.Record]:
    """The pledges that still count, first pledged first, with what serving them needs."""
    rows: list[asyncpg.Record] = await connection.fetch(
        "SELECT p.*, n.device_type, r.household_id, h.reference AS household_reference "
        "FROM pledges p JOIN needs n ON n.id = p.need_id JOIN requests r ON r.id = n.request_id "
        f"JOIN households h ON h.id = r.household_id WHERE p.campaign_id = $1 AND {LIVE_PLEDGE} "
        "ORDER BY p.pledged_at, p.id",
        campaign_id,
    )
    return rows


async def count_live_pledges(connection: Executor, campaign_id: uuid.UUID) -> int:
    count: int = await connection.fetchval(
        f"SELECT count(*) FROM pledges p JOIN needs n ON n.id = p.need_id "
        f"WHERE p.campaign_id = $1 AND {LIVE_PLEDGE}",
        campaign_id,
    )
    return count


async def insert_pledge(
    connection: asyncpg.Connection,
    pledge_id: uuid.UUID,
    campaign_id: uuid.UUID,
    need: asyncpg.Record,
    band: str,
    pledged_by: str,
    now: datetime,
) -> None:
    await connection.execute(
        "INSERT INTO pledges (id, campaign_id, need_id, organisation_id, band, pledged_by, "
        "pledged_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        pledge_id,
        campaign_id,
        need["id"],
        need["organisation_id"],
        band,
        pledged_by,
        now,
    )


async def pledge_for_update(
    connection: asyncpg.Connection, campaign_id: uuid.UUID, pledge_id: uuid.UUID
) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await connection.fetchrow(
        "SELECT * FROM pledges WHERE id = $1 AND campaign_id = $2 FOR UPDATE",
        pledge_id,
        campaign_id,
    )
    return row


async def end_pledges(
    connection: asyncpg.Connection,
    pledge_ids: Sequence[uuid.UUID],
    status: str,
    reason: str,
    now: datetime,
) -> None:
    """Released or unserved: the pledge no longer holds its need, which waits again."""
    await connection.execute(
        "UPDATE pledges SET status = $2, release_reason = $3, released_at = $4 "
        "WHERE id = ANY($1::uuid[])",
        list(pledge_ids),
        status,
        reason,
        now,
    )
    await connection.execute(
        "UPDATE needs SET status = 'waiting', note = $2, updated_at = now() "
        "FROM pledges p WHERE p.id = ANY($1::uuid[]) AND needs.id = p.need_id "
        "AND needs.status = 'pledged'",
        list(pledge_ids),
        reason,
    )


async def drop_stale_pledges(
    connection: asyncpg.Connection, campaign_id: uuid.UUID, now: datetime
) -> None:
    """Pledges whose need was cancelled meanwhile no longer count: they are released."""
    await connection.execute(
        "UPDATE pledges p SET status = 'released', release_reason = 'need_cancelled', "
        "released_at = $2 FROM needs n WHERE n.id = p.need_id AND p.campaign_id = $1 "
        "AND p.status = 'pledged' AND n.status <> 'pledged'",
        campaign_id,
        now,
    )


async def fix_contributions(
    connection: asyncpg.Connection, pledge_ids: Sequence[uuid.UUID], quote: Quote
) -> None:
    await connection.executemany(
        "UPDATE pledges SET contribution_cents = $2 WHERE id = $1",
        list(zip(pledge_ids, quote.contributions, strict=True)),
    )


async def allocate(connection: asyncpg.Connection, pledge_id: uuid.UUID) -> None:
    await connection.execute("UPDATE pledges SET status = 'allocated' WHERE id = $1", pledge_id)


# --- orders and deliveries


async def insert_order(
    connection: asyncpg.Connection,
    campaign_id: uuid.UUID,
    number: str,
    quote: Quote,
    ordered_by: str,
    now: datetime,
) -> None:
    await connection.execute(
        "INSERT INTO purchase_orders (campaign_id, number, quantity, tier_min_quantity, "
        "tier_max_quantity, unit_price_cents, total_cents, contributions_cents, subsidy_cents, "
        "ordered_by, ordered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        campaign_id,
        number,
        quote.quantity,
        quote.tier.min_quantity,
        quote.tier.max_quantity,
        quote.unit_price_cents,
        quote.total_cents,
        quote.contributions_cents,
        quote.subsidy_cents,
        ordered_by,
        now,
    )


async def order_of(connection: Executor, campaign_id: uuid.UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await connection.fetchrow(
        "SELECT * FROM purchase_orders WHERE campaign_id = $1", campaign_id
    )
    return row


async def insert_received_devices(
    connection: asyncpg.Connection, rows: Iterable[tuple[Any, ...]]
) -> None:
    """Rows of (device_id, campaign_id, label, grade, specs, serial_number, pledge_id,
    reservation_id, received_by, received_at)."""
    await connection.executemany(
        "INSERT INTO received_devices (device_id, campaign_id, label, grade, specs, "
        "serial_number, pledge_id, reservation_id, received_by, received_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        list(rows),
    )


async def label_taken(connection: asyncpg.Connection, label: str) -> bool:
    taken = await connection.fetchval(
        "SELECT EXISTS (SELECT 1 FROM received_devices WHERE label = $1) "
        "OR EXISTS (SELECT 1 FROM known_devices WHERE label = $1)",
        label,
    )
    return bool(taken)


# --- notices


async def insert_notices(
    connection: asyncpg.Connection,
    campaign_id: uuid.UUID,
    organisation_ids: Iterable[uuid.UUID],
    kind: str,
    details: dict[str, Any],
    now: datetime,
) -> None:
    await connection.executemany(
        "INSERT INTO campaign_notices (id, campaign_id, organisation_id, kind, details, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        [
            (uuid7(), campaign_id, organisation_id, kind, details, now)
            for organisation_id in sorted(set(organisation_ids))
        ],
    )


async def waiting_needs_of_type(connection: Executor, device_type: str) -> list[asyncpg.Record]:
    """Needs of that type nothing in stock serves, the longest waiting first."""
    rows: list[asyncpg.Record] = await connection.fetch(
        "SELECT n.id, n.min_memory_gb, n.min_storage_gb, n.waiting_since, "
        "h.reference AS household_reference, o.name AS organisation_name "
        "FROM needs n JOIN requests r ON r.id = n.request_id "
        "JOIN households h ON h.id = r.household_id "
        "JOIN organisations o ON o.id = r.organisation_id "
        "WHERE n.device_type = $1 AND n.status = 'waiting' ORDER BY n.waiting_since, n.id",
        device_type,
    )
    return rows


async def delivered_labels(connection: Executor, campaign_id: uuid.UUID) -> list[str]:
    """The label codes given to the campaign's delivered devices, in the order they came."""
    rows = await connection.fetch(
        "SELECT label FROM received_devices WHERE campaign_id = $1 ORDER BY received_at, label",
        campaign_id,
    )
    return [row["label"] for row in rows]
