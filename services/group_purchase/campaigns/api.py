"""JSON API of group purchases: suppliers, campaigns, pledges, the order and the delivery."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from services.group_purchase import roles, units
from services.group_purchase.campaigns import handlers, receiving, views
from services.group_purchase.campaigns.domain import (
    CampaignCreate,
    CampaignOpening,
    CampaignStatus,
    Delivery,
    DraftFromShortage,
    PledgeCreate,
    Supplier,
    SupplierCreate,
)
from services.group_purchase.campaigns.order_documents import OrderDocument, order_csv, order_pdf
from services.group_purchase.campaigns.store import CampaignStore
from shared.auth import COORDINATION, Principal
from shared.errors import NotFound
from shared.label_sheets import FORMATS, SheetChoice, render_sheets
from shared.listing import (
    PAGE_LIMIT,
    After,
    Limit,
    page_of,
    read_cursor,
    read_filters,
)
from shared.web.app import Runtime
from shared.web.i18n import language_of
from shared.web.security import allow

REQUESTERS = roles.REQUESTERS
AnyRequest = Request[Any, Any, Any]


class Cancellation(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=300)] = "cancelled_by_coordination"


class Received(msgspec.Struct, frozen=True, kw_only=True):
    """The devices registered, with the labels to print and stick on them."""

    campaign: views.CampaignView
    devices: list[receiving.ReceivedDevice]


class SupplierController(Controller):
    path = "/api/v1/suppliers"
    tags = ["group purchases"]

    @post("/", opt=allow(*COORDINATION), status_code=201)
    async def create_supplier(
        self, data: JSONBody[SupplierCreate], runtime: NamedDependency[Runtime]
    ) -> Supplier:
        return await handlers.create_supplier(units.campaigns(runtime), data)

    @get("/", opt=allow(*COORDINATION))
    async def list_suppliers(self, runtime: NamedDependency[Runtime]) -> list[Supplier]:
        return await CampaignStore(runtime.pool).list_suppliers()

    @get("/{supplier_id:uuid}", opt=allow(*COORDINATION))
    async def get_supplier(
        self, supplier_id: FromPath[uuid.UUID], runtime: NamedDependency[Runtime]
    ) -> Supplier:
        supplier = await CampaignStore(runtime.pool).get_supplier(supplier_id)
        if supplier is None:
            raise NotFound(f"No supplier {supplier_id}.", code="campaigns.supplier_unknown")
        return supplier

    @put("/{supplier_id:uuid}", opt=allow(*COORDINATION))
    async def update_supplier(
        self,
        supplier_id: FromPath[uuid.UUID],
        data: JSONBody[SupplierCreate],
        runtime: NamedDependency[Runtime],
    ) -> Supplier:
        return await handlers.update_supplier(units.campaigns(runtime), supplier_id, data)


async def reachable_campaign(
    request: AnyRequest, runtime: Runtime, principal: Principal, campaign_id: uuid.UUID
) -> views.CampaignView:
    """The campaign as the caller may see it: drafts are the coordination's alone, and a social
    worker sees the pledges of their organisation only (progress is for everyone)."""
    view = await views.campaign_view(
        runtime.pool, campaign_id, principal.scoped_ids("organisation"), language_of(request)
    )
    coordination = principal.has_any(COORDINATION)
    if view is None or (view.status == CampaignStatus.DRAFT and not coordination):
        raise NotFound(f"No campaign {campaign_id}.", code="campaigns.campaign_unknown")
    return view


class CampaignController(Controller):
    path = "/api/v1/campaigns"
    tags = ["group purchases"]

    @post("/", opt=allow(*COORDINATION), status_code=201)
    async def create_campaign(
        self,
        request: AnyRequest,
        data: JSONBody[CampaignCreate],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> views.CampaignView:
        """A draft: item, supplier's offer and tiers, quantities, deadline, solidarity scale."""
        campaign_id = await handlers.create_campaign(units.campaigns(runtime), principal, data)
        return await reachable_campaign(request, runtime, principal, campaign_id)

    @post("/drafts", opt=allow(*COORDINATION), status_code=201)
    async def draft_from_shortage(
        self,
        request: AnyRequest,
        data: JSONBody[DraftFromShortage],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> views.CampaignView:
        """A draft for the needs of that type that stock cannot serve (see /shortage)."""
        campaign_id = await handlers.draft_from_shortage(
            units.campaigns(runtime), principal, data.device_type
        )
        return await reachable_campaign(request, runtime, principal, campaign_id)

    @get("/", opt=allow(*REQUESTERS))
    async def list_campaigns(
        self,
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        status: FromQuery[CampaignStatus | None] = None,
        device_type: FromQuery[str | None] = None,
        after: After = None,
        limit: Limit = PAGE_LIMIT,
    ) -> views.CampaignPage:
        """Campaigns by ``status`` and ``device_type``, the newest first (drafts are the
        coordination's alone)."""
        rows = await views.list_campaigns(
            runtime.pool,
            principal.has_any(COORDINATION),
            status,
            device_type,
            read_cursor(after, datetime.fromisoformat),
            limit + 1,
        )
        campaigns, next_after = page_of(
            rows, limit, lambda campaign: (campaign.created_at, campaign.id)
        )
        return views.CampaignPage(campaigns=campaigns, next_after=next_after)

    @get("/notices", opt=allow(*REQUESTERS))
    async def list_notices(
        self,
        request: AnyRequest,
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> list[views.Notice]:
        """What happened to the campaigns one's organisation pledged to (extended, cancelled,
        ordered, received), the newest first."""
        return await views.notices_for(
            runtime.pool, principal.scoped_ids("organisation"), language_of(request)
        )

    @get("/{campaign_id:uuid}", opt=allow(*REQUESTERS))
    async def get_campaign(
        self,
        request: AnyRequest,
        campaign_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> views.CampaignView:
        """Progress toward the threshold and the current price tier, for every participant."""
        return await reachable_campaign(request, runtime, principal, campaign_id)

    @put("/{campaign_id:uuid}", opt=allow(*COORDINATION))
    async def update_campaign(
        self,
        request: AnyRequest,
        campaign_id: FromPath[uuid.UUID],
        data: JSONBody[CampaignCreate],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> views.CampaignView:
        """Replace a draft's content as a whole (tiers are checked before anything is kept)."""
        await handlers.update_campaign(units.campaigns(runtime), campaign_id, data)
        return await reachable_campaign(request, runtime, principal, campaign_id)

    @post("/{campaign_id:uuid}/opening", opt=allow(*COORDINATION), status_code=200)
    async def open_campaign(
        self,
        request: AnyRequest,
        campaign_id: FromPath[uuid.UUID],
        data: JSONBody[CampaignOpening],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> views.CampaignView:
        await handlers.open_campaign(units.campaigns(runtime), campaign_id, data.deadline_policy)
        return await reachable_campaign(request, runtime, principal, campaign_id)

    @post("/{campaign_id:uuid}/pledges", opt=allow(*REQUESTERS), status_code=201)
    async def pledge(
        self,
        request: AnyRequest,
        campaign_id: FromPath[uuid.UUID],
        data: JSONBody[PledgeCreate],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> views.PledgeView:
        """Enrol a waiting need of one's organisation; the answer shows the household's share."""
        pledge_id = await handlers.pledge(
            units.campaigns(runtime), principal, campaign_id, data.need_id
        )
        view = await reachable_campaign(request, runtime, principal, campaign_id)
        return next(p for p in view.pledges if p.id == pledge_id)

    @delete("/{campaign_id:uuid}/pledges/{pledge_id:uuid}", opt=allow(*REQUESTERS), status_code=200)
    async def release_pledge(
        self,
        campaign_id: FromPath[uuid.UUID],
        pledge_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        await handlers.release_pledge(units.campaigns(runtime), principal, campaign_id, pledge_id)

    @post("/{campaign_id:uuid}/order", opt=allow(*COORDINATION), status_code=201)
    async def order_campaign(
        self,
        request: AnyRequest,
        campaign_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> views.CampaignView:
        """Order what is pledged; the purchase order is at ``order.pdf`` and ``order.csv``."""
        await handlers.order_campaign(units.campaigns(runtime), principal, campaign_id)
        return await reachable_campaign(request, runtime, principal, campaign_id)

    @get("/{campaign_id:uuid}/order.pdf", opt=allow(*COORDINATION), media_type="application/pdf")
    async def get_order_pdf(
        self, campaign_id: FromPath[uuid.UUID], runtime: NamedDependency[Runtime]
    ) -> Response[bytes]:
        document = await _order_document(runtime, campaign_id)
        return _download(order_pdf(document), "application/pdf", f"{document.number}.pdf")

    @get("/{campaign_id:uuid}/order.csv", opt=allow(*COORDINATION), media_type="text/csv")
    async def get_order_csv(
        self, campaign_id: FromPath[uuid.UUID], runtime: NamedDependency[Runtime]
    ) -> Response[bytes]:
        document = await _order_document(runtime, campaign_id)
        return _download(order_csv(document), "text/csv", f"{document.number}.csv")

    @get("/{campaign_id:uuid}/labels.pdf", opt=allow(*COORDINATION), media_type="application/pdf")
    async def get_label_sheet(
        self,
        request: AnyRequest,
        campaign_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        sheet_sent: Annotated[str, QueryParameter(name="format", enum=list(FORMATS))] = "L7651",
    ) -> Response[bytes]:
        """The labels of the delivered devices, to print on the chosen sheet or roll."""
        sheet = read_filters(SheetChoice, format=sheet_sent).format
        codes = await CampaignStore(runtime.pool).delivered_labels(campaign_id)
        if not codes:
            raise NotFound(
                f"No device of campaign {campaign_id} has been delivered yet.",
                code="campaigns.nothing_delivered",
            )
        settings = runtime.settings
        public = settings.public_url or settings.inventory_url or str(request.base_url)
        pdf = render_sheets(codes, FORMATS[sheet], public)
        return _download(pdf, "application/pdf", f"etiquettes-{campaign_id}-{sheet}.pdf")

    @post("/{campaign_id:uuid}/delivery", opt=allow(*COORDINATION), status_code=201)
    async def receive_delivery(
        self,
        request: AnyRequest,
        campaign_id: FromPath[uuid.UUID],
        data: JSONBody[Delivery],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Received:
        """Register the delivered devices: each gets a new label (to print) and is reserved for
        a pledged need. A count that differs from the order is refused unless explained."""
        devices = await receiving.receive_delivery(
            units.campaigns(runtime), principal, campaign_id, data
        )
        campaign = await reachable_campaign(request, runtime, principal, campaign_id)
        return Received(campaign=campaign, devices=devices)

    @post("/{campaign_id:uuid}/closure", opt=allow(*COORDINATION), status_code=200)
    async def close_campaign(
        self,
        request: AnyRequest,
        campaign_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> views.CampaignView:
        await handlers.close_campaign(units.campaigns(runtime), campaign_id)
        return await reachable_campaign(request, runtime, principal, campaign_id)

    @post("/{campaign_id:uuid}/cancellation", opt=allow(*COORDINATION), status_code=200)
    async def cancel_campaign(
        self,
        request: AnyRequest,
        campaign_id: FromPath[uuid.UUID],
        data: JSONBody[Cancellation],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> views.CampaignView:
        """Give up a draft or an open campaign: pledges are released, social workers told."""
        await handlers.cancel_campaign(units.campaigns(runtime), campaign_id, data.reason)
        return await reachable_campaign(request, runtime, principal, campaign_id)


async def _order_document(runtime: Runtime, campaign_id: uuid.UUID) -> OrderDocument:
    document = await views.order_document(runtime.pool, campaign_id)
    if document is None:
        raise NotFound(
            f"Campaign {campaign_id} has no purchase order yet.", code="campaigns.no_order"
        )
    return document


def _download(body: bytes, media_type: str, filename: str) -> Response[bytes]:
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


ROUTES = [SupplierController, CampaignController]
