"""JSON API of the collection point."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from services.collection_point import handlers, store
from services.collection_point.domain import Intake, IntakeCreate, point_scope
from shared.auth import Principal
from shared.errors import NotFound
from shared.web.app import Runtime
from shared.web.replays import IdempotencyKey, replayable, request_fingerprint
from shared.web.security import allow

COUNTER_ROLES = ("collector", "coordinator", "admin")


class IntakeController(Controller):
    path = "/api/v1/intakes"
    tags = ["intakes"]

    @post("/", opt=allow(*COUNTER_ROLES), status_code=201)
    async def create_intake(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[IntakeCreate],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[bytes]:
        """Register a donated device: scan or type its label. ``Idempotency-Key`` is honoured."""
        answer = await handlers.receive_device(
            runtime.pool,
            principal,
            data,
            idempotency_key,
            await request_fingerprint(request, principal),
        )
        runtime.relay.wake()
        return replayable(answer)

    @get("/{intake_id:uuid}", opt=allow(*COUNTER_ROLES))
    async def get_intake(
        self,
        intake_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Intake:
        intake = await store.get_intake(runtime.pool, intake_id)
        if intake is None or not principal.may_reach(point_scope(intake.collection_point_id)):
            raise NotFound(f"No intake {intake_id} at your collection points.")
        return intake


ROUTES = [IntakeController]
