"""JSON API of inventory."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter

from services.inventory import store
from services.inventory.lifecycle.domain import Device, State
from services.inventory.register import oversight
from services.inventory.register.oversight import (
    DeviceFilter,
    DevicePage,
    FlowStage,
    RejectedTransition,
)
from shared.auth import COORDINATION, ROLES
from shared.errors import NotFound
from shared.labels import format_code, parse_code
from shared.listing import PAGE_LIMIT, After, Limit, read_filters
from shared.web.app import Runtime
from shared.web.security import allow

OVERSEERS = COORDINATION
STATES = [state.value for state in State]


class DeviceController(Controller):
    path = "/api/v1/devices"
    tags = ["devices"]

    @get("/", opt=allow(*OVERSEERS))
    async def search_devices(
        self,
        runtime: NamedDependency[Runtime],
        state_sent: Annotated[str | None, QueryParameter(name="state", enum=STATES)] = None,
        device_type: FromQuery[str | None] = None,
        grade: FromQuery[str | None] = None,
        place: FromQuery[str | None] = None,
        commune: FromQuery[str | None] = None,
        stuck_days: Annotated[int | None, QueryParameter(ge=1, le=3650)] = None,
        after: After = None,
        limit: Limit = PAGE_LIMIT,
    ) -> DevicePage:
        """Devices by state, type, grade, place, commune of their place, and those stuck in
        their state for more than ``stuck_days``; longest waiting first, 100 a page
        (``next_after`` for the next)."""
        where = read_filters(
            DeviceFilter, state=state_sent, device_type=device_type, grade=grade, place=place,
            commune=commune, stuck_days=stuck_days,
        )  # fmt: skip
        return await oversight.search_devices(runtime.pool, where, after, limit)

    @get("/{code:str}", opt=allow(*ROLES))
    async def get_device(self, code: FromPath[str], runtime: NamedDependency[Runtime]) -> Device:
        """A device by its label (URL, bare code, any case, dashes or not), with its history."""
        label = parse_code(code)
        device = await store.device_by_label(runtime.pool, label)
        if device is None:
            raise NotFound(
                f"No device carries the label {format_code(label)} yet.",
                code="device.not_registered",
                label=format_code(label),
            )
        return device


class OversightController(Controller):
    path = "/api/v1"
    tags = ["oversight"]

    @get("/flow", opt=allow(*OVERSEERS))
    async def get_flow(self, runtime: NamedDependency[Runtime]) -> list[FlowStage]:
        """The flow as a funnel: devices at each stage and how long they stay there."""
        return await oversight.flow(runtime.pool)

    @get("/rejected-transitions", opt=allow(*OVERSEERS))
    async def list_rejected_transitions(
        self, runtime: NamedDependency[Runtime]
    ) -> list[RejectedTransition]:
        """Facts the lifecycle refused (never half-applied), newest first, with the reason."""
        return await oversight.rejected_transitions(runtime.pool)


ROUTES = [DeviceController, OversightController]
