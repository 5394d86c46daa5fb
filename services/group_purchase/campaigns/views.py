"""Campaigns as people read them: progress toward the threshold, the current price tier, each
household's share, the order, and the notices social workers find on their pages."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from services.group_purchase.campaigns import store
from services.group_purchase.campaigns.domain import Supplier
from services.group_purchase.campaigns.order_documents import ContributionLine, OrderDocument
from services.group_purchase.campaigns.pricing import (
    ContributionScale,
    PriceTier,
    band_named,
    contribution,
    next_tier,
    tier_at,
)
from services.group_purchase.campaigns.store import CampaignStore, scale_of
from shared.web import formats
from shared.web.i18n import translator


class Progress(msgspec.Struct, frozen=True, kw_only=True):
    """Where the campaign stands, for every participant to see."""

    pledged: int
    minimum_quantity: int
    maximum_quantity: int
    missing_to_minimum: int
    threshold_reached: bool
    tier: PriceTier | None  # the tier the pledges reach (the first one below the minimum)
    unit_price_cents: int | None
    next_tier: PriceTier | None  # a cheaper tier further on, if any
    pledges_to_next_tier: int | None


class PledgeView(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    need_id: uuid.UUID
    organisation_id: uuid.UUID
    household_reference: str
    band: str
    band_label: str
    status: str
    # the household's share: at the current tier while open, fixed once ordered
    contribution_cents: int
    pledged_at: datetime


class OrderView(msgspec.Struct, frozen=True, kw_only=True):
    number: str
    quantity: int
    unit_price_cents: int
    total_cents: int
    contributions_cents: int
    subsidy_cents: int
    ordered_at: datetime


class CampaignView(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    status: str
    title: str
    device_type: str
    min_memory_gb: int
    min_storage_gb: int
    grade: str
    supplier: Supplier | None
    supplier_offer: str
    tiers: list[PriceTier]
    minimum_quantity: int
    maximum_quantity: int
    expected_quantity: int
    deadline: datetime | None
    deadline_policy: str | None
    extension_days: int
    extended_at: datetime | None
    subsidy_funder: str
    contribution_scale: ContributionScale
    progress: Progress
    pledges: list[PledgeView]  # all of them for coordinators, one's organisation's otherwise
    order: OrderView | None = None
    delivered_quantity: int | None = None
    delivery_discrepancy: str = ""
    cancel_reason: str = ""
    waiting_needs: int = 0  # needs of that type waiting (what a draft was made for)


class CampaignSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    status: str
    title: str
    device_type: str
    deadline: datetime | None
    pledged: int
    minimum_quantity: int
    maximum_quantity: int
    created_at: datetime


class CampaignPage(msgspec.Struct, frozen=True, kw_only=True):
    campaigns: list[CampaignSummary]
    next_after: str | None
    """Pass it as ``after`` for the next page."""


class Notice(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    campaign_id: uuid.UUID
    campaign_title: str
    organisation_id: uuid.UUID
    kind: str
    message: str
    created_at: datetime


def progress_of(tiers: tuple[PriceTier, ...], pledged: int, minimum: int, maximum: int) -> Progress:
    tier = tier_at(tiers, pledged) if tiers else None
    cheaper = next_tier(tiers, pledged) if tiers else None
    return Progress(
        pledged=pledged,
        minimum_quantity=minimum,
        maximum_quantity=maximum,
        missing_to_minimum=max(0, minimum - pledged),
        threshold_reached=pledged >= minimum,
        tier=tier,
        unit_price_cents=None if tier is None else tier.unit_price_cents,
        next_tier=cheaper,
        pledges_to_next_tier=None if cheaper is None else cheaper.min_quantity - pledged,
    )


async def campaign_view(
    connection: asyncpg.Connection | asyncpg.Pool,
    campaign_id: uuid.UUID,
    organisation_ids: list[uuid.UUID] | None,
    language: str = "fr",
) -> CampaignView | None:
    """The campaign; ``organisation_ids`` limits the pledges shown (``None``: all)."""
    row = await connection.fetchrow("SELECT * FROM campaigns WHERE id = $1", campaign_id)
    if row is None:
        return None
    rows = CampaignStore(connection)
    tiers = await rows.tiers_of(campaign_id)
    scale = scale_of(row)
    pledged = await rows.count_live_pledges(campaign_id)
    progress = progress_of(tiers, pledged, row["minimum_quantity"], row["maximum_quantity"])
    order = await rows.order_of(campaign_id)
    supplier = None if row["supplier_id"] is None else await rows.get_supplier(row["supplier_id"])
    waiting = await connection.fetchval(
        "SELECT count(*) FROM needs WHERE device_type = $1 AND status = 'waiting'",
        row["device_type"],
    )
    return CampaignView(
        id=row["id"],
        status=row["status"],
        title=row["title"],
        device_type=row["device_type"],
        min_memory_gb=row["min_memory_gb"],
        min_storage_gb=row["min_storage_gb"],
        grade=row["grade"],
        supplier=supplier,
        supplier_offer=row["supplier_offer"],
        tiers=list(tiers),
        minimum_quantity=row["minimum_quantity"],
        maximum_quantity=row["maximum_quantity"],
        expected_quantity=row["expected_quantity"],
        deadline=row["deadline"],
        deadline_policy=row["deadline_policy"],
        extension_days=row["extension_days"],
        extended_at=row["extended_at"],
        subsidy_funder=row["subsidy_funder"],
        contribution_scale=scale,
        progress=progress,
        pledges=await _pledges(
            connection, campaign_id, organisation_ids, scale, progress, language
        ),
        order=None if order is None else _order(order),
        delivered_quantity=row["delivered_quantity"],
        delivery_discrepancy=row["delivery_discrepancy"],
        cancel_reason=row["cancel_reason"],
        waiting_needs=waiting,
    )


async def _pledges(
    connection: asyncpg.Connection | asyncpg.Pool,
    campaign_id: uuid.UUID,
    organisation_ids: list[uuid.UUID] | None,
    scale: ContributionScale,
    progress: Progress,
    language: str,
) -> list[PledgeView]:
    rows = await connection.fetch(
        "SELECT p.*, h.reference FROM pledges p JOIN needs n ON n.id = p.need_id "
        "JOIN requests r ON r.id = n.request_id JOIN households h ON h.id = r.household_id "
        "WHERE p.campaign_id = $1 AND ($2::uuid[] IS NULL OR p.organisation_id = ANY($2)) "
        "ORDER BY p.pledged_at, p.id",
        campaign_id,
        organisation_ids,
    )
    views = []
    for row in rows:
        band = band_named(scale, row["band"])
        share = row["contribution_cents"]
        if share is None:
            unit = progress.unit_price_cents or 0
            share = contribution(unit, band, scale.step_cents)
        views.append(
            PledgeView(
                id=row["id"],
                need_id=row["need_id"],
                organisation_id=row["organisation_id"],
                household_reference=row["reference"],
                band=band.key,
                band_label=band.label_en if language == "en" else band.label_fr,
                status=row["status"],
                contribution_cents=share,
                pledged_at=row["pledged_at"],
            )
        )
    return views


def _order(row: asyncpg.Record) -> OrderView:
    return OrderView(
        number=row["number"],
        quantity=row["quantity"],
        unit_price_cents=row["unit_price_cents"],
        total_cents=row["total_cents"],
        contributions_cents=row["contributions_cents"],
        subsidy_cents=row["subsidy_cents"],
        ordered_at=row["ordered_at"],
    )


async def list_campaigns(
    connection: asyncpg.Connection | asyncpg.Pool,
    with_drafts: bool,
    status: str | None = None,
    device_type: str | None = None,
    after: tuple[datetime | None, uuid.UUID | None] = (None, None),
    limit: int = 200,
) -> list[CampaignSummary]:
    """Campaigns in ``status``, of ``device_type``, the newest first: ``after`` a creation
    time and id, ``limit`` at most."""
    rows = await connection.fetch(
        "SELECT c.*, (SELECT count(*) FROM pledges p JOIN needs n ON n.id = p.need_id "
        f"  WHERE p.campaign_id = c.id AND {store.LIVE_PLEDGE}) AS pledged "
        "FROM campaigns c WHERE ($1 OR c.status <> 'draft') "
        "AND ($2::text IS NULL OR c.status = $2) AND ($3::text IS NULL OR c.device_type = $3) "
        "AND ($4::timestamptz IS NULL OR (c.created_at, c.id) < ($4, $5::uuid)) "
        "ORDER BY c.created_at DESC, c.id DESC LIMIT $6",
        with_drafts,
        status,
        device_type,
        *after,
        limit,
    )
    return [
        CampaignSummary(
            id=row["id"],
            status=row["status"],
            title=row["title"],
            device_type=row["device_type"],
            deadline=row["deadline"],
            pledged=row["pledged"],
            minimum_quantity=row["minimum_quantity"],
            maximum_quantity=row["maximum_quantity"],
            created_at=row["created_at"],
        )
        for row in rows
    ]


async def notices_for(
    connection: asyncpg.Connection | asyncpg.Pool,
    organisation_ids: list[uuid.UUID] | None,
    language: str = "fr",
    limit: int = 100,
) -> list[Notice]:
    """What happened to the campaigns these organisations pledged to, the newest first."""
    rows = await connection.fetch(
        "SELECT x.*, c.title, c.device_type FROM campaign_notices x "
        "JOIN campaigns c ON c.id = x.campaign_id "
        "WHERE ($1::uuid[] IS NULL OR x.organisation_id = ANY($1)) "
        "ORDER BY x.created_at DESC, x.id DESC LIMIT $2",
        organisation_ids,
        limit,
    )
    return [
        Notice(
            id=row["id"],
            campaign_id=row["campaign_id"],
            campaign_title=row["title"],
            organisation_id=row["organisation_id"],
            kind=row["kind"],
            message=notice_text(row["kind"], row["details"], language),
            created_at=row["created_at"],
        )
        for row in rows
    ]


# the value each notice counts, so that its text agrees with the number
_COUNTED = {"cancelled": "pledged", "ordered": "quantity", "unserved": "needs"}


def notice_text(kind: str, details: dict[str, Any], language: str = "fr") -> str:
    """What a campaign's notice tells the organisations, in ``language``."""
    t = translator(language)
    values = dict(details)
    if "deadline" in values:
        deadline = datetime.fromisoformat(str(values["deadline"]))
        values["deadline"] = formats.day(deadline, language=t.language)
    if "unit_price_cents" in values:
        values["unit_price"] = formats.money(values["unit_price_cents"], language=t.language)
    if "reason" in values:
        why = f"campaigns.notice.why.{values['reason']}"
        values["why"] = t(why) if t.has(why) else str(values["reason"]).replace("_", " ")
    key = f"campaigns.notice.{kind}"
    if not t.has(key):
        return kind
    try:
        if kind in _COUNTED:
            return t.plural(key, f"{key}.plural", int(values[_COUNTED[kind]]), **values)
        return t(key, **values)
    except (KeyError, TypeError, ValueError):
        return kind  # a notice missing its values: its kind rather than a failure


