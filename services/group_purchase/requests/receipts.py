"""The hand-over receipt of a need, as a PDF the family takes home (printable again later)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response

from services.group_purchase.requests import handlers
from services.group_purchase.requests.receipt_pdf import HandOverReceipt, render_receipt
from shared.auth import Principal
from shared.errors import NotFound
from shared.web.app import Runtime
from shared.web.i18n import language_of


def receipt_path(need_id: uuid.UUID) -> str:
    return f"/api/v1/needs/{need_id}/receipt.pdf"


def passport_url(request: Request[Any, Any, Any], runtime: Runtime, label: str) -> str:
    settings = runtime.settings
    base = settings.inventory_url or settings.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/d/{label}"


async def receipt_response(
    request: Request[Any, Any, Any], runtime: Runtime, principal: Principal, need_id: uuid.UUID
) -> Response[bytes]:
    row = await runtime.pool.fetchrow(
        "SELECT a.label, a.handed_over_at, a.handed_over_at_place, n.device_type, "
        "r.organisation_id, o.name, o.contact, h.reference, d.make_model, d.grade "
        "FROM reservation_attempts a JOIN needs n ON n.id = a.need_id "
        "JOIN requests r ON r.id = n.request_id JOIN organisations o ON o.id = r.organisation_id "
        "JOIN households h ON h.id = r.household_id "
        "LEFT JOIN known_devices d ON d.device_id = a.device_id "
        "WHERE a.need_id = $1 AND a.handed_over_at IS NOT NULL "
        "ORDER BY a.handed_over_at DESC LIMIT 1",
        need_id,
    )
    if row is None:
        raise NotFound(
            f"No device handed over for need {need_id}: no receipt yet.",
            code="requests.no_receipt",
        )
    handlers.check_reaches(principal, row["organisation_id"], "requests.need_unknown")
    receipt = HandOverReceipt(
        household_reference=row["reference"],
        label=row["label"],
        device_type=row["device_type"],
        make_model=row["make_model"] or "",
        grade=row["grade"] or "C",
        handed_over_at=row["handed_over_at"],
        handed_over_at_place=row["handed_over_at_place"],
        organisation_name=row["name"],
        organisation_contact=row["contact"],
        passport_url=passport_url(request, runtime, row["label"]),
        language=language_of(request),
    )
    return Response(
        render_receipt(receipt),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="recu-{row["reference"]}.pdf"',
            "Cache-Control": "no-store",
        },
    )
