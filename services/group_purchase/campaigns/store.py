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
from services.group_purchase.notifications.store import tell_about_campaign
from services.group_purchase.requests.domain import NeedStatus
from services.group_purchase.requests.store import HeldNeed, RequestStore
from shared.db import Executor
from shared.events import uuid7
from shared.rows import row_as, rows_as

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


def scale_of(row: asyncpg.Record) -> ContributionScale:
    return msgspec.convert(row["contribution_scale"], ContributionScale)


class LivePledge(msgspec.Struct, frozen=True, kw_only=True):
    """A pledge that still counts, with what serving it needs."""

    id: uuid.UUID
    need_id: uuid.UUID
    organisation_id: uuid.UUID
    band: str
    device_type: str
    household_id: uuid.UUID
    household_reference: str


class HeldPledge(msgspec.Struct, frozen=True, kw_only=True):
    """A pledge locked until commit."""

    id: uuid.UUID
    organisation_id: uuid.UUID
    status: str


class WaitingNeed(msgspec.Struct, frozen=True, kw_only=True):
    """A need of a type nothing in stock serves."""

    id: uuid.UUID
    min_memory_gb: int
    min_storage_gb: int
    waiting_since: datetime
    household_reference: str
    organisation_name: str


class CampaignStore:
    def __init__(self, connection: Executor) -> None:
        self.connection = connection
        self.requests = RequestStore(connection)

    # --- suppliers

    async def insert_supplier(self, supplier_id: uuid.UUID, command: SupplierCreate) -> bool:
        """False when a supplier of that name exists already."""
        inserted = await self.connection.fetchval(
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

    async def update_supplier(self, supplier_id: uuid.UUID, command: SupplierCreate) -> bool:
        done = await self.connection.execute(
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

    async def get_supplier(self, supplier_id: uuid.UUID) -> Supplier | None:
        row = await self.connection.fetchrow("SELECT * FROM suppliers WHERE id = $1", supplier_id)
        return row_as(Supplier, row)

    async def list_suppliers(self) -> list[Supplier]:
        rows = await self.connection.fetch("SELECT * FROM suppliers ORDER BY lower(name)")
        return rows_as(Supplier, rows)

    # --- campaigns

    async def insert_campaign(
        self,
        campaign_id: uuid.UUID,
        command: CampaignCreate,
        scale: ContributionScale,
        created_by: str,
        expected_quantity: int = 0,
    ) -> None:
        await self.connection.execute(
            "INSERT INTO campaigns (id, device_type, contribution_scale, created_by, "
            "expected_quantity) VALUES ($1, $2, $3, $4, $5)",
            campaign_id,
            command.device_type,
            msgspec.to_builtins(scale),
            created_by,
            expected_quantity,
        )
        await self.update_campaign(campaign_id, command, scale)

    async def update_campaign(
        self,
        campaign_id: uuid.UUID,
        command: CampaignCreate,
        scale: ContributionScale,
    ) -> None:
        """Replace a draft's content, tiers included."""
        await self.connection.execute(
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
        await self.connection.execute("DELETE FROM price_tiers WHERE campaign_id = $1", campaign_id)
        await self.connection.executemany(
            "INSERT INTO price_tiers (campaign_id, min_quantity, max_quantity, unit_price_cents) "
            "VALUES ($1, $2, $3, $4)",
            [
                (campaign_id, tier.min_quantity, tier.max_quantity, tier.unit_price_cents)
                for tier in command.tiers
            ],
        )

    async def tiers_of(self, campaign_id: uuid.UUID) -> tuple[PriceTier, ...]:
        rows = await self.connection.fetch(
            "SELECT min_quantity, max_quantity, unit_price_cents FROM price_tiers "
            "WHERE campaign_id = $1 ORDER BY min_quantity",
            campaign_id,
        )
        return tuple(rows_as(PriceTier, rows))

    async def _campaign(self, row: asyncpg.Record) -> Campaign:
        campaign = row_as(
            Campaign,
            {**row, "tiers": await self.tiers_of(row["id"]), "scale": row["contribution_scale"]},
        )
        assert campaign is not None
        return campaign

    async def campaign_for_update(self, campaign_id: uuid.UUID) -> Campaign | None:
        """The campaign, locked until commit (pledges and steps of one campaign take turns)."""
        row = await self.connection.fetchrow(
            "SELECT * FROM campaigns WHERE id = $1 FOR UPDATE", campaign_id
        )
        return None if row is None else await self._campaign(row)

    async def due_campaigns(self, now: datetime) -> list[Campaign]:
        """Open campaigns whose deadline has passed, locked (another replica skips them)."""
        rows = await self.connection.fetch(
            "SELECT * FROM campaigns WHERE status = 'open' AND deadline <= $1 "
            "ORDER BY deadline FOR UPDATE SKIP LOCKED",
            now,
        )
        return [await self._campaign(row) for row in rows]

    async def advance(
        self,
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
        version: int = await self.connection.fetchval(
            f"UPDATE campaigns SET status = $2, {', '.join(assignments)}, version = version + 1 "
            "WHERE id = $1 RETURNING version",
            *values,
        )
        return version

    async def extend(self, campaign_id: uuid.UUID, deadline: datetime, now: datetime) -> int:
        version: int = await self.connection.fetchval(
            "UPDATE campaigns SET deadline = $2, extended_at = $3, version = version + 1 "
            "WHERE id = $1 RETURNING version",
            campaign_id,
            deadline,
            now,
        )
        return version

    async def bump_version(self, campaign_id: uuid.UUID) -> int:
        version: int = await self.connection.fetchval(
            "UPDATE campaigns SET version = version + 1 WHERE id = $1 RETURNING version",
            campaign_id,
        )
        return version

    # --- pledges

    async def live_pledges(self, campaign_id: uuid.UUID) -> list[LivePledge]:
        """The pledges that still count, first pledged first, with what serving them needs."""
        rows = await self.connection.fetch(
            "SELECT p.*, n.device_type, r.household_id, h.reference AS household_reference "
            "FROM pledges p JOIN needs n ON n.id = p.need_id "
            "JOIN requests r ON r.id = n.request_id "
            "JOIN households h ON h.id = r.household_id "
            f"WHERE p.campaign_id = $1 AND {LIVE_PLEDGE} ORDER BY p.pledged_at, p.id",
            campaign_id,
        )
        return rows_as(LivePledge, rows)

    async def count_live_pledges(self, campaign_id: uuid.UUID) -> int:
        count: int = await self.connection.fetchval(
            f"SELECT count(*) FROM pledges p JOIN needs n ON n.id = p.need_id "
            f"WHERE p.campaign_id = $1 AND {LIVE_PLEDGE}",
            campaign_id,
        )
        return count

    async def insert_pledge(
        self,
        pledge_id: uuid.UUID,
        campaign_id: uuid.UUID,
        need: HeldNeed,
        band: str,
        pledged_by: str,
        now: datetime,
    ) -> bool:
        """False when a live pledge holds the need already (the transaction is then spent:
        the use case refuses)."""
        try:
            await self.connection.execute(
                "INSERT INTO pledges (id, campaign_id, need_id, organisation_id, band, "
                "pledged_by, pledged_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                pledge_id,
                campaign_id,
                need.id,
                need.organisation_id,
                band,
                pledged_by,
                now,
            )
        except asyncpg.UniqueViolationError as error:
            if error.constraint_name != "pledges_one_live_per_need":
                raise
            return False
        return True

    async def pledge_for_update(
        self, campaign_id: uuid.UUID, pledge_id: uuid.UUID
    ) -> HeldPledge | None:
        row = await self.connection.fetchrow(
            "SELECT * FROM pledges WHERE id = $1 AND campaign_id = $2 FOR UPDATE",
            pledge_id,
            campaign_id,
        )
        return row_as(HeldPledge, row)

    async def end_pledges(
        self,
        pledge_ids: Sequence[uuid.UUID],
        status: str,
        reason: str,
        now: datetime,
    ) -> None:
        """Released or unserved: the pledge no longer holds its need, which waits again."""
        await self.connection.execute(
            "UPDATE pledges SET status = $2, release_reason = $3, released_at = $4 "
            "WHERE id = ANY($1::uuid[])",
            list(pledge_ids),
            status,
            reason,
            now,
        )
        await self.connection.execute(
            "UPDATE needs SET status = 'waiting', note = $2, updated_at = now() "
            "FROM pledges p WHERE p.id = ANY($1::uuid[]) AND needs.id = p.need_id "
            "AND needs.status = 'pledged'",
            list(pledge_ids),
            reason,
        )

    async def drop_stale_pledges(self, campaign_id: uuid.UUID, now: datetime) -> None:
        """Pledges whose need was cancelled meanwhile no longer count: they are released."""
        await self.connection.execute(
            "UPDATE pledges p SET status = 'released', release_reason = 'need_cancelled', "
            "released_at = $2 FROM needs n WHERE n.id = p.need_id AND p.campaign_id = $1 "
            "AND p.status = 'pledged' AND n.status <> 'pledged'",
            campaign_id,
            now,
        )

    async def fix_contributions(self, pledge_ids: Sequence[uuid.UUID], quote: Quote) -> None:
        await self.connection.executemany(
            "UPDATE pledges SET contribution_cents = $2 WHERE id = $1",
            list(zip(pledge_ids, quote.contributions, strict=True)),
        )

    async def allocate(
        self,
        pledge: LivePledge,
        attempt_id: uuid.UUID,
        device_id: uuid.UUID,
        label: str,
        by: str,
        now: datetime,
    ) -> None:
        """The pledge is served by this device: a reservation attempt for its need, as for a
        donated device (inventory answers it)."""
        await self.connection.execute(
            "INSERT INTO reservation_attempts (id, need_id, organisation_id, device_id, label, "
            "requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            attempt_id,
            pledge.need_id,
            pledge.organisation_id,
            device_id,
            label,
            by,
            now,
        )
        await self.requests.set_need_status(pledge.need_id, NeedStatus.RESERVING, note="")
        await self.connection.execute(
            "UPDATE pledges SET status = 'allocated' WHERE id = $1", pledge.id
        )

    # --- orders and deliveries

    async def insert_order(
        self,
        campaign_id: uuid.UUID,
        number: str,
        quote: Quote,
        ordered_by: str,
        now: datetime,
    ) -> None:
        await self.connection.execute(
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

    async def ordered_quantity(self, campaign_id: uuid.UUID) -> int:
        """How many devices the campaign's order asks for (none before it is ordered)."""
        quantity = await self.connection.fetchval(
            "SELECT quantity FROM purchase_orders WHERE campaign_id = $1", campaign_id
        )
        return int(quantity or 0)

    async def order_of(self, campaign_id: uuid.UUID) -> asyncpg.Record | None:
        row: asyncpg.Record | None = await self.connection.fetchrow(
            "SELECT * FROM purchase_orders WHERE campaign_id = $1", campaign_id
        )
        return row

    async def insert_received_devices(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Rows of (device_id, campaign_id, label, grade, specs, serial_number, pledge_id,
        reservation_id, received_by, received_at)."""
        await self.connection.executemany(
            "INSERT INTO received_devices (device_id, campaign_id, label, grade, specs, "
            "serial_number, pledge_id, reservation_id, received_by, received_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            list(rows),
        )

    async def label_taken(self, label: str) -> bool:
        taken = await self.connection.fetchval(
            "SELECT EXISTS (SELECT 1 FROM received_devices WHERE label = $1) "
            "OR EXISTS (SELECT 1 FROM known_devices WHERE label = $1)",
            label,
        )
        return bool(taken)

    # --- notices

    async def insert_notices(
        self,
        campaign_id: uuid.UUID,
        organisation_ids: Iterable[uuid.UUID],
        kind: str,
        details: dict[str, Any],
        now: datetime,
    ) -> None:
        """The notice on the organisations' pages, and the news to their social workers."""
        organisation_ids = sorted(set(organisation_ids))
        await self.connection.executemany(
            "INSERT INTO campaign_notices (id, campaign_id, organisation_id, kind, details, "
            "created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            [
                (uuid7(), campaign_id, organisation_id, kind, details, now)
                for organisation_id in organisation_ids
            ],
        )
        await tell_about_campaign(self.connection, campaign_id, organisation_ids, kind, now)

    async def waiting_needs_of_type(self, device_type: str) -> list[WaitingNeed]:
        """Needs of that type nothing in stock serves, the longest waiting first."""
        rows = await self.connection.fetch(
            "SELECT n.id, n.min_memory_gb, n.min_storage_gb, n.waiting_since, "
            "h.reference AS household_reference, o.name AS organisation_name "
            "FROM needs n JOIN requests r ON r.id = n.request_id "
            "JOIN households h ON h.id = r.household_id "
            "JOIN organisations o ON o.id = r.organisation_id "
            "WHERE n.device_type = $1 AND n.status = 'waiting' ORDER BY n.waiting_since, n.id",
            device_type,
        )
        return rows_as(WaitingNeed, rows)

    async def delivered_labels(self, campaign_id: uuid.UUID) -> list[str]:
        """The label codes given to the campaign's delivered devices, in the order they came."""
        rows = await self.connection.fetch(
            "SELECT label FROM received_devices WHERE campaign_id = $1 ORDER BY received_at, label",
            campaign_id,
        )
        return [row["label"] for row in rows]
