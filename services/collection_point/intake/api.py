"""JSON API of the collection point."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from services.collection_point import roles, units
from services.collection_point.domain import Intake, IntakeCreate, point_scope
from services.collection_point.donors import retention as donor_retention
from services.collection_point.intake import bulk_handlers, donation_receipt, handlers
from services.collection_point.store import IntakeStore
from shared.auth import Principal
from shared.errors import DomainError, NotFound
from shared.idempotency import fingerprint
from shared.listing import read_filters
from shared.web.app import Runtime
from shared.web.i18n import api_language_of
from shared.web.replays import IdempotencyKey, replayable, request_fingerprint
from shared.web.security import allow

COUNTER_ROLES = roles.COUNTER


# What the counter sends for a laptop a donor brought (shown in the API description).
INTAKE_EXAMPLE = {
    "label": "K7Q2-M9XB-A",
    "device_type": "laptop",
    "collection_point_id": "bcbe0fb2-b7fd-5078-9eae-36298d32c08c",
    "acknowledgements": {"data_erasure": True, "recycling": True, "stickers_removed": True},
    "brand": "Lenovo",
    "model": "ThinkPad T480",
    "condition": "good",
    "accessories": ["charger"],
    "weight_kg": 1.6,
}


class IntakeController(Controller):
    path = "/api/v1/intakes"
    tags = ["intakes"]

    @post(
        "/",
        opt={**allow(*COUNTER_ROLES), "example": INTAKE_EXAMPLE, "returns": Intake},
        status_code=201,
    )
    async def create_intake(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[IntakeCreate],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[bytes]:
        """Register a donated device: scan or type its label. The donor's three
        acknowledgements are required (``"acknowledgements": {"data_erasure": true,
        "recycling": true, "stickers_removed": true}``); the device's and the donor's details
        are optional. The donor's ``contact`` stays here: no event carries it. A donor who
        asks for news of the device (``"news": true`` in ``contact``, with an ``email``) gets
        a mail when it is ready for a household and when it found one, in the language of
        ``Accept-Language``. ``Idempotency-Key`` is honoured."""
        answer = await handlers.receive_device(
            units.intake(runtime),
            principal,
            data,
            idempotency_key,
            await request_fingerprint(request, principal),
            language=api_language_of(request),
        )
        return replayable(answer)

    @get("/{intake_id:uuid}", opt=allow(*COUNTER_ROLES))
    async def get_intake(
        self,
        intake_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Intake:
        intake = await IntakeStore(runtime.pool).get_intake(intake_id)
        if intake is None or not principal.may_reach(point_scope(intake.collection_point_id)):
            raise NotFound(
                f"No intake {intake_id} at your collection points.", code="counter.intake_not_found"
            )
        return intake

    @delete("/{intake_id:uuid}/contact", opt=allow(*COUNTER_ROLES), status_code=204)
    async def forget_contact(
        self,
        intake_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        """Erase the donor's contact (name, e-mail, phone, news) as the donor asks: no more
        news reach them, the address is blanked on the mails they were sent, the erasure is
        audited; the donation stays. Answers 204 whether a contact was left or not."""
        await donor_retention.forget_on_request(units.donors(runtime), principal, intake_id)


class BulkIntakeController(Controller):
    path = "/api/v1/collection-points/{place_id:uuid}/bulk-intakes"
    tags = ["intakes"]

    @post(
        "/", opt={**allow(*COUNTER_ROLES), "returns": bulk_handlers.BulkImported}, status_code=201
    )
    async def import_intakes(
        self,
        request: Request[Any, Any, Any],
        place_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        idempotency_key: IdempotencyKey = None,
        donor: Annotated[str, QueryParameter(max_length=80)] = "",
    ) -> Response[bytes]:
        """A corporate donation from a CSV file (columns ``label`` and ``device_type``, and
        optionally ``brand``, ``model``, ``serial_number``; comma or semicolon separated):
        every row checked, every problem reported with its line, nothing imported unless all
        rows are valid. The donation agreement the company signed stands for the donor's
        acknowledgements. ``donor`` (the company's name) makes a donation receipt possible."""
        raw = await request.body()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DomainError(
                "The file must be CSV text encoded in UTF-8.", code="bulk.not_utf8"
            ) from error
        answer = await bulk_handlers.receive_file(
            units.intake(runtime),
            principal,
            place_id,
            text,
            idempotency_key,
            fingerprint(principal.sub, raw, donor),
            donor_reference=donor,
        )
        return replayable(answer)


class DonationReceiptController(Controller):
    path = "/api/v1/collection-points/{place_id:uuid}/donation-receipts.pdf"
    tags = ["intakes"]

    @get("/", opt=allow(*COUNTER_ROLES), media_type="application/pdf")
    async def print_donation_receipt(
        self,
        place_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        donor: Annotated[str, QueryParameter(max_length=80)] = "",
        day_sent: Annotated[str | None, QueryParameter(name="date", max_length=10)] = None,
    ) -> Response[bytes]:
        """The receipt of the devices an organisation (its donor reference, as typed at the
        counter) gave at this point on one day (``date``, YYYY-MM-DD), with the promise of
        certified erasure."""
        day = read_filters(donation_receipt.ReceiptDay, date=day_sent).date
        receipt = await donation_receipt.receipt_for(runtime.pool, principal, place_id, donor, day)
        return Response(
            donation_receipt.render_receipt(receipt),
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="recu-de-don-{receipt.day}.pdf"',
                "Cache-Control": "no-store",
            },
        )


ROUTES = [IntakeController, BulkIntakeController, DonationReceiptController]