async def order_document(
    connection: asyncpg.Connection | asyncpg.Pool, campaign_id: uuid.UUID
) -> OrderDocument | None:
    """The purchase order of an ordered campaign (``None`` before it is ordered)."""
    row = await connection.fetchrow(
        "SELECT o.*, c.title, c.device_type, c.min_memory_gb, c.min_storage_gb, c.grade, "
        "c.supplier_offer, c.subsidy_funder, c.contribution_scale, s.name AS supplier_name, "
        "s.contact AS supplier_contact, s.terms AS supplier_terms "
        "FROM purchase_orders o JOIN campaigns c ON c.id = o.campaign_id "
        "JOIN suppliers s ON s.id = c.supplier_id WHERE o.campaign_id = $1",
        campaign_id,
    )
    if row is None:
        return None
    scale = scale_of(row)
    bands = await connection.fetch(
        "SELECT band, contribution_cents, count(*) AS households FROM pledges "
        "WHERE campaign_id = $1 AND contribution_cents IS NOT NULL "
        "GROUP BY band, contribution_cents ORDER BY contribution_cents, band",
        campaign_id,
    )
    return OrderDocument(
        number=row["number"],
        ordered_at=row["ordered_at"],
        supplier_name=row["supplier_name"],
        supplier_contact=row["supplier_contact"],
        supplier_terms=row["supplier_terms"],
        supplier_offer=row["supplier_offer"],
        campaign_title=row["title"],
        item=item_words(row),
        quantity=row["quantity"],
        tier_min_quantity=row["tier_min_quantity"],
        tier_max_quantity=row["tier_max_quantity"],
        unit_price_cents=row["unit_price_cents"],
        total_cents=row["total_cents"],
        contributions_cents=row["contributions_cents"],
        subsidy_cents=row["subsidy_cents"],
        subsidy_funder=row["subsidy_funder"],
        contributions=[
            ContributionLine(
                band=line["band"],
                band_label=band_named(scale, line["band"]).label_fr,
                households=line["households"],
                contribution_cents=line["contribution_cents"],
            )
            for line in bands
        ],
    )


def item_words(row: asyncpg.Record) -> str:
    specs = [row["device_type"]]
    if row["min_memory_gb"]:
        specs.append(f"{row['min_memory_gb']} GB RAM min.")
    if row["min_storage_gb"]:
        specs.append(f"{row['min_storage_gb']} GB storage min.")
    specs.append(f"grade {row['grade']}")
    return ", ".join(specs)
